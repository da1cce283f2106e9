package org.rlhfflow.activities.collect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.rlhfflow.activities.Models;
import org.rlhfflow.activities.StageFailures.ValidationException;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.ckpt.Checkpoint;
import org.rlhfflow.model.hf.HfGpt2;
import org.rlhfflow.model.tokenizer.HfTokenizer;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.store.Sha256;

/**
 * Where {@code preferences.ai.judge} points and its digest, resolved before any labelling: a stage
 * output of this pipeline ({@code pretrain}, {@code sft}), {@code artifact:URI@SHA256}, a checkpoint
 * directory written by rlhf-flow, or a Hugging Face GPT-2 directory with its {@code tokenizer.json}.
 *
 * @param ref the stored checkpoint, or null for a local directory
 * @param dir the local directory, or null for a stored checkpoint
 * @param sha256 what the pairs record as {@code judge_sha256} and the cache key includes
 */
public record JudgeModel(ArtifactRef ref, Path dir, String sha256) {
  static final String FIELD = "preferences.ai.judge";
  static final List<String> STAGES = List.of("pretrain", "sft");

  /** @param stageOutput the named stage's checkpoint when the spec names a stage, else null */
  public static JudgeModel resolve(String judge, ArtifactRef stageOutput) {
    if (STAGES.contains(judge)) {
      if (stageOutput == null) {
        throw new ValidationException(FIELD + ": " + judge + " names a stage output, but the pipeline passed none"
            + (judge.equals("pretrain") ? " (is pretrain.epochs 0?)" : ""));
      }
      return new JudgeModel(stageOutput, null, stageOutput.sha256());
    }
    if (judge.startsWith("artifact:")) {
      String body = judge.substring("artifact:".length());
      int at = body.lastIndexOf('@');
      if (at < 0 || !body.substring(at + 1).matches("[0-9a-f]{64}")) {
        throw new ValidationException(FIELD + ": '" + judge + "' must look like artifact:URI@SHA256 (64 hex digits)");
      }
      return new JudgeModel(new ArtifactRef(body.substring(0, at), body.substring(at + 1), 0), null, body.substring(at + 1));
    }
    Path dir = Path.of(judge);
    if (!Files.isDirectory(dir)) {
      throw new ValidationException(FIELD + ": no such judge checkpoint directory: " + dir.toAbsolutePath()
          + " (or use pretrain, sft or artifact:URI@SHA256)");
    }
    return new JudgeModel(null, dir, digest(dir));
  }

  /** Loads the judge with its tokenizer; a config that does not fit its weights fails naming the field. */
  public LanguageModel load(StageRun run) throws IOException {
    try {
      if (ref != null) {
        return Models.loadLanguageModel(run, ref, "judge");
      }
      if (Files.isRegularFile(dir.resolve(Checkpoint.SIDECAR))) {
        return LanguageModel.load(dir);
      }
      if (!Files.isRegularFile(dir.resolve("config.json"))) {
        throw new ValidationException(FIELD + ": " + dir + " has neither " + Checkpoint.SIDECAR
            + " (an rlhf-flow checkpoint) nor config.json (a Hugging Face GPT-2 directory)");
      }
      Path tokenizer = dir.resolve(HfTokenizer.FILE_NAME);
      if (!Files.isRegularFile(tokenizer)) {
        throw new ValidationException(FIELD + ": " + dir + " has no " + HfTokenizer.FILE_NAME
            + "; a Hugging Face judge comes with its tokenizer");
      }
      return HfGpt2.importModel(dir, HfTokenizer.gpt2(tokenizer));
    } catch (ValidationException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      if (e instanceof IOException && ref != null) {
        throw e; // the store may come back: retried
      }
      throw new ValidationException(FIELD + ": cannot load the judge from " + (ref != null ? ref.uri() : dir)
          + ": " + e.getMessage());
    }
  }

  /** sha256 over the sorted (relative path, file sha256) lines of a directory. */
  static String digest(Path dir) {
    StringBuilder lines = new StringBuilder();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        lines.append(dir.relativize(f)).append(' ').append(Sha256.of(f).hex()).append('\n');
      }
    } catch (IOException e) {
      throw new ValidationException(FIELD + ": cannot read " + dir + ": " + e.getMessage());
    }
    return Sha256.hex(Sha256.newDigest().digest(lines.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
