package dev.reporag.core.embed;

/**
 * Counters of an {@link EmbeddingDispatcher} since it started, and the pacing in force.
 *
 * @param requests          requests sent
 * @param succeeded         requests answered with vectors
 * @param rateLimited       requests answered 429 (waited out, never failures)
 * @param retried           transient failures tried again
 * @param failed            requests that failed for good
 * @param tokens            tokens (as the embedder counts them) of the requests that succeeded
 * @param requestsPerMinute the request budget in force (0: none)
 * @param tokensPerMinute   the token budget in force (0: none)
 * @param ratio             the server's token count per token of ours, as learned
 * @param pace              the share of the budget in use after 429s (1: all of it)
 * @param answered          indexing requests answered with vectors (questions not counted)
 * @param recentAnswers     the latest of them, up to 50, that {@code answerSeconds} is the mean of: once
 *                          five were sent while every other request slot was busy, only such ones
 * @param answerSeconds     their mean time from sending to the answer (0 before the first)
 */
public record DispatchStats(long requests, long succeeded, long rateLimited, long retried, long failed, long tokens,
                            long requestsPerMinute, long tokensPerMinute, double ratio, double pace, long answered,
                            long recentAnswers, double answerSeconds) {
}
