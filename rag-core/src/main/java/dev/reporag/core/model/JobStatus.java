package dev.reporag.core.model;

/** The four states a user sees. */
public enum JobStatus {
    PENDING, PROCESSING, READY, FAILED;

    /** A job in one of these states blocks a second job for the same project. */
    public boolean isActive() {
        return this == PENDING || this == PROCESSING;
    }

    public boolean isFinished() {
        return this == READY || this == FAILED;
    }
}
