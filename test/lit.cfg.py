# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""lit configuration for Tangram's FileCheck tests."""
import os
import sys

import lit.formats
from lit.llvm import llvm_config

config.name = "TANGRAM"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".onnxtxt", ".test"]
config.excludes = ["Inputs", "corpus", "regressions", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.tangram_obj_root, "test")

llvm_config.use_default_substitutions()
# Sanitizer settings from the caller (scripts/test.sh sets them for asan).
llvm_config.with_system_environment(["ASAN_OPTIONS", "UBSAN_OPTIONS"])
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.tangram_tools_dir, append_path=True)
tool_dirs = [config.tangram_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(
    ["tangram-opt", "tangram-compile", "tangram-run", "tangram-unit-tests", "tangram-load-test",
     "tangram-fake-cuda-tests"],
    tool_dirs,
)
config.substitutions.append(("%inputs", os.path.join(config.test_source_root, "Inputs")))
config.substitutions.append(("%tangram_src", config.tangram_src_root))
# %python is the Python with onnx and numpy (lit's default is lit's own).
config.substitutions = [s for s in config.substitutions if s[0] != "%python"]
config.substitutions.append(("%python", config.python_executable or sys.executable))
config.substitutions.append(("%llvm_include", config.mlir_include_dir.split(";")[0]))

# The fuzz harnesses, in builds that have them (TANGRAM_ENABLE_FUZZERS: the
# asan preset): test/fuzz/regressions.test replays the inputs they found.
if os.path.isdir(os.path.join(config.tangram_tools_dir, "fuzz")):
    config.available_features.add("fuzzers")
    config.substitutions.append(("%fuzzers", os.path.join(config.tangram_tools_dir, "fuzz")))

# A Vulkan device (lavapipe in CI) runs the Vulkan end-to-end tests;
# spirv-val (spirv-tools) checks the SPIR-V the Vulkan target writes.
import shutil
import subprocess
try:
    _devices = subprocess.run(
        [os.path.join(config.tangram_tools_dir, "tangram-run"), "--list-devices"],
        capture_output=True, text=True, timeout=60).stdout
except (OSError, subprocess.TimeoutExpired):
    _devices = ""
if "vulkan:0" in _devices:
    config.available_features.add("vulkan")
if "cuda:0" in _devices:
    config.available_features.add("cuda-device")
if "hip:0" in _devices:
    config.available_features.add("hip-device")
if shutil.which("spirv-val"):
    config.available_features.add("spirv-val")

# The CUDA toolkit's ptxas checks the PTX the cuda target writes; the
# device libraries (rocm-device-libs, linked into the build's toolkit
# layout) let the rocm target compile math.
_ptxas = os.path.join(os.environ.get("TANGRAM_CUDA_PATH", "/usr/local/cuda"), "bin", "ptxas")
if os.access(_ptxas, os.X_OK):
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", _ptxas))
if os.path.exists(os.path.join(config.tangram_obj_root, "rocm-toolkit", "amdgcn", "bitcode", "ocml.bc")):
    config.available_features.add("rocm-device-libs")
