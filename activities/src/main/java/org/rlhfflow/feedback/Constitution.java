package org.rlhfflow.feedback;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.rlhfflow.store.Sha256;

/**
 * The principles a judge applies, with optional few-shot exemplars, loaded from {@code
 * experiments/constitutions/*.yaml} by {@link ConstitutionLoader}. Each comparison is judged under
 * one principle drawn from a seeded stream, as Bai et al. 2022 sample one principle per label.
 *
 * @param source the file it was read from, for messages
 * @param sha256 digest of the file's bytes: part of the collect stage's cache key
 * @param revisionExemplars worked critique-and-revision chains for SL-CAI's few-shot prompts
 */
public record Constitution(String source, String sha256, List<Principle> principles, List<Exemplar> exemplars,
    List<RevisionExemplar> revisionExemplars) {
  public Constitution {
    principles = List.copyOf(principles);
    exemplars = List.copyOf(exemplars);
    revisionExemplars = List.copyOf(revisionExemplars);
  }

  public Constitution(String source, String sha256, List<Principle> principles, List<Exemplar> exemplars) {
    this(source, sha256, principles, exemplars, List.of());
  }

  /** A constitution built in code (tests, ad-hoc judging); its digest covers the texts. */
  public static Constitution of(List<Principle> principles, List<Exemplar> exemplars) {
    StringBuilder text = new StringBuilder();
    principles.forEach(p -> text.append(p).append('\n'));
    exemplars.forEach(e -> text.append(e).append('\n'));
    byte[] bytes = text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return new Constitution("<inline>", Sha256.hex(Sha256.newDigest().digest(bytes)), principles, exemplars);
  }

  public Optional<Principle> principle(String id) {
    return principles.stream().filter(p -> p.id().equals(id)).findFirst();
  }

  /** The exemplars solved under {@code principleId}, in file order. */
  public List<Exemplar> exemplarsFor(String principleId) {
    return exemplars.stream().filter(e -> e.principle().equals(principleId)).toList();
  }

  /** The critique-and-revision exemplars of {@code principleId}, in file order. */
  public List<RevisionExemplar> revisionExemplarsFor(String principleId) {
    return revisionExemplars.stream().filter(e -> e.principle().equals(principleId)).toList();
  }

  /** One principle per comparison, in proportion to the weights, from {@code rng} (derive it from the seed). */
  public Principle draw(SplittableRandom rng) {
    double total = principles.stream().mapToDouble(Principle::weight).sum();
    double u = rng.nextDouble() * total;
    for (Principle p : principles) {
      u -= p.weight();
      if (u < 0) {
        return p;
      }
    }
    return principles.get(principles.size() - 1); // rounding left u a hair above zero
  }

  /**
   * Only the principles {@code ids} (every principle when empty), with their exemplars, for
   * drawing: RL-CAI judges red-team pairs by harmlessness principles alone (Bai et al. 2022, sec.
   * 4.1). The digest stays the file's. An id the file lacks fails, naming {@code where}.
   */
  public Constitution restrictedTo(List<String> ids, String where) {
    if (ids.isEmpty()) {
      return this;
    }
    requireIds(ids, where);
    List<Principle> kept = principles.stream().filter(p -> ids.contains(p.id())).toList();
    List<Exemplar> shots = exemplars.stream().filter(e -> ids.contains(e.principle())).toList();
    List<RevisionExemplar> chains = revisionExemplars.stream().filter(e -> ids.contains(e.principle())).toList();
    return new Constitution(source, sha256, kept, shots, chains);
  }

  /**
   * Fails, naming {@code where} and this file, when {@code ids} (e.g. a dataset's principle
   * column) names a principle this constitution lacks.
   */
  public void requireIds(Collection<String> ids, String where) {
    Map<String, Boolean> known = new LinkedHashMap<>();
    principles.forEach(p -> known.put(p.id(), true));
    TreeSet<String> missing = new TreeSet<>();
    for (String id : ids) {
      if (id != null && !known.containsKey(id)) {
        missing.add(id);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(where + " refers to principle " + missing + " that " + source
          + " does not define; it defines " + known.keySet());
    }
  }
}
