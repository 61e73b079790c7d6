-- Durable job queue, claimed with FOR UPDATE SKIP LOCKED (src/infra/jobs/queue.ts).
-- Not a tenant table: workers claim across all sellers, so the key is job_id alone; seller_id is
-- kept for observability only.
--
-- Life of a row: queued -> running (claimed; attempts + 1; lease in locked_until) -> succeeded,
-- or back to queued with run_at pushed by the backoff, or dead once attempts reach max_attempts.
-- A running row whose lease expired (its worker died) is claimable again.
CREATE TABLE jobs (
  job_id        uuid PRIMARY KEY,
  queue         text NOT NULL,
  seller_id     uuid,
  payload       jsonb NOT NULL,
  -- Checkpoint written by the handler (e.g. a keyset cursor), handed back on the next attempt.
  progress      jsonb,
  status        text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'dead')),
  attempts      integer NOT NULL DEFAULT 0,
  max_attempts  integer NOT NULL CHECK (max_attempts > 0),
  -- When a queued row becomes eligible.
  run_at        timestamptz NOT NULL,
  locked_by     text,
  locked_until  timestamptz,
  last_error    text,
  dedupe_key    text,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  finished_at   timestamptz
);
-- The claim query reads these two partial indexes only, however many finished rows accumulate.
CREATE INDEX jobs_ready ON jobs (queue, run_at) WHERE status = 'queued';
CREATE INDEX jobs_leases ON jobs (queue, locked_until) WHERE status = 'running';
-- Dead jobs are counted for alerting and kept for inspection until pruned.
CREATE INDEX jobs_dead ON jobs (queue) WHERE status = 'dead';
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;
-- Enqueue-once: a second enqueue with the same key returns the first job (until it is pruned).
CREATE UNIQUE INDEX jobs_dedupe ON jobs (queue, dedupe_key) WHERE dedupe_key IS NOT NULL;
