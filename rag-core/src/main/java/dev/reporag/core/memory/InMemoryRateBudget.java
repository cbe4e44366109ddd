package dev.reporag.core.memory;

import dev.reporag.core.port.RateBudget;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The rate budgets of one process: enough when no other process spends the same key (the embedded
 * store is held by one process anyway). A time line per key: the next free start and the running
 * total of reserved tokens.
 */
public final class InMemoryRateBudget implements RateBudget {
    private final LongSupplier nanoClock;
    private final Map<String, Line> lines = new HashMap<>();

    public InMemoryRateBudget() {
        this(System::nanoTime);
    }

    /** With the clock tests use. */
    public InMemoryRateBudget(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    private Line line(String key, long now) {
        return lines.computeIfAbsent(key, k -> {
            Line fresh = new Line();
            fresh.nextStart = now;
            return fresh;
        });
    }

    private static final class Line {
        long nextStart;
        long reservedTokens;
    }

    @Override
    public synchronized Reservation reserve(String key, Duration slot, long tokens) {
        long now = nanoClock.getAsLong();
        Line line = line(key, now);
        // An idle time line earns no credit: starts never bunch up after a quiet spell.
        long start = Math.max(line.nextStart - now, 0) + now;
        line.nextStart = start + slot.toNanos();
        line.reservedTokens += tokens;
        return new Reservation(Duration.ofNanos(start - now), line.reservedTokens);
    }

    @Override
    public synchronized void pause(String key, Duration delay) {
        long now = nanoClock.getAsLong();
        Line line = line(key, now);
        long until = now + delay.toNanos();
        if (line.nextStart - until < 0) {
            line.nextStart = until;
        }
    }
}
