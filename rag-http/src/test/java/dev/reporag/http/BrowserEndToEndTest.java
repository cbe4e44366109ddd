package dev.reporag.http;

import dev.reporag.core.memory.ScriptedAnswerModel;
import dev.reporag.core.model.JobId;
import dev.reporag.core.model.JobOutcome;
import dev.reporag.core.model.Progress;
import com.fasterxml.jackson.databind.JsonNode;
import dev.reporag.core.policy.BatchPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;

import static dev.reporag.http.TestApp.REPO;
import static dev.reporag.http.TestApp.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web page in Debian's headless Chromium: add a project, initialize it, watch the progress bar
 * reach Ready, ask, and see an answer with a citation link. Screenshots go to
 * target/screenshots/. Without Chromium this test fails: run scripts/setup-chromium.sh.
 */
class BrowserEndToEndTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private TestApp app;
    private WebDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void start(@TempDir Path profile) throws IOException {
        assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
                .as("headless Chromium is missing: run scripts/setup-chromium.sh (installs Debian's chromium and"
                        + " chromium-driver)").isTrue();
        Files.createDirectories(SCREENSHOTS);
        app = startApp(TestApp.settings());

        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900", "--user-data-dir=" + profile);
        // The console's messages, to check that a page load logs no error.
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(100));
    }

    /** Paced, small batches: the progress bar visibly moves for a couple of seconds. */
    private static TestApp startApp(HttpSettings settings) {
        TestApp started = new TestApp(settings, ScriptedAnswerModel.answering(
                "The cart total is computed in Cart.total(), which sums the item prices with a stream [1]."),
                TestApp.fastSettings().batch(new BatchPolicy(2, 100_000, Duration.ofMillis(120), 1))
                        .chunkSize(300).chunkOverlap(50).build());
        started.startWorker();
        return started;
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (app != null) {
            app.close();
        }
    }

    /**
     * A page on another origin of the same machine (a second local HTTP server) tries what a
     * malicious site would against the no-token default, which trusts loopback clients and so the
     * browser of the person at the machine: a text/plain fetch and a form that smuggle JSON to create
     * a project, a form that starts an ingestion, a fetch that deletes, a JSON fetch that asks.
     * Nothing changes.
     */
    @Test
    void aPageOnAnotherSiteCannotChangeAnything() throws Exception {
        try (TestApp open = new TestApp(TestApp.settings().withAdminToken(null), null, TestApp.fastSettings().build())) {
            open.commitShop(REPO);
            String victim = open.createProject("victim", REPO);
            String target = open.base();
            String body = "{\"name\":\"evil\",\"repoUrl\":\"https://github.com/attacker/x.git\"}";
            String page = "<!doctype html><html><body>"
                    + "<form id=f1 method=post enctype=text/plain target=sink1 action='" + target + "/api/projects'>"
                    + "<input name='{\"name\":\"evil2\",\"repoUrl\":\"https://github.com/attacker/y.git\",\"x\":\"' value='\"}'></form>"
                    + "<form id=f2 method=post target=sink2 action='" + target + "/api/projects/" + victim + "/ingest'></form>"
                    + "<iframe name=sink1></iframe><iframe name=sink2></iframe>"
                    + "<script>(async () => {"
                    + "const t = '" + target + "';"
                    + "const tries = ["
                    + "  () => fetch(t + '/api/projects', {method: 'POST', mode: 'no-cors', headers: {'Content-Type': 'text/plain'},"
                    + "        body: '" + body.replace("'", "\\'") + "'}),"
                    + "  () => fetch(t + '/api/projects/" + victim + "/ingest', {method: 'POST', mode: 'no-cors'}),"
                    + "  () => fetch(t + '/api/projects/" + victim + "', {method: 'DELETE', mode: 'no-cors'}),"
                    + "  () => fetch(t + '/api/projects', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: '" + body + "'}),"
                    + "];"
                    + "for (const attempt of tries) { try { await attempt(); } catch (e) { } }"
                    + "document.getElementById('f1').submit();"
                    + "document.getElementById('f2').submit();"
                    + "setTimeout(() => { document.title = 'done'; }, 1500);"
                    + "})();</script></body></html>";
            com.sun.net.httpserver.HttpServer other = com.sun.net.httpserver.HttpServer.create(
                    new java.net.InetSocketAddress("127.0.0.1", 0), 0);
            serve(other, page);
            try {
                browser.get("http://127.0.0.1:" + other.getAddress().getPort() + "/attack.html");
                wait.until(ExpectedConditions.titleIs("done"));
            } finally {
                other.stop(0);
            }

            assertThat(open.get("/api/projects").body()).extracting(p -> p.get("name").asText())
                    .containsExactly("victim");
            TestApp.Response project = open.get("/api/projects/" + victim);
            assertThat(project.status()).isEqualTo(200);
            assertThat(project.body().get("jobId").isNull()).as("no ingestion was started").isTrue();
            // The same requests from this machine without a browser's marks still work (curl, the CLI).
            assertThat(open.post("/api/projects/" + victim + "/ingest", "", null).status()).isEqualTo(202);
        }
    }

    @Test
    void addInitializeWatchProgressAndAskWithCitations() {
        app.commitShop(REPO, 12);
        addTheShopOn(app.base() + "/");

        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("project-view")));
        wait.until(ExpectedConditions.textToBe(By.id("project-name"), "shop"));
        assertThat(byId("status-badge").getText()).isEqualTo("Pending");
        assertThat(byId("start-conversation").isEnabled()).isFalse();
        screenshot("1-project-added");

        byId("initialize").click();
        List<Integer> progress = new ArrayList<>();
        List<String> etas = new ArrayList<>();
        wait.until(driver -> {
            progress.add(Integer.parseInt(byId("progress").getAttribute("aria-valuenow")));
            String status = byId("status-badge").getAttribute("data-status");
            if ("PROCESSING".equals(status) && byId("progress-eta").isDisplayed()) {
                etas.add(byId("progress-eta").getText());
            }
            if ("PROCESSING".equals(status) && progress.get(progress.size() - 1) > 0
                    && !Files.exists(SCREENSHOTS.resolve("2-processing.png"))) {
                screenshot("2-processing");
            }
            return "READY".equals(status);
        });
        assertThat(byId("status-badge").getText()).isEqualTo("Ready");
        assertThat(byId("progress").getAttribute("aria-valuenow")).isEqualTo("100");
        assertThat(byId("progress-label").getText()).isEqualTo("100%");
        assertThat(progress).isSorted();
        assertThat(progress).as("the bar moved through intermediate values").anyMatch(p -> p > 0 && p < 100);
        // The job takes a few seconds: the worker's estimate shows once it has a second of progress.
        assertThat(etas).as("the time left, while processing").contains("less than a minute left");
        assertThat(byId("progress-eta").isDisplayed()).as("no estimate once ready").isFalse();
        screenshot("3-ready");

        ask("How is the cart total computed?");

        WebElement link = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector(".message.answer .citation a")));
        assertThat(browser.findElement(By.cssSelector(".message.answer .text")).getText())
                .contains("sums the item prices");
        List<WebElement> links = browser.findElements(By.cssSelector(".message.answer .citation a"));
        assertThat(links).extracting(WebElement::getText).anyMatch(text -> text.startsWith("src/cart/Cart.java:"));
        assertThat(links).extracting(a -> a.getAttribute("href")).allMatch(href -> href.startsWith(
                "https://github.com/acme/shop/blob/")).anyMatch(href -> href.contains("/src/cart/Cart.java#L"));
        assertThat(link.getAttribute("target")).isEqualTo("_blank");
        screenshot("4-answer");

        browser.get(app.base() + "/#/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".project-link")));
        assertThat(browser.findElement(By.cssSelector(".project-link .badge")).getText()).isEqualTo("Ready");
        screenshot("5-projects");
    }

    /**
     * A web app on another origin listed in RAG_CORS_ORIGINS (a portfolio site with its own
     * "ask this repository" box) calls the API from the visitor's browser: reads the project,
     * asks, reads a streamed answer with fetch, and follows the status events with EventSource.
     * The browser enforces CORS (preflights included), so each call works only if the answers allow it.
     */
    @Test
    void aWebAppOnAListedOriginAsksFromTheBrowserStreamedAnswersAndEventsIncluded() throws Exception {
        com.sun.net.httpserver.HttpServer site = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        String siteOrigin = "http://127.0.0.1:" + site.getAddress().getPort();
        app.close();
        app = startApp(TestApp.settings().withCorsOrigins(List.of(siteOrigin)));
        app.commitShop(REPO);
        String id = app.createProject("shop", REPO);
        app.post("/api/projects/" + id + "/ingest", "", TOKEN);
        app.awaitStatus(id, "READY", Duration.ofSeconds(30));
        String project = app.base() + "/api/projects/" + id;
        String question = "JSON.stringify({question: 'How is the cart total computed?'})";
        String page = "<!doctype html><html><body><script>(async () => {"
                + "const out = {};"
                + "try { const r = await fetch('" + project + "'); out.read = r.status + ' ' + (await r.json()).status; }"
                + " catch (e) { out.read = 'failed: ' + e; }"
                + "try { const r = await fetch('" + project + "/ask', {method: 'POST',"
                + "  headers: {'Content-Type': 'application/json'}, body: " + question + "});"
                + "  const a = await r.json(); out.ask = r.status + ' ' + a.citations.length; }"
                + " catch (e) { out.ask = 'failed: ' + e; }"
                + "try { const r = await fetch('" + project + "/ask/stream', {method: 'POST',"
                + "  headers: {'Content-Type': 'application/json', 'Accept': 'text/event-stream'}, body: " + question + "});"
                + "  const reader = r.body.getReader(); const decoder = new TextDecoder(); let text = '';"
                + "  for (;;) { const {done, value} = await reader.read(); if (done) break; text += decoder.decode(value); }"
                + "  out.stream = r.status + ' ' + (text.includes('event: token') ? 'tokens' : 'no tokens')"
                + "    + ' ' + (text.includes('event: answer') ? 'answer' : 'no answer'); }"
                + " catch (e) { out.stream = 'failed: ' + e; }"
                + "await new Promise(done => { const events = new EventSource('" + project + "/events');"
                + "  events.addEventListener('status', e => { out.events = JSON.parse(e.data).status; events.close(); done(); });"
                + "  events.onerror = () => { out.events = 'failed'; events.close(); done(); };"
                + "  setTimeout(() => { out.events = out.events || 'none'; done(); }, 10000); });"
                + "document.title = 'done ' + JSON.stringify(out);"
                + "})();</script></body></html>";
        serve(site, page);
        try {
            browser.get(siteOrigin + "/portfolio.html");
            wait.until(ExpectedConditions.titleContains("done"));
            JsonNode out = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                    browser.getTitle().substring("done ".length()));
            assertThat(out.get("read").asText()).isEqualTo("200 READY");
            assertThat(out.get("ask").asText()).matches("200 [1-9]\\d*");
            assertThat(out.get("stream").asText()).isEqualTo("200 tokens answer");
            assertThat(out.get("events").asText()).isEqualTo("READY");
        } finally {
            site.stop(0);
        }
    }

    /**
     * A web site that mounts repo-rag under a path of its own (a reverse proxy forwarding /rag/ to
     * it, passing the browser's host in X-Forwarded-Host): the page, its script and style, the API,
     * the status events and the streamed answer are all asked for within that path.
     */
    @Test
    void underAPathBehindAReverseProxyEverythingWorksWithinThatPath() throws Exception {
        app.close();
        app = startApp(TestApp.settings().withTrustForwardedFor(true));
        app.commitShop(REPO, 12);
        try (PrefixProxy proxy = new PrefixProxy("/rag", java.net.URI.create(app.base()))) {
            addTheShopOn(proxy.base());
            wait.until(ExpectedConditions.textToBe(By.id("project-name"), "shop"));

            byId("initialize").click();
            wait.until(driver -> "READY".equals(byId("status-badge").getAttribute("data-status")));
            assertThat(byId("progress-label").getText()).isEqualTo("100%");

            ask("How is the cart total computed?");
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".message.answer .citation a")));
            assertThat(browser.findElement(By.cssSelector(".message.answer .text")).getText())
                    .contains("sums the item prices");
            assertThat(browser.findElements(By.cssSelector(".message.answer .citation a")))
                    .extracting(WebElement::getText).anyMatch(text -> text.startsWith("src/cart/Cart.java:"));
            assertThat(script("return getComputedStyle(document.querySelector('.topbar')).display"))
                    .as("the style sheet was loaded").isNotEqualTo("inline");
            assertNoConsoleErrors("behind the proxy");
            assertThat(proxy.outside()).as("requests outside /rag/").isEmpty();
            screenshot("7-behind-a-proxy");
        }
    }

    @Test
    void theEstimateShowsBeforeInitializeAndTheFreshnessLineWhenTheBranchMovesOn() {
        app.commitShop(REPO, 3);
        String id = app.createProject("shop", REPO);
        browser.get(app.base() + "/#/projects/" + id);
        wait.until(ExpectedConditions.textMatches(By.id("estimate"),
                java.util.regex.Pattern.compile("^Estimate: 5 files, \\d+ chunks, [\\d,]+ tokens: no cost \\(hashing-64, in this process\\)")));
        assertThat(byId("initialize").getText()).isEqualTo("Initialize AI");
        assertThat(byId("freshness").isDisplayed()).isFalse();
        assertThat(app.embedder.calls()).as("the estimate embeds nothing").isZero();
        screenshot("1b-estimate");

        app.post("/api/projects/" + id + "/ingest", "", TOKEN);
        wait.until(ExpectedConditions.attributeToBe(By.id("status-badge"), "data-status", "READY"));
        assertThat(byId("estimate").isDisplayed()).as("only before the first ingestion").isFalse();
        String indexed = app.get("/api/projects/" + id).body().path("indexedCommit").asText();
        wait.until(ExpectedConditions.textToBe(By.id("freshness"), "Index at " + indexed.substring(0, 7) + "."));

        app.stopWorker(); // the re-index stays queued, as while the worker is busy elsewhere
        app.source.commit(REPO, java.util.Map.of("src/cart/Cart.java", "class Cart { Money total() { return ZERO; } }\n"));
        String moved = app.source.remoteHead(REPO, null);
        app.rag.sync();
        wait.until(ExpectedConditions.textMatches(By.id("freshness"), java.util.regex.Pattern.compile(
                "^Index at " + indexed.substring(0, 7) + ", ref at " + moved.substring(0, 7)
                        + " \\(seen .+\\): a re-index is on its way\\.$")));
        assertThat(byId("freshness").getAttribute("class")).contains("moved");
        screenshot("3b-freshness");
        assertNoConsoleErrors("the project page");
    }

    @Test
    void aProjectAddedWithItsManualShowsItsRulesAndItsEstimateCountsIt() {
        app.source.commit(REPO, java.util.Map.of("src/cart/Cart.java", "class Cart { Money total() { return ZERO; } }\n",
                "src/App.java", "class App {}\n", "docs/checkout.md", "# Checkout\n\nThe cart's total is summed in"
                        + " Cart.total().\n", "examples/Demo.java", "class Demo {}\n"));
        browser.get(app.base() + "/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("add-form")));
        byId("admin-token").sendKeys(TOKEN);
        byId("save-token").click();
        byId("add-name").sendKeys("shop");
        byId("add-repo").sendKeys(REPO);
        byId("add-include").sendKeys("docs/**");
        byId("add-exclude").sendKeys("examples/**, *.txt");
        byId("add-submit").click();

        wait.until(ExpectedConditions.textToBe(By.id("project-rules"),
                "Also indexes docs/**; leaves out examples/**, *.txt."));
        // The two source files and the manual; not the example.
        wait.until(ExpectedConditions.textMatches(By.id("estimate"), java.util.regex.Pattern.compile("^Estimate: 3 files, ")));
        String id = app.get("/api/projects").body().get(0).get("id").asText();
        assertThat(app.get("/api/projects/" + id).body().get("exclude")).extracting(JsonNode::asText)
                .containsExactly("examples/**", "*.txt");
        screenshot("1c-rules");
        assertNoConsoleErrors("a project with rules of its own");
    }

    @Test
    void aJobRunByAWorkerElsewhereShowsItsEstimate() {
        String id = app.createProject("shop", REPO);
        app.stopWorker(); // the job is this test's, as if a worker in another process ran it
        JobId job = new JobId(app.post("/api/projects/" + id + "/ingest", "", TOKEN).body().get("id").asText());
        Instant now = Instant.now();
        app.jobs.claim("other-process", now, Duration.ofMinutes(5), 3).orElseThrow();
        app.jobs.saveProgress(job, "other-process", new Progress(10, 4, 0, 40, 16, 16, 40), null, now);

        browser.get(app.base() + "/#/projects/" + id);
        wait.until(ExpectedConditions.attributeToBe(By.id("progress"), "aria-valuenow", "40"));
        assertThat(byId("progress-eta").isDisplayed()).as("no estimate yet").isFalse();

        app.jobs.saveProgress(job, "other-process", new Progress(10, 5, 0, 40, 20, 20, 50, 754), null, now);
        wait.until(ExpectedConditions.textToBe(By.id("progress-eta"), "about 13 min left"));
        screenshot("2b-estimate");

        app.jobs.saveProgress(job, "other-process", new Progress(10, 9, 0, 40, 38, 38, 95, 59), null, now);
        wait.until(ExpectedConditions.textToBe(By.id("progress-eta"), "less than a minute left"));

        app.jobs.finish(job, "other-process", new JobOutcome.Ready("c0ffee", Progress.NONE), now);
        wait.until(ExpectedConditions.attributeToBe(By.id("status-badge"), "data-status", "READY"));
        assertThat(byId("progress-eta").isDisplayed()).isFalse();
    }

    @Test
    void aFailedProjectShowsItsErrorAndRetries() {
        String id = app.createProject("ghost", "https://github.com/acme/ghost.git");
        app.post("/api/projects/" + id + "/ingest", "", TOKEN);
        app.awaitStatus(id, "FAILED", Duration.ofSeconds(20));
        app.createProject("waiting", REPO);

        browser.get(app.base() + "/");
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".project-link"), 2));
        assertThat(browser.findElements(By.cssSelector(".project-link .badge")))
                .extracting(WebElement::getText).containsExactly("Failed", "Pending");
        browser.get(app.base() + "/#/projects/" + id);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("error-box")));
        assertThat(byId("error-text").getText()).contains("repository not found");
        screenshot("6-failed");

        // Without the token the retry is refused, and the page says why.
        byId("retry").click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("action-error")));
        assertThat(byId("action-error").getText()).contains("admin token");
        screenshot("7-retry-refused");

        app.source.commit("https://github.com/acme/ghost.git", java.util.Map.of("main.py", "print('hello')\n"));
        byId("admin-token").sendKeys(TOKEN);
        byId("save-token").click();
        byId("retry").click();
        wait.until(ExpectedConditions.attributeToBe(By.id("status-badge"), "data-status", "READY"));
        assertThat(byId("error-box").isDisplayed()).isFalse();
    }

    @Test
    void atDeskAndPhoneWidthsThePageFitsLogsNoErrorAndExplainsWhatVisitorsSee() {
        app.close();
        // No chat model: answers are extractive, as on a site that set no key.
        app = new TestApp(TestApp.settings(), null, TestApp.fastSettings().build());
        app.commitShop(REPO);
        app.source.commit("https://github.com/acme/skips.git", java.util.Map.of("src/App.java", "class App {}\n",
                "docs/guide.md", "# guide\n", "docs/more.md", "# more\n", "src/data.dat", "ab\u0000cd"));
        String id = app.createProject("skips", "https://github.com/acme/skips.git");
        app.post("/api/projects/" + id + "/ingest", "", TOKEN);

        browser.get(app.base() + "/#/projects/" + id);
        wait.until(ExpectedConditions.textToBe(By.id("waiting-for"),
                "queued; waiting for a worker — none has been seen yet"));
        assertThat(browser.findElement(By.cssSelector("link[rel=icon]")).getAttribute("href"))
                .endsWith("/favicon.svg");
        screenshot("8-waiting-for-a-worker");

        app.startWorker();
        wait.until(ExpectedConditions.attributeToBe(By.id("status-badge"), "data-status", "READY"));
        assertThat(byId("waiting-for").isDisplayed()).isFalse();
        byId("skipped-box").findElement(By.tagName("summary")).click();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#skipped-list li"), 3));
        assertThat(browser.findElements(By.cssSelector("#skipped-rules button"))).extracting(WebElement::getText)
                .containsExactly("All (3)", "excluded by path pattern (2)", "binary content (1)");
        browser.findElement(By.cssSelector("#skipped-rules button[data-reason=BINARY]")).click();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#skipped-list li"), 1));
        assertThat(browser.findElement(By.cssSelector("#skipped-list li")).getText()).contains("src/data.dat")
                .contains("5 B");
        screenshot("9-skipped-files");

        ask("what is App?");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".message.answer .citation")));
        assertThat(browser.findElement(By.cssSelector(".message.answer .text")).getText())
                .startsWith("Here are the passages of the code that best match the question:")
                .doesNotContain("API_KEY");

        // A re-index nobody runs yet: the counters are the new job's, the note says what still answers.
        app.stopWorker();
        app.post("/api/projects/" + id + "/ingest", "", TOKEN);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("index-note")));
        assertThat(byId("index-note").getText()).startsWith("Answers come from the last index (commit ")
                .contains(": 1 file, ").endsWith("chunk) until this one is ready.");
        assertNoConsoleErrors("the project page at 1280 px");

        browser.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        browser.get(app.base() + "/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".project-link")));
        assertThat(script("return window.innerWidth")).isEqualTo(390L);
        assertFitsTheWidth("the home page at 390 px");
        screenshot("10-phone-home");
        browser.get(app.base() + "/#/projects/" + id);
        wait.until(ExpectedConditions.textToBe(By.id("project-name"), "skips"));
        assertFitsTheWidth("the project page at 390 px");
        screenshot("11-phone-project");
        assertNoConsoleErrors("the pages at 390 px");

        TestApp.Response icon = app.get("/favicon.svg");
        assertThat(icon.status()).isEqualTo(200);
        assertThat(icon.header("Content-Type")).startsWith("image/svg+xml");
        TestApp.Response classic = app.get("/favicon.ico");
        assertThat(classic.status()).isEqualTo(301);
        assertThat(classic.header("Location")).isEqualTo("/favicon.svg");
    }

    private Object script(String code) {
        return ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(code);
    }

    /** Opens the page at {@code url}, saves the admin token and adds the shop repository. */
    private void addTheShopOn(String url) {
        browser.get(url);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("add-form")));
        byId("admin-token").sendKeys(TOKEN);
        byId("save-token").click();
        byId("add-name").sendKeys("shop");
        byId("add-repo").sendKeys(REPO);
        byId("add-submit").click();
    }

    /** Starts the open project's conversation and asks {@code question}. */
    private void ask(String question) {
        byId("start-conversation").click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("question")));
        byId("question").sendKeys(question);
        byId("ask").click();
    }

    /** Starts {@code server} answering every path with {@code page}, a site of another origin. */
    private static void serve(com.sun.net.httpserver.HttpServer server, String page) {
        server.createContext("/", exchange -> {
            byte[] bytes = page.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    private void assertFitsTheWidth(String where) {
        assertThat(script("return document.documentElement.scrollWidth <= window.innerWidth")).as(where).isEqualTo(true);
        assertThat(script("const h = document.querySelector('.topbar'); return h.scrollWidth <= h.clientWidth"
                + " && h.getBoundingClientRect().right <= window.innerWidth")).as(where + ": the header "
                + script("const h = document.querySelector('.topbar'); return h.scrollWidth + '/' + h.clientWidth + ' '"
                + " + [...h.querySelectorAll('*')].map(e => e.tagName + '#' + e.id + '.' + e.className + ':'"
                + " + Math.round(e.getBoundingClientRect().left) + '-' + Math.round(e.getBoundingClientRect().right))"
                + ".join(' ')")).isEqualTo(true);
    }

    private void assertNoConsoleErrors(String where) {
        assertThat(browser.manage().logs().get(LogType.BROWSER).getAll()).as(where + ": console errors")
                .filteredOn(entry -> entry.getLevel().intValue() >= Level.WARNING.intValue())
                .extracting(LogEntry::getMessage).isEmpty();
    }

    private WebElement byId(String id) {
        return browser.findElement(By.id(id));
    }

    private void screenshot(String name) {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        try {
            Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("could not save screenshot " + name, e);
        }
    }
}
