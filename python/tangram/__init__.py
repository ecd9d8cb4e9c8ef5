# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Python access to the Tangram compiler.

For now this drives the `tangram-compile` executable; nanobind bindings come
with the runtime (not built yet).
"""
import os
import subprocess

__all__ = ["TangramError", "find_compiler", "import_model"]


class TangramError(RuntimeError):
    """A compile failure; the message is the compiler's `error:` line."""


def find_compiler(build_dir=None):
    """The path of tangram-compile in `build_dir` (default: $TANGRAM_BUILD_DIR or ./build)."""
    build_dir = build_dir or os.environ.get("TANGRAM_BUILD_DIR", "build")
    return os.path.join(build_dir, "bin", "tangram-compile")


def import_model(path, build_dir=None):
    """Imports an ONNX file and returns its tg IR as text; raises TangramError."""
    proc = subprocess.run([find_compiler(build_dir), os.fspath(path), "--emit=tg", "-o", "-"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        lines = [l for l in proc.stderr.splitlines() if l.startswith("error:")]
        raise TangramError(lines[0] if lines else proc.stderr.strip() or f"exit {proc.returncode}")
    return proc.stdout
