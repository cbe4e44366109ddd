package dev.reporag.git;

import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.port.Snapshot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.reporag.git.TestRepository.Entry.text;

/**
 * How many requests, and how long, a fetch of a new commit on a branch takes over smart HTTP when
 * each request costs a round trip: the branch named plainly ({@code main}, fetched at once) against
 * its full name ({@code refs/heads/main}, resolved from a listing of the remote's refs first, as
 * every ref was before). Not a test: run it by hand.
 *
 * <pre>
 * mvn -q -pl rag-adapters-git test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.reporag.git.FetchRoundTrips [-Dexec.args="100 7"]   # ms a request, fetches
 * </pre>
 */
public final class FetchRoundTrips {
    private FetchRoundTrips() {
    }

    public static void main(String[] args) throws Exception {
        long delay = args.length > 0 ? Long.parseLong(args[0]) : 100;
        int fetches = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        Path work = Files.createTempDirectory("fetch-round-trips");
        Path served = work.resolve("served");
        try (GitHttpTestServer server = new GitHttpTestServer(served)) {
            try (TestRepository repository = TestRepository.create(served.resolve("r.git"))) {
                repository.commit("main", List.of(text("a.txt", "0\n")));
            }
            server.delayEachRequest(delay);
            for (String ref : List.of("main", "refs/heads/main", "main", "refs/heads/main")) {
                JGitRepositorySource source = new JGitRepositorySource(
                        GitSourceSettings.defaults(work.resolve("cache-" + System.nanoTime())).withAllowLocalSources(true));
                open(source, server.url("r.git"), ref); // the first clone, and the JVM's first use of the path
                List<Long> millis = new ArrayList<>();
                int before = server.paths().size();
                for (int i = 1; i <= fetches; i++) {
                    try (TestRepository repository = TestRepository.open(served.resolve("r.git"))) {
                        repository.commit("main", List.of(text("a.txt", System.nanoTime() + "\n")));
                    }
                    long started = System.nanoTime();
                    open(source, server.url("r.git"), ref);
                    millis.add((System.nanoTime() - started) / 1_000_000);
                }
                System.out.printf("ref %-16s %d ms a request: %.1f requests a fetch; each fetch (ms): %s%n", ref,
                        delay, (server.paths().size() - before) / (double) fetches, millis);
            }
        }
    }

    private static void open(JGitRepositorySource source, String url, String ref) {
        try (Snapshot snapshot = source.open(new Project(ProjectId.random(), "p", url, ref, Instant.now()))) {
            snapshot.commit();
        }
    }
}
