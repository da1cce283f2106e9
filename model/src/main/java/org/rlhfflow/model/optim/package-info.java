/**
 * Optimizer pieces over DJL {@code ParameterList}s: {@link org.rlhfflow.model.optim.AdamW} with
 * exportable state, {@link org.rlhfflow.model.optim.LrSchedule} and
 * {@link org.rlhfflow.model.optim.GradClip}. The update contract (collect, clip, step, zeroGrad) is
 * in the AdamW Javadoc.
 */
package org.rlhfflow.model.optim;
