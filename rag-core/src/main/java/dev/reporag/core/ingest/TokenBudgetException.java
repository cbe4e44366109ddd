package dev.reporag.core.ingest;

import dev.reporag.core.port.RagException;

/** A job reached its token budget ({@code RAG_MAX_TOKENS_PER_JOB}, {@code rag ingest --max-tokens}). */
public final class TokenBudgetException extends RagException {
    public TokenBudgetException(long budget, long spent) {
        super(String.format(java.util.Locale.ROOT, "this job needs more than its budget of %,d tokens"
                + " (RAG_MAX_TOKENS_PER_JOB or --max-tokens): it stopped before sending more, and the %,d tokens"
                + " embedded so far are kept. See the total with `rag estimate` (or GET /api/projects/{id}/estimate),"
                + " raise the budget, and retry: the retry embeds only what is missing", budget, spent));
    }
}
