import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(root, 'dist/src/cli.js');

function newestMtime(dir: string, ext: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p, ext));
    else if (entry.name.endsWith(ext)) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Child processes run the build in dist/ (`node dist/src/cli.js …`). `npm test` builds first; a bare
 * `vitest run` may find dist missing or older than src/, so build then (tsc emits despite type errors
 * elsewhere in the tree, e.g. a colleague's work in progress).
 */
export function ensureCliBuilt(): void {
  const built = fs.existsSync(CLI) ? newestMtime(path.join(root, 'dist/src'), '.js') : 0;
  if (built >= newestMtime(path.join(root, 'src'), '.ts')) return;
  spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], {
    cwd: root,
    stdio: 'ignore',
  });
  if (!fs.existsSync(CLI)) throw new Error('dist/src/cli.js missing after tsc: run npx tsc -p tsconfig.json');
}

export interface CliProcess {
  child: ChildProcess;
  pid: number;
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves with the signal (or exit code) once the process is gone. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The first match of `ready` in the output. */
  ready: RegExpMatchArray;
  alive(): boolean;
  /** SIGKILL, as `kill -9` would, and wait for the process to be gone. */
  kill9(): Promise<void>;
  /** SIGTERM (graceful stop) and wait; SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Every process started here, so a failing test can still kill what it left running. */
const started = new Set<CliProcess>();

/**
 * `node dist/src/cli.js <args>` with exactly `env` (plus PATH/HOME), resolved once `ready` matches its
 * output. The environment is not inherited: the child sees only the variables an operator would set.
 */
export async function startCli(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  timeoutMs = 30_000,
): Promise<CliProcess> {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let gone = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      gone = true;
      resolve({ code, signal });
    }),
  );
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} not ready after ${timeoutMs} ms; output:\n${out}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited (${code ?? signal}) before it was ready; output:\n${out}`));
    });
  });
  const proc: CliProcess = {
    child,
    pid: child.pid as number,
    output: () => out,
    exited,
    ready: match,
    alive: () => !gone,
    kill9: async () => {
      if (!gone) child.kill('SIGKILL');
      await exited;
      started.delete(proc);
    },
    stop: async (graceMs = 15_000) => {
      if (!gone) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      started.delete(proc);
      return result;
    },
  };
  started.add(proc);
  return proc;
}

/** For afterAll: SIGKILL every child still running. */
export async function killAllStarted(): Promise<void> {
  await Promise.all([...started].map((p) => p.kill9()));
}
