import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { ThreadCalls } from '../../src/infra/threads/thread-calls.js';
import { CLI, ensureCliBuilt } from '../support/cli-process.js';

/**
 * Says `{ id: 0 }` once started, then answers `{ id, value }` after `delay` ms, `{ id, error }` for
 * `fail`, and ends its thread with exit code `exit` or an uncaught error for `crash`.
 */
const PROGRAM = `
(async () => {
  const { parentPort } = await import('node:worker_threads');
  parentPort.on('message', ({ id, value, delay, fail, exit, crash }) => {
    if (exit !== undefined) process.exit(exit);
    if (crash) setTimeout(() => { throw new Error(crash); });
    else if (fail) parentPort.postMessage({ id, error: fail });
    else setTimeout(() => parentPort.postMessage({ id, value }), delay ?? 0);
  });
  parentPort.postMessage({ id: 0 });
})();
`;

interface Reply {
  id: number;
  value?: string;
  error?: string;
}

const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.terminate()));
});

function open() {
  const worker = new Worker(PROGRAM, { eval: true });
  workers.push(worker);
  const causes: (Error | number)[] = [];
  const calls = new ThreadCalls<Reply>(worker, {
    failed: (reply) => (reply.error ? new Error(`failed: ${reply.error}`) : undefined),
    stopped: (cause) => {
      causes.push(cause);
      return Object.assign(new Error('the thread is gone'), { code: 'GONE' });
    },
  });
  return { worker, calls, causes };
}

describe('calls to a worker thread', () => {
  it('matches each reply to its call by id, whatever order they come in', async () => {
    const { calls } = open();
    await expect(calls.ready()).resolves.toEqual({ id: 0 });
    const answered: string[] = [];
    const slow = calls.call({ value: 'slow', delay: 200 }).then((r) => answered.push(r.value ?? '?'));
    const fast = calls.call({ value: 'fast', delay: 0 }).then((r) => answered.push(r.value ?? '?'));
    const failed = calls.call({ fail: 'nope' });
    await expect(failed).rejects.toThrow('failed: nope');
    await Promise.all([slow, fast]);
    expect(answered).toEqual(['fast', 'slow']);
  });

  it('rejects pending and later calls with the chosen error when the thread exits', async () => {
    const { calls, causes } = open();
    await calls.ready();
    const pending = [calls.call({ value: 'a', delay: 60_000 }), calls.call({ value: 'b', delay: 60_000 })];
    const exit = calls.call({ exit: 3 });
    for (const call of [...pending, exit]) await expect(call).rejects.toMatchObject({ code: 'GONE' });
    expect(causes).toEqual([3]);
    expect(calls.stopped).toBe(true);
    await expect(calls.call({ value: 'late' })).rejects.toMatchObject({
      code: 'GONE',
    });
  });

  it('rejects pending and later calls with the chosen error when the thread crashes', async () => {
    const { worker, calls, causes } = open();
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    await calls.ready();
    const pending = calls.call({ value: 'a', delay: 60_000 });
    void calls.call({ crash: 'boom' }).catch(() => {});
    await expect(pending).rejects.toMatchObject({ code: 'GONE' });
    await expect(calls.call({ value: 'late' })).rejects.toMatchObject({ code: 'GONE' });
    // The 'exit' that follows the 'error' changes nothing: the first cause is the one reported.
    await exited;
    expect(causes).toHaveLength(1);
    expect(causes[0]).toBeInstanceOf(Error);
    expect((causes[0] as Error).message).toBe('boom');
  });

  it('holds the process open while a call is pending, and not once none is', () => {
    ensureCliBuilt();
    const module = pathToFileURL(path.join(path.dirname(CLI), 'infra/threads/thread-calls.js')).href;
    // Nothing else keeps this process alive: it must wait for the slow reply, then end by itself
    // although neither worker is terminated, the second one never called.
    const program = `const { Worker } = await import('node:worker_threads');
      const { ThreadCalls } = await import(${JSON.stringify(module)});
      const options = { failed: () => undefined, stopped: (cause) => new Error(String(cause)) };
      const calls = new ThreadCalls(new Worker(${JSON.stringify(PROGRAM)}, { eval: true }), options);
      calls.call({ value: 'answered', delay: 300 }).then((r) => console.log(r.value));
      new ThreadCalls(new Worker(${JSON.stringify(PROGRAM)}, { eval: true }), options);`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', program], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.stderr).toBe('');
    expect(run.signal).toBeNull();
    expect(run.stdout.trim()).toBe('answered');
  }, 60_000);
});
