# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""The `tangram` Python package drives the compiler and reports its errors."""
import os
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "python"))
import tangram  # noqa: E402

BUILD_DIR = os.environ.get("TANGRAM_BUILD_DIR", os.path.join(REPO, "build"))
INPUTS = os.path.join(REPO, "test", "Importer", "Inputs")


def test_import_model_returns_tg_ir():
    ir = tangram.import_model(os.path.join(INPUTS, "small.onnx"), BUILD_DIR)
    assert "func.func @main" in ir and "tg.conv" in ir


def test_import_model_raises_the_error_line():
    with pytest.raises(tangram.TangramError, match=r"^error: .*garbage.onnx: not a valid ONNX model"):
        tangram.import_model(os.path.join(INPUTS, "garbage.onnx"), BUILD_DIR)
