"""Runs matrix-async-copies.onnxtxt's bundle on seeded inputs and compares
each output with numpy in float64 (relative to the output's largest
magnitude: f16 operands, f32 accumulation).

usage: check_matrix_copies.py TANGRAM_RUN BUNDLE WORKDIR
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_matrix_strategy import check_products  # noqa: E402  (the same comparison)

# The model's inputs and, per output, the product it computes.
SHAPES = {"a": (2, 70, 48), "b": (48, 100), "p": (70, 40), "q": (50, 40),
          "c": (3, 33, 36), "d": (36, 20), "e": (17, 30), "f": (30, 9),
          "h": (5, 45), "i": (45, 7), "r": (2, 19, 64), "s": (64, 37),
          "k": (40, 232), "l": (232, 72), "m": (30, 200), "n": (24, 200)}
PRODUCTS = [lambda d: d["a"] @ d["b"], lambda d: d["p"] @ d["q"].T,
            lambda d: d["c"] @ d["d"], lambda d: d["e"] @ d["f"],
            lambda d: d["h"] @ d["i"], lambda d: d["r"] @ d["s"],
            lambda d: d["k"] @ d["l"], lambda d: d["m"] @ d["n"].T]


if __name__ == "__main__":
    check_products(SHAPES, PRODUCTS, seed=11)
