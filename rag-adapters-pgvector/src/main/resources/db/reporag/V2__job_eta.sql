-- The time left of a PROCESSING job, in seconds, as estimated by the worker running it (workers
-- may run in other processes than the server showing it); NULL while unknown, and for every job
-- that is not being processed. Adding a nullable column without a default rewrites no rows.
ALTER TABLE ingestion_jobs ADD COLUMN eta_seconds bigint CHECK (eta_seconds >= 0);
