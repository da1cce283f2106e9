package org.rlhfflow.activities.slcai;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.rlhfflow.activities.Models;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.activities.StageRun.Progress;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.activities.collect.PromptBatches;
import org.rlhfflow.activities.train.Hooks;
import org.rlhfflow.data.ArrowDatasets;
import org.rlhfflow.data.CritiqueChain;
import org.rlhfflow.data.SftPair;
import org.rlhfflow.feedback.Constitution;
import org.rlhfflow.feedback.ConstitutionLoader;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.store.ArtifactRef;

/**
 * SL-CAI's generation (Bai et al. 2022, sec. 3.1): chains of critique and revision on every
 * red-team prompt, written in full for audit ({@code chains}), and the fine-tuning pairs
 * (prompt, final revision) mixed with helpful-only samples on helpful prompts ({@code sft_data}).
 * After each batch of chains the chains so far are stored and heartbeated, so a killed worker's
 * retry resumes at the last finished batch and writes the same bytes as an uninterrupted run.
 */
public final class SlCaiActivitiesImpl implements SlCaiActivities {
  static final String CHAINS_FILE = "chains.arrow";
  static final int SAMPLE_CHAINS = 20;

  private final StageServices services;

  public SlCaiActivitiesImpl(StageServices services) {
    this.services = services;
  }

  @Override
  public SlCaiResult critiqueAndRevise(SlCaiInput input) {
    return critiqueAndRevise(input, Hooks.NONE);
  }

  /** As {@link #critiqueAndRevise(SlCaiInput)}, with test seams for resuming (see {@link Hooks}). */
  SlCaiResult critiqueAndRevise(SlCaiInput input, Hooks hooks) {
    Map<String, String> inputs = new TreeMap<>();
    inputs.put("policy", input.policy().sha256());
    if (input.baseModel() != null && critic(input) != null) {
      inputs.put("critic", input.baseModel().sha256());
    }
    return SlCaiResult.of(StageRun.execute(services, input.ctx(), SlCaiStages.DEF, inputs, run -> generate(run, input, hooks)));
  }

  /** The critic's checkpoint when it is not the policy itself; read from the spec in the context. */
  private static ArtifactRef critic(SlCaiInput input) {
    ExperimentSpec spec = org.rlhfflow.spec.SpecLoader.parse(input.ctx().specJson(), "resolved spec");
    return spec.slCaiOrDefault().critic() == SlCaiSpec.Critic.PRETRAIN ? input.baseModel() : null;
  }

  private StageResult generate(StageRun run, SlCaiInput input, Hooks hooks) throws IOException {
    ExperimentSpec spec = run.spec();
    SlCaiSpec s = spec.slCaiOrDefault();
    Constitution constitution = ConstitutionLoader.load(run.file("preferences.ai.constitution"), "preferences.ai.constitution");
    List<String> prompts = RedTeamPrompts.redTeam(spec,
        spec.data().redTeamPrompts() == null ? null : run.file("data.red_team_prompts"));
    List<List<String>> batches = PromptBatches.chunks(prompts, s.batchSize());
    List<CritiqueChain> chains = new ArrayList<>();
    List<String> helpful;
    List<String> helpfulPrompts;
    ArtifactRef criticRef = critic(input);
    try (LanguageModel policy = Models.loadLanguageModel(run, input.policy(), "policy");
        LanguageModel critic = criticRef == null ? null : Models.loadLanguageModel(run, criticRef, "critic")) {
      ChainGenerator gen = new ChainGenerator(s, spec.seed(), constitution, policy, critic == null ? policy : critic);
      gen.checkFits(prompts, (critic == null ? policy : critic).config().blockSize());
      int start = resume(run, hooks, chains, batches);
      run.heartbeat(start, batches.size(), step -> saveChains(run, chains, step));
      for (int b = start; b < batches.size(); b++) {
        chains.addAll(gen.batch(batches.get(b), b, b * s.batchSize()));
        run.metric("sl_cai/chains_so_far", chains.size(), b + 1);
        ArtifactRef ref = run.checkpoint(b + 1, step -> saveChains(run, chains, step));
        hooks.onCheckpoint().accept(new Progress(b + 1, ref, batches.size()));
      }
      helpfulPrompts = RedTeamPrompts.helpful(spec, helpfulCount(chains.size(), s.helpfulMix()));
      helpful = gen.helpfulSamples(helpfulPrompts);
    }
    Path out = run.workDir("out");
    Path chainsFile = out.resolve(CHAINS_FILE);
    ArrowDatasets.writeChains(chainsFile, chains);
    Path sftFile = out.resolve("sl_cai_sft.arrow");
    ArrowDatasets.writeSftPairs(sftFile, sftPairs(chains, helpfulPrompts, helpful));
    Path sample = Files.writeString(out.resolve("chains_sample.txt"), ChainReport.sample(chains, SAMPLE_CHAINS));
    run.artifact(sample, SlCaiStages.NAME);
    Map<String, ArtifactRef> outputs = new LinkedHashMap<>();
    outputs.put(SlCaiResult.CHAINS, services.store().put(chainsFile));
    outputs.put(SlCaiResult.SFT_DATA, services.store().put(sftFile));
    outputs.put(SlCaiResult.SAMPLE, services.store().put(sample));
    Map<String, Double> metrics = new LinkedHashMap<>(ChainReport.byRound(spec, chains));
    metrics.put("sl_cai/chains", (double) chains.size());
    metrics.put("sl_cai/helpful_examples", (double) helpful.size());
    metrics.forEach((k, v) -> run.metric(k, v, 0));
    return run.complete(outputs, metrics);
  }

  /**
   * Helpful examples beside {@code revisions} revision pairs so that they make up {@code mix} of
   * the fine-tuning set.
   */
  static int helpfulCount(int revisions, double mix) {
    return (int) Math.round(revisions * mix / (1 - mix));
  }

  static List<SftPair> sftPairs(List<CritiqueChain> chains, List<String> helpfulPrompts, List<String> helpful) {
    List<SftPair> pairs = new ArrayList<>();
    for (CritiqueChain c : chains) {
      pairs.add(new SftPair(c.prompt(), c.responseAfter(c.rounds())));
    }
    for (int i = 0; i < helpful.size(); i++) {
      pairs.add(new SftPair(helpfulPrompts.get(i), helpful.get(i)));
    }
    return pairs;
  }

  /** The batches a previous attempt finished, read back from its last checkpoint. */
  private static int resume(StageRun run, Hooks hooks, List<CritiqueChain> chains, List<List<String>> batches)
      throws IOException {
    Optional<Progress> at = hooks.resumePoint(run);
    if (at.isEmpty()) {
      return 0;
    }
    Path dir = Models.fetch(run, at.get().checkpoint(), "resume");
    chains.addAll(ArrowDatasets.readChains(dir.resolve(CHAINS_FILE)));
    int done = (int) at.get().step();
    int expected = batches.subList(0, Math.min(done, batches.size())).stream().mapToInt(List::size).sum();
    if (done > batches.size() || chains.size() != expected) {
      throw new IllegalStateException("resume checkpoint at batch " + done + " holds " + chains.size()
          + " chains, expected " + expected + " of " + batches.size() + " batches");
    }
    return done;
  }

  private static Path saveChains(StageRun run, List<CritiqueChain> chains, long step) throws IOException {
    Path dir = run.workDir("chains-" + step);
    ArrowDatasets.writeChains(dir.resolve(CHAINS_FILE), chains);
    return dir;
  }
}
