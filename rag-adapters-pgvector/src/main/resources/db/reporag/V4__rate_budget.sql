-- The time line of each embedding API rate budget, shared by every process that spends it (two
-- workers, or the web service and a worker, on one key): each request reserves the next start and
-- occupies a slot of it; a 429's wait pushes next_start for everyone. key_hash names the budget by
-- a hash of the endpoint, model and key computed by the adapter: the key itself is never stored.
CREATE TABLE rate_budget (
    key_hash        text        PRIMARY KEY,
    next_start      timestamptz NOT NULL,
    -- Every process's reserved tokens so far: orders the requests of all processes.
    reserved_tokens bigint      NOT NULL DEFAULT 0 CHECK (reserved_tokens >= 0),
    updated_at      timestamptz NOT NULL
);
