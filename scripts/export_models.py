# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Export the real-model test set to ONNX with randomly initialised weights.

Run with Debian's interpreter, which has torch and torchvision:

    /usr/bin/python3 scripts/export_models.py --out build/models [--only resnet18,bert_like] [--force]
    /usr/bin/python3 scripts/export_models.py --out build/models --dynamic [--force]
    /usr/bin/python3 scripts/export_models.py --out build/models --zoo [--force]

For each model this writes
    DIR/<name>.onnx                                  opset 17, batch 1, static shapes
    DIR/<name>/test_data_set_0/input_<i>.pb          seeded random inputs
    DIR/<name>/test_data_set_0/output_<i>.pb         torch's outputs for them
in the layout onnx's backend tests use, so the same tooling can run both.

Which models: by default the six static ones (MODELS); `--dynamic` instead
exports the dynamic-axes set (DYNAMIC_MODELS), `--zoo` the CPU benchmark
zoo's other models (ZOO_MODELS: MobileNetV3, EfficientNet, RegNet,
ShuffleNet, MNASNet, DenseNet, ConvNeXt, a small ViT, a GPT-style decoder,
resnet18 at batch 8; static, one data set); `--only a,b` exports exactly the
named models, from any set (it cannot be combined with --dynamic or --zoo).

The dynamic-axes set: `<model>_dyn` for each static model but bert_like (the
same weights; the image input's dims are dim_params "batch", "height",
"width", only "batch" for mnist_cnn_dyn, whose Linear fixes H and W; the
output's batch is "batch"), bert_like_dyn (input_ids and attention_mask
["batch", "sequence"], the output too; sequence at most 128, the position
table), vit_small_dyn (the zoo's ViT with a run-time "batch": torch's
attention reshapes [S, B, 384] to [S, B * 6, 64], and the class token is
expand(batch, -1, -1)), gpt_decoder_dyn (the zoo's decoder, input_ids and
logits ["batch", "sequence"], sequence at most 128: the causal mask and
the position table are sliced by it), and two models that exist only dynamic: detector_dyn (a conv
backbone down to 1/8, a neck that resizes deep maps to the run-time size of
shallower ones, nearest and bilinear, so the graph holds Shape -> ... ->
Resize(sizes); outputs "scores" and "boxes" at 1/4 resolution) and gru_dyn /
lstm_dyn (a 2-layer GRU and a bidirectional LSTM over [sequence, batch,
features], then a Linear). Each has three data sets at different
shapes, DIR/<name>/test_data_set_<k>/ (set k's inputs come from
np.random.default_rng(k); a `_dyn` CNN's or bert's set 0 has the shape and
the values of the static model's set 0). The trace that exports a dynamic
model runs on its set 1, whose dims are neither 1 nor the static defaults, so
that no dynamic dim can be specialised to a traced value unnoticed.

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
import collections
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

try:
    import torchvision
except ImportError:  # a GPU machine with torch only (scripts/gpu_check_report.py)
    torchvision = None

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


def conv_bn_relu(cin, cout, stride=1):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class TinyDetector(nn.Module):
    """Detector-style network whose resizes take their sizes from the run-time
    shapes of other feature maps.

    Backbone: conv+BN+ReLU blocks, stride 2 to 1/2 (c1), 1/4 (c2), 1/8 (c3).
    Neck: c3 resized (nearest) to c2's size and concatenated with it; the
    result resized (bilinear, align_corners=False) to c1's size, concatenated
    with c1, then brought back to 1/4 by a strided conv and concatenated with
    the first neck level. Head: a shared conv, then 1x1 convs for the class
    scores and the box regressions. For an input that is not a multiple of 8
    the resize factors are not integers (e.g. 7 -> 13), which only sizes read
    from the feature maps get right."""

    def __init__(self, classes=5):
        super().__init__()
        self.stem = nn.Sequential(conv_bn_relu(3, 16, 2), conv_bn_relu(16, 16))
        self.stage2 = nn.Sequential(conv_bn_relu(16, 32, 2), conv_bn_relu(32, 32))
        self.stage3 = nn.Sequential(conv_bn_relu(32, 64, 2), conv_bn_relu(64, 64))
        self.lateral3 = nn.Conv2d(64, 32, 1)
        self.fuse2 = conv_bn_relu(64, 32)
        self.fuse1 = conv_bn_relu(48, 32)
        self.down1 = conv_bn_relu(32, 32, 2)
        self.head = conv_bn_relu(64, 64)
        self.scores = nn.Conv2d(64, classes, 1)
        self.boxes = nn.Conv2d(64, 4, 1)

    def forward(self, x):
        c1 = self.stem(x)                                   # 1/2, 16 channels
        c2 = self.stage2(c1)                                # 1/4, 32
        c3 = self.stage3(c2)                                # 1/8, 64
        up3 = F.interpolate(self.lateral3(c3), size=c2.shape[-2:], mode="nearest")
        p2 = self.fuse2(torch.cat([up3, c2], dim=1))        # 1/4, 32
        up2 = F.interpolate(p2, size=c1.shape[-2:], mode="bilinear", align_corners=False)
        p1 = self.fuse1(torch.cat([up2, c1], dim=1))        # 1/2, 32
        down = self.down1(p1)                               # back to 1/4 (c2's size for any input)
        h = self.head(torch.cat([down, p2], dim=1))         # 1/4, 64
        return self.scores(h), torch.sigmoid(self.boxes(h))


class RecurrentTagger(nn.Module):
    """A recurrent layer over [sequence, batch, features], then a Linear on
    every step. gru_dyn also returns the GRU's final hidden state."""

    def __init__(self, cell, features=16, hidden=32, layers=1, bidirectional=False, classes=8,
                 return_hidden=False):
        super().__init__()
        self.rnn = cell(features, hidden, num_layers=layers, bidirectional=bidirectional)
        self.classify = nn.Linear(hidden * (2 if bidirectional else 1), classes)
        self.return_hidden = return_hidden

    def forward(self, x):
        y, state = self.rnn(x)
        if self.return_hidden:
            return self.classify(y), state
        return self.classify(y)


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



class DecoderBlock(nn.Module):
    """Pre-norm GPT block: causal self-attention, then a tanh-GELU MLP."""

    def __init__(self, hidden, heads, ffn, seq):
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(hidden)
        self.qkv = nn.Linear(hidden, 3 * hidden)
        self.proj = nn.Linear(hidden, hidden)
        self.norm2 = nn.LayerNorm(hidden)
        self.fc = nn.Linear(hidden, ffn)
        self.out = nn.Linear(ffn, hidden)
        self.register_buffer("causal", torch.tril(torch.ones(seq, seq, dtype=torch.bool)), persistent=False)
        self.register_buffer("mask_value", torch.tensor(-1.0e4), persistent=False)

    def forward(self, x):
        batch, seq, hidden = x.shape
        q, k, v = self.qkv(self.norm1(x)).split(hidden, dim=-1)
        shape = (batch, seq, self.heads, hidden // self.heads)
        q, k, v = (t.reshape(shape).transpose(1, 2) for t in (q, k, v))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(hidden // self.heads)
        scores = torch.where(self.causal[:seq, :seq], scores, self.mask_value)
        context = torch.matmul(torch.softmax(scores, dim=-1), v).transpose(1, 2).reshape(batch, seq, hidden)
        x = x + self.proj(context)
        return x + self.out(F.gelu(self.fc(self.norm2(x)), approximate="tanh"))


class GptDecoder(nn.Module):
    """GPT-style decoder: 4 blocks, hidden 256, 4 heads, FFN 1024, vocab 2000,
    seq 128; logits for every position."""

    def __init__(self, vocab=2000, hidden=256, heads=4, ffn=1024, layers=4, seq=128):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab, hidden)
        self.position_embedding = nn.Embedding(seq, hidden)
        self.register_buffer("position_ids", torch.arange(seq).unsqueeze(0), persistent=False)
        self.blocks = nn.ModuleList(DecoderBlock(hidden, heads, ffn, seq) for _ in range(layers))
        self.norm = nn.LayerNorm(hidden)
        self.head = nn.Linear(hidden, vocab, bias=False)

    def forward(self, input_ids):
        seq = input_ids.shape[1]
        x = self.token_embedding(input_ids) + self.position_embedding(self.position_ids[:, :seq])
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x))


def vit_small():
    """A ViT-S/16-sized vision transformer (6 layers, hidden 384, 6 heads).
    torchvision starts its classification head at zero, which made every
    output 0 and the model's check against the reference vacuous: the head
    gets random weights like the rest."""
    model = torchvision.models.VisionTransformer(image_size=224, patch_size=16, num_layers=6, num_heads=6,
                                                 hidden_dim=384, mlp_dim=1536)
    torch.nn.init.normal_(model.heads.head.weight, std=0.02)
    torch.nn.init.normal_(model.heads.head.bias, std=0.02)
    return model


def token_input(shape, vocab=2000):
    def make(rng):
        return [rng.integers(0, vocab, size=shape, dtype=np.int64)]

    return make


# The CPU benchmark's zoo (scripts/benchmark_cpu.py --zoo): the six above and
# families they were not tuned on.
ZOO_MODELS = {
    "mobilenet_v3_large": (torchvision_model("mobilenet_v3_large"), ["input"], ["output"], image_input((1, 3, 224, 224))),
    "efficientnet_b0": (torchvision_model("efficientnet_b0"), ["input"], ["output"], image_input((1, 3, 224, 224))),
    "regnet_y_400mf": (torchvision_model("regnet_y_400mf"), ["input"], ["output"], image_input((1, 3, 224, 224))),
    "shufflenet_v2_x1_0": (torchvision_model("shufflenet_v2_x1_0"), ["input"], ["output"], image_input((1, 3, 224, 224))),
    "mnasnet1_0": (torchvision_model("mnasnet1_0"), ["input"], ["output"], image_input((1, 3, 224, 224))),
    "densenet121": (torchvision_model("densenet121"), ["input"], ["output"], image_input((1, 3, 224, 224))),
    "convnext_tiny": (torchvision_model("convnext_tiny"), ["input"], ["output"], image_input((1, 3, 224, 224))),
    "vit_small": (vit_small, ["input"], ["output"], image_input((1, 3, 224, 224))),
    "gpt_decoder": (GptDecoder, ["input_ids"], ["logits"], token_input((1, 128))),
    "resnet18_b8": (torchvision_model("resnet18"), ["input"], ["output"], image_input((8, 3, 224, 224))),
}


# The dynamic-axes set. data_sets: one input maker per test_data_set_<k>;
# set k's rng is np.random.default_rng(k). axes: torch.onnx's dynamic_axes.
DynamicModel = collections.namedtuple("DynamicModel", "build inputs outputs axes data_sets")

IMAGE_AXES = {"input": {0: "batch", 2: "height", 3: "width"}, "output": {0: "batch"}}
IMAGE_SETS = [image_input((1, 3, 224, 224)), image_input((2, 3, 160, 192)), image_input((3, 3, 97, 131))]


def bert_batch_inputs(batch, seq, paddings, vocab=1000):
    """input_ids [batch, seq] and attention_mask with paddings[b] masked tail
    positions in row b."""

    def make(rng):
        input_ids = rng.integers(0, vocab, size=(batch, seq), dtype=np.int64)
        attention_mask = np.ones((batch, seq), dtype=np.int64)
        for row, padding in enumerate(paddings):
            attention_mask[row, seq - padding:] = 0
        return [input_ids, attention_mask]

    return make


def sequence_input(seq, batch, features=16):
    return image_input((seq, batch, features))


def gru_tagger():
    return RecurrentTagger(nn.GRU, hidden=32, layers=2, return_hidden=True)


def lstm_tagger():
    return RecurrentTagger(nn.LSTM, hidden=24, layers=1, bidirectional=True)


def cnn_dyn(static_name, axes=IMAGE_AXES, data_sets=IMAGE_SETS):
    build, inputs, outputs, _ = MODELS[static_name]
    return DynamicModel(build, inputs, outputs, axes, data_sets)


def swin_tiny():
    """torchvision's Swin Transformer, two small stages: windows padded to a
    multiple of 7 by torch's pad arithmetic on run-time sizes, the shifted
    windows' mask built by ScatterND."""
    return torchvision.models.SwinTransformer(patch_size=[4, 4], embed_dim=16, depths=[2, 2], num_heads=[2, 2],
                                              window_size=[7, 7], stochastic_depth_prob=0.0, num_classes=10)


def maxvit_tiny():
    """torchvision's MaxViT, two small blocks (MBConv, block and grid attention
    with its einsums) at 224 x 224."""
    return torchvision.models.MaxVit(input_size=(224, 224), stem_channels=16, partition_size=7,
                                     block_channels=[16, 32], block_layers=[1, 1], head_dim=8,
                                     stochastic_depth_prob=0.0, num_classes=10)


DYNAMIC_MODELS = {
    "resnet18_dyn": cnn_dyn("resnet18"),
    "resnet50_dyn": cnn_dyn("resnet50"),
    "mobilenet_v2_dyn": cnn_dyn("mobilenet_v2"),
    "squeezenet1_1_dyn": cnn_dyn("squeezenet1_1"),
    "mnist_cnn_dyn": cnn_dyn("mnist_cnn", {"input": {0: "batch"}, "output": {0: "batch"}},
                             [image_input((1, 1, 28, 28)), image_input((4, 1, 28, 28)),
                              image_input((7, 1, 28, 28))]),
    # Set 0 is bert_like's (batch 1, seq 128, 28 padded); set 2 has seq 1.
    "bert_like_dyn": DynamicModel(
        BertLike, ["input_ids", "attention_mask"], ["last_hidden_state"],
        {"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"},
         "last_hidden_state": {0: "batch", 1: "sequence"}},
        [bert_batch_inputs(1, 128, [28]), bert_batch_inputs(2, 37, [0, 11]), bert_batch_inputs(3, 1, [0, 0, 0])]),
    # Set 0 is the static zoo model's.
    "vit_small_dyn": DynamicModel(
        vit_small, ["input"], ["output"], {"input": {0: "batch"}, "output": {0: "batch"}},
        [image_input((1, 3, 224, 224)), image_input((3, 3, 224, 224)), image_input((2, 3, 224, 224))]),
    "gpt_decoder_dyn": DynamicModel(
        GptDecoder, ["input_ids"], ["logits"],
        {"input_ids": {0: "batch", 1: "sequence"}, "logits": {0: "batch", 1: "sequence"}},
        [token_input((1, 128)), token_input((2, 37)), token_input((3, 5))]),
    "detector_dyn": DynamicModel(
        TinyDetector, ["input"], ["scores", "boxes"],
        {"input": {0: "batch", 2: "height", 3: "width"},
         "scores": {0: "batch", 2: "out_height", 3: "out_width"},
         "boxes": {0: "batch", 2: "out_height", 3: "out_width"}},
        [image_input((1, 3, 96, 128)), image_input((2, 3, 64, 80)), image_input((1, 3, 52, 76))]),
    # Every set's feature maps are at least a window (7) at each stage: torch
    # zeroes the shift of a window that covers its map, a branch the trace
    # keeps from set 1.
    "swin_dyn": DynamicModel(swin_tiny, ["input"], ["output"], IMAGE_AXES, IMAGE_SETS),
    "maxvit_dyn": DynamicModel(
        maxvit_tiny, ["input"], ["output"], {"input": {0: "batch"}, "output": {0: "batch"}},
        [image_input((1, 3, 224, 224)), image_input((2, 3, 224, 224)), image_input((3, 3, 224, 224))]),
    "gru_dyn": DynamicModel(
        gru_tagger, ["input"], ["output", "hidden"],
        {"input": {0: "sequence", 1: "batch"}, "output": {0: "sequence", 1: "batch"}, "hidden": {1: "batch"}},
        [sequence_input(10, 1), sequence_input(23, 3), sequence_input(1, 2)]),
    "lstm_dyn": DynamicModel(
        lstm_tagger, ["input"], ["output"],
        {"input": {0: "sequence", 1: "batch"}, "output": {0: "sequence", 1: "batch"}},
        [sequence_input(10, 1), sequence_input(23, 3), sequence_input(1, 2)]),
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


def check_varies(name, arrays):
    """A float output that holds one value everywhere (torchvision's ViT
    head starts at zero: every output was 0) would make the model's check
    against this reference vacuous: refuse to write it."""
    for i, a in enumerate(arrays):
        if a.dtype.kind == "f" and a.size > 1 and np.all(a == a.flat[0]):
            raise SystemExit(f"error: {name}: output {i} is {a.flat[0]} everywhere; "
                             "a check against it would pass whatever a runtime computes")


def export_one(name, out_dir):
    """Build, run and export one model; the .onnx is renamed into place last,
    so its presence means the test data next to it is complete."""
    build, input_names, output_names, make_inputs = {**MODELS, **ZOO_MODELS}[name]
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
    check_varies(name, [o.numpy() for o in outputs])
    write_test_data(data_dir, output_names, [o.numpy() for o in outputs], "output")

    path = os.path.join(out_dir, f"{name}.onnx")
    tmp = path + ".tmp"
    torch.onnx.export(model, tensors, tmp, opset_version=OPSET, input_names=input_names,
                      output_names=output_names, do_constant_folding=True)
    os.replace(tmp, path)
    return path


def run_model(model, arrays):
    """torch's outputs for numpy inputs, as a list of arrays."""
    with torch.no_grad():
        outputs = model(*(torch.from_numpy(a) for a in arrays))
    if isinstance(outputs, torch.Tensor):
        outputs = [outputs]
    return [o.numpy() for o in outputs]


def export_dynamic(name, out_dir):
    """export_one for DYNAMIC_MODELS: every test_data_set_<k>, then the .onnx
    (traced on set 1) renamed into place last."""
    spec = DYNAMIC_MODELS[name]
    torch.manual_seed(0)
    model = spec.build().eval()
    randomize_batchnorm(model)
    data_sets = [make(np.random.default_rng(k)) for k, make in enumerate(spec.data_sets)]
    for k, inputs in enumerate(data_sets):
        data_dir = os.path.join(out_dir, name, f"test_data_set_{k}")
        write_test_data(data_dir, spec.inputs, inputs, "input")
        outputs = run_model(model, inputs)
        check_varies(name, outputs)
        write_test_data(data_dir, spec.outputs, outputs, "output")

    path = os.path.join(out_dir, f"{name}.onnx")
    tmp = path + ".tmp"
    example = tuple(torch.from_numpy(a) for a in data_sets[1])
    torch.onnx.export(model, example, tmp, opset_version=OPSET, input_names=spec.inputs,
                      output_names=spec.outputs, dynamic_axes=spec.axes, do_constant_folding=True)
    os.replace(tmp, path)
    return path


ALL_MODELS = list(MODELS) + list(ZOO_MODELS) + list(DYNAMIC_MODELS)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--only", default="",
                        help="comma-separated model names, static or dynamic (default: the static set)")
    parser.add_argument("--dynamic", action="store_true",
                        help=f"export the dynamic-axes set ({', '.join(DYNAMIC_MODELS)}) instead of the static one")
    parser.add_argument("--zoo", action="store_true",
                        help=f"export the benchmark zoo's other models ({', '.join(ZOO_MODELS)}) instead")
    parser.add_argument("--force", action="store_true", help="re-export models that already exist")
    args = parser.parse_args()
    only = [n for n in args.only.split(",") if n]
    if only and (args.dynamic or args.zoo):
        parser.error("--only names the models itself; it cannot be combined with --dynamic or --zoo")
    if args.dynamic and args.zoo:
        parser.error("--dynamic and --zoo are different sets; export them one at a time")
    args.names = only or list(DYNAMIC_MODELS if args.dynamic else ZOO_MODELS if args.zoo else MODELS)
    unknown = [n for n in args.names if n not in ALL_MODELS]
    if unknown:
        parser.error(f"unknown model(s) {', '.join(unknown)}; known: {', '.join(ALL_MODELS)}")
    return args


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    for name in args.names:
        path = os.path.join(args.out, f"{name}.onnx")
        if os.path.exists(path) and not args.force:
            print(f"{name:17s} {os.path.getsize(path) / 1e6:8.1f} MB  skipped (exists; --force to redo)")
            continue
        start = time.perf_counter()
        (export_dynamic if name in DYNAMIC_MODELS else export_one)(name, args.out)
        seconds = time.perf_counter() - start
        print(f"{name:17s} {os.path.getsize(path) / 1e6:8.1f} MB  {seconds:6.2f} s  {path}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
