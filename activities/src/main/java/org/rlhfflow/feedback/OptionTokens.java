package org.rlhfflow.feedback;

import java.util.Arrays;
import org.rlhfflow.model.tokenizer.Tokenizer;

/**
 * The two option tokens whose logits make the soft label, checked once at start-up: each must be a
 * single token, the two must differ, and the ending followed by an option must tokenize as the
 * ending then that token (a BPE merge such as "(A" would make the judge score the wrong thing).
 */
public record OptionTokens(int first, int second) {

  public static OptionTokens check(Tokenizer tok, String optFirst, String optSecond, String ending) {
    int a = single(tok, optFirst, "preferences.ai.option_first");
    int b = single(tok, optSecond, "preferences.ai.option_second");
    if (a == b) {
      throw new IllegalArgumentException("preferences.ai.option_first and option_second are the same token " + a);
    }
    int[] end = tok.encode(ending);
    for (String opt : new String[] {optFirst, optSecond}) {
      int[] joined = tok.encode(ending + opt);
      int[] expected = Arrays.copyOf(end, end.length + 1);
      expected[end.length] = opt.equals(optFirst) ? a : b;
      if (!Arrays.equals(joined, expected)) {
        throw new IllegalArgumentException("preferences.ai.ending: '" + ending + opt
            + "' does not tokenize as the ending then the option token; the judge tokenizer merges them");
      }
    }
    return new OptionTokens(a, b);
  }

  private static int single(Tokenizer tok, String option, String field) {
    int[] ids = tok.encode(option);
    if (ids.length != 1) {
      throw new IllegalArgumentException(field + ": '" + option + "' is " + ids.length
          + " tokens for the judge's tokenizer; an option must be exactly one token");
    }
    return ids[0];
  }
}
