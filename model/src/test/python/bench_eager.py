"""PyTorch eager side of `rlhf bench model`: the same presets, shapes and step definitions.

A comparison benchmark, not product code. It runs Hugging Face transformers' GPT2LMHeadModel
(random weights, fp32, one intra-op thread, no dropout) at each `rlhf bench model` case:
  train  forward + backward of the next-token loss over B x T random tokens, then plain SGD
         (p -= lr * grad, grads zeroed), as ModelBench.trainTokensPerSecond;
  gen    B prompts of T - 32 random tokens, 32 new tokens sampled at temperature 1 with the KV cache,
         EOS disabled, as ModelBench.genTokensPerSecond.
Both time a window as ModelBench.window does: WARMUP_S untimed (at least 2 steps / 1 generation),
then at least TIMED_S timed (and at least the case's step count).
It prints the same columns as `rlhf bench model`, and with --json one JSON object last.

    pip install torch==2.5.1 transformers==4.46.3   # newer transformers need torch >= 2.6
    python model/src/test/python/bench_eager.py [--case NANO:16x64 ...] [--json]
"""
import argparse
import json
import resource
import time

import torch
from transformers import GPT2Config, GPT2LMHeadModel

# (label, n_layer, n_head, n_embd, vocab, block, batch, seq, train_steps, new_tokens): ModelBench's cases
PRESETS = {
    "NANO": dict(n_layer=2, n_head=4, n_embd=64, vocab=259),
    "TINY": dict(n_layer=4, n_head=6, n_embd=192, vocab=259),
    "GPT2_SMALL": dict(n_layer=12, n_head=12, n_embd=768, vocab=50257),
}
CASES = [  # BenchCase.defaults()
    ("NANO", 64, 16, 64, 10, 32),
    ("NANO", 256, 16, 256, 5, 32),
    ("TINY", 256, 8, 128, 5, 32),
    ("TINY", 256, 16, 256, 3, 32),
    ("TINY", 256, 32, 64, 5, 32),
    ("GPT2_SMALL", 1024, 1, 64, 2, 8),
]


WARMUP_S, TIMED_S = 3.0, 2.0  # ModelBench.WARMUP_S, TIMED_S


def window(work, min_warmup, min_timed):
    """Untimed warm-up, then (runs, seconds) of the timed part: ModelBench.window."""
    t0 = time.perf_counter()
    i = 0
    while i < min_warmup or time.perf_counter() - t0 < WARMUP_S:
        work()
        i += 1
    start = time.perf_counter()
    runs = 0
    while runs < min_timed or time.perf_counter() - start < TIMED_S:
        work()
        runs += 1
    return runs, time.perf_counter() - start


def model_for(preset, block):
    p = PRESETS[preset]
    cfg = GPT2Config(vocab_size=p["vocab"], n_positions=block, n_layer=p["n_layer"], n_head=p["n_head"],
                     n_embd=p["n_embd"], resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0,
                     layer_norm_epsilon=1e-5, tie_word_embeddings=True)
    torch.manual_seed(0)
    return GPT2LMHeadModel(cfg).float()


def train_tps(model, batch, seq, steps, vocab):
    g = torch.Generator().manual_seed(1)
    model.train()

    def step():
        ids = torch.randint(0, min(vocab, 256), (batch, seq), generator=g)
        loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        with torch.no_grad():
            for p in model.parameters():
                p -= 1e-4 * p.grad
                p.grad = None

    runs, seconds = window(step, 2, steps)
    return runs * batch * seq / seconds


def gen_tps(model, batch, seq, new_tokens, vocab):
    g = torch.Generator().manual_seed(2)
    prompt = torch.randint(0, min(vocab, 256), (batch, max(1, seq - new_tokens)), generator=g)
    model.eval()
    kw = dict(do_sample=True, temperature=1.0, top_k=0, top_p=1.0, use_cache=True,
              eos_token_id=None, pad_token_id=vocab - 1, attention_mask=torch.ones_like(prompt))
    with torch.no_grad():
        runs, seconds = window(
            lambda: model.generate(prompt, max_new_tokens=new_tokens, min_new_tokens=new_tokens, **kw), 1, 1)
    return runs * batch * new_tokens / seconds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", action="append", default=[], help="e.g. NANO:16x64 or TINY (repeatable)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    results = []
    for preset, block, batch, seq, steps, new in CASES:
        label = f"{preset}:{batch}x{seq}"
        if args.case and not any(label.startswith(c) for c in args.case):
            continue
        model = model_for(preset, block)
        vocab = PRESETS[preset]["vocab"]
        r = dict(preset=preset, batch=batch, seq=seq, params=sum(p.numel() for p in model.parameters()),
                 train_tokens_per_s=train_tps(model, batch, seq, steps, vocab),
                 gen_tokens_per_s_kv=gen_tps(model, batch, seq, new, vocab),
                 peak_rss_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        results.append(r)
    print(f"{'preset':<11} {'batch':>5} {'seq':>5} {'params':>10} {'train tok/s':>12} {'gen kv t/s':>12}")
    for r in results:
        print(f"{r['preset']:<11} {r['batch']:>5} {r['seq']:>5} {r['params']:>10} "
              f"{r['train_tokens_per_s']:>12.0f} {r['gen_tokens_per_s_kv']:>12.0f}")
    if args.json:
        print(json.dumps(dict(torch=torch.__version__, threads=args.threads, results=results)))


if __name__ == "__main__":
    main()
