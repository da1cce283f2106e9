package org.rlhfflow.activities.rm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.rlhfflow.activities.train.EpochBatches;
import org.rlhfflow.data.PreferencePair;
import org.rlhfflow.model.Seeds;

/**
 * A deterministic train/held-out split by prompt: all pairs of one prompt land on the same side,
 * so held-out accuracy measures generalisation to unseen prompts rather than to new pairs of seen
 * ones (with K responses per prompt the K(K-1)/2 pairs share a lot; Ouyang et al. 2022, sec. 3.5).
 *
 * @param train pairs to train on, grouped by prompt in shuffled prompt order
 * @param heldout pairs to evaluate on
 */
record PreferenceSplit(List<PreferencePair> train, List<PreferencePair> heldout) {

  /**
   * Shuffles the distinct prompts with (seed, "reward_model", "split") and moves whole prompts to
   * the held-out side until it has at least {@code floor(pairs · fraction)} pairs.
   */
  static PreferenceSplit of(List<PreferencePair> pairs, double heldoutFraction, long seed) {
    Map<String, List<PreferencePair>> byPrompt = new LinkedHashMap<>();
    for (PreferencePair p : pairs) {
      byPrompt.computeIfAbsent(p.prompt(), k -> new ArrayList<>()).add(p);
    }
    List<List<PreferencePair>> groups = new ArrayList<>(byPrompt.values());
    int[] order = EpochBatches.shuffled(groups.size(),
        new SplittableRandom(Seeds.derive(seed, RewardModelStage.NAME, "split")));
    long target = (long) Math.floor(pairs.size() * heldoutFraction);
    List<PreferencePair> train = new ArrayList<>();
    List<PreferencePair> heldout = new ArrayList<>();
    for (int g : order) {
      (heldout.size() < target ? heldout : train).addAll(groups.get(g));
    }
    return new PreferenceSplit(train, heldout);
  }
}
