#!/usr/bin/env bash
# Installs every apt and pip dependency Tangram needs on Debian 12. Idempotent.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

APT_PKGS=(
  cmake ninja-build ccache git python3
  libmlir-22-dev mlir-22-tools llvm-22-dev llvm-22-tools clang-22 lld-22 liblld-22-dev libclang-rt-22-dev
  libonnx-dev protobuf-compiler libprotobuf-dev nlohmann-json3-dev
  libgtest-dev googletest zlib1g-dev libzstd-dev libedit-dev libxml2-dev libcurl4-openssl-dev
  python3-torch python3-torchvision
  mesa-vulkan-drivers libvulkan-dev spirv-tools
  rocm-device-libs
  libglpk-dev chromium
)
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# clang++-22 with lld looks for the sanitizer runtimes in the per-target
# directory, Debian installs them under lib/linux: link them across (asan preset).
RT=/usr/lib/llvm-22/lib/clang/22/lib
if [ -d "$RT/linux" ] && [ ! -e "$RT/x86_64-pc-linux-gnu/libclang_rt.asan.a" ]; then
  $SUDO mkdir -p "$RT/x86_64-pc-linux-gnu"
  for f in "$RT"/linux/*-x86_64.*; do
    b=$(basename "$f")
    $SUDO ln -sf "$f" "$RT/x86_64-pc-linux-gnu/${b/-x86_64/}"
  done
fi

# Python packages for tests, conformance and benchmarks. onnx is pinned: the
# conformance tables are measured against its backend node tests.
PY=${PYTHON:-python3}
PIP_PKGS=("onnx==1.17.0" "onnxruntime==1.20.1" "numpy<2.3" "pytest" "lit" "nanobind==3.1.0" "scikit-build-core==0.11.5" "ray[serve]==2.60.0")
need_pip=0
for spec in "${PIP_PKGS[@]}"; do
  name=${spec%%[=<>]*}
  name=${name%%\[*}
  $PY -m pip show "$name" >/dev/null 2>&1 || need_pip=1
done
$PY -c "import onnx; assert onnx.__version__=='1.17.0'" 2>/dev/null || need_pip=1
if [ $need_pip = 1 ]; then
  $PY -m pip install -q "${PIP_PKGS[@]}"
fi
# The peer the CPU benchmark zoo times (scripts/benchmark_cpu.py --zoo); not
# needed by the tests: TANGRAM_BENCHMARK_DEPS=1 scripts/setup.sh.
if [ "${TANGRAM_BENCHMARK_DEPS:-0}" = 1 ]; then
  $PY -m pip show iree-base-compiler >/dev/null 2>&1 ||
    $PY -m pip install -q "iree-base-compiler==3.13.0" "iree-base-runtime==3.13.0"
fi
echo "setup: done"
