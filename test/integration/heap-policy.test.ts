import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = path.resolve('dist/src/cli.js');
const HEAP_POLICY = pathToFileURL(path.resolve('dist/src/main/heap-policy.js')).href;

/**
 * The factor each full collection of the main thread's heap used, from V8's own trace
 * (`--trace-gc-verbose`; `--gc-global` makes every collection a full one). Node 20's V8 prints it
 * after the limit ("Limit: old size: …, new limit: … (2.5)"), with its adaptive guess before;
 * Node 24's prints the factor used in the "factor 2.5 based on …" line and none after the limit.
 */
function factorsAfterStart(trace: string): number[] {
  const started = trace.indexOf('listening on');
  const mainIsolate = /^\[\d+:(0x[0-9a-f]+)/m.exec(trace)?.[1];
  const factors: number[] = [];
  let lastGuess = Number.NaN;
  for (const line of trace.slice(started).split('\n')) {
    if (!line.includes(`:${mainIsolate}`) || !line.includes('[HeapController]')) continue;
    const guess = /factor ([\d.]+) based/.exec(line);
    if (guess) lastGuess = Number(guess[1]);
    if (line.includes('Limit:')) factors.push(Number(/\(([\d.]+)\)\s*$/.exec(line)?.[1] ?? lastGuess));
  }
  return factors;
}

async function serveAndTrace(heapGrowthPercent: string): Promise<number[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'invoicehub-heap-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: '0',
    LOG_LEVEL: 'warn',
    DEMO_DATA: 'false',
    HEAP_GROWTH_PERCENT: heapGrowthPercent,
  };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['--trace-gc-verbose', '--gc-global', CLI, 'serve'], { env });
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    out += c.toString();
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (!m) return;
        clearInterval(timer);
        resolve(m[1] as string);
      }, 50);
      child.on('exit', (code) => {
        clearInterval(timer);
        reject(new Error(`serve exited ${code}:\n${out.slice(-2000)}`));
      });
    });
    // Requests allocate, and every collection is a full one: the started server soon collects.
    const deadline = Date.now() + 60_000;
    while (factorsAfterStart(out).length < 3 && Date.now() < deadline) {
      await (await fetch(`${url}/docs/json`)).arrayBuffer();
    }
    return factorsAfterStart(out);
  } finally {
    child.removeAllListeners('exit');
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Lines of V8's pretenuring statistics while objects from one allocation site outlive young
 * collections (what request objects in flight do under load), after `applyHeapPolicy` ran in the
 * process. V8 prints them whenever it weighs an allocation site, which it only does with
 * pretenuring on.
 */
function pretenuringLines(pretenuring: boolean): number {
  const program = `
    const { applyHeapPolicy } = await import(${JSON.stringify(HEAP_POLICY)});
    applyHeapPolicy({ heapGrowthPercent: 0, heapPretenuring: ${pretenuring} });
    const row = (i) => ({ id: i, list: [i, i + 1, { n: i }], name: 'r' + i });
    let kept = [];
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 50000; i++) kept.push(row(i));
      if (kept.length > 400000) kept = [];
    }`;
  const run = spawnSync(
    process.execPath,
    ['--trace-pretenuring', '--trace-pretenuring-statistics', '--input-type=module', '-e', program],
    { encoding: 'utf8' },
  );
  expect(run.status, run.stderr).toBe(0);
  return run.stdout.split('\n').filter((l) => l.includes('pretenuring:')).length;
}

describe.skipIf(Boolean(process.env.TEST_DATABASE_URL))('the heap policy of serve and worker', () => {
  // Left to itself V8 picks 4.0 (or a factor adapted to the allocation rate) on this machine.
  it('HEAP_GROWTH_PERCENT sets the factor the server heap grows by between full collections', async () => {
    const factors = await serveAndTrace('150');
    expect(factors.length).toBeGreaterThanOrEqual(3);
    expect(new Set(factors)).toEqual(new Set([2.5]));
  }, 120_000);

  it('turns V8 allocation-site pretenuring off once the process runs, unless HEAP_PRETENURING=true', () => {
    expect(pretenuringLines(true)).toBeGreaterThan(0);
    expect(pretenuringLines(false)).toBe(0);
  });
});
