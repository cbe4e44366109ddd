package dev.reporag.git;

import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.port.Snapshot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

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
 *
 * Against another server (git's own {@code git-http-backend}, say, behind a proxy that waits before
 * each request and logs a line per request): {@code -Dexec.args="100 7 http://127.0.0.1:PORT DIR LOG"},
 * with DIR the directory it serves (the repository is made there) and LOG the file its request
 * lines go to (the requests of each fetch are counted from it).
 */
public final class FetchRoundTrips {
    private FetchRoundTrips() {
    }

    public static void main(String[] args) throws Exception {
        long delay = args.length > 0 ? Long.parseLong(args[0]) : 100;
        int fetches = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        Path work = Files.createTempDirectory("fetch-round-trips");
        boolean external = args.length > 4;
        Path served = external ? Path.of(args[3]) : work.resolve("served");
        try (GitHttpTestServer server = external ? null : new GitHttpTestServer(served)) {
            try (TestRepository repository = TestRepository.create(served.resolve("r.git"))) {
                repository.commit("main", List.of(text("a.txt", "0\n")));
            }
            if (server != null) {
                server.delayEachRequest(delay);
            }
            String url = external ? args[2] + "/r.git" : server.url("r.git");
            IntSupplier requests = external ? () -> requestLines(Path.of(args[4])) : () -> server.paths().size();
            for (String ref : List.of("main", "refs/heads/main", "main", "refs/heads/main")) {
                JGitRepositorySource source = new JGitRepositorySource(
                        GitSourceSettings.defaults(work.resolve("cache-" + System.nanoTime())).withAllowLocalSources(true));
                open(source, url, ref); // the first clone, and the JVM's first use of the path
                List<Long> millis = new ArrayList<>();
                int before = requests.getAsInt();
                for (int i = 1; i <= fetches; i++) {
                    try (TestRepository repository = TestRepository.open(served.resolve("r.git"))) {
                        repository.commit("main", List.of(text("a.txt", System.nanoTime() + "\n")));
                    }
                    long started = System.nanoTime();
                    open(source, url, ref);
                    millis.add((System.nanoTime() - started) / 1_000_000);
                }
                System.out.printf("%s, ref %-16s %d ms a request: %.1f requests a fetch; each fetch (ms): %s%n",
                        external ? url : "the tests' server", ref, delay, (requests.getAsInt() - before) / (double) fetches,
                        millis);
            }
        }
    }

    private static int requestLines(Path log) {
        try {
            return (int) Files.readAllLines(log).stream().filter(line -> line.startsWith("REQ ")).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void open(JGitRepositorySource source, String url, String ref) {
        try (Snapshot snapshot = source.open(new Project(ProjectId.random(), "p", url, ref, Instant.now()))) {
            snapshot.commit();
        }
    }
}
