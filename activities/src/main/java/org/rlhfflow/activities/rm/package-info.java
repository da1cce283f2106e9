/**
 * The reward-model stage: {@link org.rlhfflow.activities.rm.RewardModelActivitiesImpl}. Register it
 * on a worker with {@code worker.registerActivitiesImplementations(new
 * RewardModelActivitiesImpl(services))}.
 */
package org.rlhfflow.activities.rm;
