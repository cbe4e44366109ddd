package dev.reporag.core.model;

import java.util.Objects;

/** How a job ends. */
public sealed interface JobOutcome {
    /** The outcome of a job whose worker stopped responding on every attempt. */
    static Failed abandoned(int attempts) {
        return new Failed("gave up after " + attempts + " attempts: the worker processing this job stopped"
                + " responding each time (its lease expired); check the worker's memory and logs, then retry");
    }

    record Ready(String commit, Progress progress) implements JobOutcome {
        public Ready {
            Objects.requireNonNull(commit, "commit");
            Objects.requireNonNull(progress, "progress");
        }
    }

    record Failed(String error) implements JobOutcome {
        public Failed {
            if (error == null || error.isBlank()) {
                throw new IllegalArgumentException("a failure needs an error a user can act on");
            }
        }
    }
}
