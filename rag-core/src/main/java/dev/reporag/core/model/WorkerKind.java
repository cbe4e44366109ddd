package dev.reporag.core.model;

/** Who processes the queue, as far as a PENDING project's status can tell whether anyone is coming. */
public enum WorkerKind {
    /** A long-running worker: the in-process workers of a server, or a separate worker process. */
    WORKER,
    /** A one-shot run that processes what is waiting and exits, such as a scheduled (cron) run. */
    RUN
}
