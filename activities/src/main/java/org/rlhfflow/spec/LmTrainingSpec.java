package org.rlhfflow.spec;

/**
 * The hyperparameters of next-token training that SFT and pretraining share, so that both run the
 * same loop ({@code activities.train.CausalLmTraining}).
 */
public interface LmTrainingSpec {
  double learningRate();

  int epochs();

  int batchSize();

  int warmupSteps();

  double weightDecay();

  double maxGradNorm();

  int checkpointEvery();

  double minLrRatio();
}
