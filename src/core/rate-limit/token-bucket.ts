import type { Clock } from '../ports/clock.js';
import type { RatePlan } from './rate-plan.js';

export interface TakeResult {
  allowed: boolean;
  /** Seconds until one token is available again (0 when allowed). */
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * In-process token buckets keyed by an arbitrary string (seller + operation). Buckets refill lazily
 * on access, so idle keys cost nothing but memory; a sweep drops full buckets to bound it.
 * Limits are per process: with N servers behind a balancer a seller gets up to N times the plan.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private takesSinceSweep = 0;

  constructor(private readonly clock: Clock) {}

  take(key: string, plan: RatePlan): TakeResult {
    const now = this.clock.now().getTime();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: plan.burst, updatedAt: now };
      this.buckets.set(key, bucket);
    } else {
      const elapsed = Math.max(0, now - bucket.updatedAt) / 1000;
      bucket.tokens = Math.min(plan.burst, bucket.tokens + elapsed * plan.rate);
      bucket.updatedAt = now;
    }
    if (++this.takesSinceSweep >= 10_000) this.sweep(now, plan);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterSeconds: 0 };
    }
    return { allowed: false, retryAfterSeconds: (1 - bucket.tokens) / plan.rate };
  }

  private sweep(now: number, plan: RatePlan): void {
    this.takesSinceSweep = 0;
    // A bucket idle for longer than a full refill would be recreated full: forget it.
    const idleMs = (plan.burst / plan.rate) * 1000;
    for (const [key, b] of this.buckets) if (now - b.updatedAt > idleMs) this.buckets.delete(key);
  }
}
