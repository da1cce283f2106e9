package org.rlhfflow.model.loss;

import ai.djl.ndarray.NDArray;

/**
 * Supervised fine-tuning loss: token cross-entropy on response tokens only, averaged over them
 * (Ouyang et al. 2022, section 3.5; prompt and padding tokens carry no loss).
 *
 * <p>The shift is done by {@link TokenLogProbs#gather}: logits at position t are scored against
 * token t+1, and the mask is read at the target position t+1. So {@code responseMask[b][t] = 1}
 * means "token t is a response token and is trained on". The mean is over all response tokens of
 * the batch (not per row), so long answers weigh more, as in TRL's SFTTrainer with completion-only
 * loss.
 *
 * <pre>{@code NDArray loss = SftLoss.compute(model.logits(tokens), tokens, responseMask);}</pre>
 */
public final class SftLoss {
  private SftLoss() {}

  /**
   * @param logits (B,T,V) next-token logits
   * @param tokens (B,T) token ids
   * @param responseMask (B,T) float 1 on response tokens; position 0 must be 0
   * @return scalar mean negative log-likelihood of the response tokens
   */
  public static NDArray compute(NDArray logits, NDArray tokens, NDArray responseMask) {
    if (Masked.scalar(responseMask.get(":, 0").sum()) != 0) {
      throw new IllegalArgumentException(
          "responseMask column 0 must be 0: the first token has no prediction to train");
    }
    NDArray logp = TokenLogProbs.gather(logits, tokens);
    return Masked.mean(logp, responseMask).neg();
  }
}
