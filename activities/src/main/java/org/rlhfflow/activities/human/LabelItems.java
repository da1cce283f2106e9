package org.rlhfflow.activities.human;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.rlhfflow.store.Json;

/**
 * The items a batch shows to people, as stored in the artifact store: one JSON file per batch,
 * addressed by its sha256. Token ids are kept beside the text, so a ranking can be traced back to
 * exactly what the policy sampled (decoding is lossy for invalid byte sequences).
 */
public record LabelItems(int k, List<Item> items) {

  /** One prompt and its K sampled responses. */
  public record Item(String id, String prompt, int[] promptIds, List<Response> responses) {}

  public record Response(String text, int[] tokenIds) {}

  public static LabelItems read(Path file) throws IOException {
    return Json.MAPPER.readValue(file.toFile(), LabelItems.class);
  }

  public void write(Path file) throws IOException {
    Json.MAPPER.writeValue(file.toFile(), this);
  }

  public Item item(String id) {
    return items.stream().filter(i -> i.id().equals(id)).findFirst().orElse(null);
  }

  /** Item ids are stable positions in the stage's prompt list: {@code p00042}. */
  public static String itemId(int index) {
    return String.format("p%05d", index);
  }

  /** The ids of items {@code first .. first + count - 1}. */
  public static List<String> itemIds(int first, int count) {
    List<String> ids = new java.util.ArrayList<>(count);
    for (int i = first; i < first + count; i++) {
      ids.add(itemId(i));
    }
    return ids;
  }
}
