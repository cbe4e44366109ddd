-- Chinese, Japanese and Korean are written without spaces between words: PostgreSQL's parser took
-- a run of such characters ("使得异步操作变得更加方便") as one keyword, which no question matched. A
-- chunk's keywords now hold that text's overlapping pairs of characters too (异步, 步操, 操作, ...; a
-- character alone as itself), as the embedded store's analyzer and the in-memory store index it
-- (CjkPairs in rag-core: the same character ranges), and questions are asked by their pairs
-- (KeywordQuery). Chunks already stored that hold such text get their keywords again, here.
CREATE FUNCTION reporag_cjk_pairs(p_text text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(string_agg(CASE WHEN length(m.run[1]) = 1 THEN m.run[1] ELSE substr(m.run[1], i, 2) END, ' '), '')
    FROM regexp_matches(p_text, '[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+', 'g') AS m(run)
    CROSS JOIN LATERAL generate_series(1, greatest(length(m.run[1]) - 1, 1)) AS i
$$;

CREATE OR REPLACE FUNCTION reporag_keywords(p_path text, p_text text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT to_tsvector('simple'::regconfig,
        regexp_replace(p_path || ' ' || p_text, '[^[:alnum:]]+', ' ', 'g') || ' ' ||
        regexp_replace(
            regexp_replace(
                regexp_replace(p_path || ' ' || p_text, '[^[:alnum:]]+', ' ', 'g'),
                '([[:lower:][:digit:]])([[:upper:]])', '\1 \2', 'g'),
            '([[:upper:]]+)([[:upper:]][[:lower:]])', '\1 \2', 'g') || ' ' ||
        reporag_cjk_pairs(p_path || ' ' || p_text))
$$;

UPDATE chunks SET keywords = reporag_keywords(path, text)
WHERE path || ' ' || text ~ '[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]';
