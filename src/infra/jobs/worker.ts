import os from 'node:os';
import type { Clock } from '../../core/ports/clock.js';
import type { Ids } from '../../core/ports/ids.js';
import type { JobHandler, JobReport } from '../../core/ports/jobs.js';
import { PermanentJobError } from '../../core/ports/jobs.js';
import { systemClock } from '../clock.js';
import { executorOf } from '../db/store.js';
import { systemIds } from '../ids.js';
import type { ClaimedJob, JobQueue } from './queue.js';

/** Pino-compatible. */
export interface JobLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export type JobOutcome = 'succeeded' | 'retry' | 'dead' | 'released' | 'lost';

export interface JobWorkerOptions {
  logger: JobLogger;
  clock?: Clock;
  ids?: Ids;
  workerId?: string;
  /** Jobs run at once by this worker (default 2). */
  concurrency?: number;
  /** Idle poll interval (default 500 ms). */
  pollMs?: number;
  /** Lease length (default 30 s); renewed every leaseMs / 3 while the handler runs. */
  leaseMs?: number;
  /** Ceiling of the back-off after poll errors (default 10 s). */
  maxErrorDelayMs?: number;
  /** Called once per finished run, e.g. to feed metrics. */
  onOutcome?: (queue: string, outcome: JobOutcome, seconds: number) => void;
  /** Called with the items a handler reports done since its previous report (metrics). */
  onItems?: (queue: string, unit: string, count: number) => void;
}

/** How often a handler's report reaches the jobs table at most. */
const REPORT_EVERY_MS = 1000;

export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
  constructor(readonly jobId: string) {
    super(`job ${jobId} is no longer owned by this worker`);
  }
}

interface Running {
  controller: AbortController;
  done: Promise<void>;
  stopping: boolean;
}

/** Claims jobs of the registered queues and runs them with leases, heartbeats and graceful stop. */
export class JobWorker {
  readonly workerId: string;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly running = new Set<Running>();
  private readonly clock: Clock;
  private readonly logger: JobLogger;
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly maxErrorDelayMs: number;
  private state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
  private loop: Promise<void> | undefined;
  private woken = false;
  private wakeUp: (() => void) | undefined;
  /** The last claim filled every free slot, so more work is probably waiting. */
  private saturated = false;

  constructor(
    private readonly queue: JobQueue,
    private readonly options: JobWorkerOptions,
  ) {
    const ids: Ids = options.ids ?? systemIds;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger;
    this.workerId = options.workerId ?? `${os.hostname()}:${process.pid}:${ids.randomAlnum(6)}`;
    this.concurrency = options.concurrency ?? 2;
    this.pollMs = options.pollMs ?? 500;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.maxErrorDelayMs = options.maxErrorDelayMs ?? 10_000;
  }

  register<P>(queue: string, handler: JobHandler<P>): this {
    if (this.state !== 'idle') throw new Error('register handlers before start()');
    this.handlers.set(queue, handler as JobHandler);
    return this;
  }

  start(): void {
    if (this.state !== 'idle') throw new Error(`worker is ${this.state}`);
    this.state = 'running';
    this.loop = this.pollLoop();
  }

  /** Claim now instead of at the next poll (call it after committing an enqueue). */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Jobs running right now. */
  get active(): number {
    return this.running.size;
  }

  /**
   * Stops claiming, waits up to drainMs for running handlers, then aborts the rest and gives their
   * jobs back to the queue (waiting up to abortGraceMs more for the handlers to return).
   */
  async stop(options: { drainMs?: number; abortGraceMs?: number } = {}): Promise<void> {
    if (this.state === 'idle' || this.state === 'stopped') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    this.wake();
    await this.loop;
    if (
      !(await settledWithin(
        [...this.running].map((r) => r.done),
        options.drainMs ?? 30_000,
      ))
    ) {
      this.logger.warn({ workerId: this.workerId, jobs: this.running.size }, 'aborting jobs still running');
      for (const run of this.running) {
        run.stopping = true;
        run.controller.abort(new Error('worker stopping'));
      }
      await settledWithin(
        [...this.running].map((r) => r.done),
        options.abortGraceMs ?? 5000,
      );
    }
    this.state = 'stopped';
  }

  private async pollLoop(): Promise<void> {
    let errorDelay = 0;
    while (this.state === 'running') {
      this.woken = false;
      const free = this.concurrency - this.running.size;
      if (free > 0) {
        try {
          const jobs = await this.queue.claim({
            queues: [...this.handlers.keys()],
            workerId: this.workerId,
            leaseMs: this.leaseMs,
            limit: free,
          });
          errorDelay = 0;
          this.saturated = jobs.length === free;
          for (const job of jobs) this.launch(job);
        } catch (err) {
          // The database may be restarting: keep the process up and try again later.
          errorDelay = Math.min(errorDelay === 0 ? this.pollMs : errorDelay * 2, this.maxErrorDelayMs);
          this.logger.error({ err, workerId: this.workerId, retryInMs: errorDelay }, 'job claim failed');
        }
      }
      if (this.state !== 'running' || this.woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, errorDelay || this.pollMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }

  private launch(job: ClaimedJob): void {
    const run: Running = { controller: new AbortController(), done: Promise.resolve(), stopping: false };
    this.running.add(run);
    run.done = this.execute(job, run)
      .catch((err) => this.logger.error({ err, jobId: job.id }, 'job bookkeeping failed'))
      .finally(() => {
        this.running.delete(run);
        // A slot freed up while work is waiting: claim again without waiting for the poll.
        if (this.saturated) this.wake();
      });
  }

  private async execute(job: ClaimedJob, run: Running): Promise<void> {
    const { lease } = job;
    const log = { jobId: job.id, queue: job.queue, attempt: job.attempt, workerId: this.workerId };
    const started = performance.now();
    let leaseEnd = this.clock.now().getTime() + this.leaseMs;
    const loseLease = (why: string) => {
      if (run.controller.signal.aborted) return;
      this.logger.warn({ ...log, why }, 'job lease lost; abandoning the run');
      run.controller.abort(new LeaseLostError(job.id));
    };
    let beating = false;
    const heartbeat = setInterval(
      () => {
        if (beating) return;
        beating = true;
        this.queue
          .heartbeat(lease, this.leaseMs)
          .then((ok) => {
            if (ok) leaseEnd = this.clock.now().getTime() + this.leaseMs;
            else loseLease('taken over');
          })
          .catch((err) => {
            this.logger.warn({ ...log, err }, 'job heartbeat failed');
            // Past the lease another worker may already run this job: stop doing its work twice.
            if (this.clock.now().getTime() >= leaseEnd)
              loseLease('lease expired while the database was unreachable');
          })
          .finally(() => {
            beating = false;
          });
      },
      Math.max(10, Math.floor(this.leaseMs / 3)),
    );

    // The handler's running count: counted into metrics as it grows, written now and then, and
    // settled with the job.
    let report: JobReport | undefined;
    let reportedAt = 0;
    const reportDone = (done: number, unit: string, total?: number) => {
      const grew = done - (report?.unit === unit ? report.done : 0);
      report = { done, unit, ...(total !== undefined ? { total } : {}) };
      if (grew > 0) this.options.onItems?.(job.queue, unit, grew);
      const now = Date.now();
      if (now - reportedAt < REPORT_EVERY_MS) return;
      reportedAt = now;
      this.queue
        .saveReport(lease, report)
        .catch((err) => this.logger.warn({ ...log, err }, 'job report not saved'));
    };

    let outcome: JobOutcome;
    try {
      const handler = this.handlers.get(job.queue);
      if (!handler) throw new PermanentJobError(`no handler for queue ${job.queue}`);
      await handler({
        id: job.id,
        queue: job.queue,
        payload: job.payload,
        progress: job.progress,
        attempt: job.attempt,
        maxAttempts: job.maxAttempts,
        sellerId: job.sellerId,
        signal: run.controller.signal,
        checkpoint: async (progress, tx) => {
          if (!(await this.queue.checkpoint(lease, progress, tx && executorOf(tx)))) {
            throw new LeaseLostError(job.id);
          }
        },
        report: reportDone,
      });
      clearInterval(heartbeat);
      outcome = (await this.settle(() => this.queue.complete(lease, report), leaseEnd, log))
        ? 'succeeded'
        : 'lost';
    } catch (err) {
      clearInterval(heartbeat);
      if (run.stopping) {
        outcome = (await this.settle(() => this.queue.release(lease), leaseEnd, log)) ? 'released' : 'lost';
      } else {
        const permanent = err instanceof PermanentJobError;
        outcome =
          (await this.settle(() => this.queue.fail(lease, err, { permanent }), leaseEnd, log)) ?? 'lost';
        if (outcome !== 'lost')
          this.logger.warn({ ...log, err, outcome, ...(report ? { report } : {}) }, 'job failed');
      }
    }
    const seconds = (performance.now() - started) / 1000;
    if (outcome === 'lost') this.logger.warn(log, 'job was taken over before it could be settled');
    else if (outcome === 'succeeded')
      this.logger.info({ ...log, seconds, ...(report ? { report } : {}) }, 'job succeeded');
    this.options.onOutcome?.(job.queue, outcome, seconds);
  }

  /**
   * Runs a settling write, retrying through database outages while the lease lasts. Giving up only
   * means the job runs again after its lease expires, which idempotent handlers tolerate.
   */
  private async settle<T>(write: () => Promise<T>, leaseEnd: number, log: object): Promise<T | undefined> {
    for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
      try {
        return await write();
      } catch (err) {
        if (this.clock.now().getTime() + delay >= leaseEnd) {
          this.logger.error({ ...log, err }, 'could not record the job outcome; it will run again');
          return undefined;
        }
        this.logger.warn({ ...log, err, retryInMs: delay }, 'recording the job outcome failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}

/** True when every promise settled within ms. */
async function settledWithin(promises: Promise<unknown>[], ms: number): Promise<boolean> {
  if (promises.length === 0) return true;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([Promise.allSettled(promises).then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
