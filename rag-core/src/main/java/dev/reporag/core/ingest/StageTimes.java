package dev.reporag.core.ingest;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Supplier;

/**
 * Where a job's time went, stage by stage, as the job thread spent it (the readers and the
 * dispatcher work meanwhile: only the time the job waited for them counts). A stage timed inside
 * another counts for itself only (a reuse lookup that hands a full group to the batcher, which
 * writes it, counts the lookup, not the write). Logged when a job ends, so an operator can tell a
 * slow clone from a slow store without a profiler. Used by the job thread only.
 */
final class StageTimes {
    enum Stage {
        OPEN("clone/fetch"),
        LIST("listing"),
        READ("waiting for reads"),
        LOOKUP("reuse lookups"),
        EMBED("waiting for vectors"),
        STORE("writes"),
        /** Waiting for a sibling's index, copied beside the job (see JobProcessor). */
        COPY("waiting for the copy of a sibling's index"),
        PROGRESS("progress saves"),
        FINISH("finish");

        private final String label;

        Stage(String label) {
            this.label = label;
        }
    }

    private final Map<Stage, Long> nanos = new EnumMap<>(Stage.class);
    /** Time of the stages timed inside the one running now. */
    private long nested;

    <T> T time(Stage stage, Supplier<T> work) {
        long outerNested = nested;
        nested = 0;
        long start = System.nanoTime();
        try {
            return work.get();
        } finally {
            long elapsed = System.nanoTime() - start;
            nanos.merge(stage, elapsed - nested, Long::sum);
            nested = outerNested + elapsed;
        }
    }

    void time(Stage stage, Runnable work) {
        time(stage, () -> {
            work.run();
            return null;
        });
    }

    /** For example {@code clone/fetch 0.31 s, listing 0.02 s, ...}: the stages that took any time, in pipeline order. */
    @Override
    public String toString() {
        StringJoiner joined = new StringJoiner(", ");
        nanos.forEach((stage, elapsed) -> joined.add(String.format(Locale.ROOT, "%s %.2f s", stage.label,
                elapsed / 1e9)));
        return joined.toString();
    }
}
