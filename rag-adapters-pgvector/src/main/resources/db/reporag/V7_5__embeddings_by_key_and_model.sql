-- Vectors kept by what determines them, per embedding model (issue 22).
--
-- embedding_spaces: one row per model and dimension whose vectors this database holds. Vectors of
-- two spaces are never compared: every query names its space.
-- embeddings: one vector per (space, key), the key being a hash of the text embedded, the chunker
-- version and the model (the core's EmbeddingKey). Chunks of any project with the same key share
-- it; a vector no chunk refers to is deleted by the application when its last chunk goes.
-- chunks: per project and space, pointing at their vector. A project re-embedded with another model
-- has chunks in two spaces for a while: the new ones are built beside the old.
-- project_models: the space that answers for each project (space_id) and the one a re-embedding is
-- building (target_space_id); the switch is one UPDATE.
CREATE TABLE embedding_spaces (
    id        integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    model_id  text    NOT NULL,
    dimension integer NOT NULL CHECK (dimension BETWEEN 1 AND 16000),
    UNIQUE (model_id, dimension)
);

-- The embedding column is untyped (any dimension); each space gets a partial HNSW index on the
-- column cast to its dimension, made by reporag_embedding_space below, and is searched through it.
CREATE TABLE embeddings (
    space_id  integer NOT NULL REFERENCES embedding_spaces (id),
    key       text    NOT NULL,
    embedding vector  NOT NULL,
    PRIMARY KEY (space_id, key)
);

CREATE TABLE project_models (
    project_id      text    PRIMARY KEY,
    space_id        integer REFERENCES embedding_spaces (id),
    target_space_id integer REFERENCES embedding_spaces (id)
);

-- The space of a model, created with its index on first use (the only DDL the application runs,
-- and only through this function). HNSW indexes take at most 2,000 dimensions: a wider model is
-- searched exactly. An advisory lock makes two processes starting with a new model agree.
CREATE FUNCTION reporag_embedding_space(p_model text, p_dimension integer) RETURNS integer
    LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    space integer;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('reporag_embedding_space'));
    SELECT id INTO space FROM embedding_spaces WHERE model_id = p_model AND dimension = p_dimension;
    IF space IS NULL THEN
        INSERT INTO embedding_spaces (model_id, dimension) VALUES (p_model, p_dimension) RETURNING id INTO space;
    END IF;
    IF p_dimension <= 2000 THEN
        EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON embeddings USING hnsw ((embedding::vector(%s)) '
                       'vector_cosine_ops) WHERE space_id = %s', 'embeddings_hnsw_' || space, p_dimension, space);
    END IF;
    RETURN space;
END
$$;

-- What was stored before: the recorded model becomes a space, each chunk's vector an embedding
-- under a key of its own (its text as embedded is unknown, so it is shared with nothing), and each
-- project with chunks answers with that space.
INSERT INTO embedding_spaces (model_id, dimension) SELECT model_id, dimension FROM embedding_model;

ALTER TABLE chunks ADD COLUMN space_id integer, ADD COLUMN embedding_key text;
UPDATE chunks SET space_id = (SELECT id FROM embedding_spaces), embedding_key = 'stored:' || id::text;
INSERT INTO embeddings (space_id, key, embedding) SELECT space_id, embedding_key, embedding FROM chunks;
INSERT INTO project_models (project_id, space_id) SELECT DISTINCT project_id, space_id FROM chunks;
SELECT reporag_embedding_space(model_id, dimension) FROM embedding_spaces;

ALTER TABLE chunks DROP COLUMN embedding; -- and its HNSW index
ALTER TABLE chunks ALTER COLUMN space_id SET NOT NULL, ALTER COLUMN embedding_key SET NOT NULL;
ALTER TABLE chunks DROP CONSTRAINT chunks_pkey;
ALTER TABLE chunks ADD PRIMARY KEY (space_id, id);
ALTER TABLE chunks ADD CONSTRAINT chunks_embedding FOREIGN KEY (space_id, embedding_key)
    REFERENCES embeddings (space_id, key);
-- Freeing a vector asks whether any chunk still points at it.
CREATE INDEX chunks_by_embedding ON chunks (space_id, embedding_key);

-- The model lives in embedding_spaces now; a database no longer belongs to one model.
DROP TABLE embedding_model;
