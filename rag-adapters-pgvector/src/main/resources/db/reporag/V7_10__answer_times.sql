-- How fast each embedding API rate budget answered the indexing requests a process sent it, as the
-- last process to index recorded it, so that a later process (a one-shot `rag estimate`) can tell the
-- time an ingestion takes when the server, not the rate limits, sets the pace. key_hash names the
-- budget as rate_budget does: a hash of the endpoint, model and key, never the key itself.
CREATE TABLE answer_times (
    key_hash     text             PRIMARY KEY,
    mean_seconds double precision NOT NULL CHECK (mean_seconds >= 0),
    answers      bigint           NOT NULL CHECK (answers > 0),
    recorded_at  timestamptz      NOT NULL
);
