package dev.reporag.local;

import dev.reporag.core.model.EmbeddingModel;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.ProjectModels;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The embedded store's models: one Lucene index directory per model and dimension
 * ({@code index-<model>-<dimension>-<hash>}), and per project the model that answers for it and
 * the one a re-embedding is building, in the state file (map {@code models}; absent from stores
 * written before it, which {@link LocalStore} upgrades when it opens them).
 */
final class LocalModels {
    private static final String INDEX_PREFIX = "index.";

    private final MvState state;
    private final Path directory;

    LocalModels(MvState state, Path directory) {
        this.state = state;
        this.directory = directory;
    }

    /** The index directory of a model, recorded so that other models' stores can find it. */
    Path indexOf(EmbeddingModel model) {
        String name = directoryName(model);
        state.write(() -> state.meta.putIfAbsent(INDEX_PREFIX + name, encode(model)));
        return directory.resolve(name);
    }

    /** Every model with an index here, by its directory. */
    Map<Path, EmbeddingModel> indexes() {
        return state.read(() -> {
            Map<Path, EmbeddingModel> all = new LinkedHashMap<>();
            for (String key : state.meta.keySet()) {
                if (key.startsWith(INDEX_PREFIX)) {
                    all.put(directory.resolve(key.substring(INDEX_PREFIX.length())), decode(state.meta.get(key)));
                }
            }
            return all;
        });
    }

    static String directoryName(EmbeddingModel model) {
        String slug = model.id().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        if (slug.length() > 40) {
            slug = slug.substring(0, 40);
        }
        return "index-" + slug + "-" + model.dimension() + "-" + sha256(model.id()).substring(0, 8);
    }

    ProjectModels models(ProjectId project) {
        String value = state.read(() -> state.models.get(project.value()));
        if (value == null) {
            return ProjectModels.NONE;
        }
        String[] parts = value.split("\n", -1);
        return new ProjectModels(decode(parts[0]), decode(parts[1]));
    }

    void request(ProjectId project, EmbeddingModel model) {
        state.write(() -> {
            ProjectModels now = models(project);
            state.models.put(project.value(), encode(now.active()) + "\n" + encode(model));
            return null;
        });
    }

    /**
     * Makes {@code model} the project's answering one; returns the model whose chunks of the
     * project are to be removed (the one answering before, when this was the target), or null.
     */
    EmbeddingModel activate(ProjectId project, EmbeddingModel model) {
        return state.write(() -> {
            ProjectModels now = models(project);
            boolean switching = model.equals(now.target());
            state.models.put(project.value(), encode(model) + "\n" + (switching ? "" : encode(now.target())));
            return switching && now.active() != null && !now.active().equals(model) ? now.active() : null;
        });
    }

    /** Sets the answering model of a project stored before models were recorded, unless one is. */
    void adopt(ProjectId project, EmbeddingModel model) {
        state.write(() -> state.models.putIfAbsent(project.value(), encode(model) + "\n"));
    }

    void forget(ProjectId project) {
        state.write(() -> state.models.remove(project.value()));
    }

    private static String encode(EmbeddingModel model) {
        return model == null ? "" : model.dimension() + " " + model.id();
    }

    private static EmbeddingModel decode(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        int space = value.indexOf(' ');
        return new EmbeddingModel(value.substring(space + 1), Integer.parseInt(value.substring(0, space)));
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
