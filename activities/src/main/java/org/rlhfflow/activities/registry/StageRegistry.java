package org.rlhfflow.activities.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.rlhfflow.activities.StageFailures.ValidationException;
import org.rlhfflow.activities.collect.CollectStage;
import org.rlhfflow.activities.dpo.DpoStage;
import org.rlhfflow.activities.grpo.GroupStages;
import org.rlhfflow.activities.evaluate.EvaluateStage;
import org.rlhfflow.activities.ppo.PpoStage;
import org.rlhfflow.activities.pretrain.PretrainStage;
import org.rlhfflow.activities.rm.RewardModelStage;
import org.rlhfflow.activities.sft.SftStage;
import org.rlhfflow.activities.slcai.SlCaiStages;
import org.rlhfflow.spec.ExperimentSpec;

/**
 * Every stage the pipeline can run, one line each. Order here breaks ties between stages that
 * could run in either order; {@link #plan} composes a spec's pipeline from the entries.
 */
public final class StageRegistry {
  private StageRegistry() {}

  private static final List<StageDef<?, ?>> ALL = List.of(
      PretrainStage.DEF,
      CollectStage.DEF,
      SftStage.DEF,
      RewardModelStage.DEF,
      PpoStage.DEF,
      DpoStage.DEF,
      GroupStages.GRPO_DEF,
      GroupStages.RLOO_DEF,
      SlCaiStages.DEF,
      SlCaiStages.SFT_DEF,
      EvaluateStage.DEF);

  private static final Map<String, StageDef<?, ?>> BY_NAME =
      ALL.stream().collect(Collectors.toMap(StageDef::name, d -> d, (a, b) -> {
        throw new IllegalStateException("two stages named " + a.name());
      }, LinkedHashMap::new));

  public static List<StageDef<?, ?>> all() {
    return ALL;
  }

  public static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
  }

  public static StageDef<?, ?> get(String name) {
    StageDef<?, ?> def = BY_NAME.get(name);
    if (def == null) {
      throw new ValidationException("unknown stage \"" + name + "\"; stages: " + String.join(", ", names()));
    }
    return def;
  }

  /**
   * The stages a spec runs, in order: the method's stage, the stages that run after every method
   * (evaluation), and everything they need or use, transitively, minus the stages the spec skips;
   * ordered so each stage follows what it needs, cut after {@code until}.
   */
  public static List<String> plan(ExperimentSpec spec) {
    StageDef<?, ?> method = BY_NAME.get(spec.method());
    if (method == null || !method.isMethod()) {
      throw new ValidationException("method: \"" + spec.method() + "\" is not a method; methods: "
          + String.join(", ", ALL.stream().filter(StageDef::isMethod).map(StageDef::name).toList()));
    }
    Set<String> wanted = new LinkedHashSet<>();
    add(method, spec, wanted);
    ALL.stream().filter(StageDef::isLast).forEach(d -> add(d, spec, wanted));
    Map<String, String> skipped = new LinkedHashMap<>();
    for (String name : wanted) {
      String reason = BY_NAME.get(name).skipReason(spec);
      if (reason != null) {
        skipped.put(name, reason);
      }
    }
    wanted.removeAll(skipped.keySet());
    for (String name : wanted) {
      for (String need : BY_NAME.get(name).needs(spec)) {
        if (skipped.containsKey(need)) {
          throw new ValidationException(name + " needs " + need + ", which this spec skips: " + skipped.get(need));
        }
      }
    }
    List<String> order = order(wanted, spec);
    int end = order.indexOf(spec.until());
    if (end < 0) {
      throw new ValidationException("until: \"" + spec.until() + "\" is not a stage of this pipeline ("
          + String.join(" -> ", order) + ")");
    }
    return List.copyOf(order.subList(0, end + 1));
  }

  private static void add(StageDef<?, ?> def, ExperimentSpec spec, Set<String> wanted) {
    if (!wanted.add(def.name())) {
      return;
    }
    List<String> deps = new ArrayList<>(def.needs(spec));
    deps.addAll(def.uses(spec));
    for (String dep : deps) {
      add(get(dep), spec, wanted);
    }
  }

  /** Topological order by needs and uses; among ready stages, the earliest registry entry first. */
  private static List<String> order(Set<String> wanted, ExperimentSpec spec) {
    List<String> order = new ArrayList<>();
    while (order.size() < wanted.size()) {
      StageDef<?, ?> next = null;
      for (StageDef<?, ?> d : ALL) {
        if (wanted.contains(d.name()) && !order.contains(d.name()) && ready(d, spec, wanted, order)) {
          next = d;
          break;
        }
      }
      if (next == null) {
        throw new IllegalStateException("stage dependencies form a cycle among " + wanted + " after " + order);
      }
      order.add(next.name());
    }
    return order;
  }

  private static boolean ready(StageDef<?, ?> d, ExperimentSpec spec, Set<String> wanted, List<String> done) {
    List<String> deps = new ArrayList<>(d.needs(spec));
    deps.addAll(d.uses(spec));
    if (d.isLast()) { // after the method and everything else, whatever it reads
      wanted.stream().filter(w -> !get(w).isLast()).forEach(deps::add);
    }
    return deps.stream().filter(wanted::contains).allMatch(done::contains);
  }
}
