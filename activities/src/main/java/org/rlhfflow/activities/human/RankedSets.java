package org.rlhfflow.activities.human;

import java.util.Base64;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Who ranked which item, as one base64 bit set of item positions per annotator: what a batch's
 * validator needs across continue-as-new, at one bit per (item, annotator) instead of the ~60 B a
 * ranking takes. Pure functions, so workflow code may use them.
 */
public final class RankedSets {
  private RankedSets() {}

  /** Annotator to the positions (in {@code itemIds}) of the items they ranked, encoded. */
  public static Map<String, String> encode(List<String> itemIds, Map<String, Set<String>> rankedBy) {
    Map<String, BitSet> bits = new TreeMap<>();
    for (int i = 0; i < itemIds.size(); i++) {
      for (String who : rankedBy.get(itemIds.get(i))) {
        bits.computeIfAbsent(who, w -> new BitSet(itemIds.size())).set(i);
      }
    }
    Map<String, String> out = new TreeMap<>();
    bits.forEach((who, b) -> out.put(who, Base64.getEncoder().encodeToString(b.toByteArray())));
    return out;
  }

  public static BitSet decode(String encoded) {
    return BitSet.valueOf(Base64.getDecoder().decode(encoded));
  }
}
