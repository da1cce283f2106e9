package org.rlhfflow.activities.slcai;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.rlhfflow.activities.StageFailures.ValidationException;
import org.rlhfflow.data.DatasetException;
import org.rlhfflow.data.Datasets;
import org.rlhfflow.data.Prompt;
import org.rlhfflow.feedback.Constitution;
import org.rlhfflow.model.tokenizer.ByteTokenizer;
import org.rlhfflow.spec.ModelSpec;
import org.rlhfflow.spec.ExperimentSpec;
import org.rlhfflow.tasks.Task;
import org.rlhfflow.tasks.assistant.AssistantTask;

/**
 * The prompts SL-CAI red-teams with and the helpful prompts beside them: {@code
 * data.red_team_prompts} when set (all of it), else the task's {@code red_team} split; the helpful
 * prompts are always the task's {@code helpful} split. Checked when the pipeline starts.
 */
public final class RedTeamPrompts {
  private RedTeamPrompts() {}

  static List<String> redTeam(ExperimentSpec spec, Path file) {
    if (file == null) {
      return split(spec, AssistantTask.RED_TEAM, spec.slCaiOrDefault().prompts());
    }
    return read(file);
  }

  static List<String> helpful(ExperimentSpec spec, int n) {
    return n == 0 ? List.of() : split(spec, AssistantTask.HELPFUL, n);
  }

  /** The file's prompts; empty, malformed or a blank prompt fails naming the file (and line). */
  static List<String> read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ValidationException("data.red_team_prompts: file not found: " + file.toAbsolutePath());
    }
    List<Prompt> rows;
    try {
      rows = Datasets.prompts(file);
    } catch (DatasetException e) {
      throw new ValidationException("data.red_team_prompts: " + e.getMessage());
    }
    if (rows.isEmpty()) {
      throw new ValidationException("data.red_team_prompts: " + file + " has no prompts");
    }
    for (int i = 0; i < rows.size(); i++) {
      if (rows.get(i).prompt().isBlank()) {
        throw new ValidationException("data.red_team_prompts: " + file + ": row " + (i + 1) + ": the prompt is blank");
      }
    }
    return rows.stream().map(Prompt::prompt).toList();
  }

  /** Fails at the start, before any training, on a bad file or a task without the splits. */
  public static void check(ExperimentSpec spec, Constitution constitution) {
    List<String> prompts = spec.data().redTeamPrompts() != null
        ? read(Path.of(spec.data().redTeamPrompts()))
        : split(spec, AssistantTask.RED_TEAM, spec.slCaiOrDefault().prompts());
    split(spec, AssistantTask.HELPFUL,
        Math.max(1, SlCaiActivitiesImpl.helpfulCount(prompts.size(), spec.slCaiOrDefault().helpfulMix())));
    if (spec.model().hfCheckpoint() == null && spec.model().tokenizer() == ModelSpec.Tokenizer.BYTE) {
      // The byte tokenizer is known before any model exists: a chain that cannot fit fails here.
      ChainGenerator.checkFits(spec.slCaiOrDefault(), constitution, new ByteTokenizer(), prompts, spec.model().blockSize());
    }
  }

  private static List<String> split(ExperimentSpec spec, String split, int n) {
    Task task = Task.named(spec.task().name());
    if (!(task instanceof AssistantTask)) {
      throw new ValidationException("task " + spec.task().name() + " has no " + split + " prompts: Constitutional AI (method "
          + ExperimentSpec.SL_CAI + ") runs on task " + AssistantTask.NAME);
    }
    try {
      return task.prompts(split, n, spec.seed());
    } catch (IllegalArgumentException e) {
      throw new ValidationException("sl_cai: " + e.getMessage());
    }
  }
}
