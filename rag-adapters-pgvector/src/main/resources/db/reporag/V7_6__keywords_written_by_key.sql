-- A chunk's keywords were a generated column: PostgreSQL ran four regular expressions over the path
-- and text of every row written, about 0.3 ms a row, nearly all of the database's time writing a
-- second project of an indexed repository (issue 22). They are now a plain column the application's
-- upsert fills: copied from a chunk with the same embedding key, path and content hash when there is
-- one (the same path and text: the same keywords), computed by reporag_keywords otherwise. Values
-- already stored are kept as they are.
CREATE FUNCTION reporag_keywords(p_path text, p_text text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT to_tsvector('simple'::regconfig,
        regexp_replace(p_path || ' ' || p_text, '[^[:alnum:]]+', ' ', 'g') || ' ' ||
        regexp_replace(
            regexp_replace(
                regexp_replace(p_path || ' ' || p_text, '[^[:alnum:]]+', ' ', 'g'),
                '([[:lower:][:digit:]])([[:upper:]])', '\1 \2', 'g'),
            '([[:upper:]]+)([[:upper:]][[:lower:]])', '\1 \2', 'g'))
$$;

ALTER TABLE chunks ALTER COLUMN keywords DROP EXPRESSION;
ALTER TABLE chunks ALTER COLUMN keywords SET NOT NULL;
