"""Builds the tiny random GPT-2 fixture for HfGpt2Test. Not run by tests or CI.

Run in a venv with numpy, safetensors and tokenizers:  python make_fixture.py

The brief asked for Hugging Face `transformers`, but the only torch on PyPI here is the CUDA build,
which cannot import without the NVIDIA libraries. So the reference logits come from the GPT-2
forward pass below, written in float64 numpy from the definition in transformers'
modeling_gpt2.py (Conv1D weights stored (in, out), gelu_new, pre-LN, tied LM head), and the
weights are stored exactly as GPT2LMHeadModel.save_pretrained lays them out ("transformer."
prefix, Conv1D layout, tied lm_head omitted, config.json with the HF field names).

Writes: config.json, model.safetensors, tokenizer.json (a byte-level BPE trained here, GPT-2
style, with <|endoftext|>), expected.safetensors (input_ids, attention_mask, position_ids,
logits) and expected.json (tokenizer ids of a fixed sentence).
"""
import json
import numpy as np
from safetensors.numpy import save_file
from tokenizers import Tokenizer, models, pre_tokenizers, decoders, trainers

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

rng = np.random.default_rng(1234)
def normal(*shape, std=0.02):
    return (std * rng.standard_normal(shape)).astype(np.float32)

w = {"transformer.wte.weight": normal(V, C), "transformer.wpe.weight": normal(NPOS, C, std=0.01)}
for i in range(L):
    p = f"transformer.h.{i}."
    w[p + "ln_1.weight"] = 1 + normal(C, std=0.1); w[p + "ln_1.bias"] = normal(C, std=0.1)
    w[p + "attn.c_attn.weight"] = normal(C, 3 * C); w[p + "attn.c_attn.bias"] = normal(3 * C, std=0.1)
    w[p + "attn.c_proj.weight"] = normal(C, C); w[p + "attn.c_proj.bias"] = normal(C, std=0.1)
    w[p + "ln_2.weight"] = 1 + normal(C, std=0.1); w[p + "ln_2.bias"] = normal(C, std=0.1)
    w[p + "mlp.c_fc.weight"] = normal(C, 4 * C); w[p + "mlp.c_fc.bias"] = normal(4 * C, std=0.1)
    w[p + "mlp.c_proj.weight"] = normal(4 * C, C); w[p + "mlp.c_proj.bias"] = normal(C, std=0.1)
w["transformer.ln_f.weight"] = 1 + normal(C, std=0.1); w["transformer.ln_f.bias"] = normal(C, std=0.1)
save_file(w, "model.safetensors", metadata={"format": "pt"})
json.dump({"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "vocab_size": V,
           "n_positions": NPOS, "n_embd": C, "n_layer": L, "n_head": H, "n_inner": None,
           "activation_function": "gelu_new", "layer_norm_epsilon": EPS,
           "bos_token_id": eot, "eos_token_id": eot, "tie_word_embeddings": True},
          open("config.json", "w"), indent=2)

def ln(x, g, b):
    mu = x.mean(-1, keepdims=True); var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + EPS) * g + b

def gelu_new(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))

def forward(ids, mask, pos):
    W = {k: v.astype(np.float64) for k, v in w.items()}
    B, T = ids.shape; hs = C // H
    x = W["transformer.wte.weight"][ids] + W["transformer.wpe.weight"][pos]
    allowed = np.tril(np.ones((T, T), bool))[None] & (mask[:, None, :] > 0)  # (B, T, T)
    for i in range(L):
        p = f"transformer.h.{i}."
        a = ln(x, W[p + "ln_1.weight"], W[p + "ln_1.bias"]) @ W[p + "attn.c_attn.weight"] + W[p + "attn.c_attn.bias"]
        q, k, v = [t.reshape(B, T, H, hs).transpose(0, 2, 1, 3) for t in np.split(a, 3, axis=-1)]
        s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(hs)
        s = np.where(allowed[:, None], s, np.finfo(np.float64).min)
        s = np.exp(s - s.max(-1, keepdims=True)); s /= s.sum(-1, keepdims=True)
        y = (s @ v).transpose(0, 2, 1, 3).reshape(B, T, C)
        x = x + y @ W[p + "attn.c_proj.weight"] + W[p + "attn.c_proj.bias"]
        m = gelu_new(ln(x, W[p + "ln_2.weight"], W[p + "ln_2.bias"]) @ W[p + "mlp.c_fc.weight"] + W[p + "mlp.c_fc.bias"])
        x = x + m @ W[p + "mlp.c_proj.weight"] + W[p + "mlp.c_proj.bias"]
    x = ln(x, W["transformer.ln_f.weight"], W["transformer.ln_f.bias"])
    return x @ W["transformer.wte.weight"].T

ids = np.random.default_rng(7).integers(0, V, (3, 12)).astype(np.int64)
mask = np.ones_like(ids)
mask[1, :3] = 0   # row 1 left-padded by 3
mask[2, :7] = 0   # row 2 left-padded by 7
ids[mask == 0] = eot
pos = np.clip(mask.cumsum(-1) - 1, 0, None).astype(np.int64)
logits = forward(ids, mask, pos).astype(np.float32)
save_file({"input_ids": ids, "attention_mask": mask.astype(np.float32), "position_ids": pos,
           "logits": logits}, "expected.safetensors")
text = "Hello world, this is a test."
json.dump({"text": text, "ids": tok.encode(text).ids, "eot": eot, "vocab": V},
          open("expected.json", "w"), indent=1)
print("vocab", V, "params", sum(v.size for v in w.values()))
