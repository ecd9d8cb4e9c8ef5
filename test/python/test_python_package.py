# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""The `tangram` Python package: compile, load, run on numpy, IR and pass
pipelines, errors as TangramError, concurrent runs.

It imports the package built by CMake in $TANGRAM_BUILD_DIR/python (the
nanobind extension `_tangram` over the compile driver and the runtime).
Models come from scripts/export_models.py (MNIST CNN, BERT-like encoder)
and are compared with onnxruntime on the same inputs.
"""
import json
import os
import struct
import subprocess
import sys
import threading

import numpy as np
import onnx
import onnxruntime as ort
import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD_DIR = os.environ.get("TANGRAM_BUILD_DIR", os.path.join(REPO, "build"))
TORCH_PYTHON = os.environ.get("TANGRAM_TORCH_PYTHON", "/usr/bin/python3")

def _python_disabled():
    """True when the build was configured without the package (the asan
    preset: its extension could not load into this interpreter)."""
    cache = os.path.join(BUILD_DIR, "CMakeCache.txt")
    return os.path.exists(cache) and "TANGRAM_ENABLE_PYTHON:BOOL=OFF" in open(cache).read()


if _python_disabled():
    pytest.skip("this build has TANGRAM_ENABLE_PYTHON=OFF", allow_module_level=True)
sys.path.insert(0, os.path.join(BUILD_DIR, "python"))
import tangram  # noqa: E402

INPUTS = os.path.join(REPO, "test", "Importer", "Inputs")


@pytest.fixture(scope="module")
def models_dir():
    out = os.path.join(BUILD_DIR, "models")
    proc = subprocess.run([TORCH_PYTHON, os.path.join(REPO, "scripts", "export_models.py"), "--out", out,
                           "--only", "mnist_cnn,bert_like"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def ort_run(path, feeds):
    return ort.InferenceSession(path, providers=["CPUExecutionProvider"]).run(None, feeds)


def test_ir_returns_tg_ir():
    ir = tangram.ir(os.path.join(INPUTS, "small.onnx"))
    assert "func.func @main" in ir and "tg.conv" in ir


def test_a_bad_model_raises_the_compilers_message():
    with pytest.raises(tangram.TangramError, match=r"garbage.onnx: not a valid ONNX model"):
        tangram.ir(os.path.join(INPUTS, "garbage.onnx"))
    with pytest.raises(tangram.TangramError, match=r"not a valid ONNX model"):
        tangram.compile(b"not a model")


def test_unsupported_op_raises():
    node = onnx.helper.make_node("FancyOp", ["x"], ["y"], domain="com.example")
    graph = onnx.helper.make_graph(
        [node], "g", [onnx.helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [2])],
        [onnx.helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [2])])
    model = onnx.helper.make_model(graph, opset_imports=[onnx.helper.make_opsetid("", 17),
                                                         onnx.helper.make_opsetid("com.example", 1)])
    with pytest.raises(tangram.TangramError, match=r"unsupported op 'FancyOp"):
        tangram.compile(model)


@pytest.mark.parametrize("name", ["mnist_cnn", "bert_like"])
def test_compile_and_run_match_onnxruntime(name, models_dir):
    path = os.path.join(models_dir, f"{name}.onnx")
    model = onnx.load(path)
    bundle = tangram.compile(model)  # a ModelProto; paths and bytes work too
    session = tangram.Session(bundle)
    rng = np.random.default_rng(0)
    feeds = {}
    for inp in ort.InferenceSession(path, providers=["CPUExecutionProvider"]).get_inputs():
        shape = [d if isinstance(d, int) else 1 for d in inp.shape]
        if "int64" in inp.type:
            feeds[inp.name] = rng.integers(0, 100, shape).astype(np.int64)
        else:
            feeds[inp.name] = rng.standard_normal(shape).astype(np.float32)
    if name == "bert_like":
        feeds["attention_mask"] = np.ones_like(feeds["attention_mask"])
    got = session.run(feeds)
    ref = ort_run(path, feeds)
    assert list(got) == [o[0] for o in bundle.outputs]
    for g, r in zip(got.values(), ref):
        np.testing.assert_allclose(g, r, rtol=1e-3, atol=1e-4)
    # onnxruntime's form returns a list in output order.
    listed = session.run(None, feeds)
    for g, r in zip(listed, ref):
        np.testing.assert_allclose(g, r, rtol=1e-3, atol=1e-4)


def test_save_load_round_trip(models_dir, tmp_path):
    bundle = tangram.compile(os.path.join(models_dir, "mnist_cnn.onnx"))
    bundle.save(tmp_path / "m.tgb")
    again = tangram.load(tmp_path / "m.tgb")
    assert again.data == bundle.data and again.manifest == bundle.manifest
    assert bundle.manifest["format"] == "tangram-bundle"
    assert bundle.inputs[0][0] == "input" and bundle.inputs[0][1] == np.float32
    x = np.ones((1, 1, 28, 28), np.float32)
    a = tangram.Session(bundle).run({"input": x})["output"]
    b = tangram.Session(tmp_path / "m.tgb").run({"input": x})["output"]
    assert a.tobytes() == b.tobytes()


def test_dynamic_dims_are_named():
    bundle = tangram.compile(os.path.join(REPO, "test", "Importer", "relu.onnxtxt"))
    assert bundle.inputs == [("X", np.dtype(np.float32), ["N", 4])]
    y = tangram.Session(bundle).run([np.array([[-1, 2, -3, 4]] * 3, np.float32)])["Y"]
    assert y.shape == (3, 4) and y[0].tolist() == [0, 2, 0, 4]


def test_bad_inputs_raise(models_dir, tmp_path):
    session = tangram.Session(tangram.compile(os.path.join(models_dir, "mnist_cnn.onnx")))
    with pytest.raises(tangram.TangramError, match=r"input 'input': expected dtype float32, got float64"):
        session.run({"input": np.zeros((1, 1, 28, 28), np.float64)})
    with pytest.raises(tangram.TangramError, match=r"input 'input': dim 2 is 27, the bundle needs 28"):
        session.run({"input": np.zeros((1, 1, 27, 28), np.float32)})
    with pytest.raises(tangram.TangramError, match=r"input 'input' is missing"):
        session.run({})
    with pytest.raises(tangram.TangramError, match=r"no input named 'x'"):
        session.run({"x": np.zeros((1, 1, 28, 28), np.float32)})
    corrupt = tmp_path / "bad.tgb"
    corrupt.write_bytes(b"TGBUNDLE" + b"\0" * 10)
    with pytest.raises(tangram.TangramError, match=r"bad.tgb: truncated"):
        tangram.Session(corrupt)
    with pytest.raises(tangram.TangramError, match=r"bad.tgb"):
        tangram.load(corrupt)


def test_damaged_bundle_is_rejected(models_dir, tmp_path):
    path = tmp_path / "m.tgb"
    tangram.compile(os.path.join(models_dir, "mnist_cnn.onnx")).save(path)
    data = bytearray(path.read_bytes())
    offset, size = struct.unpack_from("<QQ", data, 16)
    weights = [s for s in json.loads(data[offset:offset + size])["sections"] if s["kind"] == "weights"]
    data[weights[0]["offset"] + 100] ^= 0x08  # one bit of one weight
    path.write_bytes(bytes(data))
    with pytest.raises(tangram.TangramError, match=r"m.tgb: section \d+ \(weights\) is damaged"):
        tangram.Session(path)
    with pytest.raises(tangram.TangramError, match=r"is damaged"):
        tangram.load(path)
    # A trusted bundle may skip the check (and then runs what it holds).
    x = np.zeros((1, 1, 28, 28), np.float32)
    assert tangram.Session(path, verify=False).run({"input": x})["output"].shape == (1, 10)


def test_non_contiguous_input_is_read_correctly(models_dir):
    session = tangram.Session(tangram.compile(os.path.join(models_dir, "mnist_cnn.onnx")))
    x = np.random.default_rng(1).standard_normal((1, 1, 28, 56)).astype(np.float32)[:, :, :, ::2]
    assert not x.flags.c_contiguous
    got = session.run({"input": x})["output"]
    # Read-only arrays (from Ray's object store, np.frombuffer) are read in place too.
    frozen = np.ascontiguousarray(x)
    frozen.setflags(write=False)
    np.testing.assert_array_equal(session.run({"input": frozen})["output"], got)
    ref = ort_run(os.path.join(models_dir, "mnist_cnn.onnx"), {"input": np.ascontiguousarray(x)})[0]
    np.testing.assert_allclose(got, ref, rtol=1e-3, atol=1e-4)


def test_opt_runs_a_registered_pipeline():
    ir = tangram.ir(os.path.join(REPO, "test", "Importer", "relu.onnxtxt"))
    out = tangram.opt(ir, "tg-schedule{devices=cpu0=cpu}")
    assert "tg.launch @main_cpu0_0" in out
    linalg = tangram.opt(ir, "tg-hoist-weights,tg-to-linalg")
    assert "linalg.generic" in linalg and "tg.relu" not in linalg
    with pytest.raises(tangram.TangramError, match=r"pipeline 'no-such-pass'"):
        tangram.opt(ir, "no-such-pass")
    with pytest.raises(tangram.TangramError):
        tangram.opt("this is not IR", "canonicalize")


def test_concurrent_runs_give_identical_outputs(models_dir):
    session = tangram.Session(tangram.compile(os.path.join(models_dir, "mnist_cnn.onnx")), threads=1)
    xs = [np.random.default_rng(i).standard_normal((1, 1, 28, 28)).astype(np.float32) for i in range(4)]
    expected = [session.run({"input": x})["output"].tobytes() for x in xs]
    wrong = []

    def worker(i):
        for _ in range(20):
            if session.run({"input": xs[i]})["output"].tobytes() != expected[i]:
                wrong.append(i)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not wrong


def test_devices_and_benchmark(models_dir):
    # The kinds this runtime has drivers for: the cpu, cuda and hip (their
    # libraries are dlopen'ed when used), and vulkan where it was built with
    # the Vulkan headers (scripts/setup.sh installs them).
    assert tangram.devices() in (["cpu", "cuda", "hip"], ["cpu", "cuda", "hip", "vulkan"])
    session = tangram.Session(tangram.compile(os.path.join(models_dir, "mnist_cnn.onnx")))
    assert session.benchmark({"input": np.zeros((1, 1, 28, 28), np.float32)}, 5) > 0


def test_python_m_tangram_mirrors_the_cli(models_dir, tmp_path):
    env = dict(os.environ, PYTHONPATH=os.path.join(BUILD_DIR, "python"))

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "tangram", *args], capture_output=True, text=True,
                              env=env, cwd=tmp_path)

    assert cli("devices").stdout.split() == tangram.devices()
    bundle = tmp_path / "m.tgb"
    assert cli("compile", os.path.join(models_dir, "mnist_cnn.onnx"), "-o", str(bundle)).returncode == 0
    x = np.random.default_rng(2).standard_normal((1, 1, 28, 28)).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    proc = cli("run", str(bundle), "--input", f"input={tmp_path / 'x.npy'}", "--output-dir", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    ref = ort_run(os.path.join(models_dir, "mnist_cnn.onnx"), {"input": x})[0]
    np.testing.assert_allclose(np.load(tmp_path / "out" / "output.npy"), ref, rtol=1e-3, atol=1e-4)
    bad = cli("compile", str(tmp_path / "missing.onnx"), "-o", str(tmp_path / "q.tgb"))
    assert bad.returncode == 1 and bad.stderr.startswith("error: ") and len(bad.stderr.splitlines()) == 1
    assert not (tmp_path / "q.tgb").exists()


def test_the_example_script_runs(models_dir):
    env = dict(os.environ, PYTHONPATH=os.path.join(BUILD_DIR, "python"))
    proc = subprocess.run([sys.executable, os.path.join(REPO, "python", "examples", "compile_and_run.py"),
                           "--model", "mnist_cnn", "--models-dir", models_dir, "--runs", "5"],
                          capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "max abs difference from onnxruntime" in proc.stdout and "median latency" in proc.stdout


def test_placement_from_python(models_dir, tmp_path):
    """tangram.placement returns the decision; tangram.compile places by the
    catalog's costs for the objective and writes the report."""
    catalog = os.path.join(REPO, "catalogs", "mixed-fleet.json")
    model = os.path.join(models_dir, "resnet18.onnx")
    latency = tangram.placement(model, catalog)
    cost = tangram.placement(model, catalog, objective="cost")
    assert latency["objective"] == "latency" and cost["objective"] == "cost"
    assert {n["device"] for n in latency["nodes"]} == {"gpu0"}  # the fastest device alone
    assert {n["device"] for n in cost["nodes"]} == {"acc0"}  # the cheapest per inference
    with pytest.raises(tangram.TangramError, match="objective 'fast'"):
        tangram.placement(model, catalog, objective="fast")
    mnist = os.path.join(models_dir, "mnist_cnn.onnx")
    report = tmp_path / "r.json"
    bundle = tangram.compile(mnist, devices=os.path.join(REPO, "catalogs", "this-machine.json"),
                             report=report)
    assert json.loads(report.read_text())["nodes"]
    assert [d["name"] for d in bundle.manifest["devices"]] == ["cpu0"]


def test_fallback_plan_from_python(models_dir):
    """A bundle pinned to the mixed fleet's NVIDIA GPU, with a fallback plan
    on its CPU: where no CUDA driver is (this machine, CI), the session runs
    the fallback and says why."""
    mnist = os.path.join(models_dir, "mnist_cnn.onnx")
    catalog = os.path.join(REPO, "catalogs", "mixed-fleet.json")
    bundle = tangram.compile(mnist, devices=catalog, pins=["*=gpu0"], fallbacks=["cpu0"])
    assert [d["name"] for d in bundle.manifest["devices"]] == ["gpu0", "cpu0"]
    assert len(bundle.manifest["fallbacks"]) == 1
    x = np.random.default_rng(0).standard_normal((1, 1, 28, 28)).astype(np.float32)
    expected = tangram.Session(tangram.compile(mnist)).run(None, {"input": x})[0]
    session = tangram.Session(bundle)
    if session.plan == 0:  # a CUDA GPU is present
        np.testing.assert_allclose(session.run(None, {"input": x})[0], expected, rtol=1e-3, atol=1e-4)
    else:
        assert session.plan == 1 and "device 0: no cuda device" in session.fallback_reason
        np.testing.assert_array_equal(session.run(None, {"input": x})[0], expected)
    session = tangram.Session(bundle, device="cpu")
    assert session.plan == 1 and "not the requested 'cpu'" in session.fallback_reason
    np.testing.assert_array_equal(session.run(None, {"input": x})[0], expected)
