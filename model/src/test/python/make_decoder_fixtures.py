"""Builds the tiny random Llama and Qwen2 fixtures for HfLlamaTest and ChatTemplateTest. Not run by tests or CI.

Run with torch 2.5 (CPU is enough), transformers 4.46, tokenizers and safetensors installed:
    python make_decoder_fixtures.py                      # writes ../resources/hf-tiny-{llama,qwen2}
    python make_decoder_fixtures.py --check-export DIR NAME  # DIR: HfLlama.export of fixture NAME
    python make_decoder_fixtures.py --stage-chats        # writes stage_chats.json into both fixtures

Each fixture directory holds what save_pretrained writes (config.json, safetensors weights,
tokenizer.json, tokenizer_config.json with the chat template, generation_config.json) plus
  expected.safetensors  input_ids, attention_mask, position_ids and transformers' fp32 logits
  expected.json         greedy generations, apply_chat_template renderings and their ids
The two fixtures cover the family's variants between them:
  llama  Llama 3 rope_scaling, rope_theta 500000, untied head, no biases, GQA 4:2,
         bf16 weights in 6 shards (model.safetensors.index.json), Llama 3's chat template
  qwen2  q/k/v biases, tied head, 4 query heads on 1 kv head (MQA), fp16 single-file weights,
         Qwen2's chat template
--stage-chats records how the pipeline's stages must format a task's (prompt, response) pairs:
apply_chat_template of [user prompt] with add_generation_prompt=True (what the policy samples
after) and of [user prompt, assistant response] (what SFT, DPO and the reward model train on),
as text and as ids, in stage_chats.json beside each fixture (tokenizers only, no weights read).
--check-export loads a directory our Java code exported with transformers, recomputes the logits
on the same inputs and records the sha256 of every exported file in export-check.json beside the
fixture, so the Java test can prove its export is the one transformers accepted.
"""
import hashlib
import json
import os
import sys

import torch
from safetensors.torch import save_file
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import AutoModelForCausalLM, LlamaConfig, PreTrainedTokenizerFast, Qwen2Config

HERE = os.path.dirname(os.path.abspath(__file__))
RES = os.path.join(HERE, "..", "resources")

# Qwen2-Instruct's chat template, verbatim.
QWEN2_TEMPLATE = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{% endif %}"
    "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")
# Meta-Llama-3-Instruct's chat template, verbatim.
LLAMA3_TEMPLATE = (
    "{% set loop_messages = messages %}{% for message in loop_messages %}"
    "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'"
    "+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}"
    "{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}")

CONVERSATIONS = [
    [{"role": "user", "content": "Hello world, this is a test."}],
    [{"role": "system", "content": "You answer briefly."},
     {"role": "user", "content": "  The quick brown fox?  "},
     {"role": "assistant", "content": "Jumps over the lazy dog."},
     {"role": "user", "content": "Again <b>& \"quoted\"</b>"}],
]


def tokenizer(specials, bos, eos, pad, template):
    corpus = ["Hello world, this is a test.", "The quick brown fox jumps over the lazy dog.",
              "system user assistant You are a helpful assistant."] * 50
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(corpus, trainers.BpeTrainer(
        vocab_size=320, special_tokens=specials, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token=bos, eos_token=eos, pad_token=pad)
    fast.chat_template = template
    return fast


def perturb(model):
    # HF init leaves norms at 1 and biases at 0; perturb them so the test covers every tensor.
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name or name.endswith("bias"):
                p.add_(0.1 * torch.randn_like(p))


def inputs(vocab, pad_id):
    g = torch.Generator().manual_seed(7)
    ids = torch.randint(0, vocab, (3, 12), generator=g)
    mask = torch.ones_like(ids)
    mask[1, :3] = 0  # row 1 left-padded by 3
    mask[2, :7] = 0  # row 2 left-padded by 7
    ids[mask == 0] = pad_id
    pos = (mask.cumsum(-1) - 1).clamp(min=0)
    return ids, mask, pos


def logits_of(model, ids, mask, pos):
    with torch.no_grad():
        return model(input_ids=ids, attention_mask=mask, position_ids=pos).logits.float()


def build(name, config, tok, dtype, shard):
    out = os.path.join(RES, "hf-tiny-" + name)
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(1234)
    config._attn_implementation = "eager"
    model = AutoModelForCausalLM.from_config(config).eval()
    perturb(model)
    model.generation_config.eos_token_id = [tok.convert_tokens_to_ids(t) for t in END_OF_TURN[name]]
    model.generation_config.pad_token_id = tok.pad_token_id
    model.to(dtype).save_pretrained(out, max_shard_size=shard)
    tok.save_pretrained(out)
    # The reference: the stored (bf16/fp16) weights upcast to fp32, as our loader does.
    ref = AutoModelForCausalLM.from_pretrained(out, torch_dtype=torch.float32, attn_implementation="eager").eval()
    ids, mask, pos = inputs(len(tok), tok.pad_token_id)
    save_file({"input_ids": ids.contiguous(), "attention_mask": mask.float().contiguous(),
               "position_ids": pos.contiguous(), "logits": logits_of(ref, ids, mask, pos).contiguous()},
              os.path.join(out, "expected.safetensors"))
    chats = []
    for conv in CONVERSATIONS:
        for gen in (False, True):
            text = tok.apply_chat_template(conv, tokenize=False, add_generation_prompt=gen)
            chats.append({"messages": conv, "add_generation_prompt": gen, "text": text,
                          "ids": tok(text, add_special_tokens=False).input_ids})
    prompts = [c["ids"] for c in chats if c["add_generation_prompt"]] + [[5, 17, 42]]
    generations = []
    for p in prompts:
        with torch.no_grad():
            g = ref.generate(torch.tensor([p]), attention_mask=torch.ones(1, len(p), dtype=torch.long),
                             max_new_tokens=10, do_sample=False)
        generations.append({"prompt": p, "output": g[0, len(p):].tolist()})
    # A left-padded batch, to check the KV cache and positions under padding.
    width = max(len(p) for p in prompts)
    batch = torch.tensor([[tok.pad_token_id] * (width - len(p)) + p for p in prompts])
    bmask = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in prompts])
    with torch.no_grad():
        bg = ref.generate(batch, attention_mask=bmask, max_new_tokens=10, do_sample=False)
    json.dump({"chats": chats, "generations": generations,
               "batched_generation": [r[width:].tolist() for r in bg],
               "end_of_turn": END_OF_TURN[name],
               "params": sum(p.numel() for p in ref.parameters())},
              open(os.path.join(out, "expected.json"), "w"), indent=1)
    print(name, "vocab", len(tok), "params", sum(p.numel() for p in ref.parameters()))


END_OF_TURN = {"llama": ["<|eot_id|>", "<|end_of_text|>"], "qwen2": ["<|im_end|>", "<|endoftext|>"]}


def make():
    ltok = tokenizer(["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>",
                      "<|end_header_id|>", "<|eot_id|>"],
                     "<|begin_of_text|>", "<|eot_id|>", "<|end_of_text|>", LLAMA3_TEMPLATE)
    lcfg = LlamaConfig(
        vocab_size=len(ltok), hidden_size=64, intermediate_size=96, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=128,
        rms_norm_eps=1e-5, rope_theta=500000.0, tie_word_embeddings=False,
        rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                      "high_freq_factor": 4.0, "original_max_position_embeddings": 32},
        bos_token_id=ltok.bos_token_id, eos_token_id=ltok.eos_token_id, pad_token_id=ltok.pad_token_id)
    build("llama", lcfg, ltok, torch.bfloat16, "40KB")
    qtok = tokenizer(["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
                     None, "<|im_end|>", "<|endoftext|>", QWEN2_TEMPLATE)
    # initializer_range 0.15: at 0.02 a tied head just echoes the last token, a weak greedy test.
    qcfg = Qwen2Config(
        vocab_size=len(qtok), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=1, max_position_embeddings=256,
        rms_norm_eps=1e-6, rope_theta=1000000.0, initializer_range=0.15, tie_word_embeddings=True, use_sliding_window=False,
        eos_token_id=qtok.eos_token_id, pad_token_id=qtok.pad_token_id)
    build("qwen2", qcfg, qtok, torch.float16, "10MB")


def check_export(export_dir, fixture):
    """Loads a Java export with transformers and compares its logits with the fixture's."""
    from safetensors.torch import load_file
    exp = load_file(os.path.join(RES, "hf-tiny-" + fixture, "expected.safetensors"))
    model = AutoModelForCausalLM.from_pretrained(export_dir, torch_dtype=torch.float32, attn_implementation="eager").eval()
    AutoTokenizer = __import__("transformers").AutoTokenizer
    tok = AutoTokenizer.from_pretrained(export_dir)
    conv = CONVERSATIONS[1]
    assert tok.apply_chat_template(conv, tokenize=False) == json.load(open(os.path.join(
        RES, "hf-tiny-" + fixture, "expected.json")))["chats"][2]["text"], "exported chat template differs"
    got = logits_of(model, exp["input_ids"], exp["attention_mask"].long(), exp["position_ids"])
    real = exp["attention_mask"][..., None] > 0
    gap = ((got - exp["logits"]).abs() * real).max().item()
    assert gap < 1e-4, f"exported {fixture} reloads with logit gap {gap}"
    digests = {f: hashlib.sha256(open(os.path.join(export_dir, f), "rb").read()).hexdigest()
               for f in sorted(os.listdir(export_dir)) if f.endswith((".safetensors", ".json"))}
    json.dump({"logit_gap": gap, "sha256": digests},
              open(os.path.join(RES, "hf-tiny-" + fixture, "export-check.json"), "w"), indent=1)
    print(fixture, "export reloads in transformers, logit gap", gap)


# Prompts and responses as the built-in tasks write them (digits; the assistant world).
STAGE_PAIRS = [("31=", "12345678"), ("90417=", "89012345"), ("hide gun x3?", "no; gun is risky."),
               ("  padded  ", " reply with spaces ")]


def stage_chats():
    from transformers import AutoTokenizer
    for fixture in ("llama", "qwen2"):
        d = os.path.join(RES, "hf-tiny-" + fixture)
        tok = AutoTokenizer.from_pretrained(d)
        rows = []
        for prompt, response in STAGE_PAIRS:
            user = [{"role": "user", "content": prompt}]
            gen = tok.apply_chat_template(user, tokenize=False, add_generation_prompt=True)
            full = tok.apply_chat_template(user + [{"role": "assistant", "content": response}], tokenize=False)
            rows.append({"prompt": prompt, "response": response,
                         "prompt_text": gen, "prompt_ids": tok.apply_chat_template(user, add_generation_prompt=True),
                         "conversation_text": full,
                         "conversation_ids": tok.apply_chat_template(
                             user + [{"role": "assistant", "content": response}])})
        json.dump({"transformers": __import__("transformers").__version__, "pairs": rows},
                  open(os.path.join(d, "stage_chats.json"), "w"), indent=1)
        print(fixture, len(rows), "stage chats")


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] == "--stage-chats":
        stage_chats()
        sys.exit(0)
    if len(sys.argv) == 4 and sys.argv[1] == "--check-export":
        check_export(sys.argv[2], sys.argv[3])
    else:
        make()
