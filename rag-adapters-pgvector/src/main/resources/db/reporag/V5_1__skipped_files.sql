-- The files each project's last complete job left out, with the rule and the size of each, in the
-- compact form of the core's SkippedFiles (front-coded paths, deflated: a few bytes a file, for a
-- repository may skip 100,000 files). One row per project, replaced by each complete job.
CREATE TABLE skipped_files (
    project_id text        PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    data       bytea       NOT NULL,
    updated_at timestamptz NOT NULL
);
