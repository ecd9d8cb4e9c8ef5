#!/usr/bin/env bash
# Configures, builds and runs every Tangram test: the lit suite
# (check-tangram) and the Python tests (real models, scripts).
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
set -euo pipefail
cd "$(dirname "$0")/.."
PRESET=${TANGRAM_PRESET:-default}
BUILD_DIR=$([ "$PRESET" = default ] && echo build || echo "build-$PRESET")
# The sanitized build links Debian's uninstrumented LLVM/lld libraries. An
# inline LLVM template (BumpPtrAllocator) instantiated in our instrumented
# code poisons memory that lld's uninstrumented copy then uses, a false
# "use-after-poison" (an ODR mix, not a bug in either). Turn off only
# user-requested poisoning; heap, stack and UB checks stay on.
if [ "$PRESET" = asan ]; then
  export ASAN_OPTIONS="allow_user_poisoning=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
fi
cmake --preset "$PRESET"
cmake --build --preset "$PRESET"
cmake --build --preset "$PRESET" --target check-tangram
# The Python package installs from the same build tree (pyproject.toml):
# `pip install .` only links and copies after the build above.
if [ "$PRESET" = default ]; then
  python3 -m pip install -q --no-build-isolation --root-user-action=ignore .
fi
TANGRAM_REQUIRE_VULKAN=1 TANGRAM_REQUIRE_CHROMIUM=1 TANGRAM_BUILD_DIR="$PWD/$BUILD_DIR" python3 -m pytest -q test/python
# ONNX node tests end to end on the CPU and on Vulkan (lavapipe), and
# compiled and validated for cuda and rocm; each fails below its committed
# baseline.
ctest --test-dir "$BUILD_DIR" --output-on-failure -R '(cpu|vulkan)-conformance|gpu-compile-'
