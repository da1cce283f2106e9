package org.rlhfflow.label;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackInput;
import org.rlhfflow.activities.human.FeedbackRecords.FeedbackResult;
import org.rlhfflow.activities.human.FeedbackRecords.Ranking;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.store.LocalArtifactStore;
import org.rlhfflow.workflows.human.HumanFeedbackWorkflow;
import org.rlhfflow.workflows.human.HumanFeedbackWorkflowImpl;

/**
 * A real headless Chromium (Debian: {@code apt-get install -y chromium chromium-driver}) logs in
 * with a link, ranks one item by keys and one by mouse, and the waiting workflow completes with
 * exactly those rankings. Leaves a screenshot at {@code workflows/target/labelling.png}
 * (docs/labelling.png in the README is one of them).
 */
@Tag("integration")
class LabelBrowserTest {
  static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
  static final File CHROMIUM = new File("/usr/bin/chromium");

  @TempDir Path dir;

  @Test
  void aPersonRanksByKeysAndByMouseAndTheBatchCompletes() throws Exception {
    assertTrue(CHROMEDRIVER.canExecute() && CHROMIUM.canExecute(),
        "needs Debian's chromium and chromium-driver: apt-get install -y chromium chromium-driver");
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      Worker worker = env.newWorker("q");
      worker.registerWorkflowImplementationTypes(HumanFeedbackWorkflowImpl.class);
      env.start();
      LocalArtifactStore store = new LocalArtifactStore(dir.resolve("store"));
      Path file = dir.resolve("items.json");
      LabelServerTest.items().write(file);
      ArtifactRef ref = store.put(file);
      WorkflowClient client = env.getWorkflowClient();
      String batch = LabelServerTest.BATCH;
      WorkflowClient.start(client.newWorkflowStub(HumanFeedbackWorkflow.class, WorkflowOptions.newBuilder()
          .setTaskQueue("q").setWorkflowId(batch).build())::run,
          new FeedbackInput(batch, ref, List.of("p00000", "p00001"), 3, 1, List.of(), 3600, 1, 1000, null));
      Tokens tokens = new Tokens();
      String token = tokens.add("alice", "*");
      try (LabelServer server = LabelServer.start(client, store, tokens, List.of(LabelServerTest.PIPELINE),
          DemoLabelling.guidelines(null), 0)) {
        String base = "http://localhost:" + server.port();
        WebDriver browser = browser();
        try {
          rankInTheBrowser(browser, base, batch, token);
        } finally {
          browser.quit();
        }
      }
      FeedbackResult result = client.newUntypedWorkflowStub(batch).getResult(FeedbackResult.class);
      List<Ranking> rs = result.rankings();
      assertEquals(2, rs.size());
      assertEquals(List.of(2, 1, 3), rs.get(0).ranks(), "keys 2, 1: response 2 best, then 1, then 3");
      assertEquals("p00000", rs.get(0).item());
      assertEquals(List.of(2, 3, 1), rs.get(1).ranks(), "clicks on 3, then 1: response 3 best, 2 last");
      assertEquals("alice", rs.get(1).annotator());
    }
  }

  private static void rankInTheBrowser(WebDriver browser, String base, String batch, String token) throws Exception {
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    // The page swaps in the next item after a submit: an element read mid-swap is stale, not wrong.
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    browser.get(base + "/login?token=" + token);
    assertFalse(browser.getCurrentUrl().contains(token), "the login redirect drops the token from the address");
    browser.get(base + "/batch/" + batch);
    assertEquals("p00000", browser.findElement(By.id("task")).getAttribute("data-item"));
    // the XSS attempt is shown as text
    assertEquals(LabelServerTest.XSS, browser.findElement(By.cssSelector("#response-1 .text")).getText());

    browser.findElement(By.tagName("body")).sendKeys("2", "1");
    screenshot(browser);
    browser.findElement(By.tagName("body")).sendKeys("\n");
    wait.until(d -> "p00001".equals(d.findElement(By.id("task")).getAttribute("data-item")));

    browser.findElement(By.cssSelector("#response-3 pre")).click();
    browser.findElement(By.cssSelector("#response-1 pre")).click();
    browser.findElement(By.id("submit")).click();
    wait.until(d -> !d.findElements(By.id("empty")).isEmpty());
  }

  private static WebDriver browser() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER)
        .usingAnyFreePort().build();
    WebDriver d = new ChromeDriver(service, options);
    d.manage().window().setSize(new Dimension(1280, 720));
    return d;
  }

  private static void screenshot(WebDriver browser) throws Exception {
    Path png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
    Path dest = Path.of(System.getProperty("rlhf.repo.root", ".")).resolve("workflows/target/labelling.png");
    Files.createDirectories(dest.getParent());
    Files.copy(png, dest, StandardCopyOption.REPLACE_EXISTING);
  }
}
