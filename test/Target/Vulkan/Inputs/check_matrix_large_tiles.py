"""Prints the workgroups of each kernel of matrix-large-tiles.onnxtxt's
bundle (its manifest: a matrix kernel has one per output tile), then runs
it on seeded inputs and compares each output with numpy in float64
(relative to the output's largest magnitude: f16 operands, f32
accumulation).

usage: check_matrix_large_tiles.py TANGRAM_RUN BUNDLE WORKDIR
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_matrix_strategy import check_products  # noqa: E402  (the same comparison)

# The model's inputs and, per output, the product it computes.
SHAPES = {"a": (2, 600, 40), "b": (40, 1000), "p": (600, 36), "q": (1000, 36)}
PRODUCTS = [lambda d: d["a"] @ d["b"], lambda d: d["p"] @ d["q"].T]


def print_workgroups(run, bundle):
    manifest = json.loads(subprocess.run([run, bundle, "--describe"], check=True,
                                         capture_output=True, text=True).stdout)
    for co in manifest["code_objects"]:
        for export in co["exports"]:
            program = export["program"]
            for kernel in program["kernels"]:
                op, value, _ = program["values"][kernel["grid"][0]]
                print(f"{kernel['name']}: {value if op == 'const' else op} workgroups")


if __name__ == "__main__":
    print_workgroups(*sys.argv[1:3])
    check_products(SHAPES, PRODUCTS, seed=13)
