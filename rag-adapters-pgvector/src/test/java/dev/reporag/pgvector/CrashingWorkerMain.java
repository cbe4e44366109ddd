package dev.reporag.pgvector;

import dev.reporag.core.RepoRag;

/**
 * The worker that {@link WorkerCrashTest} kills with SIGKILL: a separate JVM that claims the job
 * of a project and ingests it slowly, until it is killed. Arguments: schema, worker id.
 */
public final class CrashingWorkerMain {
    private CrashingWorkerMain() {
    }

    public static void main(String[] args) {
        String schema = args[0];
        String worker = args[1];
        PgDatabase db = PgDatabase.builder(System.getenv(TestSchema.ENV)).schema(schema)
                .embeddingModel(CrashFixture.MODEL_ID, CrashFixture.DIMENSION).poolSize(2).build();
        RepoRag rag = CrashFixture.repoRag(db, CrashFixture.SLOW_CALL_MILLIS);
        rag.processNext(worker); // the test kills this JVM long before the job ends
    }
}
