import { randomBytes } from 'node:crypto';
import { hashSecret, makeSellerToken } from '../credentials/secrets.js';
import { ConflictError, InvalidInputError, NotFoundError, UniqueViolationError } from '../errors.js';
import { BRAZIL, MARKETPLACES, STOREFRONTS } from '../marketplaces.js';
import { isValidCnpj, normalizeCnpj } from '../nfe/cnpj.js';
import type { Keyset, Page } from '../paging/keyset.js';
import type { Clock } from '../ports/clock.js';
import type { Ids } from '../ports/ids.js';
import type { SecretBox } from '../ports/secret-box.js';
import type { Store } from '../ports/store.js';
import { CONTROL_CHARS, isUuid } from '../text.js';
import type { CredentialRecord, SellerRecord } from './seller-records.js';
import type { SellersRepository } from './sellers-repository.js';

export interface NewSeller {
  name: string;
  cnpj: string;
  marketplaceIds?: string[] | undefined;
  storefronts?: string[] | undefined;
}

/** Shown once: the secret is stored hashed and sealed, the refresh token as a hash. */
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

export function sellerView(row: SellerRecord): SellerView {
  return {
    sellerId: row.seller_id,
    name: row.name,
    cnpj: row.cnpj,
    marketplaceIds: row.marketplace_ids,
    storefronts: row.storefronts,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

function credentialView(row: CredentialRecord): CredentialView {
  return {
    clientId: row.client_id,
    createdAt: new Date(row.created_at).toISOString(),
    revokedAt: row.revoked_at ? new Date(row.revoked_at).toISOString() : null,
  };
}

export class SellersService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly ids: Ids,
    private readonly keyset: Keyset,
    private readonly secrets: SecretBox,
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
    if (await this.store.sellers.byCnpj(cnpj)) {
      throw new ConflictError(`a seller with CNPJ ${cnpj} already exists`, [
        { field: 'cnpj', message: 'already registered to another seller' },
      ]);
    }
    const sellerId = this.ids.uuid();
    const now = this.clock.now();
    const seller: SellerRecord = {
      seller_id: sellerId,
      name,
      cnpj,
      marketplace_ids: marketplaceIds,
      storefronts,
      created_at: now,
    };
    try {
      return await this.store.transaction(async (tx) => {
        await tx.sellers.insert(seller);
        return this.issueIn(tx.sellers, sellerId, now);
      });
    } catch (err) {
      // Two concurrent creations with one CNPJ: the unique index decides.
      if (err instanceof UniqueViolationError) {
        throw new ConflictError(`a seller with CNPJ ${cnpj} already exists`, [
          { field: 'cnpj', message: 'already registered to another seller' },
        ]);
      }
      throw err;
    }
  }

  async get(sellerId: string): Promise<SellerRecord> {
    const row = isUuid(sellerId) ? await this.store.sellers.byId(sellerId) : undefined;
    if (!row) throw new NotFoundError(`seller ${sellerId} not found`);
    return row;
  }

  /** Every seller, oldest first, `size` at a time; `cursor` (the field `after`) continues a listing. */
  async list(size: number, cursor?: string): Promise<Page<SellerView>> {
    const after = cursor
      ? this.keyset.resume<{ op: string }, { createdAt: string; sellerId: string }>(
          cursor,
          'after',
          (c) => c.op === 'sellers',
        ).after
      : undefined;
    const page = await this.keyset.page({
      size,
      scope: { op: 'sellers' },
      after,
      read: (limit, from) =>
        this.store.sellers.page(
          limit,
          from && { createdAt: new Date(from.createdAt), sellerId: from.sellerId },
        ),
      position: (row) => ({ createdAt: new Date(row.created_at).toISOString(), sellerId: row.seller_id }),
    });
    return { ...page, items: page.items.map(sellerView) };
  }

  /** How many invoices the store holds for the seller (operator statistics, `demo --url`). */
  invoiceCount(sellerId: string): Promise<number> {
    return this.store.invoices.countBySeller(sellerId);
  }

  async credentials(sellerId: string): Promise<CredentialView[]> {
    await this.get(sellerId);
    return (await this.store.sellers.credentialsOf(sellerId)).map(credentialView);
  }

  async issueCredentials(sellerId: string): Promise<IssuedCredentials> {
    await this.get(sellerId);
    return this.issueIn(this.store.sellers, sellerId, this.clock.now());
  }

  async revokeCredentials(sellerId: string, clientId: string): Promise<void> {
    await this.get(sellerId);
    const revoked =
      !CONTROL_CHARS.test(clientId) &&
      (await this.store.transaction((tx) =>
        tx.sellers.revokeCredential(sellerId, clientId, this.clock.now()),
      ));
    if (!revoked) throw new NotFoundError(`no active credentials ${clientId} for seller ${sellerId}`);
    this.onRevoke(clientId);
  }

  private async issueIn(sellers: SellersRepository, sellerId: string, now: Date): Promise<IssuedCredentials> {
    // 32 and 64 hex characters: the same pair serves LWA, Kaufland's HMAC and SellerCenter's Basic auth.
    const clientId = randomBytes(16).toString('hex');
    const clientSecret = randomBytes(32).toString('hex');
    const refreshToken = makeSellerToken('Atzr|', sellerId, randomBytes(32));
    await sellers.insertCredential({
      seller_id: sellerId,
      client_id: clientId,
      secret_hash: hashSecret(clientSecret),
      secret_sealed: this.secrets.seal(clientSecret, clientId),
      refresh_token_hash: hashSecret(refreshToken),
      created_at: now,
      revoked_at: null,
    });
    return { sellerId, clientId, clientSecret, refreshToken };
  }
}
