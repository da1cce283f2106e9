package org.rlhfflow.spec;

/** AI feedback (RLAIF): a judge model labels the preference pairs under a written constitution. */
@Doc("AI feedback, RLAIF: a judge model labels the pairs by a constitution (Lee et al. 2023; Bai et al. 2022).")
public record AiSpec(
    @Doc(value = "Constitution file (experiments/constitutions/*.yaml) with the principles the judge applies; required for source ai.",
            source = "Bai et al. 2022, Constitutional AI")
        String constitution,
    @Doc(value = "The judge, a causal LM: pretrain or sft (that stage's output in this pipeline), a checkpoint directory written by rlhf-flow, a Hugging Face GPT-2 directory, or artifact:URI@SHA256.",
            def = "pretrain")
        String judge,
    @Doc(value = "Option token naming the first response; must be one token of the judge's tokenizer.", def = "A")
        String optionFirst,
    @Doc(value = "Option token naming the second response; must be one token of the judge's tokenizer.", def = "B")
        String optionSecond,
    @Doc(value = "Text after the pair whose next token is the option; the soft label is the softmax over the two option logits.",
            source = "Lee et al. 2023, sec. 2.1", def = "Preferred response: (")
        String ending,
    @Doc(value = "Few-shot exemplars of the drawn principle shown before the pair, at most this many.", range = "[0, 16]",
            source = "Lee et al. 2023, sec. 2.1.1", def = "0")
        int exemplars,
    @Doc(value = "Generate a rationale before scoring (chain of thought); the label is then clamped to [cot_clamp, 1 - cot_clamp].",
            source = "Lee et al. 2023, sec. 2.1.2; Bai et al. 2022, sec. 4.1", def = "false")
        boolean chainOfThought,
    @Doc(value = "Clamp of chain-of-thought labels: CoT makes judges overconfident.", range = "[0, 0.5]",
            source = "Bai et al. 2022, sec. 4.1 (40-60%)", def = "0.4")
        double cotClamp,
    @Doc(value = "Tokens of rationale generated at most.", range = "[1, 256]", def = "16") int cotMaxTokens,
    @Doc(value = "Comparisons (each in both orders) scored per forward pass; the shared preamble is computed once per batch.",
            range = "[1, 4096]", def = "32")
        int batchSize,
    @Doc(value = "Shards of the judge's batches, one JudgeShard activity each, all scheduled at once: as many run in parallel as workers poll the collect queue. The labels do not depend on it.",
            range = "[1, 256]", def = "1")
        int shards) {

  public static final AiSpec DEFAULT = SpecDefaults.of(AiSpec.class);
}
