package org.rlhfflow.spec;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The one place a spec field is documented: its effect, its valid range and the paper or library
 * it comes from. {@link SpecLoader} enforces {@link #range()}; {@link SpecReference} renders all
 * of it into {@code docs/spec-reference.md}. On a record type it documents the whole section.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.TYPE})
public @interface Doc {
  /** One line: what the value changes. */
  String value();

  /**
   * Valid numeric interval in math notation, e.g. {@code [0, 1]}, {@code (0, inf)}; empty means
   * any value of the type. Enum choices are listed automatically.
   */
  String range() default "";

  /** Where the default or the idea comes from, e.g. "Ouyang et al. 2022; TRL PPOConfig". */
  String source() default "";

  /**
   * The default, written as in YAML ({@code "3e-4"}, {@code "k1"}, {@code "rlhf-cpu"}); empty leaves
   * an optional field unset. {@link SpecDefaults#of} builds a section's {@code DEFAULT} from these.
   */
  String def() default "";

  /**
   * On a section (a record-typed field): the section is absent, null, unless the spec sets it, e.g.
   * an {@code sl_cai:} section whose presence adds a stage to the pipeline.
   */
  boolean optional() default false;

  /** The key must be present in the YAML file: it has no meaningful default. */
  boolean required() default false;
}
