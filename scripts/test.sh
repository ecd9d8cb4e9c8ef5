#!/usr/bin/env bash
# Configures, builds and runs every Tangram test: the lit suite
# (check-tangram) and the Python tests (real models, scripts).
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
set -euo pipefail
cd "$(dirname "$0")/.."
PRESET=${TANGRAM_PRESET:-default}
BUILD_DIR=$([ "$PRESET" = default ] && echo build || echo "build-$PRESET")
cmake --preset "$PRESET"
cmake --build --preset "$PRESET"
cmake --build --preset "$PRESET" --target check-tangram
TANGRAM_BUILD_DIR="$PWD/$BUILD_DIR" python3 -m pytest -q test/python
# ONNX node tests end to end on the CPU; fails below the committed baseline.
ctest --test-dir "$BUILD_DIR" --output-on-failure -R cpu-conformance
