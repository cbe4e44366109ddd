-- When each kind of worker (WORKER: a server's in-process workers or a worker process; RUN: a
-- one-shot run such as a scheduled `rag process`) was last seen, so a PENDING project can say what
-- it waits for. One row per kind, only ever moved forward.
CREATE TABLE worker_sightings (
    kind    text        PRIMARY KEY,
    seen_at timestamptz NOT NULL
);

-- Jobs that ended READY or FAILED, by status: counters that only grow (deleting a project keeps
-- them), so /metrics counts every outcome, also a failure retried before the next scrape. A trigger
-- counts each change of a job into one of these statuses, whichever statement makes it.
CREATE TABLE job_outcomes (
    status text   PRIMARY KEY CHECK (status IN ('READY', 'FAILED')),
    jobs   bigint NOT NULL
);
INSERT INTO job_outcomes (status, jobs)
    SELECT status, count(*) FROM ingestion_jobs WHERE status IN ('READY', 'FAILED') GROUP BY status;

CREATE FUNCTION count_job_outcome() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO job_outcomes (status, jobs) VALUES (NEW.status, 1)
        ON CONFLICT (status) DO UPDATE SET jobs = job_outcomes.jobs + 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER ingestion_jobs_count_outcome AFTER UPDATE OF status ON ingestion_jobs
    FOR EACH ROW WHEN (NEW.status IN ('READY', 'FAILED') AND OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION count_job_outcome();
