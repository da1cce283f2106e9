package org.rlhfflow.activities.w2s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhfflow.activities.StageContext;
import org.rlhfflow.activities.train.StageFixture;
import org.rlhfflow.activities.w2s.W2sActivities.DataInput;
import org.rlhfflow.activities.w2s.W2sActivities.DataResult;
import org.rlhfflow.data.Datasets;
import org.rlhfflow.data.LabelledText;
import org.rlhfflow.data.PreferencePair;
import org.rlhfflow.activities.collect.PreferenceSpec;

/** HH-RLHF pairs in the reward-modelling setting: read from ../shared/data, never bundled. */
class W2sHhDataTest {
  @TempDir Path tmp;

  private static Path hh() {
    String shared = System.getenv().getOrDefault("RLHF_SHARED_DATA",
        Path.of(System.getProperty("rlhf.repo.root", "..")).resolve("../shared/data").toString());
    return Path.of(shared, "hh-rlhf-harmless-base", "test.jsonl.gz");
  }

  @Test
  void pairsBecomeBalancedBinaryExamplesAndSplit() {
    Path file = hh();
    assumeTrue(Files.isRegularFile(file), "no HH-RLHF file at " + file);
    List<PreferencePair> pairs = Datasets.preferences(file, PreferenceSpec.DatasetFormat.HH);
    List<LabelledText> rows = W2sSplits.fromPairs(pairs, 0);
    assertEquals(pairs.size(), rows.size());
    for (int i = 0; i < rows.size(); i++) {
      String text = rows.get(i).text();
      String first = text.substring(text.indexOf("\n\nResponse 1: ") + 14, text.indexOf("\n\nResponse 2: "));
      assertEquals(rows.get(i).label() == 1 ? pairs.get(i).chosen() : pairs.get(i).rejected(), first, "pair " + i);
    }
    double positive = W2sSplits.positiveFraction(rows);
    assertTrue(positive > 0.45 && positive < 0.55, "chosen-first fraction " + positive);

    String yaml = """
        name: w2s-hh-test
        method: weak_to_strong
        w2s:
          preference_dataset: %s
          train1_size: 900
          train2_size: 900
          test_size: 400
        """.formatted(file);
    StageContext ctx = StageFixture.context(yaml);
    DataResult d = new W2sActivitiesImpl(StageFixture.services(tmp, new StageFixture.Recording(tmp)))
        .data(new DataInput(ctx, 0));
    assertEquals(900.0, d.metrics().get("w2s/train1_size"));
    assertEquals(400.0, d.metrics().get("w2s/test_size"));
  }
}
