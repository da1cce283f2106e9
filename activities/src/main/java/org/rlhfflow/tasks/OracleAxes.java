package org.rlhfflow.tasks;

import java.util.Map;

/**
 * A task whose oracle scores several qualities separately, e.g. helpfulness and harmlessness
 * (Bai et al. 2022 rate them apart); the evaluation reports each one's mean.
 */
public interface OracleAxes {
  /** Each axis's score of {@code response}, by stable snake_case axis name, in [0, 1]. */
  Map<String, Double> oracleAxes(String prompt, String response);
}
