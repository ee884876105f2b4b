package org.spsec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The live dashboard in a real headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}, driven with Selenium): a Sync and two participants in their own JVMs
 * on the UDP bus, {@code spsec monitor --web 127.0.0.1:0} watching them. The page loads, shows
 * the group reaching Secure, and turns a participant killed with SIGKILL red once its heartbeat
 * is missing. The screenshot is kept in {@code target/dashboard/dashboard.png}; with
 * {@code -Dspsec.dashboard.docs=true} it is also copied to {@code docs/dashboard.png}.
 * Skipped, with the reason printed, where Chromium or its driver is missing.
 */
class DashboardBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    /** Selenium warns that it has no DevTools for this Chromium's version; the test does not use DevTools. */
    private static final java.util.logging.Logger CDP = java.util.logging.Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    static {
        CDP.setLevel(java.util.logging.Level.OFF);
    }

    @TempDir
    Path tmp;

    private final List<Process> processes = new ArrayList<>();
    private WebDriver browser;

    private ChildProcess start(String... args) throws Exception {
        return ChildProcess.spsec(processes, args);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        processes.forEach(Process::destroyForcibly);
    }

    /** Skips the test, saying why, when the browser or its driver is not installed. */
    static void assumeChromium() {
        for (Path tool : List.of(CHROMIUM, DRIVER)) {
            if (!Files.isExecutable(tool)) {
                String why = "DashboardBrowserTest skipped: " + tool + " is missing (Debian packages chromium and chromium-driver; .ci/run installs them)";
                System.out.println(why);
                Assumptions.abort(why);
            }
        }
    }

    static WebDriver headlessChromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1300");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER.toString())).build();
        return new ChromeDriver(service, options);
    }

    @Test
    void thePageShowsTheGroupSecureAndAKilledParticipantRed() throws Exception {
        assumeChromium();
        Path keys = tmp.resolve("keys.txt");
        assertThat(SpsecMain.execute(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                "keys", "generate", keys.toString())).isZero();
        String bus = "udp:239.74.163.2:" + (30000 + ThreadLocalRandom.current().nextInt(20000)) + "@lo";
        ChildProcess monitor = start("monitor", "--keys", keys.toString(), "--bus", bus, "--web", "127.0.0.1:0", "--duration", "300");
        // The URL line comes once the monitor is on the bus, so it sees every time request.
        assertThat(ChildProcess.await(() -> monitor.saw(l -> l.contains("dashboard on http://")), 60_000)).as("monitor %s", monitor.lines()).isTrue();
        String url = monitor.lines().stream().filter(l -> l.contains("dashboard on ")).findFirst().orElseThrow().replaceFirst(".*dashboard on ", "");
        assertThat(url).matches("http://127\\.0\\.0\\.1:[0-9]+/");

        ChildProcess sync = start("sync", "--store", tmp.resolve("s1").toString(), "--id", "1", "--keys", keys.toString(), "--bus", bus, "--duration", "300");
        ChildProcess p2 = start("participant", "--store", tmp.resolve("p2").toString(), "--id", "2", "--keys", keys.toString(), "--bus", bus,
                "--send", "182=a2", "--period", "300", "--duration", "300");
        ChildProcess p3 = start("participant", "--store", tmp.resolve("p3").toString(), "--id", "3", "--keys", keys.toString(), "--bus", bus,
                "--send", "183=a3", "--period", "300", "--duration", "300");

        browser = headlessChromium();
        browser.manage().window().setSize(new Dimension(1400, 1300));
        browser.get(url);
        assertThat(browser.getTitle()).isEqualTo("SPsec dashboard");
        assertThat(await(() -> text("conn").equals("live"), 30_000)).as("the event stream connects").isTrue();

        // All three Secure (generous limits: JVM start-up, warm-up and joining on a busy machine).
        boolean secure = await(() -> state(1).equals("secure") && state(2).equals("secure") && state(3).equals("secure"), 120_000);
        assertThat(secure).as("page %s%nmonitor %s%nsync %s%np2 %s%np3 %s", pageText(), monitor.lines(), sync.lines(), p2.lines(), p3.lines()).isTrue();
        assertThat(text("group-status")).startsWith("Secure");
        // P2 and P3 asked the Sync for time while the monitor watched: P1 is named as the Sync (likely).
        assertThat(await(() -> cell(1, "sync").startsWith("Sync") && cell(2, "sync").startsWith("no"), 30_000)).as("page %s", pageText()).isTrue();
        // Offsets arrive and are plotted; the timeline is drawn.
        assertThat(await(() -> !cell(2, "offset").equals("-") && !browser.findElements(By.cssSelector("#offsets .uplot canvas")).isEmpty(), 30_000))
                .as("page %s", pageText()).isTrue();

        p3.process().destroyForcibly(); // SIGKILL
        // Its heartbeat time-out is 2.5 s; the limit is slack for a loaded machine, not a timing assertion.
        boolean red = await(() -> state(3).equals("missing"), 60_000);
        assertThat(red).as("page %s%nmonitor %s", pageText(), monitor.lines()).isTrue();
        String background = (String) ((JavascriptExecutor) browser).executeScript(
                "return getComputedStyle(document.querySelector('#p-3 td.state')).backgroundColor");
        assertThat(background).as("the killed participant's state cell is red").isEqualTo("rgb(224, 72, 72)");
        assertThat(state(2)).isIn("secure", "warning"); // P1 and P2 may go Warning when P3 falls silent
        assertThat(cell(3, "latest")).contains("heartbeat missing");

        Thread.sleep(1_500); // let the timeline show a little of the red band before the picture
        Path shot = Path.of("target", "dashboard", "dashboard.png");
        Files.createDirectories(shot.getParent());
        Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        System.out.println("DashboardBrowserTest: screenshot " + shot.toAbsolutePath());
        if (Boolean.getBoolean("spsec.dashboard.docs")) {
            Files.copy(shot, Path.of("..", "docs", "dashboard.png"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private String state(int participant) {
        List<org.openqa.selenium.WebElement> rows = browser.findElements(By.id("p-" + participant));
        return rows.isEmpty() ? "" : rows.get(0).getAttribute("data-state");
    }

    private String cell(int participant, String cls) {
        List<org.openqa.selenium.WebElement> cells = browser.findElements(By.cssSelector("#p-" + participant + " td." + cls));
        return cells.isEmpty() ? "" : cells.get(0).getText();
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private String pageText() {
        try {
            return browser.findElement(By.tagName("body")).getText();
        } catch (WebDriverException e) {
            return "(page unreadable: " + e.getMessage() + ")";
        }
    }

    /** Waits for a condition on the page; a stale element while the table is redrawn counts as not yet. */
    private static boolean await(java.util.function.BooleanSupplier condition, long millis) throws InterruptedException {
        return ChildProcess.await(() -> {
            try {
                return condition.getAsBoolean();
            } catch (WebDriverException redrawn) {
                return false;
            }
        }, millis);
    }
}
