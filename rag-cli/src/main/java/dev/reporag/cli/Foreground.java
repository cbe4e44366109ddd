package dev.reporag.cli;

import dev.reporag.core.RepoRag;
import dev.reporag.core.ingest.Cancellation;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.Project;
import dev.reporag.core.port.ConflictException;
import dev.reporag.core.port.InvalidInputException;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Shared steps of the commands that work in the foreground: find or register, then process. */
final class Foreground {
    private Foreground() {
    }

    /** Whether a source names something on this machine rather than a remote URL. */
    static boolean isLocal(String source) {
        if (source.startsWith("file:")) {
            return true;
        }
        if (source.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*") || source.matches("^[^/]+@[^/]+:.*")) {
            return false;
        }
        return true;
    }

    /** Local paths become absolute, so one directory is one project whatever the working directory. */
    static String normalize(String source) {
        String trimmed = source.strip();
        if (isLocal(trimmed) && !trimmed.startsWith("file:")) {
            Path path = Path.of(trimmed).toAbsolutePath().normalize();
            if (!Files.isDirectory(path)) {
                throw new InvalidInputException("no directory at " + path);
            }
            return path.toString();
        }
        return trimmed;
    }

    static String defaultName(String source) {
        String s = source.replaceAll("[/\\\\]+$", "").replaceAll("\\.git$", "");
        String name = s.substring(Math.max(s.lastIndexOf('/'), s.lastIndexOf(':')) + 1);
        return name.isBlank() ? "repository" : name;
    }

    /**
     * The project for this source and ref, registering it when it is new (the core's rule, shared
     * with the HTTP API): an already registered source is that project, whatever name is asked for.
     */
    static Project findOrRegister(RepoRag rag, String source, String name, String ref) {
        String chosen = name != null ? name : defaultName(source);
        try {
            return rag.registerOrFind(chosen, source, ref).project();
        } catch (ConflictException e) {
            if (name == null) {
                throw new InvalidInputException(e.getMessage() + "; choose another name with --name");
            }
            throw e;
        }
    }

    /**
     * Requests an ingestion and runs it here, showing progress; waits instead when another worker
     * holds it. Ctrl-C stops it cleanly, and the next run resumes.
     */
    static IngestionJob run(RepoRag rag, Project project, ProgressPrinter progress, PrintWriter out)
            throws InterruptedException {
        IngestionJob job = rag.requestIngestion(project.id());
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
        IngestionJob result = job;
        try {
            String worker = RepoRag.newWorkerId();
            while (!cancellation.isCancelled()) {
                Optional<IngestionJob> done = rag.process(job.id(), worker, cancellation, progress);
                if (done.isPresent()) {
                    result = done.get();
                    break;
                }
                // Another worker holds it (a server or worker on the same database): follow its progress,
                // and take the job over if that worker dies and its lease runs out.
                result = rag.job(job.id()).orElseThrow();
                if (result.status().isFinished()) {
                    break;
                }
                progress.onProgress(result, result.progress());
                Thread.sleep(1000);
            }
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
