# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Real models end to end: torch-exported ONNX files through tangram-compile
and tangram-run.

The node tests exercise one op at a time; these check that whole networks
(CNNs, a BERT-like encoder) import to the tg dialect, compile to a bundle and
run on the CPU with onnxruntime's outputs, and that tangram-run rejects broken
bundles and wrong inputs cleanly. Models are exported with random weights by
scripts/export_models.py, run with Debian's python, which has torch (this
interpreter has onnx and onnxruntime instead). The export skips existing
files, so only the first run pays for it.

resnet50 is marked `slow`; pytest.ini deselects it unless asked for
(`-m slow`, or `-m ""` for everything).

Environment:
    TANGRAM_BUILD_DIR     build tree (default <repo>/build); models go to its models/
    TANGRAM_TORCH_PYTHON  interpreter with torch + torchvision (default /usr/bin/python3)
"""

import os
import re
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import numpy_helper

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD_DIR = os.environ.get("TANGRAM_BUILD_DIR", os.path.join(REPO, "build"))
TORCH_PYTHON = os.environ.get("TANGRAM_TORCH_PYTHON", "/usr/bin/python3")
COMPILER = os.path.join(BUILD_DIR, "bin", "tangram-compile")
RUNNER = os.path.join(BUILD_DIR, "bin", "tangram-run")

MODELS = [
    "resnet18",
    pytest.param("resnet50", marks=pytest.mark.slow),
    "mobilenet_v2",
    "squeezenet1_1",
    "bert_like",
    "mnist_cnn",
]

# Tolerances of the end-to-end comparison with onnxruntime.
RTOL, ATOL = "1e-3", "1e-4"


@pytest.fixture(scope="module")
def models_dir():
    """Export all six models once per module into $TANGRAM_BUILD_DIR/models."""
    probe = subprocess.run([TORCH_PYTHON, "-c", "import torch, torchvision"], capture_output=True)
    # scripts/setup.sh installs torch: its absence is a broken set-up, not a skip.
    assert probe.returncode == 0, f"{TORCH_PYTHON} cannot import torch and torchvision"
    out = os.path.join(BUILD_DIR, "models")
    proc = subprocess.run([TORCH_PYTHON, os.path.join(REPO, "scripts", "export_models.py"), "--out", out],
                          capture_output=True, text=True)
    assert proc.returncode == 0, f"export_models.py failed:\n{proc.stdout}\n{proc.stderr}"
    return out


@pytest.fixture(scope="module")
def compiler():
    assert os.access(COMPILER, os.X_OK), f"{COMPILER} is not built"
    return COMPILER


@pytest.fixture(scope="module")
def runner():
    assert os.access(RUNNER, os.X_OK), f"{RUNNER} is not built"
    return RUNNER


@pytest.fixture(scope="module")
def bundle(models_dir, compiler, tmp_path_factory):
    """bundle(name): the model compiled to a .tgb (default -O2), once per module."""
    out = tmp_path_factory.mktemp("bundles")
    compiled = {}

    def get(name):
        if name not in compiled:
            path = out / f"{name}.tgb"
            proc = subprocess.run([compiler, os.path.join(models_dir, f"{name}.onnx"), "-o", str(path)],
                                  capture_output=True, text=True, timeout=600)
            assert proc.returncode == 0, f"tangram-compile exited {proc.returncode}:\n{proc.stderr}"
            compiled[name] = path
        return compiled[name]

    return get


def data_dir_of(models_dir, name):
    return os.path.join(models_dir, name, "test_data_set_0")


def load_tensors(data, prefix):
    """The TensorProtos DIR/<prefix><i>.pb, in index order."""
    files = sorted((f for f in os.listdir(data) if f.startswith(prefix) and f.endswith(".pb")),
                   key=lambda f: int(f[len(prefix):-len(".pb")]))
    return [onnx.load_tensor(os.path.join(data, f)) for f in files]


def run_tangram(runner, *args):
    return subprocess.run([runner, *map(str, args)], capture_output=True, text=True, timeout=600)


def describe(proc):
    return f"tangram-run exited {proc.returncode}\n--- stdout\n{proc.stdout}--- stderr\n{proc.stderr}"


@pytest.mark.parametrize("name", MODELS)
def test_import_to_tg(name, models_dir, compiler, tmp_path):
    output = tmp_path / f"{name}.mlir"
    proc = subprocess.run([compiler, os.path.join(models_dir, f"{name}.onnx"), "--emit=tg", "-o", str(output)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"tangram-compile exited {proc.returncode}:\n{proc.stderr}"
    text = output.read_text()
    assert "func.func @main" in text
    assert re.search(r"\btg\.\w+", text), "no tg dialect op in the output"
    assert "unrealized_conversion_cast" not in text


@pytest.mark.parametrize("name", MODELS)
def test_exported_model_is_valid(name, models_dir):
    """The exported model passes onnx's checker, and onnxruntime reproduces
    torch's outputs from the hand-encoded test_data_set_0 .pb files."""
    path = os.path.join(models_dir, f"{name}.onnx")
    onnx.checker.check_model(path, full_check=True)
    data = data_dir_of(models_dir, name)
    inputs, expected = load_tensors(data, "input_"), load_tensors(data, "output_")
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    assert [t.name for t in inputs] == [i.name for i in session.get_inputs()]
    actual = session.run(None, {t.name: numpy_helper.to_array(t) for t in inputs})
    assert len(actual) == len(expected)
    for want, got in zip(expected, actual):
        np.testing.assert_allclose(got, numpy_helper.to_array(want), rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("name", MODELS)
def test_run_matches_onnxruntime(name, models_dir, bundle, runner, tmp_path):
    """The compiled bundle, run by tangram-run on test_data_set_0, gives
    onnxruntime's outputs within rtol 1e-3, atol 1e-4."""
    data = data_dir_of(models_dir, name)
    inputs = load_tensors(data, "input_")
    session = ort.InferenceSession(os.path.join(models_dir, f"{name}.onnx"),
                                   providers=["CPUExecutionProvider"])
    actual = session.run(None, {t.name: numpy_helper.to_array(t) for t in inputs})
    expect = tmp_path / "expect"
    expect.mkdir()
    for j, (info, value) in enumerate(zip(session.get_outputs(), actual)):
        onnx.save_tensor(numpy_helper.from_array(value, info.name), str(expect / f"output_{j}.pb"))

    proc = run_tangram(runner, bundle(name), "--data-dir", data, "--expect", expect,
                       "--rtol", RTOL, "--atol", ATOL)
    assert proc.returncode == 0, describe(proc)


# --- tangram-run's failures: exit 1, an `error:` line, no output file --------


def assert_clean_failure(proc, out_dir, message):
    """Exit 1, a stderr line `error: ...` matching `message`, no output file."""
    assert proc.returncode == 1, describe(proc)
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert errors, f"no 'error:' line on stderr\n{describe(proc)}"
    assert re.search(message, errors[0]), f"'{errors[0]}' does not match '{message}'"
    left = sorted(os.listdir(out_dir)) if os.path.exists(out_dir) else []
    assert left == [], f"tangram-run left {left} in {out_dir}"


def test_corrupt_bundle_is_rejected(bundle, runner, models_dir, tmp_path):
    data = bytearray(bundle("mnist_cnn").read_bytes())
    data[0:4] = bytes(b ^ 0xFF for b in data[0:4])  # inside the header magic
    broken = tmp_path / "corrupt.tgb"
    broken.write_bytes(bytes(data))
    out = tmp_path / "out"
    proc = run_tangram(runner, broken, "--data-dir", data_dir_of(models_dir, "mnist_cnn"), "--output-dir", out)
    assert_clean_failure(proc, out, r"corrupt\.tgb: .*magic")


def test_truncated_bundle_is_rejected(bundle, runner, models_dir, tmp_path):
    data = bundle("mnist_cnn").read_bytes()
    broken = tmp_path / "truncated.tgb"
    broken.write_bytes(data[: len(data) // 2])
    out = tmp_path / "out"
    proc = run_tangram(runner, broken, "--data-dir", data_dir_of(models_dir, "mnist_cnn"), "--output-dir", out)
    assert_clean_failure(proc, out, r"truncated\.tgb: .*truncated")


def test_input_of_wrong_shape_is_rejected(bundle, runner, tmp_path):
    wrong = tmp_path / "wrong.npy"
    np.save(wrong, np.zeros((1, 1, 27, 28), np.float32))  # mnist_cnn takes [1,1,28,28]
    out = tmp_path / "out"
    proc = run_tangram(runner, bundle("mnist_cnn"), "--input", f"input={wrong}", "--output-dir", out)
    assert_clean_failure(proc, out, r"wrong\.npy: input 'input': dim 2 is 27, the bundle needs 28")


def test_missing_input_in_data_dir_is_rejected(bundle, runner, models_dir, tmp_path):
    """bert_like takes input_ids and attention_mask; the data dir has only the first."""
    data = tmp_path / "data"
    data.mkdir()
    source = data_dir_of(models_dir, "bert_like")
    (data / "input_0.pb").write_bytes(open(os.path.join(source, "input_0.pb"), "rb").read())
    out = tmp_path / "out"
    proc = run_tangram(runner, bundle("bert_like"), "--data-dir", data, "--output-dir", out)
    assert_clean_failure(proc, out, r"input_1\.pb")


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-v"]))
