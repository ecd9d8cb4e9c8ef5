# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Export the real-model test set to ONNX with randomly initialised weights.

Run with Debian's interpreter, which has torch and torchvision:

    /usr/bin/python3 scripts/export_models.py --out build/models [--only resnet18,bert_like] [--force]

For each model this writes
    DIR/<name>.onnx                                  opset 17, batch 1, static shapes
    DIR/<name>/test_data_set_0/input_<i>.pb          seeded random inputs
    DIR/<name>/test_data_set_0/output_<i>.pb         torch's outputs for them
in the layout onnx's backend tests use, so the same tooling can run both.

Model hubs are unreachable, so weights are random (torch.manual_seed(0) before
each model is built, then BatchNorm statistics are randomised too); what
matters for a compiler is the graph and non-degenerate numbers, not accuracy.
The output is deterministic: running twice gives byte-identical files.

Why the .pb files are hand-encoded: /usr/bin/python3 has torch but neither the
onnx package nor google.protobuf, and the pip interpreter that has onnx lacks
torch. A TensorProto holding raw_data is four protobuf fields, so
`tensor_proto_bytes` writes it directly; `onnx.load_tensor` reads it back
(test/python/test_real_models.py checks this against onnxruntime).
"""

import argparse
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torchvision

OPSET = 17

# ---------------------------------------------------------------------------
# TensorProto serialisation (no protobuf library needed).

# onnx.TensorProto.DataType values for the dtypes the inputs use.
_ONNX_DTYPE = {
    np.dtype(np.float32): 1,
    np.dtype(np.uint8): 2,
    np.dtype(np.int8): 3,
    np.dtype(np.int32): 6,
    np.dtype(np.int64): 7,
    np.dtype(np.bool_): 9,
    np.dtype(np.float16): 10,
    np.dtype(np.float64): 11,
}


def _varint(value):
    """Protobuf base-128 varint of a non-negative integer."""
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field(number, wire_type, payload):
    return _varint((number << 3) | wire_type) + payload


def _length_delimited(number, data):
    return _field(number, 2, _varint(len(data)) + data)


def tensor_proto_bytes(array, name):
    """Serialise `array` as an onnx TensorProto (dims=1, data_type=2, name=8, raw_data=9)."""
    array = np.ascontiguousarray(array)
    out = bytearray()
    for dim in array.shape:
        out += _field(1, 0, _varint(dim))
    out += _field(2, 0, _varint(_ONNX_DTYPE[array.dtype]))
    out += _length_delimited(8, name.encode("utf-8"))
    out += _length_delimited(9, array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes())
    return bytes(out)


# ---------------------------------------------------------------------------
# Hand-written models.


class MnistCnn(nn.Module):
    """Small LeNet-style CNN: (conv-relu-maxpool) x2, flatten, two linear layers."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, kernel_size=5, padding=2)
        self.conv2 = nn.Conv2d(16, 32, kernel_size=5, padding=2)
        self.pool = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(32 * 7 * 7, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = self.pool(torch.relu(self.conv1(x)))
        x = self.pool(torch.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        return self.fc2(torch.relu(self.fc1(x)))


def gelu_erf(x):
    """Exact GELU spelled out so the export contains Erf rather than a fused op."""
    return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))


class SelfAttention(nn.Module):
    """Multi-head self-attention with explicit reshape/transpose/matmul/softmax."""

    def __init__(self, hidden, heads):
        super().__init__()
        self.heads = heads
        self.head_dim = hidden // heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)
        self.out = nn.Linear(hidden, hidden)
        self.register_buffer("mask_value", torch.tensor(-1.0e4), persistent=False)

    def _split_heads(self, x):
        batch, seq, _ = x.shape
        return x.reshape(batch, seq, self.heads, self.head_dim).transpose(1, 2)

    def forward(self, x, keep):
        batch, seq, hidden = x.shape
        q = self._split_heads(self.query(x))
        k = self._split_heads(self.key(x))
        v = self._split_heads(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)
        # keep: bool [batch, 1, 1, seq]; masked positions get a large negative score.
        scores = torch.where(keep, scores, self.mask_value)
        probs = torch.softmax(scores, dim=-1)
        context = torch.matmul(probs, v).transpose(1, 2).reshape(batch, seq, hidden)
        return self.out(context)


class EncoderLayer(nn.Module):
    """Post-norm transformer block as in BERT."""

    def __init__(self, hidden, heads, ffn):
        super().__init__()
        self.attention = SelfAttention(hidden, heads)
        self.norm1 = nn.LayerNorm(hidden)
        self.ffn_in = nn.Linear(hidden, ffn)
        self.ffn_out = nn.Linear(ffn, hidden)
        self.norm2 = nn.LayerNorm(hidden)

    def forward(self, x, keep):
        x = self.norm1(x + self.attention(x, keep))
        return self.norm2(x + self.ffn_out(gelu_erf(self.ffn_in(x))))


class BertLike(nn.Module):
    """2-layer BERT-like encoder: hidden 128, 4 heads, FFN 512, vocab 1000, seq 128."""

    def __init__(self, vocab=1000, hidden=128, heads=4, ffn=512, layers=2, max_len=128):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab, hidden)
        self.position_embedding = nn.Embedding(max_len, hidden)
        self.register_buffer("position_ids", torch.arange(max_len).unsqueeze(0), persistent=False)
        self.norm = nn.LayerNorm(hidden)
        self.layers = nn.ModuleList(EncoderLayer(hidden, heads, ffn) for _ in range(layers))

    def forward(self, input_ids, attention_mask):
        seq = input_ids.shape[1]
        x = self.token_embedding(input_ids) + self.position_embedding(self.position_ids[:, :seq])
        x = self.norm(x)
        keep = attention_mask.to(torch.bool)[:, None, None, :]
        for layer in self.layers:
            x = layer(x, keep)
        return x


# ---------------------------------------------------------------------------
# Model table: name -> (constructor, input names, output names, input maker).


def image_input(shape):
    def make(rng):
        return [rng.standard_normal(shape).astype(np.float32)]

    return make


def bert_inputs(rng, seq=128, vocab=1000, padding=28):
    input_ids = rng.integers(0, vocab, size=(1, seq), dtype=np.int64)
    attention_mask = np.ones((1, seq), dtype=np.int64)
    attention_mask[:, seq - padding:] = 0
    return [input_ids, attention_mask]


def torchvision_model(name):
    return lambda: getattr(torchvision.models, name)(weights=None)


MODELS = {
    "resnet18": (torchvision_model("resnet18"), ["input"], ["output"], image_input((1, 3, 224, 224))),
    "resnet50": (torchvision_model("resnet50"), ["input"], ["output"], image_input((1, 3, 224, 224))),
    "mobilenet_v2": (torchvision_model("mobilenet_v2"), ["input"], ["output"], image_input((1, 3, 224, 224))),
    "squeezenet1_1": (torchvision_model("squeezenet1_1"), ["input"], ["output"], image_input((1, 3, 224, 224))),
    "bert_like": (BertLike, ["input_ids", "attention_mask"], ["last_hidden_state"], bert_inputs),
    "mnist_cnn": (MnistCnn, ["input"], ["output"], image_input((1, 1, 28, 28))),
}


# ---------------------------------------------------------------------------
# Export.


def randomize_batchnorm(model):
    """Give BatchNorm layers non-trivial statistics and affine parameters.

    Freshly built layers have mean 0, var 1, weight 1, bias 0, so in eval mode
    they are almost the identity: a compiler that folded them wrongly would
    still match, and mobilenet_v2's outputs shrink to ~1e-9. These ranges keep
    every model's outputs of order 0.1-1."""
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.modules.batchnorm._BatchNorm):
                module.running_mean.normal_(0.0, 0.1)
                module.running_var.uniform_(0.5, 1.5)
                module.weight.uniform_(0.5, 1.0)
                module.bias.normal_(0.0, 0.1)


def write_test_data(directory, names, arrays, prefix):
    os.makedirs(directory, exist_ok=True)
    for i, (name, array) in enumerate(zip(names, arrays)):
        with open(os.path.join(directory, f"{prefix}_{i}.pb"), "wb") as f:
            f.write(tensor_proto_bytes(array, name))


def export_one(name, out_dir):
    """Build, run and export one model; the .onnx is renamed into place last,
    so its presence means the test data next to it is complete."""
    build, input_names, output_names, make_inputs = MODELS[name]
    torch.manual_seed(0)
    model = build().eval()
    randomize_batchnorm(model)
    inputs = make_inputs(np.random.default_rng(0))
    tensors = tuple(torch.from_numpy(a) for a in inputs)
    with torch.no_grad():
        outputs = model(*tensors)
    if isinstance(outputs, torch.Tensor):
        outputs = [outputs]
    data_dir = os.path.join(out_dir, name, "test_data_set_0")
    write_test_data(data_dir, input_names, inputs, "input")
    write_test_data(data_dir, output_names, [o.numpy() for o in outputs], "output")

    path = os.path.join(out_dir, f"{name}.onnx")
    tmp = path + ".tmp"
    torch.onnx.export(model, tensors, tmp, opset_version=OPSET, input_names=input_names,
                      output_names=output_names, do_constant_folding=True)
    os.replace(tmp, path)
    return path


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--only", default="", help="comma-separated model names (default: all)")
    parser.add_argument("--force", action="store_true", help="re-export models that already exist")
    args = parser.parse_args()
    args.names = [n for n in args.only.split(",") if n] or list(MODELS)
    unknown = [n for n in args.names if n not in MODELS]
    if unknown:
        parser.error(f"unknown model(s) {', '.join(unknown)}; known: {', '.join(MODELS)}")
    return args


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    for name in args.names:
        path = os.path.join(args.out, f"{name}.onnx")
        if os.path.exists(path) and not args.force:
            print(f"{name:14s} {os.path.getsize(path) / 1e6:8.1f} MB  skipped (exists; --force to redo)")
            continue
        start = time.perf_counter()
        export_one(name, args.out)
        seconds = time.perf_counter() - start
        print(f"{name:14s} {os.path.getsize(path) / 1e6:8.1f} MB  {seconds:6.2f} s  {path}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
