package dev.reporag.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.util.io.DisabledOutputStream;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Keeping a project fresh through a real project's own history: the repository is indexed as it was
 * N commits ago, then its branch moves to the newest commit (a push of those N real commits),
 * {@code rag sync} must see it (one {@code ls-remote}) and queue a re-index, and {@code rag process}
 * runs it. Prints the inputs each job sent an OpenAI-compatible server in this JVM
 * ({@link FakeEmbeddingsServer}), the files the commits changed, and the times.
 *
 * <p>Arguments: a work directory, the server's latency in milliseconds, then {@code GIT_DIR:N}
 * pairs (the search tool's fetch puts Git directories in {@code /work/.mirror/<owner>+<name>/repo}).
 * {@code BENCH_CHILD_<NAME>} variables reach the CLI's JVMs as {@code <NAME>}.
 */
public final class FreshnessBench {

    private FreshnessBench() {
    }

    private record Row(String repository, int commits, String from, String to, int filesChanged, int filesInTree,
                       long chunks, long firstInputs, double firstReady, double firstWall, String outcome,
                       long reindexInputs, long chunksAfter, double reindexWall) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            throw new IllegalArgumentException("arguments: WORK_DIR LATENCY_MS GIT_DIR:N [GIT_DIR:N ...]");
        }
        Path work = Path.of(args[0]);
        int latency = Integer.parseInt(args[1]);
        ReuseBench.deleteTree(work);
        Files.createDirectories(work);
        String load = Files.readString(Path.of("/proc/loadavg")).strip();
        List<Row> rows = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            int colon = args[i].lastIndexOf(':');
            rows.add(measure(work.resolve("r" + i), Path.of(args[i].substring(0, colon)),
                    Integer.parseInt(args[i].substring(colon + 1)), latency));
        }
        System.out.printf(Locale.ROOT, "OpenAI-compatible server in this JVM, %d ms a request; RAG_EMBEDDING_DIMENSIONS=256;"
                + " load average before: %s%n", latency, load);
        System.out.println("| repository | commits pushed | from → to | files changed (of the tree's) | chunks"
                + " | first index: inputs, READY, process | sync | re-index: inputs (share of chunks), process"
                + " | re-index process / first |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "| %s | %d | %s → %s | %,d (%,d) | %,d → %,d | %,d, %.1f s, %.1f s | %s"
                            + " | %,d (%.2f %%), %.1f s | %.1f %% |%n",
                    r.repository(), r.commits(), r.from(), r.to(), r.filesChanged(), r.filesInTree(), r.chunks(),
                    r.chunksAfter(), r.firstInputs(), r.firstReady(), r.firstWall(), r.outcome(), r.reindexInputs(),
                    100.0 * r.reindexInputs() / Math.max(1, r.chunksAfter()), r.reindexWall(),
                    100.0 * r.reindexWall() / r.firstWall());
        }
    }

    private static Row measure(Path work, Path mirror, int commits, int latency) throws Exception {
        Files.createDirectories(work);
        String head = MirrorCopy.head(mirror);
        Path bare = work.resolve("repo.git");
        MirrorCopy.copy(mirror, head, bare, commits + 1);
        String name = Cli.repositoryName(mirror);
        ObjectId newest;
        ObjectId older;
        int changed;
        int inTree;
        try (Repository repository = new FileRepositoryBuilder().setGitDir(bare.toFile()).setMustExist(true).build();
             RevWalk walk = new RevWalk(repository)) {
            RevCommit tip = walk.parseCommit(repository.resolve("refs/heads/main"));
            RevCommit back = tip;
            for (int i = 0; i < commits; i++) {
                back = walk.parseCommit(back.getParent(0));
            }
            newest = tip;
            older = back;
            try (DiffFormatter diff = new DiffFormatter(DisabledOutputStream.INSTANCE)) {
                diff.setRepository(repository);
                List<DiffEntry> entries = diff.scan(back.getTree(), tip.getTree());
                changed = entries.size();
            }
            try (org.eclipse.jgit.treewalk.TreeWalk tree = new org.eclipse.jgit.treewalk.TreeWalk(repository)) {
                tree.addTree(tip.getTree());
                tree.setRecursive(true);
                int n = 0;
                while (tree.next()) {
                    n++;
                }
                inTree = n;
            }
            move(repository, older); // the repository as it was N commits ago
        }
        try (FakeEmbeddingsServer server = new FakeEmbeddingsServer(latency, null)) {
            Map<String, String> env = Cli.env(work, server);
            ChildProcess.Result first = Cli.run(work, "ingest", env, List.of("ingest", bare.toString(), "--ref", "main",
                    "--name", "fresh", "--json"));
            JsonNode status = Cli.json(first.out());
            if (!"READY".equals(status.path("status").asText()) || !older.name().equals(status.path("commit").asText())) {
                throw new IllegalStateException(name + ": the first index ended " + status);
            }
            long firstInputs = server.inputs.get();
            double ready = Duration.between(Instant.parse(status.path("createdAt").asText()),
                    Instant.parse(status.path("updatedAt").asText())).toMillis() / 1000.0;

            try (Repository repository = new FileRepositoryBuilder().setGitDir(bare.toFile()).setMustExist(true).build()) {
                move(repository, newest); // the push
            }
            JsonNode synced = Cli.json(Cli.run(work, "sync", env, List.of("sync", "--json")).out());
            JsonNode refresh = synced.get(0);
            String outcome = refresh.path("outcome").asText();
            if (!"QUEUED".equals(outcome) || !newest.name().equals(refresh.path("remoteCommit").asText())) {
                throw new IllegalStateException(name + ": the sync saw " + synced);
            }
            if (server.inputs.get() != firstInputs) {
                throw new IllegalStateException(name + ": the sync embedded something");
            }
            ChildProcess.Result reindex = Cli.run(work, "process", env, List.of("process"));
            JsonNode after = Cli.json(Cli.run(work, "status", env, List.of("status", "--json")).out());
            JsonNode project = after.isArray() ? after.get(0) : after.path("projects").get(0);
            if (!"READY".equals(project.path("status").asText()) || !newest.name().equals(project.path("commit").asText())) {
                throw new IllegalStateException(name + ": the re-index ended " + project);
            }
            return new Row(name, commits, older.name().substring(0, 7), newest.name().substring(0, 7), changed, inTree,
                    status.path("chunks").asLong(), firstInputs, ready, first.seconds(), outcome,
                    server.inputs.get() - firstInputs, project.path("chunks").asLong(), reindex.seconds());
        }
    }

    private static void move(Repository repository, ObjectId commit) throws IOException {
        RefUpdate update = repository.updateRef("refs/heads/main");
        update.setNewObjectId(commit);
        update.setForceUpdate(true);
        RefUpdate.Result result = update.update();
        if (result != RefUpdate.Result.FORCED && result != RefUpdate.Result.FAST_FORWARD
                && result != RefUpdate.Result.NEW && result != RefUpdate.Result.NO_CHANGE) {
            throw new IOException("could not move main to " + commit.name() + ": " + result);
        }
    }
}
