/**
 * The GPT model core: a hand-written GPT-2 in DJL ({@link org.rlhfflow.model.Gpt}), its reward and
 * value heads, scoring, generation, tokenizers, safetensors checkpoints and Hugging Face import.
 *
 * <pre>{@code
 * Determinism.configure();                               // before the engine loads
 * try (LanguageModel lm = LanguageModel.create(GptConfig.TINY, new ByteTokenizer(), seed)) {
 *   Generation g = new Generator(lm.gpt()).generate(prompts, GenerationConfig.sampling(64, lm.tokenizer()), seed);
 *   try (NDManager step = lm.manager().newSubManager(); Generation.Batch b = g.toBatch(step)) {
 *     NDArray logp = lm.tokenLogprobs(b.inputIds(), b.attentionMask()); // (B, T), differentiable
 *   }
 *   lm.save(dir, step, specHash, trainingState, optimizerState);
 * }
 * }</pre>
 *
 * <p>Conventions: token ids (B, T) int64; masks (B, T), 1 = token, 0 = pad (float32 from {@link
 * org.rlhfflow.model.gen.Generation#toBatch}); prompts left-padded, responses right-padded;
 * position ids {@code max(cumsum(mask) - 1, 0)}; {@code logp[b, t] = log p(ids[b, t] | ids[b, <t])}.
 *
 * <p>Two DJL 0.32 PyTorch pitfalls, found while building this package:
 *
 * <ul>
 *   <li>Never use {@code NDArray.mul/add/sub/div/pow/maximum/clip(Number)} on arrays that need
 *       gradients: DJL frees the scalar's memory before backward reads it (garbage gradients at
 *       random). Use {@link org.rlhfflow.model.nn.Ops}; see its regression tests (OpsTest,
 *       LossGradientStabilityTest).
 *   <li>Only one {@code GradientCollector} may be open per JVM at a time (a static flag in
 *       PtGradientCollector), and PyTorch accumulates gradients across collectors: zero them
 *       after each update. Grad mode is per thread; wrap inference in {@link
 *       org.rlhfflow.model.NoGrad}.
 * </ul>
 */
package org.rlhfflow.model;
