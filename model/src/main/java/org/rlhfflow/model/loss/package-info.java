/**
 * Training losses on NDArrays (SFT, Bradley–Terry reward model, DPO, weak-to-strong auxiliary
 * confidence), differentiable under a DJL {@code GradientCollector}.
 *
 * <p>Conventions: sequence tensors are (B,T); masks are float 0/1 (B,T); per-token log-probs have
 * entry t = log p(token t | tokens &lt; t) (see {@link org.rlhfflow.model.loss.TokenLogProbs}).
 * Every array a loss creates is attached to the manager of its inputs, so open one sub-manager per
 * training step and close it after the optimizer step. Stats come back as Java doubles.
 */
package org.rlhfflow.model.loss;
