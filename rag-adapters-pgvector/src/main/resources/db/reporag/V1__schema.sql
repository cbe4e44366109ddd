-- repo-rag schema. ${dimension} is the configured embedder's dimension (a Flyway placeholder);
-- the embedding_model row records which model the vectors come from, so a store opened with
-- another model fails instead of mixing incomparable vectors.
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE embedding_model (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    model_id   text    NOT NULL,
    dimension  integer NOT NULL
);

CREATE TABLE projects (
    id         text        PRIMARY KEY,
    name       text        NOT NULL UNIQUE,
    source     text        NOT NULL,
    ref        text,
    created_at timestamptz NOT NULL
);

CREATE TABLE ingestion_jobs (
    id               text        PRIMARY KEY,
    -- creation order, also among jobs created within one clock tick
    seq              bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,
    project_id       text        NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    status           text        NOT NULL CHECK (status IN ('PENDING', 'PROCESSING', 'READY', 'FAILED')),
    files_total      integer     NOT NULL DEFAULT 0,
    files_done       integer     NOT NULL DEFAULT 0,
    files_skipped    integer     NOT NULL DEFAULT 0,
    chunks_total     bigint      NOT NULL DEFAULT 0,
    chunks_done      bigint      NOT NULL DEFAULT 0,
    chunks_embedded  bigint      NOT NULL DEFAULT 0,
    percent          integer     NOT NULL DEFAULT 0 CHECK (percent BETWEEN 0 AND 100),
    error            text,
    attempts         integer     NOT NULL DEFAULT 0,
    commit_id        text,
    created_at       timestamptz NOT NULL,
    started_at       timestamptz,
    finished_at      timestamptz,
    updated_at       timestamptz NOT NULL,
    lease_owner      text,
    lease_expires_at timestamptz
);
-- At most one active job per project, enforced by the database: two web servers receiving the
-- same click still make one job (enqueue is INSERT ... ON CONFLICT DO NOTHING against this index).
CREATE UNIQUE INDEX ingestion_jobs_one_active_per_project
    ON ingestion_jobs (project_id) WHERE status IN ('PENDING', 'PROCESSING');
-- The queue: workers scan only active jobs, oldest first.
CREATE INDEX ingestion_jobs_queue
    ON ingestion_jobs (created_at, seq) WHERE status IN ('PENDING', 'PROCESSING');
CREATE INDEX ingestion_jobs_by_project ON ingestion_jobs (project_id, seq);

CREATE TABLE chunks (
    id           uuid    PRIMARY KEY,
    project_id   text    NOT NULL,
    path         text    NOT NULL,
    language     text    NOT NULL,
    start_line   integer NOT NULL,
    end_line     integer NOT NULL,
    content_hash text    NOT NULL,
    text         text    NOT NULL,
    embedding    vector(${dimension}) NOT NULL,
    -- Keyword search over path and text with the 'simple' configuration (no stemming, no stop
    -- words: code is not English). Punctuation becomes spaces so paths and a.b.c split into words,
    -- and camelCase / PascalCase identifiers are indexed whole and split into their parts
    -- (parseConfigFile -> parseconfigfile, parse, config, file; HTTPServer -> http, server).
    keywords     tsvector GENERATED ALWAYS AS (
        to_tsvector('simple'::regconfig,
            regexp_replace(path || ' ' || text, '[^[:alnum:]]+', ' ', 'g') || ' ' ||
            regexp_replace(
                regexp_replace(
                    regexp_replace(path || ' ' || text, '[^[:alnum:]]+', ' ', 'g'),
                    '([[:lower:][:digit:]])([[:upper:]])', '\1 \2', 'g'),
                '([[:upper:]]+)([[:upper:]][[:lower:]])', '\1 \2', 'g'))
    ) STORED
);
-- Per-project filtering, exact search within a project, chunk ids for reconcile, per-path deletes.
CREATE INDEX chunks_by_project_path ON chunks (project_id, path);
-- Approximate nearest neighbours by cosine distance (pgvector defaults m=16, ef_construction=64).
CREATE INDEX chunks_embedding_hnsw ON chunks USING hnsw (embedding vector_cosine_ops);
CREATE INDEX chunks_keywords ON chunks USING gin (keywords);

CREATE TABLE conversations (
    id         text        PRIMARY KEY,
    project_id text        NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL
);
CREATE INDEX conversations_by_project ON conversations (project_id);

CREATE TABLE conversation_turns (
    seq             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    conversation_id text        NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    question        text        NOT NULL,
    answer          text        NOT NULL,
    created_at      timestamptz NOT NULL
);
CREATE INDEX conversation_turns_by_conversation ON conversation_turns (conversation_id, seq);
