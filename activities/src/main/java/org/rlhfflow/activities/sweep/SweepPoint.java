package org.rlhfflow.activities.sweep;

import java.util.Map;

/**
 * One grid point.
 *
 * @param label its overrides as {@code key=value} pairs, e.g. {@code ppo.kl_coef=0.1 seed=2}
 * @param overrides dotted spec key to the value given on the command line
 * @param specYaml the base spec with the overrides applied (validated)
 */
public record SweepPoint(String label, Map<String, String> overrides, String specYaml) {}
