package org.rlhfflow.activities.dpo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.rlhfflow.activities.Models;
import org.rlhfflow.activities.StageRun;
import org.rlhfflow.activities.train.Sequences;
import org.rlhfflow.model.LanguageModel;
import org.rlhfflow.model.NoGrad;
import org.rlhfflow.store.ArtifactRef;
import org.rlhfflow.store.Sha256;
import org.rlhfflow.store.StageManifest;

/**
 * The frozen reference's summed response log-probs of every pair, computed once under no-grad and
 * stored as a content-addressed artifact with its own manifest, keyed by the SFT model, the pairs,
 * the block size and the code version. Retries, resumes and reruns with another β or loss reuse
 * it instead of keeping a second model in memory or recomputing it every epoch (TRL
 * {@code precompute_ref_log_probs}).
 *
 * @param chosen log π_ref(y_c | x) per pair
 * @param rejected log π_ref(y_r | x) per pair
 * @param ref where the file is stored (a stage output, for lineage)
 */
record ReferenceLogps(float[] chosen, float[] rejected, ArtifactRef ref, boolean reused) {
  static final String NAME = "dpo_reference";
  /** Pairs per no-grad forward pass. */
  static final int BATCH = 32;

  static String cacheKey(String sftSha, String pairsSha, int blockSize) {
    String key = "stage=" + NAME + "\nsft_model=" + sftSha + "\npreferences=" + pairsSha + "\nblock_size="
        + blockSize + "\ncode=" + StageRun.CODE_VERSION;
    return Sha256.hex(key.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The cached log-probs when a manifest exists, else computes, stores and records them. With LoRA
   * the reference is {@code policy} with its adapters off, its base (no second copy in memory); the
   * base is the SFT checkpoint itself, or the SFT model with its own adapters folded in, and the
   * cache is keyed by that base.
   */
  static ReferenceLogps load(StageRun run, ArtifactRef sftModel, String pairsSha, DpoPairs pairs, int blockSize,
      LanguageModel policy) throws IOException {
    String refSha = policy.lora() != null ? policy.loraBase().sha256() : sftModel.sha256();
    String key = cacheKey(refSha, pairsSha, blockSize);
    Optional<StageManifest> cached = StageManifest.find(run.services().store(), key);
    Path file = run.workDir(NAME).resolve("reference_logps.f32");
    if (cached.isPresent()) {
      ArtifactRef ref = cached.get().outputs().get("reference_logps");
      run.services().store().get(ref, file);
      return read(file, pairs.size(), ref, true);
    }
    float[][] lp;
    if (policy.lora() != null) {
      policy.lora().setEnabled(false);
      try {
        lp = compute(run, policy, pairs);
      } finally {
        policy.lora().setEnabled(true);
      }
    } else {
      try (LanguageModel reference = Models.loadLanguageModel(run, sftModel, "sft")) {
        lp = compute(run, reference, pairs);
      }
    }
    write(file, lp);
    ArtifactRef ref = run.services().store().put(file);
    StageManifest.of(NAME, key, run.context().specSha256(),
        Map.of("sft_model", refSha, "preferences", pairsSha), Map.of("reference_logps", ref),
        Map.of(), StageRun.CODE_VERSION, Instant.now()).saveTo(run.services().store());
    return new ReferenceLogps(lp[0], lp[1], ref, false);
  }

  private static float[][] compute(StageRun run, LanguageModel reference, DpoPairs pairs) throws IOException {
    int n = pairs.size();
    float[] chosen = new float[n];
    float[] rejected = new float[n];
    for (int from = 0; from < n; from += BATCH) {
      int[] rows = new int[Math.min(BATCH, n - from)];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = from + i;
      }
      try (NDManager m = reference.manager().newSubManager(); NoGrad ng = NoGrad.enter()) {
        Sequences.Batch b = pairs.batch(rows, m);
        float[] lp = DpoPairs.sequenceLogps(reference.logits(b.ids(), b.attentionMask()), b).toFloatArray();
        System.arraycopy(lp, 0, chosen, from, rows.length);
        System.arraycopy(lp, rows.length, rejected, from, rows.length);
      }
      int done = from + rows.length;
      run.heartbeat(0, step -> progressNote(run, done)); // liveness only: no training state yet
    }
    return new float[][] {chosen, rejected};
  }

  /** A cancel before training leaves only a note of how far the reference pass got. */
  private static Path progressNote(StageRun run, int pairsDone) throws IOException {
    Path dir = run.workDir(NAME + "-cancelled");
    Files.writeString(dir.resolve("progress.json"), "{\"stage\": \"dpo\", \"reference_pairs\": " + pairsDone + "}\n");
    return dir;
  }

  private static void write(Path file, float[][] lp) throws IOException {
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
      out.writeInt(lp[0].length);
      for (float[] row : lp) {
        for (float v : row) {
          out.writeFloat(v); // big-endian IEEE 754: the exact bits, so a reused file changes nothing
        }
      }
    }
  }

  private static ReferenceLogps read(Path file, int n, ArtifactRef ref, boolean reused) throws IOException {
    try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
      int stored = in.readInt();
      if (stored != n) {
        throw new IOException(file + ": cached reference log-probs hold " + stored + " pairs, expected " + n);
      }
      float[] chosen = new float[n];
      float[] rejected = new float[n];
      for (int i = 0; i < n; i++) {
        chosen[i] = in.readFloat();
      }
      for (int i = 0; i < n; i++) {
        rejected[i] = in.readFloat();
      }
      return new ReferenceLogps(chosen, rejected, ref, reused);
    }
  }

  /** Rows of {@code values} as a (B) array on {@code m}. */
  static NDArray pick(float[] values, int[] rows, NDManager m) {
    float[] out = new float[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = values[rows[i]];
    }
    return m.create(out);
  }
}
