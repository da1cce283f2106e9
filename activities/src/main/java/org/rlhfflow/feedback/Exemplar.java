package org.rlhfflow.feedback;

/**
 * A worked comparison shown to the judge before the pair it labels (few-shot prompting, Lee et
 * al. 2023, sec. 2.1.1).
 *
 * @param principle id of the principle it was solved under
 * @param firstPreferred whether {@code first} is the better response
 */
public record Exemplar(String principle, String prompt, String first, String second, boolean firstPreferred) {}
