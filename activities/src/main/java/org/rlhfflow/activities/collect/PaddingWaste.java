package org.rlhfflow.activities.collect;

import org.rlhfflow.model.gen.Generation;

/**
 * The share of generated batches' token grids that was padding, over several batches: what
 * decoding (and every forward pass over the batch) computed for nothing. Logged as
 * {@code <stage>/padding_waste}; {@link PromptBatches#byLength} keeps the prompt part of it small.
 */
public final class PaddingWaste {
  private long padded;
  private long grid;

  /** Adds one batch. */
  public void add(Generation g) {
    grid += g.gridCells();
    padded += g.paddedCells();
  }

  /** Padding cells over all cells so far, 0 when nothing was added. */
  public double share() {
    return grid == 0 ? 0 : (double) padded / grid;
  }
}
