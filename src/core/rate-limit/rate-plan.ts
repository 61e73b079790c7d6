/** A token bucket: `rate` tokens per second refill, `burst` capacity. */
export interface RatePlan {
  rate: number;
  burst: number;
}
