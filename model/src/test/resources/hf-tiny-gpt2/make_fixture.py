"""Builds the tiny random GPT-2 fixture for HfGpt2Test. Not run by tests or CI.

Run in a venv with torch (CPU is enough), transformers, tokenizers, safetensors and numpy:
    python make_fixture.py

Writes, next to this script:
  config.json, model.safetensors  GPT2LMHeadModel.save_pretrained of a random 2-layer, 64-dim model
  tokenizer.json                  a GPT-2 style byte-level BPE (vocab 300) trained here
  expected.safetensors            input_ids, attention_mask, position_ids and transformers' logits
  expected.json                   the tokenizer's ids for a fixed sentence
The logits are also recomputed by an independent float64 numpy GPT-2 below; the script fails
unless both agree, so the fixture checks our Java model against two implementations at once.
"""
import json
import numpy as np
import torch
from safetensors.numpy import load_file
from safetensors.torch import save_file
from tokenizers import Tokenizer, models, pre_tokenizers, decoders, trainers
from transformers import GPT2Config, GPT2LMHeadModel

torch.manual_seed(1234)
corpus = ["Hello world, this is a test.", "The quick brown fox jumps over the lazy dog."] * 50
tok = Tokenizer(models.BPE())
tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
tok.decoder = decoders.ByteLevel()
trainer = trainers.BpeTrainer(vocab_size=300, special_tokens=["<|endoftext|>"],
                              initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
tok.train_from_iterator(corpus, trainer)
tok.save("tokenizer.json")
V = tok.get_vocab_size()
eot = tok.token_to_id("<|endoftext|>")
C, L, H, NPOS, EPS = 64, 2, 4, 64, 1e-5

cfg = GPT2Config(vocab_size=V, n_positions=NPOS, n_embd=C, n_layer=L, n_head=H,
                 layer_norm_epsilon=EPS, bos_token_id=eot, eos_token_id=eot)
cfg._attn_implementation = "eager"
model = GPT2LMHeadModel(cfg).eval()
# HF init leaves biases at 0 and LayerNorms at 1; perturb them so the test covers every tensor.
with torch.no_grad():
    for name, p in model.named_parameters():
        if "ln_" in name or name.endswith("bias"):
            p.add_(0.1 * torch.randn_like(p))
model.save_pretrained(".")

g = torch.Generator().manual_seed(7)
ids = torch.randint(0, V, (3, 12), generator=g)
mask = torch.ones_like(ids)
mask[1, :3] = 0   # row 1 left-padded by 3
mask[2, :7] = 0   # row 2 left-padded by 7
ids[mask == 0] = eot
pos = (mask.cumsum(-1) - 1).clamp(min=0)
with torch.no_grad():
    logits = model(input_ids=ids, attention_mask=mask, position_ids=pos).logits.float()


def numpy_gpt2(w, ids, mask, pos):
    """GPT-2 from its definition: Conv1D weights (in, out), pre-LN, gelu_new, tied LM head."""
    w = {k.removeprefix("transformer."): v.astype(np.float64) for k, v in w.items()}
    B, T = ids.shape
    hs = C // H
    ln = lambda x, p: (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + EPS) * w[p + ".weight"] + w[p + ".bias"]
    gelu = lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))
    lin = lambda x, p: x @ w[p + ".weight"] + w[p + ".bias"]
    x = w["wte.weight"][ids] + w["wpe.weight"][pos]
    allowed = np.tril(np.ones((T, T), bool))[None, None] & (mask[:, None, None, :] > 0)
    for i in range(L):
        p = f"h.{i}."
        q, k, v = [t.reshape(B, T, H, hs).transpose(0, 2, 1, 3)
                   for t in np.split(lin(ln(x, p + "ln_1"), p + "attn.c_attn"), 3, axis=-1)]
        s = np.where(allowed, q @ k.transpose(0, 1, 3, 2) / np.sqrt(hs), -1e30)
        s = np.exp(s - s.max(-1, keepdims=True))
        s /= s.sum(-1, keepdims=True)
        x = x + lin((s @ v).transpose(0, 2, 1, 3).reshape(B, T, C), p + "attn.c_proj")
        x = x + lin(gelu(lin(ln(x, p + "ln_2"), p + "mlp.c_fc")), p + "mlp.c_proj")
    return ln(x, "ln_f") @ w["wte.weight"].T


ref = numpy_gpt2(load_file("model.safetensors"), ids.numpy(), mask.numpy(), pos.numpy())
real = mask.numpy()[..., None] > 0
gap = np.abs(np.where(real, ref - logits.numpy(), 0)).max()
assert gap < 1e-5, f"numpy and transformers disagree by {gap}"

save_file({"input_ids": ids.contiguous(), "attention_mask": mask.float().contiguous(),
           "position_ids": pos.contiguous(), "logits": logits.contiguous()},
          "expected.safetensors")
text = "Hello world, this is a test."
json.dump({"text": text, "ids": tok.encode(text).ids, "eot": eot, "vocab": V},
          open("expected.json", "w"), indent=1)
print("vocab", V, "params", sum(p.numel() for p in model.parameters()), "numpy gap", gap)
