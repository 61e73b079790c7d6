/** The operator API of a server at `baseUrl`: JSON bodies as JSON, strings and bytes as they are. */
export function operatorClient(baseUrl: string, adminToken: string) {
  return {
    admin: (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const raw = body instanceof Uint8Array || typeof body === 'string';
      return fetch(baseUrl + path, {
        method,
        headers: {
          authorization: `Bearer ${adminToken}`,
          ...(body !== undefined && !raw ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body === undefined ? {} : { body: raw ? (body as string | Uint8Array) : JSON.stringify(body) }),
      });
    },
  };
}
