# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""End-to-end import of real models: torch-exported ONNX files through tangram-compile.

The node tests exercise one op at a time; these check that whole networks
(CNNs, a BERT-like encoder) import to the tg dialect. Models are exported with
random weights by scripts/export_models.py, run with Debian's python, which has
torch (this interpreter has onnx and onnxruntime instead). The export skips
existing files, so only the first run pays for it.

Environment:
    TANGRAM_BUILD_DIR     build tree (default <repo>/build); models go to its models/
    TANGRAM_TORCH_PYTHON  interpreter with torch + torchvision (default /usr/bin/python3)
"""

import os
import re
import subprocess
import sys

import numpy as np
import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD_DIR = os.environ.get("TANGRAM_BUILD_DIR", os.path.join(REPO, "build"))
TORCH_PYTHON = os.environ.get("TANGRAM_TORCH_PYTHON", "/usr/bin/python3")
COMPILER = os.path.join(BUILD_DIR, "bin", "tangram-compile")

MODELS = [
    "resnet18",
    pytest.param("resnet50", marks=pytest.mark.slow),
    "mobilenet_v2",
    "squeezenet1_1",
    "bert_like",
    "mnist_cnn",
]


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
    onnx = pytest.importorskip("onnx")
    ort = pytest.importorskip("onnxruntime")
    from onnx import numpy_helper

    path = os.path.join(models_dir, f"{name}.onnx")
    onnx.checker.check_model(path, full_check=True)
    data = os.path.join(models_dir, name, "test_data_set_0")

    def load(prefix):
        files = sorted(f for f in os.listdir(data) if f.startswith(prefix))
        return [onnx.load_tensor(os.path.join(data, f)) for f in files]

    inputs, expected = load("input_"), load("output_")
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    assert [t.name for t in inputs] == [i.name for i in session.get_inputs()]
    actual = session.run(None, {t.name: numpy_helper.to_array(t) for t in inputs})
    assert len(actual) == len(expected)
    for want, got in zip(expected, actual):
        np.testing.assert_allclose(got, numpy_helper.to_array(want), rtol=1e-3, atol=1e-4)


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-v"]))
