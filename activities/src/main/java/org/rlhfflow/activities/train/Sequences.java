package org.rlhfflow.activities.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.rlhfflow.model.chat.ChatFormat;
import org.rlhfflow.model.tokenizer.Tokenizer;

/**
 * Token sequences for training: {@code [BOS] prompt response [EOS]}, right-padded into batches;
 * sampled responses keep their own ids and end in EOS only if the sampler emitted it.
 *
 * <p>Truncation keeps the end. A sequence longer than the block keeps BOS and drops the oldest
 * tokens after it: the start of the prompt first (a long conversation loses its early turns), and
 * only when the response plus BOS does not fit, the start of the response. The reward model reads
 * its score at the last token and SFT trains on the response, so the end is what matters.
 */
public final class Sequences {
  private Sequences() {}

  /**
   * One encoded example.
   *
   * @param tokens BOS, prompt, response, EOS (possibly truncated), at most the block size
   * @param responseStart index of the first response token; tokens from here on are trained on
   */
  public record Encoded(int[] tokens, int responseStart) {
    public int length() {
      return tokens.length;
    }
  }

  /**
   * Encodes and truncates one (prompt, response) pair to at most {@code blockSize} tokens. With a
   * chat template ({@link Tokenizer#chat()}) the pair is the rendered conversation [user, assistant]
   * and the response is its text past the rendered prompt; the template closes the turn itself, so
   * no EOS is added.
   */
  public static Encoded encode(Tokenizer tok, String prompt, String response, int blockSize) {
    ChatFormat chat = tok.chat();
    if (chat == null) {
      return assemble(tok, tok.encode(prompt), withEos(tok.encode(response), tok.eosId()), blockSize);
    }
    return assemble(tok, promptIds(tok, prompt), tok.encode(chat.response(prompt, response)), blockSize);
  }

  /**
   * The prompt's ids after the row's BOS: the text itself, or with a chat template the user
   * message rendered with the generation prompt, as transformers' {@code apply_chat_template}. A
   * template that writes BOS itself (Llama 3) has it dropped here: the row's BOS is that token.
   */
  public static int[] promptIds(Tokenizer tok, String prompt) {
    ChatFormat chat = tok.chat();
    if (chat == null) {
      return tok.encode(prompt);
    }
    int[] ids = tok.encode(chat.prompt(prompt));
    return ids.length > 0 && ids[0] == tok.bosId() ? java.util.Arrays.copyOfRange(ids, 1, ids.length) : ids;
  }

  /**
   * {@code [BOS] prompt responseIds}: the response exactly as sampled, so a response cut off at
   * max_new_tokens stays without EOS, as PPO scores it (the reward is read at the last real token).
   */
  public static Encoded encodeSampled(Tokenizer tok, String prompt, int[] responseIds, int blockSize) {
    return assemble(tok, promptIds(tok, prompt), responseIds, blockSize);
  }

  private static int[] withEos(int[] r, int eos) {
    int[] out = java.util.Arrays.copyOf(r, r.length + 1);
    out[r.length] = eos;
    return out;
  }

  /** BOS, prompt, response (its EOS, if any, included), dropping the oldest tokens after BOS. */
  private static Encoded assemble(Tokenizer tok, int[] p, int[] r, int blockSize) {
    int full = 1 + p.length + r.length;
    int drop = Math.max(0, full - blockSize); // oldest tokens after BOS that do not fit
    int[] out = new int[full - drop];
    out[0] = tok.bosId();
    int i = 1;
    for (int k = Math.min(drop, p.length); k < p.length; k++) {
      out[i++] = p[k];
    }
    int responseStart = i;
    for (int k = Math.max(0, drop - p.length); k < r.length; k++) {
      out[i++] = r[k];
    }
    return new Encoded(out, Math.min(responseStart, out.length - 1));
  }

  /**
   * Right-padded batch arrays on {@code manager}.
   *
   * @param ids (B, T) int64 token ids, pad where the mask is 0
   * @param attentionMask (B, T) float32, 1 on real tokens
   * @param responseMask (B, T) float32, 1 on response tokens and EOS (the SFT targets)
   */
  public record Batch(NDArray ids, NDArray attentionMask, NDArray responseMask) {}

  public static Batch collate(List<Encoded> rows, int padId, NDManager manager) {
    int b = rows.size();
    int t = rows.stream().mapToInt(Encoded::length).max().orElse(1);
    long[] ids = new long[b * t];
    float[] attention = new float[b * t];
    float[] response = new float[b * t];
    for (int i = 0; i < b; i++) {
      Encoded e = rows.get(i);
      for (int j = 0; j < t; j++) {
        boolean real = j < e.length();
        ids[i * t + j] = real ? e.tokens()[j] : padId;
        attention[i * t + j] = real ? 1 : 0;
        response[i * t + j] = real && j >= e.responseStart() ? 1 : 0;
      }
    }
    Shape shape = new Shape(b, t);
    return new Batch(manager.create(ids, shape), manager.create(attention, shape), manager.create(response, shape));
  }
}
