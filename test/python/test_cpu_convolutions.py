# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Convolutions of many shapes on the CPU against onnxruntime.

The CPU runs a convolution on one of several microkernel paths, chosen by
its shape (Microkernels/Layout.h's tg_cv_tile_pixels: output channels in
vector lanes, or a GEMM with pixels in lanes; depthwise and grouped ones
apart), with its weight packed at compile time when the shapes are static
and on first use when they are not. Each case here is a Conv with a bias and
an epilogue, compiled for this
machine and for an AVX2-only CPU (the microkernels' 8-float build), and
compared with onnxruntime. The cases cycle through the epilogues the
compiler fuses into the kernels: a bias alone, with Relu or Clip(0, 6),
a residual Add then Relu (register forms that kernels apply before their
stores, Epilogue.h), and Relu then a residual Add (a compiled function on
stored results). Shapes are drawn from a seeded generator over
windows, strides, dilations, padding, channel counts and plane sizes.

Environment:
    TANGRAM_BUILD_DIR     build tree (default <repo>/build)
"""

import json
import os
import subprocess

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD_DIR = os.environ.get("TANGRAM_BUILD_DIR", os.path.join(REPO, "build"))
COMPILER = os.path.join(BUILD_DIR, "bin", "tangram-compile")
RUNNER = os.path.join(BUILD_DIR, "bin", "tangram-run")


def conv_cases(count, seed=31):
    """(n, c, f, h, w, k, stride, dilation, pad, dynamic) tuples."""
    rng = np.random.default_rng(seed)
    cases = []
    while len(cases) < count:
        k = int(rng.choice([1, 3, 5, 7]))
        stride = int(rng.choice([1, 2]))
        dilation = int(rng.choice([1, 1, 2]))
        pad = int(rng.integers(0, k // 2 + 1))
        h, w = (int(v) for v in rng.choice([5, 7, 9, 14, 15, 20, 29, 33], 2))
        span = (k - 1) * dilation + 1
        if h + 2 * pad < span or w + 2 * pad < span:
            continue
        c = int(rng.choice([1, 3, 8, 16, 40, 96]))
        f = int(rng.choice([8, 16, 32, 40, 64, 72, 100]))
        n = int(rng.choice([1, 2]))
        cases.append((n, c, f, h, w, k, stride, dilation, pad, len(cases) % 5 == 4))
    return cases


EPILOGUES = ["relu_residual", "bias", "relu", "clip", "residual_relu"]


def conv_model(n, c, f, h, w, k, stride, dilation, pad, dynamic, rng, epilogue):
    oh = (h + 2 * pad - (k - 1) * dilation - 1) // stride + 1
    ow = (w + 2 * pad - (k - 1) * dilation - 1) // stride + 1
    weight = (rng.standard_normal((f, c, k, k)) / np.sqrt(c * k * k)).astype(np.float32)
    bias = rng.standard_normal(f).astype(np.float32)
    dims = ["N", c, "H", "W"] if dynamic else [n, c, h, w]
    odims = ["N", f, "OH", "OW"] if dynamic else [n, f, oh, ow]
    conv = helper.make_node("Conv", ["x", "w", "b"], ["y0" if epilogue != "bias" else "y"],
                            kernel_shape=[k, k], strides=[stride] * 2, dilations=[dilation] * 2, pads=[pad] * 4)
    tail = {
        "relu_residual": [helper.make_node("Relu", ["y0"], ["y1"]), helper.make_node("Add", ["y1", "r"], ["y"])],
        "bias": [],
        "relu": [helper.make_node("Relu", ["y0"], ["y"])],
        "clip": [helper.make_node("Clip", ["y0", "lo", "hi"], ["y"])],
        "residual_relu": [helper.make_node("Add", ["y0", "r"], ["y1"]), helper.make_node("Relu", ["y1"], ["y"])],
    }[epilogue]
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, dims)]
    if "residual" in epilogue:
        inputs.append(helper.make_tensor_value_info("r", TensorProto.FLOAT, odims))
    graph = helper.make_graph(
        [conv, *tail],
        "conv",
        inputs,
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, odims)],
        [numpy_helper.from_array(weight, "w"), numpy_helper.from_array(bias, "b"),
         numpy_helper.from_array(np.array(0.0, np.float32), "lo"),
         numpy_helper.from_array(np.array(6.0, np.float32), "hi")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    x = rng.standard_normal((n, c, h, w)).astype(np.float32)
    r = rng.standard_normal((n, f, oh, ow)).astype(np.float32)
    return model, x, r


@pytest.fixture(scope="module")
def avx2_catalog(tmp_path_factory):
    path = tmp_path_factory.mktemp("catalog") / "avx2.json"
    path.write_text(json.dumps({"devices": [{"id": "cpu0", "target": "cpu", "features": "+avx2,+fma,-avx512f"}]}))
    return str(path)


@pytest.mark.parametrize("target", ["host", "avx2"])
def test_convolutions_match_onnxruntime(target, avx2_catalog, tmp_path):
    assert os.access(COMPILER, os.X_OK), f"{COMPILER} is not built"
    rng = np.random.default_rng(7)
    failures = []
    for i, case in enumerate(conv_cases(20)):
        epilogue = EPILOGUES[i % len(EPILOGUES)]
        model, x, r = conv_model(*case, rng, epilogue)
        onnx_path = tmp_path / f"conv{i}.onnx"
        onnx.save(model, str(onnx_path))
        np.save(tmp_path / f"x{i}.npy", x)
        np.save(tmp_path / f"r{i}.npy", r)
        feeds = {"x": x, "r": r} if "residual" in epilogue else {"x": x}
        want = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"]).run(None, feeds)[0]
        bundle = tmp_path / f"conv{i}.tgb"
        where = ["--target", "cpu"] if target == "host" else ["--devices", avx2_catalog]
        proc = subprocess.run([COMPILER, "-O2", *where, str(onnx_path), "-o", str(bundle)],
                              capture_output=True, text=True)
        assert proc.returncode == 0, f"case {case}: {proc.stderr}"
        out_dir = tmp_path / f"out{i}"
        inputs = [f"--input=x={tmp_path / f'x{i}.npy'}"]
        if "residual" in epilogue:
            inputs.append(f"--input=r={tmp_path / f'r{i}.npy'}")
        proc = subprocess.run([RUNNER, str(bundle), *inputs, "--output-dir", str(out_dir), "--npy", "--threads", "2"],
                              capture_output=True, text=True)
        assert proc.returncode == 0, f"case {case}: {proc.stderr}"
        got = np.load(out_dir / "output_0.npy")
        if got.shape != want.shape or not np.allclose(got, want, rtol=1e-3, atol=1e-4):
            err = np.abs(got - want).max() if got.shape == want.shape else got.shape
            failures.append(f"(n, c, f, h, w, k, stride, dilation, pad, dynamic) = {case}, {epilogue}: {err}")
    assert not failures, "\n".join(failures)
