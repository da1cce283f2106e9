package org.rlhfflow.activities.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.rlhfflow.model.ckpt.Checkpoint;
import org.rlhfflow.model.ckpt.CheckpointMeta;
import org.rlhfflow.model.ckpt.Safetensors;

/** Reading back the training state that {@link TrainingLoop} checkpoints carry beside the weights. */
public final class TrainingCheckpoints {
  private TrainingCheckpoints() {}

  /**
   * The extra tensors (optimizer state) of a checkpoint directory, on {@code manager}. For models
   * whose loader does not keep extras (the scalar-head model).
   */
  public static Map<String, NDArray> extras(Path dir, NDManager manager) throws IOException {
    CheckpointMeta meta = Checkpoint.readMeta(dir);
    Map<String, NDArray> out = new LinkedHashMap<>();
    try (NDManager scratch = manager.newSubManager()) {
      Map<String, NDArray> all = Safetensors.read(dir.resolve(Checkpoint.WEIGHTS), scratch);
      for (String key : meta.extraKeys()) {
        NDArray a = all.get(key);
        if (a == null) {
          throw new IllegalArgumentException(dir.resolve(Checkpoint.WEIGHTS) + ": missing extra tensor " + key);
        }
        a.attach(manager);
        out.put(key, a);
      }
    }
    return out;
  }
}
