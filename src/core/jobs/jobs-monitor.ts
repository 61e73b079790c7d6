import { InvalidInputError } from '../errors.js';
import { JOB_STATUSES, type JobView } from '../ports/jobs.js';
import type { Store } from '../ports/store.js';

export const MAX_JOBS_PAGE = 200;

/** The operator's view of background work: recent jobs, their status and what they have done. */
export class JobsMonitor {
  constructor(private readonly store: Store) {}

  recent(filter: {
    queue?: string | undefined;
    status?: string | undefined;
    limit?: number | undefined;
  }): Promise<JobView[]> {
    const limit = filter.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_JOBS_PAGE) {
      throw InvalidInputError.field('limit', `must be an integer from 1 to ${MAX_JOBS_PAGE}`);
    }
    const status = filter.status;
    if (status !== undefined && !(JOB_STATUSES as readonly string[]).includes(status)) {
      throw InvalidInputError.field('status', `must be one of ${JOB_STATUSES.join(', ')}`);
    }
    return this.store.jobs.recent(
      {
        ...(filter.queue ? { queue: filter.queue } : {}),
        ...(status ? { status: status as JobView['status'] } : {}),
      },
      limit,
    );
  }
}
