package org.rlhfflow.activities.registry;

import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.rlhfflow.activities.StageContext;
import org.rlhfflow.activities.StageResult;
import org.rlhfflow.activities.StageServices;
import org.rlhfflow.spec.ExperimentSpec;

/**
 * Everything the pipeline knows about one stage: its name, the spec keys and files it reads (its
 * cache key), how it is scheduled, where it sits in a pipeline and how its input is built from the
 * stages before it. Each stage folder declares one, e.g. {@code SftStage.DEF}, and {@link
 * StageRegistry} lists them.
 *
 * <pre>{@code
 * public static final StageDef<SftInput, SftResult> DEF = StageDef.builder("sft", SftInput.class, SftResult::of)
 *     .setActivityType("Sft")
 *     .setReads("model", "task", "data.sft_dataset", "sft")
 *     .setBudget(Duration.ofHours(12)) // a whole attempt; the heartbeat timeout catches dead workers
 *     .setInput((ctx, up) -> new SftInput(ctx, null, null))
 *     .setImplementation(services -> new SftActivitiesImpl(services))
 *     .build();
 * }</pre>
 *
 * @param <I> the activity's input record
 * @param <R> the activity's typed result record
 */
public final class StageDef<I, R> {
  /** Why a stage is left out of a pipeline, or null when it runs. */
  @FunctionalInterface
  public interface Skip {
    String reason(ExperimentSpec spec);
  }

  /**
   * Infrastructure errors (a lost worker, MinIO or MLflow down) are retried with backoff; bad input
   * fails non-retryably from the activity itself (ApplicationFailure.newNonRetryableFailure), so the
   * attempt cap only bounds bugs that look transient.
   */
  public static final RetryOptions RETRY = RetryOptions.newBuilder()
      .setInitialInterval(Duration.ofSeconds(1))
      .setBackoffCoefficient(2.0)
      .setMaximumInterval(Duration.ofMinutes(1))
      .setMaximumAttempts(10)
      .build();

  private final String name;
  private final String activityType;
  private final Class<I> inputType;
  private final Function<StageResult, R> result;
  private final List<String> reads;
  private final List<String> files;
  private final Duration budget;
  private final String taskQueue;
  private final Function<ExperimentSpec, List<String>> needs;
  private final Function<ExperimentSpec, List<String>> uses;
  private final Skip skip;
  private final boolean method;
  private final boolean last;
  private final BiFunction<StageContext, Upstream, I> input;
  private final Function<StageServices, Object> implementation;

  private StageDef(Builder<I, R> b) {
    name = b.name;
    activityType = b.activityType;
    inputType = b.inputType;
    result = b.result;
    reads = List.copyOf(b.reads);
    files = List.copyOf(b.files);
    budget = b.budget;
    taskQueue = b.taskQueue;
    needs = b.needs;
    uses = b.uses;
    skip = b.skip;
    method = b.method;
    last = b.last;
    input = b.input;
    implementation = b.implementation;
  }

  public static <I, R> Builder<I, R> builder(String name, Class<I> inputType, Function<StageResult, R> result) {
    return new Builder<>(name, inputType, result);
  }

  /** Stable name: in metrics, manifests, summary.json, {@code until:} and {@code --force}. */
  public String name() {
    return name;
  }

  /** The Temporal activity type, the {@code @ActivityMethod} name of the stage's interface. */
  public String activityType() {
    return activityType;
  }

  public Class<I> inputType() {
    return inputType;
  }

  /** The typed view of a result that came back from the activity (or from the cache). */
  public R result(StageResult raw) {
    return result.apply(raw);
  }

  /** Spec sections and dotted keys the stage reads: exactly these are in its cache key. */
  public List<String> reads() {
    return reads;
  }

  /** Spec keys naming files the stage reads; their content (hashed once) is in its cache key. */
  public List<String> files() {
    return files;
  }

  /** The queue the stage runs on unless the spec's resources say otherwise. */
  public String defaultTaskQueue() {
    return taskQueue;
  }

  /** Stages whose outputs this one requires in a pipeline for {@code spec}. */
  public List<String> needs(ExperimentSpec spec) {
    return needs.apply(spec);
  }

  /** Stages whose outputs this one takes when they run (before it), but can do without. */
  public List<String> uses(ExperimentSpec spec) {
    return uses.apply(spec);
  }

  /** Why {@code spec} leaves this stage out, or null. */
  public String skipReason(ExperimentSpec spec) {
    return skip.reason(spec);
  }

  /** A tuning method: {@code method: <name>} makes it the pipeline's centre. */
  public boolean isMethod() {
    return method;
  }

  /** Runs after the method in every pipeline (evaluation). */
  public boolean isLast() {
    return last;
  }

  public I input(StageContext ctx, Upstream upstream) {
    return input.apply(ctx, upstream);
  }

  /** The activity implementation a worker registers. */
  public Object implementation(StageServices services) {
    return implementation.apply(services);
  }

  /**
   * Training stages checkpoint and heartbeat {step, checkpointRef}. A worker killed mid-step is
   * noticed after the heartbeat timeout, and the retry resumes from the last checkpoint instead of
   * from step 0.
   */
  public ActivityOptions options(String taskQueue, Duration heartbeatTimeout) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(taskQueue)
        .setStartToCloseTimeout(budget) // a whole attempt; generous, the heartbeat catches dead workers
        .setHeartbeatTimeout(heartbeatTimeout) // from resources.heartbeat_timeout_s
        // On `temporal workflow cancel` the stage learns it at its next heartbeat, saves a checkpoint
        // and marks its run KILLED; the workflow waits for that before it closes the pipeline run.
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
        .setRetryOptions(RETRY)
        .build();
  }

  @Override
  public String toString() {
    return "stage " + name;
  }

  /** {@code setX} for required values, {@code optX} for optional ones; {@link #build()} checks. */
  public static final class Builder<I, R> {
    private final String name;
    private final Class<I> inputType;
    private final Function<StageResult, R> result;
    private String activityType;
    private List<String> reads;
    private List<String> files = List.of();
    private Duration budget;
    private String taskQueue = "rlhf-cpu"; // RlhfConfig.CPU_QUEUE: every worker polls it by default
    private Function<ExperimentSpec, List<String>> needs = spec -> List.of();
    private Function<ExperimentSpec, List<String>> uses = spec -> List.of();
    private Skip skip = spec -> null;
    private boolean method;
    private boolean last;
    private BiFunction<StageContext, Upstream, I> input;
    private Function<StageServices, Object> implementation;

    private Builder(String name, Class<I> inputType, Function<StageResult, R> result) {
      this.name = name;
      this.inputType = inputType;
      this.result = result;
    }

    public Builder<I, R> setActivityType(String activityType) {
      this.activityType = activityType;
      return this;
    }

    public Builder<I, R> setReads(String... sectionsOrKeys) {
      this.reads = List.of(sectionsOrKeys);
      return this;
    }

    public Builder<I, R> optFiles(String... specKeys) {
      this.files = List.of(specKeys);
      return this;
    }

    /** Start-to-close timeout of one attempt; say why in a comment at the call. */
    public Builder<I, R> setBudget(Duration budget) {
      this.budget = budget;
      return this;
    }

    /** The stage's default task queue, e.g. {@code rlhf-gpu} for a stage that needs a GPU. */
    public Builder<I, R> optTaskQueue(String taskQueue) {
      this.taskQueue = taskQueue;
      return this;
    }

    public Builder<I, R> optNeeds(Function<ExperimentSpec, List<String>> needs) {
      this.needs = needs;
      return this;
    }

    public Builder<I, R> optUses(Function<ExperimentSpec, List<String>> uses) {
      this.uses = uses;
      return this;
    }

    public Builder<I, R> optSkip(Skip skip) {
      this.skip = skip;
      return this;
    }

    public Builder<I, R> optMethod() {
      this.method = true;
      return this;
    }

    public Builder<I, R> optLast() {
      this.last = true;
      return this;
    }

    /** Builds the input from the context and earlier results; runs in workflow code, so pure. */
    public Builder<I, R> setInput(BiFunction<StageContext, Upstream, I> input) {
      this.input = input;
      return this;
    }

    /**
     * A lambda, {@code services -> new SftActivitiesImpl(services)}, not a method reference: workflow
     * code reads the registry, and a method reference would load the implementation (and DJL) on the
     * workflow thread, which Temporal's deadlock detector stops after 1 s.
     */
    public Builder<I, R> setImplementation(Function<StageServices, Object> implementation) {
      this.implementation = implementation;
      return this;
    }

    public StageDef<I, R> build() {
      if (name == null || !name.matches("[a-z][a-z0-9_]*")) {
        throw new IllegalArgumentException("stage name must be snake_case, got " + name);
      }
      Objects.requireNonNull(activityType, name + ": setActivityType is required");
      Objects.requireNonNull(reads, name + ": setReads is required (the spec keys in its cache key)");
      Objects.requireNonNull(budget, name + ": setBudget is required");
      Objects.requireNonNull(input, name + ": setInput is required");
      Objects.requireNonNull(implementation, name + ": setImplementation is required");
      Objects.requireNonNull(inputType, name + ": input type is required");
      Objects.requireNonNull(result, name + ": result view is required");
      return new StageDef<>(this);
    }
  }
}
