package org.rlhfflow.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Turns autograd recording off on this thread for a try-with-resources scope, like {@code
 * torch.no_grad()}, and restores the previous state on close. PyTorch's grad mode is thread-local
 * and defaults to on in threads the engine did not start on (Temporal activity threads), so
 * inference that must not build a graph (generation, reference log-probs) says so explicitly.
 */
public final class NoGrad implements AutoCloseable {
  private final boolean previous;

  private NoGrad() {
    Engine.getEngine("PyTorch"); // loads the native library on first use
    previous = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
  }

  public static NoGrad enter() {
    return new NoGrad();
  }

  @Override
  public void close() {
    JniUtils.setGradMode(previous);
  }
}
