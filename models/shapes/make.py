"""Writes a model of a real size for the benchmarks: the shape of a 1B llama-family model
(hidden 2048, 16 layers, 32 query and 8 key/value heads of 64, FFN 8192), the default model's
tokenizer and chat template (so prompts tokenize as they do in the app), and random f16
weights. llama.cpp's llama-quantize then makes the Q4_K_M, Q4_0 and Q8_0 files people run
(scripts/bench-engine.sh does). Random weights give random text, but every matmul, cache and
attention costs what a trained model's do.

Usage: python3 models/shapes/make.py DEFAULT_MODEL.gguf OUT.gguf   (needs gguf and numpy)
"""

import math
import sys

import numpy as np
from gguf import GGUFReader, GGUFValueType, GGUFWriter, LlamaFileType

WIDTH, LAYERS, HEADS, KV_HEADS, FFN = 2048, 16, 32, 8, 8192
HEAD_DIM = WIDTH // HEADS
# The tokenizer's keys, copied as they are.
TOKENIZER = "tokenizer."


def copy_field(writer: GGUFWriter, field) -> None:
    kind = field.types[0]
    if kind == GGUFValueType.ARRAY:
        item = field.types[1]
        if item == GGUFValueType.STRING:
            values = [bytes(field.parts[i]).decode("utf-8") for i in field.data]
        else:
            values = [field.parts[i].tolist()[0] for i in field.data]
        writer.add_array(field.name, values)
    elif kind == GGUFValueType.STRING:
        writer.add_string(field.name, bytes(field.parts[field.data[0]]).decode("utf-8"))
    else:
        writer.add_key_value(field.name, field.parts[field.data[0]].tolist()[0], kind)


def main(default: str, out: str) -> None:
    reader = GGUFReader(default)
    vocab = len(reader.fields["tokenizer.ggml.tokens"].data)
    writer = GGUFWriter(out, "llama")
    writer.add_name("Bench 1B llama shape")
    writer.add_file_type(LlamaFileType.MOSTLY_F16)
    writer.add_context_length(8192)
    writer.add_embedding_length(WIDTH)
    writer.add_block_count(LAYERS)
    writer.add_feed_forward_length(FFN)
    writer.add_head_count(HEADS)
    writer.add_head_count_kv(KV_HEADS)
    writer.add_rope_dimension_count(HEAD_DIM)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_rope_freq_base(500000.0)
    writer.add_vocab_size(vocab)
    for name, field in reader.fields.items():
        if name.startswith(TOKENIZER):
            copy_field(writer, field)

    rng = np.random.default_rng(1)

    def normal(shape, std):
        return (rng.standard_normal(shape, dtype=np.float32) * std).astype(np.float16)

    def norm(size):
        return np.ones(size, dtype=np.float32)

    # Separate embeddings and output, as Llama 3.2 1B's GGUFs have them once untied by the
    # quantizer: the output head is then a quantized matmul of its own.
    writer.add_tensor("token_embd.weight", normal((vocab, WIDTH), 1.0))
    writer.add_tensor("output_norm.weight", norm(WIDTH))
    writer.add_tensor("output.weight", normal((vocab, WIDTH), 1.0 / math.sqrt(WIDTH)))
    q, kv = HEADS * HEAD_DIM, KV_HEADS * HEAD_DIM
    for i in range(LAYERS):
        b = f"blk.{i}"
        writer.add_tensor(f"{b}.attn_norm.weight", norm(WIDTH))
        writer.add_tensor(f"{b}.attn_q.weight", normal((q, WIDTH), 1.0 / math.sqrt(WIDTH)))
        writer.add_tensor(f"{b}.attn_k.weight", normal((kv, WIDTH), 1.0 / math.sqrt(WIDTH)))
        writer.add_tensor(f"{b}.attn_v.weight", normal((kv, WIDTH), 1.0 / math.sqrt(WIDTH)))
        writer.add_tensor(f"{b}.attn_output.weight", normal((WIDTH, q), 1.0 / math.sqrt(q)))
        writer.add_tensor(f"{b}.ffn_norm.weight", norm(WIDTH))
        writer.add_tensor(f"{b}.ffn_gate.weight", normal((FFN, WIDTH), 1.0 / math.sqrt(WIDTH)))
        writer.add_tensor(f"{b}.ffn_up.weight", normal((FFN, WIDTH), 1.0 / math.sqrt(WIDTH)))
        writer.add_tensor(f"{b}.ffn_down.weight", normal((WIDTH, FFN), 1.0 / math.sqrt(FFN)))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
