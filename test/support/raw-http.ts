import http from 'node:http';
import net from 'node:net';

/** One request through node:http (methods fetch refuses, such as TRACE). */
export function rawHttp(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Bytes written on a plain socket, `parts` one after the other with `gapMs` between them, and
 * everything the server wrote back until it closed the connection (or `waitMs` passed).
 */
export function rawExchange(
  base: string,
  parts: (string | Buffer)[],
  opts: { gapMs?: number; waitMs?: number } = {},
): Promise<{ text: string; closed: boolean; ms: number }> {
  const { port, hostname } = new URL(base);
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    let closed = false;
    let sending: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(sending);
      clearTimeout(limit);
      socket.destroy();
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed, ms: Date.now() - started });
    };
    const limit = setTimeout(finish, opts.waitMs ?? 10_000);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      closed = true;
      finish();
    });
    let i = 0;
    const next = () => {
      if (i >= parts.length || socket.destroyed) return;
      socket.write(parts[i++] as string | Buffer);
      sending = setTimeout(next, opts.gapMs ?? 0);
    };
    socket.on('connect', next);
  });
}
