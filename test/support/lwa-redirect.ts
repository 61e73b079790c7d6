import http from 'node:http';
import https from 'node:https';

/**
 * Amazon's SDK posts refresh-token grants to https://api.amazon.com/auth/o2/token, hard-coded. As a
 * client redirected at the socket level would, send that host's requests to our server instead:
 * the SDK's own code builds and sends the request, our endpoint answers it.
 */
export function redirectLwaTo(baseUrl: string): () => void {
  const target = new URL(baseUrl);
  const original = https.request;
  const patched = ((...args: Parameters<typeof https.request>) => {
    const [options, cb] = args as unknown as [
      https.RequestOptions,
      ((res: http.IncomingMessage) => void) | undefined,
    ];
    if (
      typeof options === 'object' &&
      !(options instanceof URL) &&
      (options.hostname ?? options.host) === 'api.amazon.com'
    ) {
      const {
        agent: _agent,
        servername: _sn,
        ...rest
      } = options as https.RequestOptions & { servername?: string };
      return http.request(
        {
          ...rest,
          protocol: 'http:',
          hostname: target.hostname,
          host: target.hostname,
          port: Number(target.port),
        },
        cb,
      );
    }
    return (original as (...a: unknown[]) => http.ClientRequest)(...args);
  }) as typeof https.request;
  https.request = patched;
  return () => {
    https.request = original;
  };
}
