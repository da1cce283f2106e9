package org.rlhfflow.activities.collect;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.activities.StageRun.Progress;
import org.rlhfflow.feedback.Constitution;
import org.rlhfflow.feedback.Judge;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.store.ArtifactRef;

/**
 * One judge shard's work: its run of the judge's batches, a checkpoint of the verdicts so far after
 * each batch (heartbeated as {step = batches done, checkpoint}), and a retry that continues from
 * the last one. Batches are judged whole and alone, so a resumed shard writes the same bits.
 */
final class ShardLabelling {
  private static final String FILE = "verdicts.json";

  private final StageRun run;
  private final ArtifactRef comparisons;
  private final AiCollectActivities.JudgeShard shard;
  private final List<ComparisonFiles.StoredVerdict> done = new ArrayList<>();

  ShardLabelling(StageRun run, ArtifactRef comparisons, AiCollectActivities.JudgeShard shard) {
    this.run = run;
    this.comparisons = comparisons;
    this.shard = shard;
  }

  StageResult label(JudgeModel judgeModel, Constitution constitution) throws IOException {
    List<Judge.Comparison> all =
        ComparisonFiles.readComparisons(AiCollectActivitiesImpl.fetch(run, comparisons), constitution);
    List<List<Integer>> batches = Judge.batches(all, run.spec().preferences().ai().batchSize())
        .subList(shard.firstBatch(), shard.firstBatch() + shard.batches());
    int start = resume();
    run.heartbeat(start, batches.size(), this::write);
    double waste;
    try (LanguageModel lm = judgeModel.load(run)) {
      Judge judge = AiCollectActivitiesImpl.judge(lm, constitution, run.spec());
      for (int b = start; b < batches.size(); b++) {
        List<Integer> batch = batches.get(b);
        List<Judge.Verdict> v = judge.judgeBatch(batch.stream().map(all::get).toList());
        for (int j = 0; j < batch.size(); j++) {
          done.add(ComparisonFiles.stored(batch.get(j), v.get(j)));
        }
        run.checkpoint(b + 1, this::write);
      }
      waste = judge.paddingWaste(); // of the batches this attempt scored
    }
    run.metric("collect/judge_padding_waste", waste, shard.index());
    Path out = run.workDir("out").resolve(FILE);
    ComparisonFiles.writeVerdicts(out, done);
    return run.complete(Map.of(AiCollectActivitiesImpl.VERDICTS, run.services().store().put(out)),
        Map.of("collect/ai/shard_comparisons", (double) done.size(), "collect/ai/shard_batches", (double) batches.size()));
  }

  /** Batches a previous attempt finished, its verdicts loaded into {@link #done}; 0 on a first attempt. */
  private int resume() throws IOException {
    Optional<Progress> p = run.resumePoint().filter(progress -> progress.checkpoint() != null);
    if (p.isEmpty()) {
      return 0;
    }
    Path dir = run.workDir("resume-" + p.get().step());
    run.services().store().getDirectory(p.get().checkpoint(), dir);
    done.addAll(ComparisonFiles.readVerdicts(dir.resolve(FILE)));
    return Math.toIntExact(p.get().step());
  }

  private Path write(long step) throws IOException {
    Path dir = run.workDir("partial-" + step);
    ComparisonFiles.writeVerdicts(dir.resolve(FILE), done);
    return dir;
  }
}
