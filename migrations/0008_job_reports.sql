-- What a job has done so far, for the operator (`GET /admin/v1/jobs`, /metrics, the log):
-- {"done": n, "unit": "invoices", "total": n?}. Written by the handler as it goes, at most about
-- once a second, and once more when the job settles.
ALTER TABLE jobs ADD COLUMN report jsonb;
