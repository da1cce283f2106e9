/**
 * The SFT stage: {@link org.rlhfflow.activities.sft.SftActivitiesImpl}. Register it on a worker
 * with {@code worker.registerActivitiesImplementations(new SftActivitiesImpl(services))}.
 */
package org.rlhfflow.activities.sft;
