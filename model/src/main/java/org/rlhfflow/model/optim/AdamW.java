package org.rlhfflow.model.optim;

import org.rlhfflow.model.NoGrad;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter 2019, "Decoupled Weight Decay
 * Regularization", Algorithm 2), numerically as PyTorch's {@code torch.optim.AdamW}.
 *
 * <p>Per step t with gradient g: θ ← θ·(1 − lr·wd); m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
 * θ ← θ − (lr/(1−β1^t))·m/(sqrt(v)/sqrt(1−β2^t) + ε). Parameters matched by the no-decay
 * predicate (biases, LayerNorm, embeddings by default) skip the decay, as in GPT-2/nanoGPT.
 *
 * <p>Contract with the trainer. DJL 0.32's PyTorch engine does NOT zero gradients when a new
 * {@code GradientCollector} opens: backward adds into {@code .grad} as PyTorch does (see
 * {@code AdamWTest.gradientsAccumulateAcrossCollectors}). So each update is
 * <pre>{@code
 * try (GradientCollector gc = engine.newGradientCollector()) { gc.backward(loss); } // k times?
 * GradClip.clipByGlobalNorm(params, 1.0);
 * optimizer.step(schedule.at(optimizer.stepCount()));
 * optimizer.zeroGrad();
 * }</pre>
 * Several backwards before one step is gradient accumulation (scale each loss by 1/k).
 *
 * <p>The state (moments and step count) is exported as {@code optim.m.<name>},
 * {@code optim.v.<name>} and {@code optim.step} (int64 scalar), and restoring it then stepping is
 * bit-identical to never having stopped.
 */
public final class AdamW implements AutoCloseable {
  /** Default no-decay rule: biases, norm scales/shifts and embedding tables, by parameter name. */
  public static final Predicate<String> DEFAULT_NO_DECAY = NoDecay::matches;

  private static final String STEP_KEY = "optim.step";

  private final List<Pair<String, Parameter>> params;
  private final List<Boolean> decays = new ArrayList<>();
  private final NDManager manager;
  private final Map<String, NDArray> m = new LinkedHashMap<>();
  private final Map<String, NDArray> v = new LinkedHashMap<>();
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private long step;

  private AdamW(Builder b) {
    this.params = NamedParams.trainable(b.params);
    this.beta1 = b.beta1;
    this.beta2 = b.beta2;
    this.eps = b.eps;
    this.weightDecay = b.weightDecay;
    // Moments live next to the weights (same device) and die with the optimizer.
    this.manager = params.get(0).getValue().getArray().getManager().newSubManager();
    for (Pair<String, Parameter> p : params) {
      NDArray w = p.getValue().getArray();
      m.put(p.getKey(), manager.zeros(w.getShape(), w.getDataType()));
      v.put(p.getKey(), manager.zeros(w.getShape(), w.getDataType()));
      decays.add(!b.noDecay.test(p.getKey()));
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Number of updates applied so far (the t of the bias correction). */
  public long stepCount() {
    return step;
  }

  /** Names of the trainable parameters that get weight decay, in parameter order. */
  public List<String> decayedParameters() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < params.size(); i++) {
      if (decays.get(i)) {
        out.add(params.get(i).getKey());
      }
    }
    return out;
  }

  /** Applies one update with learning rate {@code lr}, in place, outside any gradient collector. */
  public void step(double lr) {
    if (!(lr >= 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
    }
    step++;
    double bc1 = 1 - Math.pow(beta1, step);
    double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
    // An update is never part of a graph; PyTorch forbids in-place ops on leaves while recording, and
    // recording is on by default in threads the engine did not start (Temporal's activity threads).
    try (NoGrad ng = NoGrad.enter(); NDScope scope = new NDScope()) { // scope closes every temporary
      scope.suppressNotUsedWarning();
      for (int i = 0; i < params.size(); i++) {
        String name = params.get(i).getKey();
        NDArray w = params.get(i).getValue().getArray();
        NDArray g = w.getGradient(); // zeros if no backward reached this parameter
        if (decays.get(i) && weightDecay > 0) {
          w.muli((float) (1 - lr * weightDecay));
        }
        NDArray mi = m.get(name).muli((float) beta1).addi(g.mul((float) (1 - beta1)));
        NDArray vi = v.get(name).muli((float) beta2).addi(g.square().muli((float) (1 - beta2)));
        NDArray denom = vi.sqrt().divi((float) bc2Sqrt).addi((float) eps);
        w.subi(mi.div(denom).muli((float) (lr / bc1)));
      }
    }
  }

  /** Sets every trainable gradient to 0 in place; call after {@link #step}. */
  public void zeroGrad() {
    try (NoGrad ng = NoGrad.enter(); NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      for (Pair<String, Parameter> p : params) {
        // set() rather than muli(0): a NaN gradient times 0 stays NaN.
        p.getValue().getArray().getGradient().set(new NDIndex("..."), 0f);
      }
    }
  }

  /** Copies of the state, attached to {@code into}; the caller owns them. */
  public Map<String, NDArray> exportState(NDManager into) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    for (String name : m.keySet()) {
      out.put("optim.m." + name, copy(m.get(name), into));
      out.put("optim.v." + name, copy(v.get(name), into));
    }
    out.put(STEP_KEY, into.create(step));
    return out;
  }

  /**
   * Loads state saved by {@link #exportState}. Every entry is checked (name, shape, dtype) before
   * anything is written, so a bad state leaves the optimizer unchanged.
   */
  public void restoreState(Map<String, NDArray> state) {
    long restoredStep = require(state, STEP_KEY).getLong();
    if (restoredStep < 0) {
      throw new IllegalArgumentException(STEP_KEY + " is negative: " + restoredStep);
    }
    // A list, not a map keyed by NDArray: NDArray.equals compares contents.
    List<Pair<NDArray, NDArray>> copies = new ArrayList<>();
    for (String name : m.keySet()) {
      copies.add(new Pair<>(m.get(name), checked(state, "optim.m." + name, m.get(name))));
      copies.add(new Pair<>(v.get(name), checked(state, "optim.v." + name, v.get(name))));
    }
    try (NoGrad g = NoGrad.enter()) {
      for (Pair<NDArray, NDArray> c : copies) {
        // exact bytes: an indexed copy_ (set(Buffer) prints PyTorch's AutoNonVariableTypeMode warning)
        c.getKey().set(new NDIndex("..."), c.getValue());
      }
    }
    step = restoredStep;
  }

  @Override
  public void close() {
    manager.close();
  }

  private static NDArray copy(NDArray x, NDManager into) {
    NDArray c = x.duplicate();
    c.attach(into);
    return c;
  }

  private static NDArray require(Map<String, NDArray> state, String key) {
    NDArray x = state.get(key);
    if (x == null) {
      throw new IllegalArgumentException("optimizer state has no entry " + key);
    }
    return x;
  }

  private static NDArray checked(Map<String, NDArray> state, String key, NDArray target) {
    NDArray src = require(state, key);
    if (!target.getShape().equals(src.getShape()) || target.getDataType() != src.getDataType()) {
      throw new IllegalArgumentException(
          "optimizer state entry " + key + " has " + src.getDataType() + src.getShape()
              + ", expected " + target.getDataType() + target.getShape());
    }
    return src;
  }

  /** Builder: {@code setParameters} is required, everything else has PyTorch's defaults. */
  public static final class Builder {
    private ParameterList params;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double eps = 1e-8;
    private double weightDecay = 0.01;
    private Predicate<String> noDecay = DEFAULT_NO_DECAY;

    public Builder setParameters(ParameterList params) {
      this.params = params;
      return this;
    }

    /** β1, β2 (PyTorch 0.9, 0.999; nanoGPT uses 0.9, 0.95). */
    public Builder optBetas(double beta1, double beta2) {
      this.beta1 = beta1;
      this.beta2 = beta2;
      return this;
    }

    public Builder optEps(double eps) {
      this.eps = eps;
      return this;
    }

    /** Decoupled decay coefficient (PyTorch 0.01; nanoGPT 0.1). */
    public Builder optWeightDecay(double weightDecay) {
      this.weightDecay = weightDecay;
      return this;
    }

    /** Parameters whose name matches are not decayed. */
    public Builder optNoDecay(Predicate<String> noDecay) {
      this.noDecay = noDecay;
      return this;
    }

    public AdamW build() {
      if (params == null) {
        throw new IllegalArgumentException("setParameters is required");
      }
      if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
        throw new IllegalArgumentException(
            "betas must be in [0, 1), got beta1=" + beta1 + " beta2=" + beta2);
      }
      if (!(eps > 0) || !(weightDecay >= 0) || noDecay == null) {
        throw new IllegalArgumentException(
            "need eps > 0, weightDecay >= 0 and a noDecay predicate, got eps=" + eps
                + " weightDecay=" + weightDecay);
      }
      return new AdamW(this);
    }
  }
}
