import { randomBytes } from 'node:crypto';
import type { Clock } from '../../infra/clock.js';
import type { Db } from '../../infra/db/database.js';
import { type CredentialRow, type SellerRow, sellersRepo } from '../../infra/db/repos/sellers-repo.js';
import type { Ids } from '../../infra/ids.js';
import { hashSecret, makeSellerToken } from '../credentials/secrets.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.js';
import { BRAZIL, MARKETPLACES, STOREFRONTS } from '../marketplaces.js';
import { isValidCnpj, normalizeCnpj } from '../nfe/cnpj.js';
import { CONTROL_CHARS, isUuid } from '../text.js';

export interface NewSeller {
  name: string;
  cnpj: string;
  marketplaceIds?: string[] | undefined;
  storefronts?: string[] | undefined;
}

/** Shown once: the secret and the refresh token are stored only as hashes. */
export interface IssuedCredentials {
  sellerId: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

export interface SellerView {
  sellerId: string;
  name: string;
  cnpj: string;
  marketplaceIds: string[];
  storefronts: string[];
  createdAt: string;
}

export interface CredentialView {
  clientId: string;
  createdAt: string;
  revokedAt: string | null;
}

export function sellerView(row: SellerRow): SellerView {
  return {
    sellerId: row.seller_id,
    name: row.name,
    cnpj: row.cnpj,
    marketplaceIds: row.marketplace_ids,
    storefronts: row.storefronts,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

function credentialView(row: CredentialRow): CredentialView {
  return {
    clientId: row.client_id,
    createdAt: new Date(row.created_at).toISOString(),
    revokedAt: row.revoked_at ? new Date(row.revoked_at).toISOString() : null,
  };
}

export class SellersService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: Ids,
    /** Told when credentials are revoked, so cached token lookups go too. */
    private readonly onRevoke: (clientId: string) => void = () => {},
  ) {}

  async create(input: NewSeller): Promise<IssuedCredentials> {
    const problems = [];
    const name = input.name.trim();
    if (name.length === 0 || name.length > 200)
      problems.push({ field: 'name', message: 'must be 1 to 200 characters' });
    else if (CONTROL_CHARS.test(name))
      problems.push({ field: 'name', message: 'must not contain control characters' });
    const cnpj = normalizeCnpj(input.cnpj);
    if (!isValidCnpj(cnpj)) {
      problems.push({
        field: 'cnpj',
        message: `"${input.cnpj}" is not a valid CNPJ (check digits or format)`,
      });
    }
    const marketplaceIds = [...new Set(input.marketplaceIds ?? [BRAZIL])];
    marketplaceIds.forEach((id, i) => {
      if (!MARKETPLACES.has(id)) {
        problems.push({
          field: `marketplaceIds[${i}]`,
          message: `unknown marketplace "${id}" (known: ${[...MARKETPLACES.keys()].join(', ')})`,
        });
      }
    });
    const storefronts = [...new Set(input.storefronts ?? [])];
    storefronts.forEach((s, i) => {
      if (!(STOREFRONTS as readonly string[]).includes(s)) {
        problems.push({
          field: `storefronts[${i}]`,
          message: `unknown storefront "${s}" (known: ${STOREFRONTS.join(', ')})`,
        });
      }
    });
    if (problems.length) throw new InvalidInputError('invalid seller', problems);
    if (await sellersRepo.byCnpj(this.db, cnpj)) {
      throw new ConflictError(`a seller with CNPJ ${cnpj} already exists`, [
        { field: 'cnpj', message: 'already registered to another seller' },
      ]);
    }
    const sellerId = this.ids.uuid();
    const now = this.clock.now();
    const seller: SellerRow = {
      seller_id: sellerId,
      name,
      cnpj,
      marketplace_ids: marketplaceIds,
      storefronts,
      created_at: now,
    };
    try {
      return await this.db.transaction().execute(async (trx) => {
        await sellersRepo.insert(trx, seller);
        return this.issueIn(trx, sellerId, now);
      });
    } catch (err) {
      // Two concurrent creations with one CNPJ: the unique index decides.
      if ((err as { code?: string }).code === '23505') {
        throw new ConflictError(`a seller with CNPJ ${cnpj} already exists`, [
          { field: 'cnpj', message: 'already registered to another seller' },
        ]);
      }
      throw err;
    }
  }

  async get(sellerId: string): Promise<SellerRow> {
    const row = isUuid(sellerId) ? await sellersRepo.byId(this.db, sellerId) : undefined;
    if (!row) throw new NotFoundError(`seller ${sellerId} not found`);
    return row;
  }

  list(limit: number, after?: { createdAt: Date; sellerId: string }) {
    return sellersRepo.page(this.db, limit, after);
  }

  async credentials(sellerId: string): Promise<CredentialView[]> {
    await this.get(sellerId);
    return (await sellersRepo.credentialsOf(this.db, sellerId)).map(credentialView);
  }

  async issueCredentials(sellerId: string): Promise<IssuedCredentials> {
    await this.get(sellerId);
    return this.issueIn(this.db, sellerId, this.clock.now());
  }

  async revokeCredentials(sellerId: string, clientId: string): Promise<void> {
    await this.get(sellerId);
    const revoked =
      !CONTROL_CHARS.test(clientId) &&
      (await sellersRepo.revokeCredential(this.db, sellerId, clientId, this.clock.now()));
    if (!revoked) throw new NotFoundError(`no active credentials ${clientId} for seller ${sellerId}`);
    this.onRevoke(clientId);
  }

  private async issueIn(db: Db, sellerId: string, now: Date): Promise<IssuedCredentials> {
    // 32 and 64 hex characters: the same pair serves LWA, Kaufland's HMAC and SellerCenter's Basic auth.
    const clientId = randomBytes(16).toString('hex');
    const clientSecret = randomBytes(32).toString('hex');
    const refreshToken = makeSellerToken('Atzr|', sellerId, randomBytes(32));
    await sellersRepo.insertCredential(db, {
      seller_id: sellerId,
      client_id: clientId,
      secret_hash: hashSecret(clientSecret),
      refresh_token_hash: hashSecret(refreshToken),
      created_at: now,
      revoked_at: null,
    });
    return { sellerId, clientId, clientSecret, refreshToken };
  }
}
