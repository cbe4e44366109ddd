package dev.reporag.core.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Estimates a job's time left from its percentage at the speed of the last half minute or so: a
 * run often speeds up once its first files are read, so a straight line from the start
 * overestimates for a long while. Pure; fed by one thread.
 */
final class Eta {
    /** How far back the speed is measured. */
    static final Duration WINDOW = Duration.ofSeconds(30);
    /** Less than this of samples says nothing reliable yet. */
    static final Duration LEAST = Duration.ofSeconds(1);

    private record Sample(Instant at, int percent) {
    }

    /** When each percentage was first seen: at most one sample per percent, so this stays small. */
    private final Deque<Sample> samples = new ArrayDeque<>();

    /**
     * Records {@code percent} as of {@code now} and returns the time left, empty before a second
     * of samples, at 0 or 100 %, or when the window shows no gain.
     */
    Optional<Duration> update(Instant now, int percent) {
        if (samples.isEmpty() || samples.getLast().percent() != percent) {
            samples.addLast(new Sample(now, percent));
        }
        // The oldest sample kept is the newest one at least a window old, so the speed spans a window.
        Instant windowStart = now.minus(WINDOW);
        while (samples.size() > 2 && !secondOldest().isAfter(windowStart)) {
            samples.removeFirst();
        }
        Sample oldest = samples.getFirst();
        Duration span = Duration.between(oldest.at(), now);
        int gained = percent - oldest.percent();
        if (percent <= 0 || percent >= 100 || span.compareTo(LEAST) < 0 || gained <= 0) {
            return Optional.empty();
        }
        double seconds = span.toNanos() / 1e9;
        return Optional.of(Duration.ofSeconds(Math.round(seconds * (100 - percent) / gained)));
    }

    private Instant secondOldest() {
        var it = samples.iterator();
        it.next();
        return it.next().at();
    }
}
