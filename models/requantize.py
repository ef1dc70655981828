"""Writes a Q8_0 copy of a Q4_1 GGUF model: every Q4_1 tensor dequantized and quantized again
to Q8_0, the other tensors and all metadata as they were. The test set-up makes the second
quantization type the model tests import and load (gguf from PyPI does the arithmetic)."""

import sys

import numpy as np
from gguf import GGMLQuantizationType, GGUFReader, GGUFValueType, GGUFWriter, LlamaFileType
from gguf.quants import dequantize, quantize


def main(source: str, target: str) -> None:
    reader = GGUFReader(source)
    arch = reader.fields["general.architecture"].contents()
    writer = GGUFWriter(target, arch)
    for name, field in reader.fields.items():
        if name.startswith("GGUF.") or name == "general.architecture":
            continue
        if name == "general.file_type":
            writer.add_file_type(LlamaFileType.MOSTLY_Q8_0)
            continue
        kind = field.types[0]
        sub = field.types[-1] if kind == GGUFValueType.ARRAY else None
        writer.add_key_value(name, field.contents(), kind, sub_type=sub)
    for tensor in reader.tensors:
        if tensor.tensor_type == GGMLQuantizationType.Q4_1:
            values = dequantize(tensor.data, tensor.tensor_type)
            data = quantize(values.astype(np.float32), GGMLQuantizationType.Q8_0)
            kind = GGMLQuantizationType.Q8_0
        else:
            data, kind = tensor.data, tensor.tensor_type
        # A quantized tensor's shape is given in bytes; the writer works out its elements.
        writer.add_tensor(tensor.name, data, raw_shape=data.shape, raw_dtype=kind)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
