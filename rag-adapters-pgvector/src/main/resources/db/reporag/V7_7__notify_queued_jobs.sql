-- Workers in other processes (a `rag worker` beside `rag serve --workers 0`) learned of a new job
-- only at their next poll, every 2 s: each "Initialize AI" waited a second on average for it. Every
-- job that becomes claimable (queued, or given back PENDING) now sends a notification on channel
-- reporag_jobs, delivered when its transaction commits, so the row is there for the woken worker.
-- The payload is the schema, so that deployments sharing a database can tell their own jobs.
CREATE FUNCTION reporag_notify_queued_job() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('reporag_jobs', TG_TABLE_SCHEMA);
    RETURN NULL;
END
$$;

CREATE TRIGGER ingestion_jobs_queued
    AFTER INSERT OR UPDATE OF status ON ingestion_jobs
    FOR EACH ROW WHEN (NEW.status = 'PENDING')
    EXECUTE FUNCTION reporag_notify_queued_job();
