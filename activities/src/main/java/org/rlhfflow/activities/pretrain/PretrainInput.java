package org.rlhfflow.activities.pretrain;

import org.rlhfflow.activities.StageContext;

/** The only input is the context: the corpus comes from the task and the seed. */
public record PretrainInput(StageContext ctx) {}
