-- The commit each project's ref was last seen at on its remote (a sync's ls-remote, or a push a
-- webhook announced) and when, so status can say "index at abc123, ref at def456". NULL before any
-- look. Nullable columns without a default rewrite no rows.
ALTER TABLE projects ADD COLUMN remote_head text;
ALTER TABLE projects ADD COLUMN remote_checked_at timestamptz;
