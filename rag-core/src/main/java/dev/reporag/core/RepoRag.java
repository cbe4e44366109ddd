package dev.reporag.core;

import dev.reporag.core.ask.AskService;
import dev.reporag.core.embed.DispatchStats;
import dev.reporag.core.embed.EmbeddingDispatcher;
import dev.reporag.core.eval.EvalReport;
import dev.reporag.core.eval.Evaluation;
import dev.reporag.core.eval.StoreEvalIndex;
import dev.reporag.core.ingest.Cancellation;
import dev.reporag.core.ingest.Estimate;
import dev.reporag.core.ingest.Estimator;
import dev.reporag.core.ingest.IngestionListener;
import dev.reporag.core.ingest.JobProcessor;
import dev.reporag.core.ingest.WorkBell;
import dev.reporag.core.ingest.Worker;
import dev.reporag.core.model.Answer;
import dev.reporag.core.model.IngestionJob;
import dev.reporag.core.model.JobId;
import dev.reporag.core.model.JobStatus;
import dev.reporag.core.model.PathRules;
import dev.reporag.core.model.Project;
import dev.reporag.core.model.ProjectId;
import dev.reporag.core.model.ProjectModels;
import dev.reporag.core.model.ProjectStatus;
import dev.reporag.core.model.SkippedFiles;
import dev.reporag.core.model.WorkerKind;
import dev.reporag.core.policy.FileFilter;
import dev.reporag.core.policy.QueueWait;
import dev.reporag.core.policy.RagSettings;
import dev.reporag.core.policy.RepositoryPage;
import dev.reporag.core.policy.SourceKind;
import dev.reporag.core.policy.TextRules;
import dev.reporag.core.port.AnswerModel;
import dev.reporag.core.port.ConflictException;
import dev.reporag.core.port.ConversationRepository;
import dev.reporag.core.port.Embedder;
import dev.reporag.core.port.FetchMonitor;
import dev.reporag.core.port.InvalidInputException;
import dev.reporag.core.port.JobRepository;
import dev.reporag.core.port.NotFoundException;
import dev.reporag.core.port.RateBudget;
import dev.reporag.core.port.RepositorySource;
import dev.reporag.core.port.Snapshot;
import dev.reporag.core.port.SourceException;
import dev.reporag.core.port.VectorStore;
import dev.reporag.core.sync.PushEvent;
import dev.reporag.core.sync.Refresh;
import dev.reporag.core.sync.Refresher;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * The use cases, in one place for the driving adapters (CLI, HTTP, a user's own app): register a
 * project, request its ingestion (never doing the work in the caller), process jobs, report
 * status, and ask. Build it with {@link #builder()}.
 */
public final class RepoRag implements AutoCloseable {
    /** The most questions one evaluation makes. */
    public static final int MAX_EVAL_QUESTIONS = 1000;

    private final RepositorySource source;
    private final VectorStore store;
    private final JobRepository jobs;
    private final RagSettings settings;
    private final Clock clock;
    private final EmbeddingDispatcher dispatcher;
    private final JobProcessor processor;
    private final AskService askService;
    private final ConversationRepository conversations;
    private final boolean chatModel;
    private final Duration scheduledRunInterval;
    private final Refresher refresher;
    /** Rung on every job this process enqueues: its idle workers claim it at once. */
    private final WorkBell bell = new WorkBell();

    private RepoRag(Builder b) {
        this.source = Objects.requireNonNull(b.source, "a repository source is required");
        Embedder embedder = Objects.requireNonNull(b.embedder, "an embedder is required");
        this.store = Objects.requireNonNull(b.store, "a vector store is required");
        this.jobs = Objects.requireNonNull(b.jobs, "a job repository is required");
        this.conversations = Objects.requireNonNull(b.conversations,
                "a conversation repository is required");
        this.settings = b.settings;
        this.clock = b.clock;
        this.dispatcher = new EmbeddingDispatcher(embedder, settings.batch(), settings.retry(), settings.rateLimits(),
                b.rateBudget);
        this.refresher = new Refresher(source, jobs, clock, this::enqueue);
        this.processor = new JobProcessor(source, dispatcher, store, jobs, settings, clock, refresher::afterJob);
        this.askService = new AskService(jobs, store, dispatcher, b.answerModel, conversations, settings, clock);
        this.chatModel = b.answerModel != null;
        this.scheduledRunInterval = b.scheduledRunInterval;
    }

    public static Builder builder() {
        return new Builder();
    }

    public RagSettings settings() {
        return settings;
    }

    /** Requests, 429s, retries and the pacing in force of the process's embedding dispatcher. */
    public DispatchStats embeddingStats() {
        return dispatcher.stats();
    }

    /** Whether answers are written by a chat model (else they are extractive). */
    public boolean hasChatModel() {
        return chatModel;
    }

    /**
     * Registers a project after checking its source (scheme, host) without fetching it; the source
     * is stored as {@link #registerOrFind} stores it (a path absolute, and a directory).
     *
     * @throws InvalidInputException for a bad name, a refused source, or a path that is no directory
     * @throws ConflictException     when the name is taken
     */
    public Project register(String name, String repositorySource, String ref) {
        String source = onThisMachine(checkRegistration(Objects.requireNonNullElse(name, ""), repositorySource, ref));
        if (jobs.projectByName(name.strip()).isPresent()) {
            throw new ConflictException("a project named '" + name.strip() + "' already exists");
        }
        Project project = new Project(ProjectId.random(), name, source, ref, clock.instant());
        jobs.saveProject(project);
        return project;
    }

    /**
     * A project as {@link #registerOrFind} left it: made now, or found already registered; and
     * whether its own file rules were changed (its next index lists every file again).
     */
    public record Registration(Project project, boolean created, boolean pathsChanged) {
        public Registration(Project project, boolean created) {
            this(project, created, false);
        }
    }

    /**
     * Where a list of globs written on one line ({@code --include}, an API string) is cut: at commas
     * outside braces, so {@code docs/{guide,api}/**} stays one glob.
     */
    public static final String GLOB_LIST_SEPARATOR = FileFilter.GLOB_LIST_SEPARATOR;

    /** The globs of a comma-separated list, cut as {@link #GLOB_LIST_SEPARATOR} says, stripped, empty ones left out. */
    public static List<String> globList(String commaSeparated) {
        return FileFilter.globList(commaSeparated);
    }

    /**
     * A project's own file rules: the lists given replace the project's (its rules, or none for a new
     * project); a list not given (null) is kept. Checked as globs.
     *
     * @throws InvalidInputException for too many globs, or one that cannot be read
     */
    private PathRules pathRules(PathRules current, List<String> include, List<String> exclude) {
        try {
            PathRules paths = new PathRules(include != null ? include : current.include(),
                    exclude != null ? exclude : current.exclude());
            settings.fileFilter().forProject(paths);
            return paths;
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
    }

    /**
     * The one registration rule, which the CLI ({@code add}, {@code ingest}) and the API
     * ({@code POST /api/projects}) both follow, so the same request has the same outcome:
     * <ol>
     *   <li>the source is checked as {@link #register} checks it (a refused source is an
     *       {@link InvalidInputException});</li>
     *   <li>a path on this machine ({@link SourceKind#PATH}) is made absolute, so one directory is one
     *       project whatever the working directory, and must be a directory;</li>
     *   <li>a source already registered with the same ref <em>is</em> that project, whatever name is
     *       asked for: nothing is registered twice, and its name is kept;</li>
     *   <li>otherwise the project is registered under {@code name}, or, when no name is given, under
     *       the last part of the source ({@code shop} for {@code https://github.com/acme/shop.git});
     *       a name held by a project of another source or ref is a {@link ConflictException}.</li>
     * </ol>
     *
     * @param name null to take the name from the source
     * @throws InvalidInputException for a bad name, a refused source, or a path that is no directory
     * @throws ConflictException     when the name is taken by a project of another source or ref
     */
    public Registration registerOrFind(String name, String repositorySource, String ref) {
        return registerOrFind(name, repositorySource, ref, null, null);
    }

    /**
     * {@link #registerOrFind(String, String, String)} with the project's own file rules
     * ({@link PathRules}): globs of files to keep although a default rule leaves them out, and of
     * files to leave out besides. A new project gets them; a project found already registered has
     * the lists given replace its own (a list not given, null, is kept), and its next index applies
     * them, listing every file again.
     */
    public Registration registerOrFind(String name, String repositorySource, String ref, List<String> include,
                                       List<String> exclude) {
        SourceAndRef named = checkedSourceAndRef(name, repositorySource, ref);
        String source = named.source();
        ref = named.ref();
        Optional<Project> existing = registered(source, ref);
        PathRules paths = pathRules(existing.map(Project::paths).orElse(PathRules.NONE), include, exclude);
        if (existing.isPresent()) {
            if (paths.equals(existing.get().paths())) {
                return new Registration(existing.get(), false);
            }
            Project changed = existing.get().withPaths(paths);
            jobs.saveProject(changed);
            org.slf4j.LoggerFactory.getLogger(RepoRag.class).info("project {}: its own file rules are now include {}"
                    + " exclude {}", changed.id(), paths.include(), paths.exclude());
            return new Registration(changed, false, true);
        }
        String chosen = name != null ? name : checkName(defaultName(source));
        Optional<Project> sameName = jobs.projectByName(chosen.strip());
        if (sameName.isPresent()) {
            throw new ConflictException("a project named '" + chosen.strip() + "' already exists for "
                    + sameName.get().source() + (sameName.get().ref() == null ? "" : " at " + sameName.get().ref()));
        }
        Project project = new Project(ProjectId.random(), chosen, source, ref, clock.instant(), paths);
        try {
            jobs.saveProject(project);
        } catch (dev.reporag.core.port.StoreException raced) {
            // Registered at the same time by another request: that one is the project.
            return registered(source, ref).map(p -> new Registration(p, false)).orElseThrow(() -> raced);
        }
        return new Registration(project, true);
    }

    /** The last part of a source, without {@code .git}: what a project is called when no name is given. */
    static String defaultName(String source) {
        if (source == null) {
            return "repository";
        }
        String s = source.strip().replaceAll("[/\\\\]+$", "").replaceAll("\\.git$", "");
        String name = s.substring(Math.max(s.lastIndexOf('/'), s.lastIndexOf(':')) + 1);
        return name.isBlank() ? "repository" : name;
    }

    /** A source checked (as stored) and the ref it is asked at. */
    private record SourceAndRef(String source, String ref) {
    }

    /**
     * Checks a name (null: none), a source and a ref as a registration does, and reads a Git host's
     * page address as the repository and ref it shows ({@link #refShown} where the ref may hold '/').
     */
    private SourceAndRef checkedSourceAndRef(String name, String repositorySource, String ref) {
        RepositoryPage page = repositorySource == null ? null : named(repositorySource, ref);
        String askedRef = page == null ? ref : page.ref();
        String source = onThisMachine(checkRegistration(name, page == null ? null : page.source(), askedRef));
        if (page != null && page.refMayHoldSlashes()) {
            askedRef = checkRef(refShown(source, page));
        }
        return new SourceAndRef(source, askedRef);
    }

    /**
     * The repository and ref a source names: a Git host's page (…/tree/develop/src) names both; a
     * ref given wins over the page's.
     */
    private static RepositoryPage named(String source, String ref) {
        RepositoryPage page = RepositoryPage.of(source, RepoRag::existsHere);
        return ref == null || ref.isBlank() ? page : new RepositoryPage(page.source(), ref);
    }

    /**
     * Where the ref of a page's address ends ({@code tree/feature/login/src} may show the branch
     * {@code feature/login}): the longest reading a project of this source is registered at, else
     * the longest the remote has as a branch or tag (as the host reads its own addresses), else the
     * first segment, whose fetch then names the branches there are. The source is checked already.
     */
    private String refShown(String checkedSource, RepositoryPage page) {
        Optional<String> known = longestRegistered(storedForm(checkedSource), page);
        if (known.isPresent()) {
            return known.get();
        }
        try {
            return source.firstExistingRef(checkedSource, page.refCandidates()).orElse(page.ref());
        } catch (dev.reporag.core.port.SourceException e) {
            throw new InvalidInputException("could not tell which branch or tag " + page.refAndPath()
                    + " begins with (" + e.getMessage() + "); give the branch or tag as the ref");
        }
    }

    private Optional<String> longestRegistered(String storedSource, RepositoryPage page) {
        Set<String> refs = jobs.projects().stream().filter(p -> p.source().equals(storedSource))
                .map(Project::ref).filter(Objects::nonNull).collect(java.util.stream.Collectors.toSet());
        return page.refCandidates().stream().filter(refs::contains).findFirst();
    }

    private static boolean existsHere(String path) {
        try {
            return Files.exists(Path.of(path));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    /**
     * A source as a project stores it: a path on this machine made absolute and normalized (so one
     * directory is one project whatever the working directory), anything else stripped of blanks.
     * Nothing is checked: see {@link #registerOrFind}.
     */
    public static String storedForm(String source) {
        String s = source.strip();
        if (SourceKind.of(s) != SourceKind.PATH) {
            return s;
        }
        try {
            return Path.of(s).toAbsolutePath().normalize().toString();
        } catch (InvalidPathException e) {
            throw new InvalidInputException("not a valid path: " + s);
        }
    }

    /**
     * {@link #storedForm}, and a path must be a directory. Looked at only after the source check
     * accepted it, so that a client whose local paths are refused learns nothing about this
     * machine's files.
     */
    private static String onThisMachine(String checkedSource) {
        String stored = storedForm(checkedSource);
        if (SourceKind.of(checkedSource) == SourceKind.PATH && !Files.isDirectory(Path.of(stored))) {
            throw new InvalidInputException("no directory at " + stored);
        }
        return stored;
    }

    /** The project registered for this source (in its {@link #storedForm}) and ref, if any. */
    public Optional<Project> registered(String source, String ref) {
        RepositoryPage named = named(source, ref);
        String stored = storedForm(named.source());
        String wantedRef = named.refMayHoldSlashes() ? longestRegistered(stored, named).orElse(named.ref())
                : named.ref() == null || named.ref().isBlank() ? null : named.ref(); // as Project keeps it
        return jobs.projects().stream()
                .filter(p -> p.source().equals(stored) && Objects.equals(p.ref(), wantedRef))
                .findFirst();
    }

    private static final int MAX_SOURCE_CHARS = 2048;
    private static final int MAX_REF_CHARS = 255;

    private static String checkName(String name) {
        if (name.isBlank() || name.length() > 200) {
            throw new InvalidInputException("a project name must be 1 to 200 printable characters");
        }
        String nameProblem = TextRules.nameProblem(name);
        if (nameProblem != null) {
            throw new InvalidInputException("a project name must be 1 to 200 printable characters; this one "
                    + nameProblem);
        }
        return name;
    }

    private static String checkRef(String ref) {
        if (ref != null && (ref.length() > MAX_REF_CHARS || TextRules.nameProblem(ref) != null
                || ref.strip().chars().anyMatch(Character::isWhitespace))) {
            throw new InvalidInputException("a ref is a branch, tag or commit of at most " + MAX_REF_CHARS
                    + " characters, without spaces, control or invisible characters");
        }
        return ref;
    }

    /** Validates a name (null: none given), a source and a ref; returns the source as stored. */
    private String checkRegistration(String name, String repositorySource, String ref) {
        checkRef(ref);
        if (name != null) {
            checkName(name);
        }
        if (repositorySource == null || repositorySource.isBlank()) {
            throw new InvalidInputException("the repository URL is empty");
        }
        if (repositorySource.length() > MAX_SOURCE_CHARS) {
            throw new InvalidInputException("the repository URL is longer than " + MAX_SOURCE_CHARS + " characters");
        }
        try {
            source.validate(repositorySource.strip());
        } catch (dev.reporag.core.port.SourceException e) {
            throw new InvalidInputException(e.getMessage());
        }
        return repositorySource.strip();
    }

    public Optional<Project> project(ProjectId id) {
        return jobs.project(id);
    }

    /** Finds a project by id or, failing that, by name. */
    public Optional<Project> findProject(String idOrName) {
        if (idOrName == null || idOrName.isBlank() || idOrName.length() > 200
                || dev.reporag.core.policy.TextRules.controlProblem(idOrName, false) != null) {
            return Optional.empty(); // no project has such a name, and a store may refuse the text (NUL)
        }
        try {
            Optional<Project> byId = jobs.project(new ProjectId(idOrName.strip()));
            if (byId.isPresent()) {
                return byId;
            }
        } catch (IllegalArgumentException notAnId) {
            // fall through to the name
        }
        return jobs.projectByName(idOrName.strip());
    }

    /** Enqueues an ingestion and returns at once; while one is active, returns that one. */
    public IngestionJob requestIngestion(ProjectId id) {
        requireProject(id);
        return enqueue(id);
    }

    /** Enqueues a job and wakes this process's idle workers. */
    private IngestionJob enqueue(ProjectId id) {
        IngestionJob job = jobs.enqueue(id, clock.instant());
        bell.ring();
        return job;
    }

    /** Enqueues a new ingestion of a FAILED project. */
    public IngestionJob retry(ProjectId id) {
        ProjectStatus status = status(id);
        if (status.status() != JobStatus.FAILED) {
            throw new ConflictException("project '" + status.project().name() + "' is " + status.status()
                    + ", not FAILED; there is nothing to retry");
        }
        return enqueue(id);
    }

    /** What {@link #reembed} did for one project. */
    public record Reembedding(Project project, IngestionJob job, String note) {
    }

    /**
     * Re-embeds a project with this process's embedding model after a model change: records the
     * model as the project's target and enqueues a job, which builds the new vectors beside the old
     * ones (reusing any already stored for this model) while the old index keeps answering where
     * its model is configured, then switches the project in one step. A failure leaves the old
     * index as it was. Returns no job when the project already answers with this model.
     */
    public Reembedding reembed(ProjectId id) {
        Project project = requireProject(id);
        ProjectModels models = store.models(id);
        if (models.activeModel().isEmpty() || models.active().equals(store.model())) {
            String why = models.activeModel().isEmpty() ? "has no index yet: its ingestion embeds with "
                    + store.model() : "already answers with " + store.model();
            return new Reembedding(project, null, "project '" + project.name() + "' " + why);
        }
        store.requestModel(id);
        IngestionJob job = enqueue(id);
        return new Reembedding(project, job, "re-embedding project '" + project.name() + "' from " + models.active()
                + " to " + store.model());
    }

    /** {@link #reembed} for every project indexed with another model than this process's. */
    public List<Reembedding> reembedAll() {
        return jobs.projects().stream()
                .filter(p -> store.models(p.id()).activeModel().filter(m -> !m.equals(store.model())).isPresent())
                .map(p -> reembed(p.id()))
                .toList();
    }

    /** Removes a project, its conversations, its jobs and its vectors (vectors other projects share stay). */
    public void delete(ProjectId id) {
        requireProject(id);
        conversations.deleteProject(id);
        jobs.deleteProject(id);
        store.deleteProject(id);
    }

    public ProjectStatus status(ProjectId id) {
        Project project = requireProject(id);
        return status(project, clock.instant(), new Sightings());
    }

    public List<ProjectStatus> statuses() {
        Instant now = clock.instant();
        Sightings sightings = new Sightings();
        return jobs.projects().stream().map(p -> status(p, now, sightings)).toList();
    }

    private ProjectStatus status(Project project, Instant now, Sightings sightings) {
        IngestionJob latest = jobs.latestJob(project.id()).orElse(null);
        String waiting = latest == null || latest.status() == JobStatus.PENDING
                ? QueueWait.explain(latest, sightings.get(), Optional.ofNullable(scheduledRunInterval), now).orElse(null)
                : null;
        return new ProjectStatus(project, latest, jobs.latestReadyJob(project.id()).orElse(null), now, waiting,
                modelNote(project, latest), jobs.remoteHead(project.id()).orElse(null));
    }

    /** What the status says while the project's index and this process's model differ. */
    private String modelNote(Project project, IngestionJob latest) {
        ProjectModels models = store.models(project.id());
        if (models.activeModel().isEmpty() || models.active().equals(store.model())) {
            return null;
        }
        if (store.model().equals(models.target()) && latest != null && latest.status().isActive()) {
            return "re-embedding for model " + store.model() + ": " + latest.progress().percent() + " %";
        }
        boolean failed = store.model().equals(models.target()) && latest != null
                && latest.status() == JobStatus.FAILED;
        return (failed ? "run rag reembed again (the last re-embedding FAILED; the old index is unchanged): "
                : "run rag reembed: ") + "indexed with model " + models.active() + ", not " + store.model();
    }

    /** Worker sightings, read once per status call and only if a PENDING project needs them. */
    private final class Sightings {
        private Map<WorkerKind, Instant> seen;

        Map<WorkerKind, Instant> get() {
            if (seen == null) {
                seen = jobs.workersLastSeen();
            }
            return seen;
        }
    }

    /**
     * Looks at every READY project's remote ({@code ls-remote}: no content is fetched) and queues a
     * re-index of each whose ref moved; see {@link Refresher}. A project whose remote cannot be
     * read is reported, and the others are still looked at.
     */
    public List<Refresh> sync() {
        return refresher.syncAll();
    }

    /** Like {@link #sync()}, for one project. */
    public Refresh sync(ProjectId id) {
        return refresher.refresh(requireProject(id), null);
    }

    /**
     * A push a Git host announced: each project of that repository and ref is refreshed at the
     * pushed commit (no {@code ls-remote}). Empty when no project matches: nothing is done.
     */
    public List<Refresh> push(PushEvent event) {
        return refresher.push(Objects.requireNonNull(event, "event"));
    }

    /**
     * Runs {@link #sync()} now and then every {@code interval} on a daemon thread, handing each
     * run's result to {@code report}, until the returned handle is closed. A failing run (the job
     * store down) is logged and the next one still runs.
     */
    public AutoCloseable startSync(Duration interval, Consumer<List<Refresh>> report) {
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the sync interval must be positive");
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "rag-sync");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                report.accept(sync());
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(RepoRag.class).warn("the scheduled sync failed: {}", e.getMessage());
            }
        }, 0, interval.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        return timer::shutdownNow;
    }

    /**
     * What indexing a repository from scratch would take ({@link Estimate}): it is fetched and read
     * like a job reads it, and nothing is sent to an embedding API. The source is checked as a
     * registration checks it.
     *
     * @param measureSpeed for an in-process model, embed a small sample to tell the time
     * @throws InvalidInputException for a refused source
     * @throws SourceException       when it cannot be fetched
     */
    public Estimate estimate(String repositorySource, String ref, boolean measureSpeed) {
        return estimate(repositorySource, ref, null, null, measureSpeed);
    }

    /**
     * Like {@link #estimate(String, String, boolean)}, under the file rules a registration with these
     * lists would give the project ({@link #registerOrFind(String, String, String, List, List)}).
     */
    public Estimate estimate(String repositorySource, String ref, List<String> include, List<String> exclude,
                             boolean measureSpeed) {
        SourceAndRef named = checkedSourceAndRef("estimate", repositorySource, ref);
        PathRules paths = pathRules(registered(named.source(), named.ref()).map(Project::paths)
                .orElse(PathRules.NONE), include, exclude);
        return estimate(new Project(ProjectId.random(), "estimate", named.source(), named.ref(), clock.instant(),
                paths), measureSpeed);
    }

    /** Like {@link #estimate(String, String, boolean)}, for a registered project's source and ref. */
    public Estimate estimate(ProjectId id, boolean measureSpeed) {
        return estimate(requireProject(id), measureSpeed);
    }

    private Estimate estimate(Project project, boolean measureSpeed) {
        try (Snapshot snapshot = source.open(project, FetchMonitor.NONE)) {
            return new Estimator(dispatcher, settings, jobs).estimate(project, snapshot, measureSpeed);
        }
    }

    /**
     * Notes that a one-shot run (such as a scheduled {@code rag process}) is processing the queue
     * now, so PENDING projects can tell when the next one is due.
     */
    public void runStarted() {
        jobs.workerSeen(WorkerKind.RUN, clock.instant());
    }

    /**
     * The files the project's last complete job left out, each with the rule that left it out and
     * its size; {@link SkippedFiles#NONE} before any job got that far.
     */
    public SkippedFiles skippedFiles(ProjectId id) {
        requireProject(id);
        return jobs.skippedFiles(id).orElse(SkippedFiles.NONE);
    }

    /**
     * Jobs that ended READY or FAILED since the store was created, by status, as the job store
     * counts them: every worker process's, and every failure, also one retried at once.
     */
    public Map<JobStatus, Long> finishedJobs() {
        return jobs.finishedJobs();
    }

    public Optional<IngestionJob> job(JobId id) {
        return jobs.job(id);
    }

    /** Claims the oldest waiting job and processes it in the calling thread. */
    public Optional<IngestionJob> processNext(String workerId) {
        return jobs.claim(workerId, clock.instant(), settings.lease(), settings.maxAttempts())
                .map(job -> processor.process(job, workerId, new Cancellation(), IngestionListener.NONE));
    }

    /**
     * Processes one chosen job in the calling thread (foreground ingestion). Returns the job as it
     * ended, or empty when another worker holds it.
     */
    public Optional<IngestionJob> process(JobId jobId, String workerId, Cancellation cancellation,
                                          IngestionListener listener) {
        return jobs.claimJob(jobId, workerId, clock.instant(), settings.lease())
                .map(job -> processor.process(job, workerId, cancellation, listener));
    }

    /** A worker with {@code threads} job loops; call {@link Worker#start()} to run it. */
    public Worker newWorker(String workerId, int threads, IngestionListener listener) {
        return new Worker(workerId, threads, jobs, processor, settings, clock, listener, bell);
    }

    public static String newWorkerId() {
        return "w-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Answers from the project's index; see {@link AskService}. */
    public Answer ask(ProjectId id, String question, String conversationId) {
        return askService.ask(id, question, conversationId, null);
    }

    /** Like {@link #ask} and streams the answer's text to {@code onToken} as it is written. */
    public Answer askStreaming(ProjectId id, String question, String conversationId, Consumer<String> onToken) {
        return askService.ask(id, question, conversationId, Objects.requireNonNull(onToken));
    }

    /**
     * Measures how well this project's questions are answered: questions are made from its own
     * history and doc comments ({@link Evaluation#make}), asked of a scratch index built as an
     * ingestion would build it (with the tree before each commit, and with each doc comment left
     * out), and scored by the rank of the expected file. Takes about as long as an ingestion, and
     * embeds about as much; the scratch index is removed afterwards.
     *
     * @param questions how many to make, about half from history and half from doc comments
     * @param progress  hears a line per step
     * @throws ConflictException when the project is not READY, or no question can be made
     */
    public EvalReport evaluate(ProjectId id, int questions, Consumer<String> progress) {
        Project project = requireProject(id);
        if (questions < 2 || questions > MAX_EVAL_QUESTIONS) {
            throw new InvalidInputException("the number of questions must be within 2.." + MAX_EVAL_QUESTIONS);
        }
        IngestionJob ready = jobs.latestReadyJob(id).orElseThrow(() -> new ConflictException("project '"
                + project.name() + "' is not READY: run its ingestion, then evaluate it"));
        progress.accept("reading the history of '" + project.name() + "'");
        try (Snapshot head = source.openWithHistory(project, Evaluation.HISTORY_DEPTH, FetchMonitor.NONE)) {
            if (head.commit().equals(ready.commit())) {
                return evaluate(project, head, questions, progress);
            }
            Snapshot indexed;
            try {
                indexed = head.at(ready.commit());
            } catch (SourceException e) {
                throw new ConflictException("the branch of '" + project.name() + "' has moved on since commit "
                        + ready.commit() + " was indexed; run its ingestion again, then evaluate it");
            }
            try (indexed) {
                return evaluate(project, indexed, questions, progress);
            }
        }
    }

    private EvalReport evaluate(Project project, Snapshot tree, int questions, Consumer<String> progress) {
        int fromHistory = (questions + 1) / 2;
        FileFilter filter = settings.fileFilter().forProject(project.paths());
        Evaluation.Questions made = Evaluation.make(tree, filter, fromHistory, questions - fromHistory);
        if (made.questions().isEmpty()) {
            throw new ConflictException("no question could be made from '" + project.name() + "': "
                    + String.join("; ", made.notes()));
        }
        progress.accept(made.questions().size() + " questions made; building the scratch index");
        try (StoreEvalIndex index = new StoreEvalIndex(dispatcher, store, settings, StoreEvalIndex.scratchOf(project.id()),
                new Cancellation())) {
            EvalReport report = Evaluation.run(tree, filter, made.questions(), index, progress);
            List<String> notes = new java.util.ArrayList<>(made.notes());
            notes.addAll(report.notes());
            return new EvalReport(report.commit(), report.overall(), report.byKind(), report.results(), notes);
        }
    }

    private Project requireProject(ProjectId id) {
        return jobs.project(id).orElseThrow(() -> new NotFoundException("no project with id " + id));
    }

    @Override
    public void close() {
        processor.close();
        dispatcher.close();
    }

    public static final class Builder {
        private RepositorySource source;
        private Embedder embedder;
        private VectorStore store;
        private JobRepository jobs;
        private ConversationRepository conversations;
        private AnswerModel answerModel;
        private RateBudget rateBudget;
        private RagSettings settings = RagSettings.defaults();
        private Clock clock = Clock.systemUTC();
        private Duration scheduledRunInterval;

        private Builder() {
        }

        public Builder source(RepositorySource value) {
            source = value;
            return this;
        }

        public Builder embedder(Embedder value) {
            embedder = value;
            return this;
        }

        public Builder vectorStore(VectorStore value) {
            store = value;
            return this;
        }

        public Builder jobs(JobRepository value) {
            jobs = value;
            return this;
        }

        public Builder conversations(ConversationRepository value) {
            conversations = value;
            return this;
        }

        /** Optional: without one, answers are extractive. */
        public Builder answerModel(AnswerModel value) {
            answerModel = value;
            return this;
        }

        /**
         * Optional: where the rate budget of the embedder's API key lives when several processes
         * spend it (the database); by default this process paces alone.
         */
        public Builder rateBudget(RateBudget value) {
            rateBudget = value;
            return this;
        }

        public Builder settings(RagSettings value) {
            settings = Objects.requireNonNull(value);
            return this;
        }

        public Builder clock(Clock value) {
            clock = Objects.requireNonNull(value);
            return this;
        }

        /**
         * Optional: how often a scheduled run (cron) processes the queue, so a PENDING project can
         * say when the next one is due. Without it, only whether a worker was seen lately is told.
         */
        public Builder scheduledRunInterval(Duration value) {
            if (value != null && (value.isNegative() || value.isZero())) {
                throw new IllegalArgumentException("the scheduled run interval must be positive");
            }
            scheduledRunInterval = value;
            return this;
        }

        public RepoRag build() {
            return new RepoRag(this);
        }
    }
}
