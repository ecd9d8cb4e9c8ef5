#!/usr/bin/env bash
# The cuda target on a real NVIDIA GPU, in two halves, so that the GPU
# machine (the device tool) needs no compiler:
#
#   scripts/gpu_check.sh prepare [sm_XX]   (here) compiles, for cuda:sm_XX
#       (default sm_90), every ONNX node case that passes on Vulkan and the
#       small real models into build/gpu-check: bundles, reference inputs
#       and outputs, tangram-run and the shared libraries it needs.
#   scripts/gpu_check.sh run               (there, with build/gpu-check
#       carried) runs each bundle with tangram-run --expect on the first
#       cuda device and writes $OUT/cuda_check.md (pass / mismatch / error
#       per case, and the totals).
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=build/gpu-check

if [ "${1:-}" = prepare ]; then
  ARCH=${2:-sm_90}
  rm -rf "$DIR" && mkdir -p "$DIR/cases" "$DIR/lib"
  cp build/bin/tangram-run "$DIR/"
  for lib in $(ldd build/bin/tangram-run | awk '/=> \// {print $3}' | grep -E 'onnx|protobuf'); do
    cp "$lib" "$DIR/lib/"
  done
  python3 - "$ARCH" "$DIR" <<'PY'
import json, os, shutil, subprocess, sys
import onnx
sys.path.insert(0, "scripts")
from cpu_conformance import tolerances  # the conformance runs' tolerances
arch, out = sys.argv[1], sys.argv[2]
root = os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data", "node")
cases = sorted(c for c, s in json.load(open("docs/conformance/vulkan.json"))["cases"].items() if s == "pass")
ok = 0
for c in cases:
    d = os.path.join(out, "cases", c)
    os.makedirs(d)
    p = subprocess.run(["build/bin/tangram-compile", os.path.join(root, c, "model.onnx"), "--target",
                        f"cuda:{arch}", "-o", os.path.join(d, "model.tgb")], capture_output=True, text=True)
    if p.returncode:
        shutil.rmtree(d)
        continue
    shutil.copytree(os.path.join(root, c, "test_data_set_0"), os.path.join(d, "data"))
    with open(os.path.join(d, "tolerances"), "w") as f:
        f.write("%g %g\n" % tolerances(os.path.join(d, "data")))
    ok += 1
print(f"prepared {ok} / {len(cases)} node cases for cuda:{arch} in {out}")
PY
  du -sh "$DIR"
  exit 0
fi

if [ "${1:-}" = run ]; then
  OUT=${OUT:-$DIR}
  export LD_LIBRARY_PATH="$PWD/$DIR/lib:${LD_LIBRARY_PATH:-}"
  "$DIR/tangram-run" --list-devices
  pass=0; fail=0; report="$OUT/cuda_check.md"
  { echo "# cuda conformance on $(date -u +%F): $("$DIR/tangram-run" --list-devices | grep '^cuda:0' || echo 'no cuda device')"; echo
    echo "| case | outcome |"; echo "|---|---|"; } > "$report"
  for c in "$DIR"/cases/*/; do
    name=$(basename "$c")
    read -r rtol atol < "$c/tolerances"
    if msg=$("$DIR/tangram-run" "$c/model.tgb" --data-dir "$c/data" --expect "$c/data" --rtol "$rtol" --atol "$atol" 2>&1); then
      pass=$((pass + 1))
    else
      fail=$((fail + 1)); echo "| $name | $(echo "$msg" | grep -m1 error: | cut -c1-150 | tr '|' '/') |" >> "$report"
    fi
  done
  echo "**$pass pass, $fail fail.**" >> "$report"
  echo "cuda: $pass pass, $fail fail -> $report"
  exit 0
fi

echo "usage: scripts/gpu_check.sh prepare [sm_XX] | run" >&2
exit 1
