package org.rlhfflow.activities.ppo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reward and KL per PPO iteration: the data of the evaluation's over-optimisation plot (Gao et al.
 * 2023, "Scaling Laws for Reward Model Overoptimization": the proxy RM score keeps rising with KL
 * while the oracle score peaks). Stored as {@code {"iteration": [...], "rm_score": [...],
 * "oracle_score": [...], "kl": [...]}}; {@code oracle_score} is empty when there is no oracle.
 */
final class PpoCurve {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<Long> iteration = new ArrayList<>();
  private final List<Double> rmScore = new ArrayList<>();
  private final List<Double> oracleScore = new ArrayList<>();
  private final List<Double> kl = new ArrayList<>();

  /** @param oracle NaN when the prompts have no oracle */
  void add(long it, double rm, double oracle, double meanKl) {
    iteration.add(it);
    rmScore.add(rm);
    if (!Double.isNaN(oracle)) {
      oracleScore.add(oracle);
    }
    kl.add(meanKl);
  }

  int size() {
    return iteration.size();
  }

  ObjectNode toJson() {
    ObjectNode o = JSON.createObjectNode();
    ArrayNode its = o.putArray("iteration");
    iteration.forEach(its::add);
    ArrayNode rm = o.putArray("rm_score");
    rmScore.forEach(rm::add);
    ArrayNode or = o.putArray("oracle_score");
    oracleScore.forEach(or::add);
    ArrayNode k = o.putArray("kl");
    kl.forEach(k::add);
    return o;
  }

  /** The curve saved in a training checkpoint, so a resumed run reports the whole history. */
  static PpoCurve fromJson(JsonNode o) {
    PpoCurve c = new PpoCurve();
    o.path("iteration").forEach(n -> c.iteration.add(n.asLong()));
    o.path("rm_score").forEach(n -> c.rmScore.add(n.asDouble()));
    o.path("oracle_score").forEach(n -> c.oracleScore.add(n.asDouble()));
    o.path("kl").forEach(n -> c.kl.add(n.asDouble()));
    return c;
  }

  Path write(Path file) throws IOException {
    JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), toJson());
    return file;
  }
}
