"""Writes the conformance models: for each architecture in Hearth's catalog, a small GGUF with the
tensor names, layouts and metadata of the real family (Llama 3.2, Qwen2.5, Qwen3, Phi-3.5) and
random weights. scripts/record-conformance.sh records llama.cpp's log probabilities on them; the
tests (crates/hearth-core/tests/conformance.rs) compare Hearth's, on files this script writes
again at the test set-up: the same bytes, since numpy's RandomState stream never changes.

The weights are f32, so that both engines compute the same arithmetic and any difference is the
architecture's: quantized, these random models turn the engines' different rounding of
activations into differences of up to half a nat, as large as a misread tensor's.

What is real: tensor names and shapes relative to each other, fused and tied tensors, biases,
q/k norms, head sizes, rope bases, Llama 3's rope_freqs tensor (its published formula), Phi-3's
long and short rope factors and attention factor, norm epsilons. What is small: the width (256,
768 for Phi-3's head size of 96), two layers, and a byte-level vocabulary of 267 tokens.

Usage: python3 models/conformance/make.py OUT_DIR   (needs the gguf and numpy packages)
"""

import math
import sys
from pathlib import Path

import numpy as np
from gguf import GGUFWriter, LlamaFileType, TokenType

LAYERS = 2
CHATML = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content']"
    " + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)
SPECIAL = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
MERGES = [("Ġ", "t"), ("Ġ", "a"), ("h", "e"), ("i", "n"), ("r", "e"), ("o", "n"), ("Ġt", "he"), ("e", "r")]


def byte_tokens() -> list[str]:
    """GPT-2's printable stand-ins for the 256 bytes, in byte order."""
    kept = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    extra = 0
    chars = {}
    for b in range(256):
        if b in kept:
            chars[b] = chr(b)
        else:
            chars[b] = chr(256 + extra)
            extra += 1
    return [chars[b] for b in range(256)]


def vocabulary() -> tuple[list[str], list[int], list[str]]:
    tokens = byte_tokens() + ["".join(pair) for pair in MERGES] + SPECIAL
    types = [TokenType.NORMAL] * (len(tokens) - len(SPECIAL)) + [TokenType.CONTROL] * len(SPECIAL)
    return tokens, types, [" ".join(pair) for pair in MERGES]


class Weights:
    """Random weights from one seed, scaled so that attention is neither flat nor one-hot and the
    logits spread over several units: differences in rope or norms then show in the output."""

    def __init__(self, seed: int):
        self.rng = np.random.RandomState(seed)

    def normal(self, shape, std: float) -> np.ndarray:
        return (self.rng.standard_normal(shape) * std).astype(np.float32)

    def norm(self, size: int, spread: float = 0.1) -> np.ndarray:
        return (1.0 + self.normal(size, spread)).astype(np.float32)


def quiet_specials(output: np.ndarray) -> np.ndarray:
    """The output rows of the special tokens made small, so that no greedy step ends the
    sequence before the steps compared."""
    output[-len(SPECIAL):] *= 0.1
    return output


def llama3_rope_freqs(head_dim: int, base: float) -> np.ndarray:
    """Llama 3.2's rope_freqs (factor 32, low 1, high 4, 8192 original positions), as
    convert_hf_to_gguf.py writes it: the divisor of each frequency."""
    factor, low, high, original = 32.0, 1.0, 4.0, 8192
    freqs = 1.0 / (base ** (np.arange(0, head_dim, 2, dtype=np.float32) / head_dim))
    low_wavelen, high_wavelen = original / low, original / high
    out = []
    for freq in freqs:
        wavelen = 2 * math.pi / freq
        if wavelen < high_wavelen:
            out.append(1.0)
        elif wavelen > low_wavelen:
            out.append(factor)
        else:
            smooth = (original / wavelen - low) / (high - low)
            out.append(1 / ((1 - smooth) / factor + smooth))
    return np.array(out, dtype=np.float32)


def start(path: Path, arch: str, name: str, context: int, width: int, ffn: int, heads: int,
          kv_heads: int, eps: float, base: float) -> GGUFWriter:
    writer = GGUFWriter(str(path), arch)
    writer.add_name(name)
    writer.add_file_type(LlamaFileType.ALL_F32)
    writer.add_context_length(context)
    writer.add_embedding_length(width)
    writer.add_block_count(LAYERS)
    writer.add_feed_forward_length(ffn)
    writer.add_head_count(heads)
    writer.add_head_count_kv(kv_heads)
    writer.add_layer_norm_rms_eps(eps)
    writer.add_rope_freq_base(base)
    tokens, types, merges = vocabulary()
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("default")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_merges(merges)
    writer.add_bos_token_id(len(tokens) - 2)
    writer.add_eos_token_id(len(tokens) - 1)
    writer.add_chat_template(CHATML)
    return writer


def llama_family(writer: GGUFWriter, w: Weights, width: int, ffn: int, heads: int, kv_heads: int,
                 head_dim: int, qk_bias: bool = False, qk_norm: bool = False) -> None:
    """The tensors Llama, Qwen2 and Qwen3 share; embeddings tied (no output.weight), as in
    Llama 3.2 1B/3B, Qwen2.5 0.5B-3B and Qwen3 0.6B-4B."""
    vocab = len(vocabulary()[0])
    # Tied: the embeddings are the output matrix too, so their scale sets the logits' spread.
    writer.add_tensor("token_embd.weight", quiet_specials(w.normal((vocab, width), 3.0 / math.sqrt(width))))
    writer.add_tensor("output_norm.weight", w.norm(width))
    q, kv = heads * head_dim, kv_heads * head_dim
    for i in range(LAYERS):
        b = f"blk.{i}"
        writer.add_tensor(f"{b}.attn_norm.weight", w.norm(width))
        writer.add_tensor(f"{b}.attn_q.weight", w.normal((q, width), 1.5 / math.sqrt(width)))
        writer.add_tensor(f"{b}.attn_k.weight", w.normal((kv, width), 1.5 / math.sqrt(width)))
        writer.add_tensor(f"{b}.attn_v.weight", w.normal((kv, width), 1.0 / math.sqrt(width)))
        if qk_bias:
            writer.add_tensor(f"{b}.attn_q.bias", w.normal(q, 0.5))
            writer.add_tensor(f"{b}.attn_k.bias", w.normal(kv, 0.5))
            writer.add_tensor(f"{b}.attn_v.bias", w.normal(kv, 0.5))
        if qk_norm:
            writer.add_tensor(f"{b}.attn_q_norm.weight", w.norm(head_dim, 0.2))
            writer.add_tensor(f"{b}.attn_k_norm.weight", w.norm(head_dim, 0.2))
        writer.add_tensor(f"{b}.attn_output.weight", w.normal((width, q), 1.0 / math.sqrt(q)))
        writer.add_tensor(f"{b}.ffn_norm.weight", w.norm(width))
        writer.add_tensor(f"{b}.ffn_gate.weight", w.normal((ffn, width), 1.0 / math.sqrt(width)))
        writer.add_tensor(f"{b}.ffn_up.weight", w.normal((ffn, width), 1.0 / math.sqrt(width)))
        writer.add_tensor(f"{b}.ffn_down.weight", w.normal((width, ffn), 1.0 / math.sqrt(ffn)))


def llama(out: Path) -> None:
    """Llama 3.2 (1B: head 64, 32/8 heads, rope base 500000, rope_freqs, tied)."""
    width, ffn, heads, kv_heads, head_dim, base = 256, 512, 4, 2, 64, 500000.0
    writer = start(out / "llama.gguf", "llama", "Conformance Llama 3.2", 131072, width, ffn,
                   heads, kv_heads, 1e-5, base)
    writer.add_rope_dimension_count(head_dim)
    writer.add_key_length(head_dim)
    writer.add_value_length(head_dim)
    writer.add_vocab_size(len(vocabulary()[0]))
    w = Weights(1)
    writer.add_tensor("rope_freqs.weight", llama3_rope_freqs(head_dim, base))
    llama_family(writer, w, width, ffn, heads, kv_heads, head_dim)
    finish(writer)


def qwen2(out: Path) -> None:
    """Qwen2.5 (0.5B: head 64, 14/2 heads, rope base 1e6, q/k/v biases, tied)."""
    width, ffn, heads, kv_heads, head_dim = 256, 512, 4, 2, 64
    writer = start(out / "qwen2.gguf", "qwen2", "Conformance Qwen2.5", 32768, width, ffn, heads,
                   kv_heads, 1e-6, 1000000.0)
    llama_family(writer, Weights(2), width, ffn, heads, kv_heads, head_dim, qk_bias=True)
    finish(writer)


def qwen3(out: Path) -> None:
    """Qwen3 (0.6B: head 128 wider than width / heads, 16/8 heads, rope base 1e6, q/k norms,
    tied)."""
    width, ffn, heads, kv_heads, head_dim = 256, 512, 4, 2, 128
    writer = start(out / "qwen3.gguf", "qwen3", "Conformance Qwen3", 40960, width, ffn, heads,
                   kv_heads, 1e-6, 1000000.0)
    writer.add_key_length(head_dim)
    writer.add_value_length(head_dim)
    llama_family(writer, Weights(3), width, ffn, heads, kv_heads, head_dim, qk_norm=True)
    finish(writer)


def phi3(out: Path) -> None:
    """Phi-3.5 mini (head 96, 32/32 heads, fused qkv and gate/up, LongRoPE: long and short
    factors with an attention factor, 4096 original positions of 131072, separate output)."""
    width, ffn, heads, head_dim, context, original = 768, 512, 8, 96, 131072, 4096
    writer = start(out / "phi3.gguf", "phi3", "Conformance Phi 3.5", context, width, ffn, heads,
                   heads, 1e-5, 10000.0)
    writer.add_rope_dimension_count(head_dim)
    writer.add_rope_scaling_orig_ctx_len(original)
    writer.add_rope_scaling_attn_factors(math.sqrt(1 + math.log(context / original) / math.log(original)))
    w = Weights(4)
    vocab = len(vocabulary()[0])
    half = head_dim // 2
    # Phi-3.5's published factors rise from 1 to about 3 (short) and 1 to about 60 (long).
    writer.add_tensor("rope_factors_short.weight", np.linspace(1.0, 3.0, half, dtype=np.float32))
    writer.add_tensor("rope_factors_long.weight", np.geomspace(1.0, 60.0, half, dtype=np.float32))
    writer.add_tensor("token_embd.weight", w.normal((vocab, width), 1.0))
    writer.add_tensor("output_norm.weight", w.norm(width))
    writer.add_tensor("output.weight", quiet_specials(w.normal((vocab, width), 3.0 / math.sqrt(width))))
    for i in range(LAYERS):
        b = f"blk.{i}"
        writer.add_tensor(f"{b}.attn_norm.weight", w.norm(width))
        qk = w.normal((2 * width, width), 1.5 / math.sqrt(width))
        v = w.normal((width, width), 1.0 / math.sqrt(width))
        writer.add_tensor(f"{b}.attn_qkv.weight", np.concatenate([qk, v]))
        writer.add_tensor(f"{b}.attn_output.weight", w.normal((width, width), 1.0 / math.sqrt(width)))
        writer.add_tensor(f"{b}.ffn_norm.weight", w.norm(width))
        writer.add_tensor(f"{b}.ffn_up.weight", w.normal((2 * ffn, width), 1.0 / math.sqrt(width)))
        writer.add_tensor(f"{b}.ffn_down.weight", w.normal((width, ffn), 1.0 / math.sqrt(ffn)))
    finish(writer)


def finish(writer: GGUFWriter) -> None:
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


if __name__ == "__main__":
    target = Path(sys.argv[1])
    target.mkdir(parents=True, exist_ok=True)
    for make in (llama, qwen2, qwen3, phi3):
        make(target)
