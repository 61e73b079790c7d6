import fs from 'node:fs';
import path from 'node:path';

export class CliUsageError extends Error {}

/** A running server's operator API, for the commands that take `--url`. */
export interface OperatorApi {
  call(
    method: string,
    path: string,
    body?: { bytes: Uint8Array | string; type: string },
  ): Promise<{ status: number; body: Record<string, unknown> }>;
}

/**
 * The admin token for `--url`: `--admin-token`, else ADMIN_TOKEN, else the token a local sandbox
 * generated in DATA_DIR (so `--url http://127.0.0.1:8080` just works next to `npm start`).
 */
export function adminTokenFor(flag: unknown, dataDir: string): string {
  if (typeof flag === 'string' && flag) return flag;
  if (process.env.ADMIN_TOKEN) return process.env.ADMIN_TOKEN;
  const file = path.join(dataDir, 'admin-token');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  throw new CliUsageError('--url needs the operator token: --admin-token T, or ADMIN_TOKEN');
}

export function operatorApi(baseUrl: string, token: string): OperatorApi {
  let origin: string;
  try {
    origin = new URL(baseUrl).toString().replace(/\/+$/, '');
  } catch {
    throw new CliUsageError(`--url: "${baseUrl}" is not a URL (e.g. http://127.0.0.1:8080)`);
  }
  return {
    async call(method, apiPath, body) {
      let res: Response;
      try {
        res = await fetch(origin + apiPath, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': body.type } : {}) },
          ...(body ? { body: body.bytes } : {}),
        });
      } catch (err) {
        throw new Error(
          `cannot reach ${origin}: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}`,
        );
      }
      const text = await res.text();
      let parsed: Record<string, unknown> = {};
      try {
        parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        parsed = { detail: text.slice(0, 200) };
      }
      if (res.status === 401)
        throw new Error(`${origin} refused the operator token (401): check --admin-token`);
      return { status: res.status, body: parsed };
    },
  };
}

/** The message of an operator-API problem, with the fields at fault. */
export function problemText(body: Record<string, unknown>): string {
  const errors = Array.isArray(body.errors) ? (body.errors as { field: string; message: string }[]) : [];
  const detail = String(body.detail ?? body.title ?? 'failed');
  return errors.length ? `${detail}: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}` : detail;
}
