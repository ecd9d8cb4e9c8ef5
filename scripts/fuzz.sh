#!/usr/bin/env bash
# Runs a libFuzzer harness (test/fuzz, docs/Fuzzing.md).
#
#   scripts/fuzz.sh --list                 the harness names, one per line
#   scripts/fuzz.sh TARGET SECONDS [ARGS]  build TARGET in build-asan if needed
#                                          (the asan preset) and fuzz it for
#                                          SECONDS from its seed corpus
#
# Exits non-zero on a crash, a leak, an undefined-behaviour report, a
# timeout (one input over 10 s) or an input that makes the harness use more
# than 2 GiB. New inputs go to build-asan/fuzz/TARGET/corpus (the seeds in
# test/fuzz/corpus/TARGET stay as committed); a failing input is written to
# build-asan/fuzz/TARGET/ as crash-*, leak-*, timeout-* or oom-*, and the
# command that reproduces it is printed. Extra ARGS go to libFuzzer (e.g.
# -runs=N, -max_len=N; not -jobs, whose output goes elsewhere).
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
set -euo pipefail
cd "$(dirname "$0")/.."
TARGETS=(onnx-import bundle session tensor-files)
if [ "${1:-}" = --list ]; then
  printf '%s\n' "${TARGETS[@]}"
  exit 0
fi
if [ $# -lt 2 ]; then
  echo "usage: scripts/fuzz.sh --list | TARGET SECONDS [libFuzzer args]" >&2
  exit 2
fi
TARGET=$1 SECONDS_=$2
shift 2
if ! printf '%s\n' "${TARGETS[@]}" | grep -qx -- "$TARGET"; then
  echo "error: unknown fuzz target '$TARGET' (scripts/fuzz.sh --list)" >&2
  exit 2
fi
case $SECONDS_ in ''|*[!0-9]*) echo "error: SECONDS must be a whole number" >&2; exit 2;; esac

BUILD=build-asan
if [ ! -f "$BUILD/build.ninja" ]; then
  cmake --preset asan >/dev/null
fi
cmake --build "$BUILD" --target "$TARGET"

WORK=$BUILD/fuzz/$TARGET
mkdir -p "$WORK/corpus"
# See scripts/test.sh: user poisoning is off because Debian's uninstrumented
# LLVM shares an inline allocator with our instrumented code.
export ASAN_OPTIONS="allow_user_poisoning=0:detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
# -malloc_limit_mb: one allocation of more than 1 GiB is a finding: a small
# file must never make the reader allocate what it claims.
touch "$WORK/.start"
set +e
"$BUILD/bin/fuzz/$TARGET" "$WORK/corpus" "test/fuzz/corpus/$TARGET" \
  -max_total_time="$SECONDS_" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
  -artifact_prefix="$WORK/" -print_final_stats=1 -detect_leaks=1 "$@" \
  2>&1 | tee "$WORK/last.log" |
  grep -v -E '^#[0-9]+.*(NEW|REDUCE|pulse)|NEW_FUNC|^".*# Uses|[Rr]ecommended dictionary'
rc=${PIPESTATUS[0]}
set -e
# Every run's log is kept: scripts/fuzz_report.py sums them per harness.
mkdir -p "$WORK/logs"
cp "$WORK/last.log" "$WORK/logs/$(date -u +%Y%m%dT%H%M%S).log"

if [ "$rc" != 0 ]; then
  echo "error: fuzz target '$TARGET' failed (exit $rc); log: $WORK/last.log" >&2
  find "$WORK" -maxdepth 1 -newer "$WORK/.start" \( -name 'crash-*' -o -name 'leak-*' \
    -o -name 'timeout-*' -o -name 'oom-*' \) -printf "  reproduce: $BUILD/bin/fuzz/$TARGET %p\n" >&2
  exit 1
fi
