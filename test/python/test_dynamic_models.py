# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Models with dynamic axes (ONNX dim_params) end to end.

scripts/export_models.py --dynamic exports the `_dyn` models: the CNNs with
batch, height and width dynamic (mnist_cnn_dyn only batch), bert_like_dyn
with batch and sequence dynamic, the zoo's ViT with batch dynamic and its
GPT-style decoder with batch and sequence, a detector whose Resize sizes come from
Shape at run time, and a GRU and an LSTM over [sequence, batch, features].
Each has test_data_set_0..2 at different shapes. The contract checked here:

- the model imports with its dim_params as `?` dims, and compiles once to a
  bundle that runs at every data set's shape with torch's outputs
  (`--expect`) and onnxruntime's (outputs read back from `--output-dir`),
  within rtol 1e-3, atol 1e-4;
- tangram-run rejects inputs that do not fit the model's shapes: a static dim
  that differs, two inputs that give one dim_param different values, a rank
  that differs; exit 1, stderr exactly one line `error: ...` that names the
  input, and no output file;
- `tangram-compile --input-shape NAME=DIMS` (repeated per input; `?` keeps a
  dim dynamic) specialises the bundle: it runs at that shape and rejects
  others the same way.

The parts that need only Python (the export, onnx's checker, onnxruntime
against torch, the detector's run-time Resize sizes) do not need a build.
resnet50_dyn is marked `slow` (pytest.ini deselects it unless asked for).

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

# name -> the graph inputs' dims as export_models.py declares them (a string
# is a dim_param, an int a static dim).
IMAGE = {"input": ["batch", 3, "height", "width"]}
SEQUENCE = {"input": ["sequence", "batch", 16]}
INPUT_DIMS = {
    "resnet18_dyn": IMAGE,
    "resnet50_dyn": IMAGE,
    "mobilenet_v2_dyn": IMAGE,
    "squeezenet1_1_dyn": IMAGE,
    "mnist_cnn_dyn": {"input": ["batch", 1, 28, 28]},
    "bert_like_dyn": {"input_ids": ["batch", "sequence"], "attention_mask": ["batch", "sequence"]},
    "vit_small_dyn": {"input": ["batch", 3, 224, 224]},
    "gpt_decoder_dyn": {"input_ids": ["batch", "sequence"]},
    "detector_dyn": IMAGE,
    "swin_dyn": IMAGE,
    "maxvit_dyn": {"input": ["batch", 3, 224, 224]},
    "gru_dyn": SEQUENCE,
    "lstm_dyn": SEQUENCE,
}
SLOW = {"resnet50_dyn"}
# export_models.py writes test_data_set_0..2 for every dynamic model.
DATA_SETS = 3


def model_param(name):
    return pytest.param(name, marks=pytest.mark.slow) if name in SLOW else name


MODELS = [model_param(name) for name in INPUT_DIMS]
RUNS = [pytest.param(name, k, id=f"{name}-set{k}", marks=[pytest.mark.slow] if name in SLOW else [])
        for name in INPUT_DIMS for k in range(DATA_SETS)]

# Tolerances of the end-to-end comparisons (torch's outputs and onnxruntime's).
RTOL, ATOL = 1e-3, 1e-4

# The CNN the shape-error and specialisation tests use: the cheapest with
# batch, height and width dynamic.
CNN = "squeezenet1_1_dyn"
BERT = "bert_like_dyn"
# The models whose inputs are token ids (i64).
TOKEN_MODELS = {BERT, "gpt_decoder_dyn"}


@pytest.fixture(scope="module")
def models_dir():
    """Export the dynamic models once per module into $TANGRAM_BUILD_DIR/models."""
    probe = subprocess.run([TORCH_PYTHON, "-c", "import torch, torchvision"], capture_output=True)
    # scripts/setup.sh installs torch: its absence is a broken set-up, not a skip.
    assert probe.returncode == 0, f"{TORCH_PYTHON} cannot import torch and torchvision"
    out = os.path.join(BUILD_DIR, "models")
    proc = subprocess.run([TORCH_PYTHON, os.path.join(REPO, "scripts", "export_models.py"), "--out", out,
                           "--dynamic"], capture_output=True, text=True)
    assert proc.returncode == 0, f"export_models.py --dynamic failed:\n{proc.stdout}\n{proc.stderr}"
    return out


@pytest.fixture(scope="module")
def compiler():
    assert os.access(COMPILER, os.X_OK), f"{COMPILER} is not built"
    return COMPILER


@pytest.fixture(scope="module")
def runner():
    assert os.access(RUNNER, os.X_OK), f"{RUNNER} is not built"
    return RUNNER


def compile_args(*input_shapes):
    """tangram-compile arguments for `--input-shape NAME=DIMS` each."""
    return [arg for shape in input_shapes for arg in ("--input-shape", shape)]


@pytest.fixture(scope="module")
def bundle(models_dir, compiler, tmp_path_factory):
    """bundle(name, *input_shapes): the model compiled to a .tgb (default -O2),
    specialised by `--input-shape` for each of input_shapes; each distinct
    request is compiled once per module."""
    out = tmp_path_factory.mktemp("bundles")
    compiled = {}

    def get(name, *input_shapes):
        key = (name, input_shapes)
        if key not in compiled:
            path = out / f"{name}-{len(compiled)}.tgb"
            proc = subprocess.run([compiler, os.path.join(models_dir, f"{name}.onnx"),
                                   *compile_args(*input_shapes), "-o", str(path)],
                                  capture_output=True, text=True, timeout=1800)
            assert proc.returncode == 0, f"tangram-compile exited {proc.returncode}:\n{proc.stderr}"
            compiled[key] = path
        return compiled[key]

    return get


@pytest.fixture(scope="module")
def session(models_dir):
    """session(name): an onnxruntime CPU session of the model, once per module."""
    sessions = {}

    def get(name):
        if name not in sessions:
            sessions[name] = ort.InferenceSession(os.path.join(models_dir, f"{name}.onnx"),
                                                  providers=["CPUExecutionProvider"])
        return sessions[name]

    return get


def data_dir_of(models_dir, name, k):
    return os.path.join(models_dir, name, f"test_data_set_{k}")


def load_tensors(data, prefix):
    """The TensorProtos DIR/<prefix><i>.pb, in index order."""
    files = sorted((f for f in os.listdir(data) if f.startswith(prefix) and f.endswith(".pb")),
                   key=lambda f: int(f[len(prefix):-len(".pb")]))
    return [onnx.load_tensor(os.path.join(data, f)) for f in files]


def load_inputs(data):
    return {t.name: numpy_helper.to_array(t) for t in load_tensors(data, "input_")}


def run_tangram(runner, *args):
    return subprocess.run([runner, *map(str, args)], capture_output=True, text=True, timeout=1200)


def describe(proc, tool="tangram-run"):
    return f"{tool} exited {proc.returncode}\n--- stdout\n{proc.stdout}--- stderr\n{proc.stderr}"


def assert_matches(actual, expected, what):
    assert len(actual) == len(expected), f"{what}: {len(actual)} outputs, expected {len(expected)}"
    for j, (got, want) in enumerate(zip(actual, expected)):
        assert got.shape == want.shape, f"{what}: output {j} has shape {got.shape}, expected {want.shape}"
        np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL, err_msg=f"{what}: output {j}")


def assert_one_error_line(proc, out_dir, name, tool="tangram-run"):
    """Exit 1, stderr exactly one line, `error: ...`, naming `name`; no output file."""
    assert proc.returncode == 1, describe(proc, tool)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected exactly one stderr line\n{describe(proc, tool)}"
    assert lines[0].startswith("error:"), f"the stderr line does not start with 'error:'\n{describe(proc, tool)}"
    assert re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", lines[0]), \
        f"'{lines[0]}' does not name '{name}'"
    if out_dir is not None:
        left = sorted(os.listdir(out_dir)) if os.path.exists(out_dir) else []
        assert left == [], f"{tool} left {left} in {out_dir}"


def save_npy(tmp_path, name, array):
    """`NAME=FILE` for --input; the file name does not contain NAME as a word,
    so an error line names the input only if the message itself does."""
    path = tmp_path / f"given_{name}.npy"
    np.save(path, array)
    return f"{name}={path}"


def main_argument_types(ir, names):
    """name -> the tensor type of @main's argument tagged {tg.name = "name"}."""
    header = ir[ir.index("func.func @main"):]
    header = header[:header.index("{\n")] if "{\n" in header else header
    types = {}
    for name in names:
        match = re.search(r"tensor<([^>]*)>\s*\{[^}]*tg\.name = \"" + re.escape(name) + r"\"", header)
        assert match, f"@main has no argument named {name}:\n{header[:2000]}"
        types[name] = match.group(1)
    return types


def expected_type(dims, dtype):
    return "x".join("?" if isinstance(d, str) else str(d) for d in dims) + "x" + dtype


def emit_tg(compiler, model, tmp_path, *input_shapes):
    output = tmp_path / "model.mlir"
    proc = subprocess.run([compiler, model, *compile_args(*input_shapes), "--emit=tg", "-o", str(output)],
                          capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, describe(proc, "tangram-compile")
    return output.read_text()


# --- the exported models (Python only) ---------------------------------------


@pytest.mark.parametrize("name", MODELS)
def test_exported_model_is_valid(name, models_dir, session):
    """onnx's checker passes, the inputs carry the dim_params, and onnxruntime
    reproduces torch's outputs at every data set's shape."""
    path = os.path.join(models_dir, f"{name}.onnx")
    onnx.checker.check_model(path, full_check=True)
    model = onnx.load(path, load_external_data=False)
    declared = {i.name: [d.dim_param or d.dim_value for d in i.type.tensor_type.shape.dim]
                for i in model.graph.input}
    assert declared == INPUT_DIMS[name]

    shapes = set()
    for k in range(DATA_SETS):
        data = data_dir_of(models_dir, name, k)
        inputs = load_tensors(data, "input_")
        assert [t.name for t in inputs] == list(INPUT_DIMS[name])
        shapes.add(tuple(tuple(t.dims) for t in inputs))
        actual = session(name).run(None, {t.name: numpy_helper.to_array(t) for t in inputs})
        expected = [numpy_helper.to_array(t) for t in load_tensors(data, "output_")]
        assert_matches(actual, expected, f"onnxruntime vs torch, test_data_set_{k}")
    assert len(shapes) == DATA_SETS, "the data sets should have different shapes"


def test_detector_resizes_are_sized_at_run_time(models_dir):
    """detector_dyn's Resize nodes (a nearest and a linear one) take sizes that
    are computed from Shape at run time, not constants."""
    model = onnx.load(os.path.join(models_dir, "detector_dyn.onnx"))
    producer = {out: node for node in model.graph.node for out in node.output}
    constants = {i.name for i in model.graph.initializer}

    def ancestors(value):
        seen, stack = [], [value]
        while stack:
            node = producer.get(stack.pop())
            if node is not None and node not in seen:
                seen.append(node)
                stack.extend(i for i in node.input if i)
        return seen

    modes = []
    for node in (n for n in model.graph.node if n.op_type == "Resize"):
        assert len(node.input) == 4 and node.input[3], f"{node.name}: no sizes input"
        sizes = node.input[3]
        assert sizes not in constants, f"{node.name}: sizes is an initializer"
        assert producer[sizes].op_type != "Constant", f"{node.name}: sizes is a Constant"
        assert "Shape" in {n.op_type for n in ancestors(sizes)}, f"{node.name}: sizes do not come from Shape"
        modes += [onnx.helper.get_attribute_value(a).decode() for a in node.attribute if a.name == "mode"]
    assert sorted(modes) == ["linear", "nearest"]


# --- compile once, run at every shape -----------------------------------------


@pytest.mark.parametrize("name", MODELS)
def test_import_keeps_dims_dynamic(name, models_dir, compiler, tmp_path):
    """--emit=tg: @main's arguments have `?` where the model has dim_params."""
    model = os.path.join(models_dir, f"{name}.onnx")
    ir = emit_tg(compiler, model, tmp_path)
    types = main_argument_types(ir, INPUT_DIMS[name])
    dtype = "i64" if name in TOKEN_MODELS else "f32"
    assert types == {n: expected_type(dims, dtype) for n, dims in INPUT_DIMS[name].items()}
    assert "unrealized_conversion_cast" not in ir


@pytest.mark.parametrize("name,k", RUNS)
def test_run_matches_torch_and_onnxruntime(name, k, models_dir, bundle, session, runner, tmp_path):
    """One bundle per model runs every data set: torch's outputs via --expect,
    onnxruntime's on the outputs written to --output-dir."""
    data = data_dir_of(models_dir, name, k)
    out = tmp_path / "out"
    proc = run_tangram(runner, bundle(name), "--data-dir", data, "--expect", data,
                       "--rtol", RTOL, "--atol", ATOL, "--output-dir", out)
    assert proc.returncode == 0, describe(proc)
    actual = [numpy_helper.to_array(t) for t in load_tensors(out, "output_")]
    expected = session(name).run(None, load_inputs(data))
    assert_matches(actual, expected, f"tangram vs onnxruntime, test_data_set_{k}")


@pytest.mark.parametrize("name,shape", [
    (CNN, (2, 3, 33, 47)),
    ("detector_dyn", (1, 3, 41, 59)),
    ("gru_dyn", (5, 4, 16)),
])
def test_run_at_a_new_shape(name, shape, bundle, session, runner, tmp_path):
    """A shape no data set has, given with --input NAME=FILE.npy."""
    x = np.random.default_rng(7).standard_normal(shape).astype(np.float32)
    out = tmp_path / "out"
    proc = run_tangram(runner, bundle(name), "--input", save_npy(tmp_path, "input", x), "--output-dir", out)
    assert proc.returncode == 0, describe(proc)
    actual = [numpy_helper.to_array(t) for t in load_tensors(out, "output_")]
    assert_matches(actual, session(name).run(None, {"input": x}), f"tangram vs onnxruntime at {shape}")


# --- inputs that do not fit: one `error:` line naming the input, exit 1 --------


def test_static_dim_mismatch_is_rejected(bundle, runner, tmp_path):
    """The CNN's channel dim is 3; 4 is refused."""
    x = np.zeros((1, 4, 64, 64), np.float32)
    out = tmp_path / "out"
    proc = run_tangram(runner, bundle(CNN), "--input", save_npy(tmp_path, "input", x), "--output-dir", out)
    assert_one_error_line(proc, out, "input")


def test_rank_mismatch_is_rejected(bundle, runner, tmp_path):
    x = np.zeros((3, 64, 64), np.float32)
    out = tmp_path / "out"
    proc = run_tangram(runner, bundle(CNN), "--input", save_npy(tmp_path, "input", x), "--output-dir", out)
    assert_one_error_line(proc, out, "input")


def test_dim_param_disagreement_is_rejected(bundle, runner, tmp_path):
    """input_ids and attention_mask share "batch" (and "sequence"): batch 2
    against batch 3 is refused. The line names the input whose value
    disagrees; which of the two that is (the later one, or both) is the
    runtime's choice, so either name will do."""
    ids = np.zeros((2, 37), np.int64)
    mask = np.ones((3, 37), np.int64)
    out = tmp_path / "out"
    proc = run_tangram(runner, bundle(BERT), "--input", save_npy(tmp_path, "input_ids", ids),
                       "--input", save_npy(tmp_path, "attention_mask", mask), "--output-dir", out)
    assert proc.returncode == 1, describe(proc)
    line = proc.stderr.strip()
    name = "attention_mask" if "attention_mask" in line else "input_ids"
    assert_one_error_line(proc, out, name)


def test_rank_mismatch_of_one_of_two_inputs_is_rejected(bundle, runner, tmp_path):
    ids = np.zeros((2, 37, 1), np.int64)
    mask = np.ones((2, 37), np.int64)
    out = tmp_path / "out"
    proc = run_tangram(runner, bundle(BERT), "--input", save_npy(tmp_path, "input_ids", ids),
                       "--input", save_npy(tmp_path, "attention_mask", mask), "--output-dir", out)
    assert_one_error_line(proc, out, "input_ids")


# --- --input-shape: specialised bundles ---------------------------------------


def test_specialised_bundle_runs_its_shape_only(models_dir, bundle, runner, tmp_path):
    """--input-shape input=1x3x224x224: test_data_set_0 (that shape) runs,
    test_data_set_1 (2x3x160x192) is refused."""
    specialised = bundle(CNN, "input=1x3x224x224")
    data = data_dir_of(models_dir, CNN, 0)
    proc = run_tangram(runner, specialised, "--data-dir", data, "--expect", data, "--rtol", RTOL, "--atol", ATOL)
    assert proc.returncode == 0, describe(proc)
    out = tmp_path / "out"
    proc = run_tangram(runner, specialised, "--data-dir", data_dir_of(models_dir, CNN, 1), "--output-dir", out)
    assert_one_error_line(proc, out, "input")


def test_specialised_bundle_of_two_inputs(models_dir, bundle, runner, tmp_path):
    """--input-shape once per input (bert_like_dyn at batch 1, sequence 128)."""
    specialised = bundle(BERT, "input_ids=1x128", "attention_mask=1x128")
    data = data_dir_of(models_dir, BERT, 0)
    proc = run_tangram(runner, specialised, "--data-dir", data, "--expect", data, "--rtol", RTOL, "--atol", ATOL)
    assert proc.returncode == 0, describe(proc)
    out = tmp_path / "out"
    proc = run_tangram(runner, specialised, "--data-dir", data_dir_of(models_dir, BERT, 1), "--output-dir", out)
    assert proc.returncode == 1, describe(proc)
    assert_one_error_line(proc, out, "attention_mask" if "attention_mask" in proc.stderr else "input_ids")


@pytest.mark.parametrize("shape,expected", [
    ("1x3x224x224", "1x3x224x224xf32"),
    ("?x3x?x?", "?x3x?x?xf32"),
    ("?x3x224x224", "?x3x224x224xf32"),
])
def test_input_shape_sets_the_main_signature(shape, expected, models_dir, compiler, tmp_path):
    ir = emit_tg(compiler, os.path.join(models_dir, f"{CNN}.onnx"), tmp_path, f"input={shape}")
    assert main_argument_types(ir, ["input"]) == {"input": expected}


def test_question_marks_keep_dims_dynamic(models_dir, bundle, runner):
    """--input-shape input=?x3x?x? gives a bundle that still runs every shape."""
    dynamic = bundle(CNN, "input=?x3x?x?")
    for k in range(DATA_SETS):
        data = data_dir_of(models_dir, CNN, k)
        proc = run_tangram(runner, dynamic, "--data-dir", data, "--expect", data, "--rtol", RTOL, "--atol", ATOL)
        assert proc.returncode == 0, f"test_data_set_{k}: {describe(proc)}"


@pytest.mark.parametrize("spec,name", [
    ("input=1x4x224x224", "input"),   # contradicts the static channel dim
    ("input=1x3x224", "input"),       # wrong rank
    ("pixels=1x3x224x224", "pixels"),  # no such input
])
def test_bad_input_shape_is_rejected(spec, name, models_dir, compiler, tmp_path):
    """tangram-compile refuses an --input-shape that does not fit the model:
    exit 1, one `error:` line naming the input, no output file."""
    output = tmp_path / "out.tgb"
    proc = subprocess.run([compiler, os.path.join(models_dir, f"{CNN}.onnx"), "--input-shape", spec,
                           "-o", str(output)], capture_output=True, text=True, timeout=1200)
    assert_one_error_line(proc, None, name, tool="tangram-compile")
    assert not output.exists(), "tangram-compile left a partial bundle"


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-v"]))
