import { config, withDeps } from './local-deps.js';
import { adminTokenFor, operatorApi, problemText } from './operator-api.js';

export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** `invoicehub seller create`: on this machine's store, or through a running server with --url. */
export async function sellerCreate(values: Values): Promise<number> {
  if (typeof values.name !== 'string' || typeof values.cnpj !== 'string') {
    throw new Error('seller create: --name and --cnpj are required');
  }
  const input = {
    name: values.name,
    cnpj: values.cnpj,
    ...(values.marketplace ? { marketplaceIds: values.marketplace as string[] } : {}),
    ...(values.storefront ? { storefronts: values.storefront as string[] } : {}),
  };
  let issued: unknown;
  if (typeof values.url === 'string') {
    const api = operatorApi(values.url, adminTokenFor(values['admin-token'], config().dataDir));
    const res = await api.call('POST', '/admin/v1/sellers', {
      bytes: JSON.stringify(input),
      type: 'application/json',
    });
    if (res.status !== 201) throw new Error(`seller create: ${res.status} ${problemText(res.body)}`);
    issued = res.body;
  } else {
    issued = await withDeps((deps) => deps.services.sellers.create(input));
  }
  console.log(JSON.stringify(issued, null, 2));
  console.error('The client secret and refresh token are shown once: keep them now.');
  return 0;
}
