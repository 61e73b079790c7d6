import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NFE_SAMPLES_DIR as SAMPLES } from '../support/fixture-files.js';
import { writeZip } from '../support/hostile-zip.js';

// The commands of the README, run as a user runs them: the compiled CLI in child processes.
const CLI = path.resolve('dist/src/cli.js');

interface Started {
  child: ChildProcess;
  output: () => string;
  url: string;
}

function env(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', ...extra };
  delete e.ADMIN_TOKEN;
  delete e.DATABASE_URL;
  return e;
}

function serve(dataDir: string, extra: Record<string, string> = {}): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve'], { env: env(dataDir, extra) });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), 90_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      // The banner ends with the curl line: wait for all of it.
      const m = /listening on (http:\/\/\S+)[\s\S]*(Operator API token[^\n]*\n)/.exec(out);
      if (m && (!/Demo seller/.test(out) || /x-amz-access-token/.test(out))) {
        clearTimeout(timer);
        resolve({ child, output: () => out, url: m[1] as string });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`serve exited ${code}:\n${out}`)));
  });
}

function stop(s: Started): Promise<number | null> {
  s.child.removeAllListeners('exit');
  return new Promise((resolve) => {
    s.child.once('exit', (code) => resolve(code));
    s.child.kill('SIGTERM');
  });
}

function field(out: string, name: string): string {
  return new RegExp(`${name}\\s+(\\S+)`).exec(out)?.[1] ?? '';
}

describe.skipIf(Boolean(process.env.TEST_DATABASE_URL))(
  'the invoicehub command line (embedded store)',
  // Each test runs many child processes, each a cold Node start: minutes on a loaded machine.
  { timeout: 240_000 },
  () => {
    let dataDir: string;

    beforeAll(() => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'invoicehub-cli-'));
    });
    afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

    it('serve seeds the demo, prints working credentials, survives a restart and shuts down cleanly', async () => {
      const first = await serve(dataDir);
      const out = first.output();
      expect(out).toMatch(/Seeded the demo marketplace: \d+ invoices/);
      const adminToken = /Operator API token \(generated, kept in [^)]+\): (\S+)/.exec(out)?.[1];
      expect(adminToken).toMatch(/^ih_admin_/);
      const creds = {
        client_id: field(out, 'clientId'),
        client_secret: field(out, 'clientSecret'),
        refresh_token: field(out, 'refreshToken'),
      };
      expect(creds.refresh_token).toMatch(/^Atzr\|/);

      // The printed curl line, as fetch: a token with a form body, then the last 24 hours of invoices.
      const form = `grant_type=refresh_token&client_id=${creds.client_id}&client_secret=${creds.client_secret}&refresh_token=${encodeURIComponent(creds.refresh_token)}`;
      const tokenRes = await fetch(`${first.url}/auth/o2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
      });
      const { access_token } = (await tokenRes.json()) as { access_token: string };
      expect(access_token).toMatch(/^Atza\|/);
      const list = await fetch(
        `${first.url}/tax/invoices/2024-06-19/invoices?marketplaceId=A2Q3Y263D00KWC&pageSize=5`,
        {
          headers: { 'x-amz-access-token': access_token },
        },
      );
      expect(list.status).toBe(200);
      expect(((await list.json()) as { invoices: unknown[] }).invoices.length).toBeGreaterThan(0);
      // The printed Kaufland lines, run by bash as a user pastes them (openssl signs, curl sends).
      const kaufland = /Try Kaufland[^\n]*\n((?: {2}.*\n){3})/.exec(out)?.[1] ?? '';
      const signed = spawnSync('bash', ['-c', kaufland], { encoding: 'utf8' });
      expect(signed.status, signed.stderr).toBe(0);
      const listed = JSON.parse(signed.stdout) as {
        data: { id_order: string; is_marketplace_deemed_supplier: boolean }[];
      };
      expect(listed.data.map((i) => i.id_order).sort()).toEqual(['MB7UWLD', 'MQ3ZK8T', 'MXE5BY1']);
      expect(listed.data.filter((i) => i.is_marketplace_deemed_supplier)).toHaveLength(1);
      // The README's Kaufland snippet, pasted with the printed credentials, from an empty folder.
      const readme = fs.readFileSync('README.md', 'utf8');
      const snippet =
        /A signed request against the demo seller[\s\S]*?```bash\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
      const script = snippet
        .replaceAll('http://127.0.0.1:8080', first.url)
        .replace('<clientId>', creds.client_id)
        .replace('<clientSecret>', creds.client_secret);
      const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'invoicehub-readme-'));
      const ran = spawnSync('bash', ['-euc', script], { encoding: 'utf8', cwd });
      fs.rmSync(cwd, { recursive: true, force: true });
      expect(ran.status, ran.stderr).toBe(0);
      const [listOut, uploadOut] = ran.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(listOut.pagination.total).toBe(3);
      expect(uploadOut.data).toMatchObject({ id_order: 'MC4HN2R', original_name: 'invoice_MC4HN2R.pdf' });
      // The README's SDK snippet as sdk-demo.mjs, beside the store's data/ folder; it lives under
      // node_modules/.cache so that Node finds the SDK the way a user's project would.
      const sdkJs = /As `sdk-demo\.mjs`[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
      fs.mkdirSync('node_modules/.cache', { recursive: true });
      const sdkDir = fs.mkdtempSync(path.resolve('node_modules/.cache/invoicehub-sdk-'));
      fs.cpSync(path.join(dataDir, 'demo-credentials.json'), path.join(sdkDir, 'data/demo-credentials.json'));
      fs.writeFileSync(
        path.join(sdkDir, 'sdk-demo.mjs'),
        sdkJs.replaceAll('http://127.0.0.1:8080', first.url),
      );
      const sdk = spawnSync(process.execPath, ['sdk-demo.mjs'], { encoding: 'utf8', cwd: sdkDir });
      fs.rmSync(sdkDir, { recursive: true, force: true });
      expect(sdk.status, sdk.stderr).toBe(0);
      const sdkLines = sdk.stdout.trim().split('\n');
      expect(sdkLines).toHaveLength(5);
      for (const l of sdkLines) expect(l).toMatch(/^\S+ AUTHORIZED \d{4}-\d\d-\d\dT/);
      const admin = await fetch(`${first.url}/admin/v1/sellers`, {
        headers: { authorization: `Bearer ${adminToken}` },
      });
      expect(admin.status).toBe(200);
      expect(await stop(first)).toBe(0);
      expect(fs.existsSync(path.join(dataDir, 'invoicehub.lock'))).toBe(false);

      // Second start: same store, same demo seller, nothing seeded twice.
      const second = await serve(dataDir);
      expect(second.output()).not.toMatch(/Seeded/);
      expect(field(second.output(), 'clientId')).toBe(creds.client_id);
      const again = await fetch(
        `${second.url}/tax/invoices/2024-06-19/invoices?marketplaceId=A2Q3Y263D00KWC&pageSize=5`,
        {
          headers: { 'x-amz-access-token': access_token },
        },
      );
      expect(again.status).toBe(200);
      const root = await fetch(`${second.url}/`, { redirect: 'manual' });
      expect([root.status, root.headers.get('location')]).toEqual([302, '/docs']);

      // A start on the busy port fails at once, naming the port, before touching an empty store.
      const busyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'invoicehub-busy-'));
      const port = new URL(second.url).port;
      const busy = spawnSync(process.execPath, [CLI, 'serve'], {
        env: env(busyDir, { PORT: port }),
        encoding: 'utf8',
      });
      expect(busy.status).not.toBe(0);
      expect(busy.stderr).toContain(`127.0.0.1:${port} is already in use`);
      expect(fs.readdirSync(busyDir)).toEqual([]);
      fs.rmSync(busyDir, { recursive: true, force: true });
      expect(await stop(second)).toBe(0);
    });

    it('seller create, ingest and migrate work on the same store while no server runs', () => {
      const run = (...args: string[]) =>
        spawnSync(process.execPath, [CLI, ...args], {
          env: env(dataDir),
          encoding: 'utf8',
          timeout: 120_000,
        });
      for (const [name, cnpj] of [
        ['Alimentos Ltda', '34128745000152'],
        ['Unimake', '06117473000150'],
      ]) {
        const created = run('seller', 'create', '--name', name as string, '--cnpj', cnpj as string);
        expect(created.status, created.stderr).toBe(0);
        expect(JSON.parse(created.stdout)).toMatchObject({
          clientId: expect.stringMatching(/^[0-9a-f]{32}$/),
        });
      }
      const ingested = run('ingest', SAMPLES);
      // Two samples have sellers now; the third (Fornos) has none: exit 1, one failure, named.
      expect(ingested.status).toBe(1);
      const lines = ingested.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { name: string; outcome: string });
      expect(lines.filter((l) => l.outcome === 'created')).toHaveLength(2);
      expect(lines.find((l) => l.outcome === 'failed')?.name).toContain(
        '42211275277525000178550030000276771368212013',
      );
      const migrated = run('migrate');
      expect(migrated.stdout).toContain('up to date');
      const bad = spawnSync(process.execPath, [CLI, 'serve'], {
        env: env(dataDir, { PORT: 'eighty' }),
        encoding: 'utf8',
      });
      expect(bad.status).not.toBe(0);
      expect(bad.stderr).toContain('PORT');
    });

    it('ingest refuses a ZIP bomb through the same checked reader as the server: one failed item', async () => {
      const bombDir = fs.mkdtempSync(path.join(os.tmpdir(), 'invoicehub-bomb-'));
      const bomb = path.join(bombDir, 'bomb.zip');
      await writeZip(
        bomb,
        Array.from({ length: 20 }, (_, i) => ({ name: `n${i}.xml`, zeros: 2 * 1024 * 1024 })),
      );
      const refused = spawnSync(process.execPath, [CLI, 'ingest', bomb], {
        env: env(dataDir),
        encoding: 'utf8',
        timeout: 120_000,
      });
      fs.rmSync(bombDir, { recursive: true, force: true });
      expect(refused.status, refused.stderr).toBe(1);
      expect(JSON.parse(refused.stdout.trim().split('\n').at(-1) as string)).toMatchObject({
        name: bomb,
        outcome: 'failed',
        errors: [{ field: 'zip', message: expect.stringMatching(/\(ARCHIVE_MAX_RATIO\)$/) }],
      });
    });

    it('refuses what it does not understand, and --help describes each command', () => {
      const run = (...args: string[]) =>
        spawnSync(process.execPath, [CLI, ...args], { env: env(dataDir), encoding: 'utf8' });
      const unknown = run('frobnicate');
      expect([unknown.status, unknown.stderr]).toEqual([
        2,
        expect.stringContaining('unknown command "frobnicate"'),
      ]);
      const flag = run('seller', 'create', '--name', 'X', '--cnpj', '34128745000152', '--colour', 'red');
      expect(flag.status).toBe(2);
      expect(flag.stderr).toContain("'--colour'");
      expect(flag.stderr).toContain('usage: invoicehub seller create');
      const stray = run('migrate', 'now');
      expect(stray.status).toBe(2);
      const help = run('ingest', '--help');
      expect(help.status).toBe(0);
      expect(help.stdout).toContain('--admin-token');
      expect(run('--help').stdout).toContain('reset');
      const unconfirmed = run('reset');
      expect(unconfirmed.status).toBe(2);
      expect(unconfirmed.stderr).toContain('--yes');
    });

    it('seller create, ingest and demo work through a running server with --url; reset empties the store', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'invoicehub-cli-url-'));
      const run = (...args: string[]) =>
        spawnSync(process.execPath, [CLI, ...args], { env: env(dir), encoding: 'utf8', timeout: 120_000 });
      const server = await serve(dir);
      try {
        const admin = (p: string) =>
          fetch(`${server.url}${p}`, {
            headers: {
              authorization: `Bearer ${fs.readFileSync(path.join(dir, 'admin-token'), 'utf8').trim()}`,
            },
          }).then((r) => r.json() as Promise<Record<string, { invoices?: number; sellerId?: string }>>);
        // The token comes from DATA_DIR/admin-token, as next to `npm start`.
        const created = run(
          'seller',
          'create',
          '--name',
          'Fornos Ltda',
          '--cnpj',
          '75277525000178',
          '--url',
          server.url,
        );
        expect(created.status, created.stderr).toBe(0);
        const { sellerId } = JSON.parse(created.stdout) as { sellerId: string };
        expect((await admin(`/admin/v1/sellers/${sellerId}`)).seller?.sellerId).toBe(sellerId);

        const ingested = run('ingest', SAMPLES, '--url', server.url);
        const results = ingested.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { outcome: string });
        expect(results.map((r) => r.outcome)).toContain('created');
        expect(ingested.stderr).toMatch(/3\/3 documents, \d+ documents\/s/);
        expect(ingested.stderr).toContain('"summary"');

        const demoSeller = field(server.output(), 'sellerId');
        const before = (await admin(`/admin/v1/sellers/${demoSeller}`)).stats?.invoices ?? 0;
        const more = run('demo', '--invoices', '12', '--url', server.url);
        expect(more.status, more.stderr).toBe(0);
        expect(JSON.parse(more.stdout)).toMatchObject({ sellerId: demoSeller, summary: { invoices: 12 } });
        expect(more.stderr).toMatch(/12\/12 invoices/);
        expect((await admin(`/admin/v1/sellers/${demoSeller}`)).stats?.invoices).toBe(before + 12);
      } finally {
        await stop(server);
      }
      const oldDemo = fs.readFileSync(path.join(dir, 'demo-credentials.json'), 'utf8');
      const reset = run('reset', '--yes');
      expect(reset.status, reset.stderr).toBe(0);
      expect(reset.stderr).toMatch(/emptied \d+ tables and \d+ stored files/);
      expect(JSON.parse(reset.stdout).demoSeller.clientId).toMatch(/^[0-9a-f]{32}$/);
      expect(fs.readFileSync(path.join(dir, 'demo-credentials.json'), 'utf8')).not.toBe(oldDemo);
      // The seller created before the reset is gone: its CNPJ is free again.
      const again = run('seller', 'create', '--name', 'Fornos Ltda', '--cnpj', '75277525000178');
      expect(again.status, again.stderr).toBe(0);
      fs.rmSync(dir, { recursive: true, force: true });
    });
  },
);
