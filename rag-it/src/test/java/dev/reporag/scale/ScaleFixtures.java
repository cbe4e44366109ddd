package dev.reporag.scale;

import dev.reporag.core.RepoRag;
import dev.reporag.core.ingest.Cancellation;
import dev.reporag.core.ingest.IngestionListener;
import dev.reporag.core.memory.HashingEmbedder;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.ScoredChunk;
import dev.reporag.core.model.SourceFile;
import dev.reporag.core.policy.RagSettings;
import dev.reporag.core.port.ChangeSet;
import dev.reporag.core.port.RepositorySource;
import dev.reporag.core.port.Snapshot;
import dev.reporag.core.port.VectorStore;
import dev.reporag.git.GitSourceSettings;
import dev.reporag.git.JGitRepositorySource;
import dev.reporag.local.LocalStore;
import org.eclipse.jgit.api.Git;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Real Git repositories, the real git source and the embedded store, for the scale tests. */
final class ScaleFixtures {
    private ScaleFixtures() {
    }

    /** A Java-like file of about {@code methods} × 180 characters: several chunks each. */
    static String javaFile(String name, int methods, String variant) {
        StringBuilder text = new StringBuilder("package demo;\n\n/** " + name + " does demo work. */\npublic class "
                + name + " {\n");
        for (int m = 0; m < methods; m++) {
            text.append("    /** Returns the ").append(m).append("th value of ").append(name).append(". */\n")
                    .append("    int value").append(m).append("(int input) {\n")
                    .append("        int scaled = input * ").append(m + 1).append(";\n")
                    .append("        return scaled + ").append(variant.hashCode() % 97).append(";\n")
                    .append("    }\n\n");
        }
        return text.append("}\n").toString();
    }

    static Map<String, String> files(int count, int methods) {
        Map<String, String> files = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            files.put("src/pkg" + (i % 10) + "/Type" + i + ".java", javaFile("Type" + i, methods, "v1"));
        }
        files.put("README.md", "# Demo\n");
        files.put("docs/guide.md", "excluded by the default filter\n");
        return files;
    }

    /** Writes the files (null content deletes) and commits them. */
    static String commit(Path dir, Map<String, String> files, String message) throws Exception {
        Files.createDirectories(dir);
        try (Git git = Files.isDirectory(dir.resolve(".git")) ? Git.open(dir.toFile())
                : Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            for (Map.Entry<String, String> file : files.entrySet()) {
                Path path = dir.resolve(file.getKey());
                if (file.getValue() == null) {
                    Files.deleteIfExists(path);
                    git.rm().addFilepattern(file.getKey()).call();
                } else {
                    Files.createDirectories(path.getParent());
                    Files.writeString(path, file.getValue());
                    git.add().addFilepattern(file.getKey()).call();
                }
            }
            return git.commit().setMessage(message).setAuthor("Test", "test@example.com")
                    .setCommitter("Test", "test@example.com").setSign(false).call().name();
        }
    }

    /** A fork: a clone of the repository at {@code upstream}, with its history, at {@code dir}. */
    static Path fork(Path upstream, Path dir) throws Exception {
        try (Git ignored = Git.cloneRepository().setURI(upstream.toUri().toString()).setDirectory(dir.toFile())
                .call()) {
            return dir;
        }
    }

    /** One embedded store, the real git source (observed) and the core, closed together. */
    static final class Stack implements AutoCloseable {
        final HashingEmbedder embedder = new HashingEmbedder(64, 4000);
        final LocalStore local;
        final ObservedSource source;
        final RepoRag rag;

        Stack(Path dir, RagSettings settings) {
            local = LocalStore.open(dir.resolve("store"), embedder.modelId(), embedder.dimension());
            source = new ObservedSource(new JGitRepositorySource(GitSourceSettings.defaults(dir.resolve("git"))
                    .withAllowLocalSources(true)));
            rag = RepoRag.builder().source(source).embedder(embedder).vectorStore(local.vectorStore())
                    .jobs(local.jobs()).conversations(local.conversations()).settings(settings).build();
        }

        VectorStore store() {
            return local.vectorStore();
        }

        IngestionJob ingest(ProjectId project) {
            return ingest(project, new Cancellation(), IngestionListener.NONE);
        }

        IngestionJob ingest(ProjectId project, Cancellation cancellation, IngestionListener listener) {
            IngestionJob job = rag.requestIngestion(project);
            return rag.process(job.id(), "test", cancellation, listener).orElseThrow();
        }

        /** Every stored chunk of the project: id to "path:start-end" and text. */
        Map<String, String> contents(ProjectId project) {
            int count = (int) store().count(project);
            if (count == 0) {
                return Map.of();
            }
            float[] query = embedder.embedAll(List.of("value input scaled")).get(0);
            return store().vectorSearch(project, query, count).stream().map(ScoredChunk::chunk)
                    .collect(Collectors.toMap(c -> c.id(), c -> c.citation() + "\n" + c.text(), (a, b) -> a,
                            TreeMap::new));
        }

        @Override
        public void close() {
            rag.close();
            local.close();
        }
    }

    /** Makes a fresh store, saves {@code project} in it (same id, so chunk ids compare) and ingests it. */
    static Map<String, String> freshIndex(Path dir, Project project, RagSettings settings) {
        try (Stack fresh = new Stack(dir, settings)) {
            fresh.local.jobs().saveProject(project);
            IngestionJob job = fresh.ingest(project.id());
            if (!job.status().name().equals("READY")) {
                throw new AssertionError("the fresh index ended " + job.status() + ": " + job.error());
            }
            return fresh.contents(project.id());
        }
    }

    /** The real git source, observed: which files were read, and a hook on each listed entry. */
    static final class ObservedSource implements RepositorySource {
        private final RepositorySource delegate;
        final Set<String> read = ConcurrentHashMap.newKeySet();
        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger listings = new AtomicInteger();
        final AtomicInteger listed = new AtomicInteger();
        volatile IntConsumer onListedInFirstListing = n -> { };

        ObservedSource(RepositorySource delegate) {
            this.delegate = delegate;
        }

        void reset() {
            read.clear();
            reads.set(0);
            listings.set(0);
            listed.set(0);
        }

        @Override
        public Snapshot open(Project project) {
            Snapshot snapshot = delegate.open(project);
            return new Snapshot() {
                @Override
                public String commit() {
                    return snapshot.commit();
                }

                @Override
                public Stream<SourceFile> files() {
                    boolean first = listings.incrementAndGet() == 1;
                    return snapshot.files().peek(f -> {
                        int n = listed.incrementAndGet();
                        if (first) {
                            onListedInFirstListing.accept(n);
                        }
                    });
                }

                @Override
                public byte[] read(SourceFile file) {
                    reads.incrementAndGet();
                    read.add(file.path());
                    return snapshot.read(file);
                }

                @Override
                public Optional<ChangeSet> changesSince(String earlierCommit) {
                    return snapshot.changesSince(earlierCommit);
                }

                @Override
                public Optional<ChangeSet> changesSince(String earlierCommit, String earlierSource) {
                    return snapshot.changesSince(earlierCommit, earlierSource);
                }

                @Override
                public void close() {
                    snapshot.close();
                }
            };
        }

        @Override
        public void validate(String source) {
            delegate.validate(source);
        }
    }
}
