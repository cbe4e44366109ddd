-- A project's own file rules, added to the service's: globs to keep although a default rule leaves
-- them out, and globs to leave out besides. Empty for every project registered before. A constant
-- default rewrites no rows (PostgreSQL 11+).
ALTER TABLE projects ADD COLUMN include_globs text[] NOT NULL DEFAULT '{}';
ALTER TABLE projects ADD COLUMN exclude_globs text[] NOT NULL DEFAULT '{}';
