# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""The compile half of scripts/gpu_check.sh (run here, where the compiler
is): bundles for cuda:ARCH and their reference data in DIR, so that the GPU
machine only runs them.

    python3 scripts/gpu_check_prepare.py ARCH DIR

DIR/cases/<case>/      every ONNX node case that passes on Vulkan
                       (docs/conformance/vulkan.json): model.tgb, data/
                       (the case's test_data_set_0), tolerances
DIR/models/<name>/     the static real models in build/models (exported by
                       scripts/export_models.py), smallest first while
                       their bundles fit MODEL_BUDGET (the device tool
                       carries 64 MiB in all, gzipped; weights do not
                       compress): model.tgb (exact f32),
                       model_f16.tgb (--precision=f16: the tensor cores;
                       models under 6 MB), data/ (torch's reference),
                       tolerances
DIR/matmul/<case>/     f16 matmuls on the matrix strategy: the shapes of
                       test/Target/CUDA/async-copies.onnxtxt (cp.async of
                       16, 8, 4 bytes and none, ldmatrix .trans) and a
                       1000-cube, with numpy's float64 products as the
                       reference; and `bench`, 4096 x 4096 x 4096, timed
                       against torch.matmul (no data: the report makes
                       its inputs there)
"""

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cpu_conformance import tolerances  # noqa: E402  (the conformance runs' tolerances)

COMPILE = "build/bin/tangram-compile"
# Bytes of model bundles, and the size under which a model also gets its
# f16 bundle.
MODEL_BUDGET = 48 << 20
F16_UNDER = 6 << 20
ASYNC_COPIES = "test/Target/CUDA/async-copies.onnxtxt"
# The async-copies model's inputs; [B, S, 64] x [64, N] at B=2, S=19, N=37.
ASYNC_SHAPES = {"a": (2, 70, 48), "b": (48, 100), "p": (70, 40), "q": (50, 40),
                "c": (3, 33, 36), "d": (36, 20), "e": (17, 30), "f": (30, 9),
                "h": (5, 45), "i": (45, 7), "r": (2, 19, 64), "s": (64, 37)}


def compile_to(model, target, out, extra=()):
    p = subprocess.run([COMPILE, model, "--target", target, "-o", out, *extra],
                       capture_output=True, text=True)
    return p.returncode == 0, p.stderr.strip().splitlines()[-1:] or [""]


def write_data(directory, inputs, outputs):
    os.makedirs(directory, exist_ok=True)
    for i, x in enumerate(inputs):
        with open(os.path.join(directory, f"input_{i}.pb"), "wb") as f:
            f.write(numpy_helper.from_array(x).SerializeToString())
    for j, y in enumerate(outputs):
        with open(os.path.join(directory, f"output_{j}.pb"), "wb") as f:
            f.write(numpy_helper.from_array(y).SerializeToString())


def matmul_model(m, k, n, path):
    a = helper.make_tensor_value_info("a", TensorProto.FLOAT16, [m, k])
    b = helper.make_tensor_value_info("b", TensorProto.FLOAT16, [k, n])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT16, [m, n])
    graph = helper.make_graph([helper.make_node("MatMul", ["a", "b"], ["y"])], "matmul", [a, b], [y])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)


def prepare_cases(arch, out):
    root = os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data", "node")
    with open("docs/conformance/vulkan.json") as f:
        cases = sorted(c for c, s in json.load(f)["cases"].items() if s == "pass")
    ok = 0
    for c in cases:
        d = os.path.join(out, "cases", c)
        os.makedirs(d)
        if not compile_to(os.path.join(root, c, "model.onnx"), f"cuda:{arch}", os.path.join(d, "model.tgb"))[0]:
            shutil.rmtree(d)
            continue
        shutil.copytree(os.path.join(root, c, "test_data_set_0"), os.path.join(d, "data"))
        with open(os.path.join(d, "tolerances"), "w") as f:
            f.write("%g %g\n" % tolerances(os.path.join(d, "data")))
        ok += 1
    print(f"prepared {ok} / {len(cases)} node cases for cuda:{arch}")


def prepare_models(arch, out, models="build/models"):
    paths = [os.path.join(models, n) for n in os.listdir(models)
             if n.endswith(".onnx") and not n.endswith("_dyn.onnx")] if os.path.isdir(models) else []
    paths.sort(key=os.path.getsize)
    ok, used = 0, 0
    for model in paths:
        name = os.path.basename(model)[:-5]
        size = os.path.getsize(model)
        if used + size * (2 if size < F16_UNDER else 1) > MODEL_BUDGET:
            print(f"  {name}: left out ({size / 1e6:.1f} MB; the carry budget is spent)")
            continue
        d = os.path.join(out, "models", name)
        os.makedirs(d)
        exact, err = compile_to(model, f"cuda:{arch}", os.path.join(d, "model.tgb"))
        if not exact:
            print(f"  {name}: not compiled ({err[0]})")
            shutil.rmtree(d)
            continue
        used += os.path.getsize(os.path.join(d, "model.tgb"))
        if size < F16_UNDER:
            compile_to(model, f"cuda:{arch}", os.path.join(d, "model_f16.tgb"), ["--precision=f16"])
            used += os.path.getsize(os.path.join(d, "model_f16.tgb"))
        shutil.copytree(os.path.join(models, name, "test_data_set_0"), os.path.join(d, "data"))
        # The zoo's tolerances (scripts/benchmark_cpu.py).
        with open(os.path.join(d, "tolerances"), "w") as f:
            f.write("1e-3 1e-4\n")
        ok += 1
    print(f"prepared {ok} / {len(paths)} real models for cuda:{arch} ({used / 1e6:.1f} MB)")


def prepare_matmuls(arch, out):
    rng = np.random.default_rng(5)
    target = f"cuda:{arch}"
    # The async-copies model: outputs y, t (p q^T), u, v, w, z.
    d = os.path.join(out, "matmul", "async_copies")
    os.makedirs(d)
    compile_to(ASYNC_COPIES, target, os.path.join(d, "model.tgb"))
    x = {n: rng.uniform(-1, 1, s).astype(np.float16) for n, s in ASYNC_SHAPES.items()}
    f = {n: v.astype(np.float64) for n, v in x.items()}
    refs = [f["a"] @ f["b"], f["p"] @ f["q"].T, f["c"] @ f["d"], f["e"] @ f["f"], f["h"] @ f["i"], f["r"] @ f["s"]]
    write_data(os.path.join(d, "data"), list(x.values()), [r.astype(np.float16) for r in refs])
    # f16 operands, f32 sums, f16 outputs: a few f16 ulps of the sums'
    # magnitude (at most K = 64 products of [-1, 1] values).
    with open(os.path.join(d, "tolerances"), "w") as f_:
        f_.write("1e-2 2e-2\n")
    for name, (m, k, n), with_ref in (("cube1000", (1000, 1000, 1000), True), ("bench", (4096, 4096, 4096), False)):
        d = os.path.join(out, "matmul", name)
        os.makedirs(d)
        matmul_model(m, k, n, os.path.join(d, "model.onnx"))
        compile_to(os.path.join(d, "model.onnx"), target, os.path.join(d, "model.tgb"))
        if not with_ref:
            continue
        a = rng.uniform(-1, 1, (m, k)).astype(np.float16)
        b = rng.uniform(-1, 1, (k, n)).astype(np.float16)
        ref = (a.astype(np.float64) @ b.astype(np.float64)).astype(np.float16)
        write_data(os.path.join(d, "data"), [a, b], [ref])
        with open(os.path.join(d, "tolerances"), "w") as f_:
            # Sums of 1000 products of [-1, 1] values: magnitude ~18.
            f_.write("1e-2 5e-2\n")
    print(f"prepared the matmul cases for {target}")


def main():
    arch, out = sys.argv[1], sys.argv[2]
    prepare_cases(arch, out)
    prepare_models(arch, out)
    prepare_matmuls(arch, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
