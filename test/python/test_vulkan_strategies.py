# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""The GPU kernel strategies on the Vulkan target, against numpy.

Contractions (MatMul, batched and broadcast MatMul, Gemm with transposes,
MatMulInteger, Conv with strides, padding and groups) take the contract
strategy: 32x32 output tiles, operands staged through workgroup memory in
steps of 16 along the reduction. Row reductions take the reduce strategy
with subgroup operations for sums. The shapes straddle those sizes: one
element, less than a tile, a tile and one, an empty reduction, dims known
only at run time (one bundle, several shapes).

Without a Vulkan device the tests skip, unless TANGRAM_REQUIRE_VULKAN=1.
"""

import os
import subprocess

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD_DIR = os.environ.get("TANGRAM_BUILD_DIR", os.path.join(REPO, "build"))
COMPILER = os.path.join(BUILD_DIR, "bin", "tangram-compile")
RUNNER = os.path.join(BUILD_DIR, "bin", "tangram-run")


@pytest.fixture(scope="module", autouse=True)
def needs_vulkan(vulkan):
    pass


def compile_model(graph, tmp_path, opset=17):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    onnx.checker.check_model(model)
    path = tmp_path / "model.onnx"
    onnx.save(model, str(path))
    bundle = tmp_path / "model.tgb"
    proc = subprocess.run([COMPILER, str(path), "-o", str(bundle), "--target", "vulkan"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return bundle


def run(bundle, tmp_path, **inputs):
    args = [RUNNER, str(bundle), "--output-dir", str(tmp_path / "out"), "--npy"]
    for name, value in inputs.items():
        np.save(tmp_path / f"{name}.npy", value)
        args += ["--input", f"{name}={tmp_path / f'{name}.npy'}"]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return np.load(tmp_path / "out" / "output_0.npy")


def dyn(name, rank, elem=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, elem, [f"{name}{i}" for i in range(rank)])


RNG = np.random.default_rng(7)


def randn(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def test_matmul_shapes(tmp_path):
    """One bundle with run-time dims: tile edges, one element, an empty k."""
    graph = helper.make_graph([helper.make_node("MatMul", ["a", "b"], ["c"])], "mm",
                              [dyn("a", 2), dyn("b", 2)], [dyn("c", 2)])
    bundle = compile_model(graph, tmp_path)
    for m, k, n in [(1, 1, 1), (5, 7, 3), (32, 16, 32), (33, 17, 65), (70, 200, 31), (3, 0, 4)]:
        a, b = randn(m, k), randn(k, n)
        np.testing.assert_allclose(run(bundle, tmp_path, a=a, b=b), a @ b, rtol=1e-4, atol=1e-4,
                                   err_msg=f"{m}x{k}x{n}")


def test_batched_and_broadcast_matmul(tmp_path):
    graph = helper.make_graph([helper.make_node("MatMul", ["a", "b"], ["c"])], "bmm",
                              [dyn("a", 4), dyn("b", 3)], [dyn("c", 4)])
    bundle = compile_model(graph, tmp_path)
    for shape_a, shape_b in [((2, 3, 9, 40), (3, 40, 35)), ((1, 2, 33, 5), (2, 5, 1))]:
        a, b = randn(*shape_a), randn(*shape_b)
        np.testing.assert_allclose(run(bundle, tmp_path, a=a, b=b), a @ b, rtol=1e-4, atol=1e-4)


def test_gemm_transposed(tmp_path):
    a, b, c = randn(40, 50), randn(37, 40), randn(37)
    graph = helper.make_graph(
        [helper.make_node("Gemm", ["a", "b", "c"], ["y"], transA=1, transB=1, alpha=0.5, beta=2.0)], "gemm",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, a.shape),
         helper.make_tensor_value_info("b", TensorProto.FLOAT, b.shape),
         helper.make_tensor_value_info("c", TensorProto.FLOAT, c.shape)],
        [dyn("y", 2)])
    bundle = compile_model(graph, tmp_path)
    np.testing.assert_allclose(run(bundle, tmp_path, a=a, b=b, c=c), 0.5 * a.T @ b.T + 2.0 * c,
                               rtol=1e-4, atol=1e-4)


def test_matmul_integer(tmp_path):
    a = RNG.integers(0, 255, (35, 70), dtype=np.uint8)
    b = RNG.integers(-128, 127, (70, 33), dtype=np.int8)
    graph = helper.make_graph(
        [helper.make_node("MatMulInteger", ["a", "b"], ["y"])], "mmi",
        [helper.make_tensor_value_info("a", TensorProto.UINT8, a.shape),
         helper.make_tensor_value_info("b", TensorProto.INT8, b.shape)],
        [dyn("y", 2, TensorProto.INT32)])
    bundle = compile_model(graph, tmp_path)
    np.testing.assert_array_equal(run(bundle, tmp_path, a=a, b=b), a.astype(np.int32) @ b.astype(np.int32))


def conv_reference(x, w, stride, pad, group):
    n, c, h, wd = x.shape
    f, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh = (h + 2 * pad - kh) // stride + 1
    ow = (wd + 2 * pad - kw) // stride + 1
    y = np.zeros((n, f, oh, ow), np.float64)
    fg = f // group
    for g in range(group):
        for i in range(kh):
            for j in range(kw):
                patch = xp[:, g * cg:(g + 1) * cg, i:i + stride * oh:stride, j:j + stride * ow:stride]
                y[:, g * fg:(g + 1) * fg] += np.einsum("nchw,fc->nfhw", patch, w[g * fg:(g + 1) * fg, :, i, j])
    return y.astype(np.float32)


@pytest.mark.parametrize("n,c,f,hw,k,stride,pad,group", [
    (2, 3, 40, 9, 3, 1, 1, 1),    # implicit GEMM, cols over batch and pixels
    (1, 16, 8, 11, 3, 2, 0, 1),   # strided
    (1, 8, 8, 7, 3, 1, 1, 2),     # grouped
    (1, 6, 6, 8, 3, 1, 1, 6),     # depthwise (distributed)
    (3, 5, 70, 4, 1, 1, 0, 1),    # 1x1
])
def test_conv(n, c, f, hw, k, stride, pad, group, tmp_path):
    x, w = randn(n, c, hw, hw), randn(f, c // group, k, k)
    graph = helper.make_graph(
        [helper.make_node("Conv", ["x", "w"], ["y"], strides=[stride, stride], pads=[pad] * 4, group=group)],
        "conv",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, x.shape),
         helper.make_tensor_value_info("w", TensorProto.FLOAT, w.shape)],
        [dyn("y", 4)])
    bundle = compile_model(graph, tmp_path)
    np.testing.assert_allclose(run(bundle, tmp_path, x=x, w=w), conv_reference(x, w, stride, pad, group),
                               rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("op,ref", [
    ("ReduceSum", np.sum), ("ReduceMax", np.max), ("ReduceProd", np.prod), ("ReduceMean", np.mean),
])
def test_row_reductions(op, ref, tmp_path):
    """Rows shorter than a workgroup, longer than one, and of one element."""
    if op == "ReduceSum":  # axes as an input since opset 13
        node = helper.make_node(op, ["x", "axes"], ["y"], keepdims=0)
        inits = [helper.make_tensor("axes", TensorProto.INT64, [1], [1])]
    else:
        node, inits = helper.make_node(op, ["x"], ["y"], axes=[1], keepdims=0), []
    graph = helper.make_graph([node], "red", [dyn("x", 2)], [dyn("y", 1)], inits)
    bundle = compile_model(graph, tmp_path)
    for rows, cols in [(3, 1), (5, 7), (2, 64), (4, 1000)]:
        x = (RNG.random((rows, cols)) + 0.5).astype(np.float32)
        if op == "ReduceProd":
            x = (0.99 + 0.02 * RNG.random((rows, cols))).astype(np.float32)
        np.testing.assert_allclose(run(bundle, tmp_path, x=x), ref(x, axis=1), rtol=1e-4, atol=1e-5,
                                   err_msg=f"{rows}x{cols}")


def test_integer_row_sum(tmp_path):
    graph = helper.make_graph([helper.make_node("ReduceSum", ["x", "axes"], ["y"], keepdims=0)], "isum",
                              [dyn("x", 2, TensorProto.INT32)], [dyn("y", 1, TensorProto.INT32)],
                              [helper.make_tensor("axes", TensorProto.INT64, [1], [1])])
    bundle = compile_model(graph, tmp_path)
    x = RNG.integers(-1000, 1000, (6, 333), dtype=np.int32)
    np.testing.assert_array_equal(run(bundle, tmp_path, x=x), x.sum(axis=1))
