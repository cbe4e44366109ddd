package dev.reporag.cli;

import dev.reporag.core.RepoRag;
import dev.reporag.core.foreground.ForegroundIngestion;
import dev.reporag.core.ingest.Cancellation;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectStatus;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A foreground ingestion as the terminal shows it: the core's {@link ForegroundIngestion} with
 * Ctrl-C wired to its cancellation (a JVM concern, so it stays here), and one line per outcome.
 */
final class TerminalIngestion {
    private TerminalIngestion() {
    }

    /**
     * Runs the project's ingestion here ({@link ForegroundIngestion#run}), showing progress. Ctrl-C
     * stops it cleanly, and the next run resumes.
     */
    static IngestionJob run(RepoRag rag, Project project, ProgressPrinter progress, PrintWriter out)
            throws InterruptedException {
        return untilCtrlC(project, progress, out,
                cancellation -> new ForegroundIngestion(rag).run(project.id(), progress, cancellation));
    }

    /** Like {@link #run}, for a project selected by {@link ForegroundIngestion#select}. */
    static IngestionJob process(RepoRag rag, ProjectStatus target, ProgressPrinter progress, PrintWriter out)
            throws InterruptedException {
        return untilCtrlC(target.project(), progress, out,
                cancellation -> new ForegroundIngestion(rag).process(target, progress, cancellation));
    }

    private interface Ingestion {
        IngestionJob run(Cancellation cancellation) throws InterruptedException;
    }

    private static IngestionJob untilCtrlC(Project project, ProgressPrinter progress, PrintWriter out,
                                           Ingestion ingestion) throws InterruptedException {
        Cancellation cancellation = new Cancellation();
        CountDownLatch settled = new CountDownLatch(1);
        // On Ctrl-C the JVM exits once the hooks return: wait until the job is given back.
        Thread hook = new Thread(() -> {
            cancellation.cancel();
            progress.stopping();
            try {
                settled.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "rag-ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            IngestionJob result = ingestion.run(cancellation);
            progress.finish(result);
            if (cancellation.isCancelled()) {
                summarize(out, project, result);
                out.flush();
            }
            return result;
        } finally {
            settled.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: the JVM is exiting after Ctrl-C
            }
        }
    }

    /** One line that says how a job ended. */
    static void summarize(PrintWriter out, Project project, IngestionJob job) {
        if (job.status() == JobStatus.READY) {
            out.printf("%s is READY: %d files, %d chunks (%d embedded now), %d skipped, commit %s%n", TerminalText.line(project.name()),
                    job.progress().filesDone(), job.progress().chunksTotal(), job.progress().chunksEmbedded(),
                    job.progress().filesSkipped(), shortCommit(job.commit()));
            if (job.progress().chunksTotal() == 0) {
                // READY, and yet nothing to answer from: say why before a question finds nothing.
                out.println(job.progress().filesSkipped() > 0
                        ? "nothing was indexed: every file was skipped; 'rag status --project-id " + project.id().value()
                        + " --skipped' says why, and RAG_INCLUDE / RAG_EXCLUDE change the rules"
                        : "nothing was indexed: the commit has no files");
            }
        } else if (job.status() == JobStatus.FAILED) {
            out.printf("%s FAILED: %s%n", TerminalText.line(project.name()), TerminalText.line(job.error()));
        } else {
            out.printf("%s stopped at %d%%; run the same command again to resume%n", TerminalText.line(project.name()),
                    job.progress().percent());
        }
    }

    static int exitCode(IngestionJob job) {
        return switch (job.status()) {
            case READY -> ExitCodes.OK;
            case FAILED -> ExitCodes.FAILED;
            default -> ExitCodes.INTERRUPTED;
        };
    }

    static String shortCommit(String commit) {
        return commit == null ? "-" : commit.substring(0, Math.min(12, commit.length()));
    }
}
