# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""Measure how much of onnx's backend node-test suite tangram-compile imports.

    python3 scripts/import_conformance.py --compiler build/bin/tangram-compile \
        [--out docs/conformance/import.md] [--json docs/conformance/import.json] [-j 2]

Every directory of onnx's shipped node tests (1288 cases in onnx 1.17.0) is run
through `tangram-compile <case>/model.onnx --emit=tg -o /dev/null` and sorted
into three classes:

    pass   exit status 0
    error  exit status 1 with an `error:` diagnostic on stderr -- a clean refusal
    crash  anything else: another exit status, a signal, a timeout, or exit 1
           with no diagnostic. These are bugs and are listed separately.

The Markdown report and JSON summary are generated entirely by this script; do
not edit them by hand. They record the onnx version the cases came from and
hold no timestamps or absolute paths, so re-running on an unchanged compiler
gives an unchanged report.
"""

import argparse
import collections
import concurrent.futures
import json
import os
import re
import signal
import subprocess
import sys

import onnx

# `error:` at the start of a line, or after an MLIR location prefix ("loc: error: ...").
ERROR_LINE = re.compile(r"^(?:.*?:\s)?error:\s", re.IGNORECASE)
# "unsupported op 'Foo'", "unsupported op type \"Foo\"", "unsupported operator `Foo`", ...
UNSUPPORTED_OP = re.compile(r"unsupported\s+op(?:erator)?(?:\s+type)?\s*[:]?\s*['\"`]([^'\"`]+)['\"`]",
                            re.IGNORECASE)
CELL_LIMIT = 120
DEFAULT_DOMAINS = ("", "ai.onnx")

Result = collections.namedtuple("Result", "case status detail ops unsupported")


def node_test_dir():
    return os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data", "node")


def list_cases(root, pattern):
    names = sorted(d for d in os.listdir(root) if os.path.isfile(os.path.join(root, d, "model.onnx")))
    if pattern:
        names = [n for n in names if re.search(pattern, n)]
    return names


def graph_nodes(graph):
    """Nodes of `graph` and of the subgraphs in its If/Loop/Scan attributes."""
    for node in graph.node:
        yield node
        for attr in node.attribute:
            for sub in list(attr.graphs) + ([attr.g] if attr.HasField("g") else []):
                yield from graph_nodes(sub)


def model_op_types(path):
    """Op types of all nodes in the model, prefixed by their domain outside the default one."""
    model = onnx.load(path, load_external_data=False)
    return sorted({n.op_type if n.domain in DEFAULT_DOMAINS else f"{n.domain}::{n.op_type}"
                   for n in graph_nodes(model.graph)})


def first_error_line(stderr):
    for line in stderr.splitlines():
        if ERROR_LINE.match(line.strip()):
            return line.strip()
    return None


def classify(returncode, stderr, timed_out, timeout):
    """Return (status, detail) for one compiler run."""
    if timed_out:
        return "crash", f"timeout after {timeout:g} s"
    if returncode == 0:
        return "pass", ""
    error = first_error_line(stderr)
    if returncode == 1 and error:
        return "error", error
    if returncode < 0:
        try:
            reason = f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            reason = f"killed by signal {-returncode}"
    else:
        reason = f"exit status {returncode}" + ("" if error else " without an error: diagnostic")
    last = next((l.strip() for l in reversed(stderr.splitlines()) if l.strip()), "")
    return "crash", f"{reason}: {error or last}" if (error or last) else reason


def run_compiler(command, timeout):
    """Run `command`; return (returncode, stderr text, timed_out). On timeout the
    whole process group is killed, so nothing the compiler started outlives it."""
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        _, stderr = proc.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        _, stderr = proc.communicate()
        timed_out = True
    return proc.returncode, stderr.decode("utf-8", errors="replace"), timed_out


def run_case(compiler, root, case, timeout):
    model = os.path.join(root, case, "model.onnx")
    returncode, stderr, timed_out = run_compiler([compiler, model, "--emit=tg", "-o", os.devnull], timeout)
    status, detail = classify(returncode, stderr, timed_out, timeout)
    unsupported = sorted(set(UNSUPPORTED_OP.findall(stderr))) if status != "pass" else []
    return Result(case, status, detail, model_op_types(model), unsupported)


def run_all(compiler, root, cases, timeout, jobs):
    """Run every case on a thread pool (the work is in the child processes)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(run_case, compiler, root, case, timeout) for case in cases]
        results = []
        for done, future in enumerate(futures, 1):
            results.append(future.result())
            if done % 100 == 0 or done == len(futures):
                print(f"  {done}/{len(futures)}", file=sys.stderr, flush=True)
    return results


def summarize(results):
    counts = collections.Counter(r.status for r in results)
    failing = [r for r in results if r.status != "pass"]
    in_failing = collections.Counter(op for r in failing for op in r.ops)
    in_all = collections.Counter(op for r in results for op in r.ops)
    reported = collections.Counter(op for r in failing for op in r.unsupported)
    by_count = lambda counter: sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    return {
        "onnx_version": onnx.__version__,
        "total": len(results),
        "pass": counts["pass"],
        "error": counts["error"],
        "crash": counts["crash"],
        "pass_percent": round(100.0 * counts["pass"] / len(results), 1) if results else 0.0,
        "reported_unsupported_ops": dict(by_count(reported)),
        "op_types_in_failing_cases": {op: {"failing": n, "total": in_all[op]} for op, n in by_count(in_failing)},
        "crashes": {r.case: r.detail for r in results if r.status == "crash"},
        "cases": {r.case: {"result": r.status, "detail": r.detail} for r in results},
    }


def cell(text):
    text = " ".join(text.split())
    if len(text) > CELL_LIMIT:
        text = text[:CELL_LIMIT - 3] + "..."
    return text.replace("|", "\\|")


def markdown(summary, command):
    s = summary
    lines = [
        "# ONNX node-test import conformance",
        "",
        "<!-- Generated by scripts/import_conformance.py; do not edit by hand. -->",
        "",
        "This file is generated by `scripts/import_conformance.py`. Regenerate it with:",
        "",
        "```sh",
        command,
        "```",
        "",
        f"Cases: onnx {s['onnx_version']} backend node tests (`onnx/backend/test/data/node`), "
        "each run as `tangram-compile <case>/model.onnx --emit=tg -o /dev/null`.",
        "",
        "| result | cases | meaning |",
        "|---|---:|---|",
        f"| pass | {s['pass']} | exit 0 |",
        f"| error | {s['error']} | exit 1 with an `error:` diagnostic |",
        f"| crash | {s['crash']} | any other exit, signal or timeout (a bug) |",
        f"| **total** | **{s['total']}** | **{s['pass_percent']}% import** |",
        "",
        "## Ops the compiler reported as unsupported",
        "",
    ]
    if s["reported_unsupported_ops"]:
        lines += ["| op type | failing cases |", "|---|---:|"]
        lines += [f"| {cell(op)} | {n} |" for op, n in s["reported_unsupported_ops"].items()]
    else:
        lines.append("None (no `unsupported op 'X'` diagnostics).")
    lines += [
        "",
        "## Op types in failing cases, with case counts",
        "",
        "Each op type of the nodes in a failing (error or crash) case's model, with the number of "
        "failing cases that contain it and the number of all cases that contain it.",
        "",
    ]
    if s["op_types_in_failing_cases"]:
        lines += ["| op type | failing cases | all cases |", "|---|---:|---:|"]
        lines += [f"| {cell(op)} | {c['failing']} | {c['total']} |" for op, c in s["op_types_in_failing_cases"].items()]
    else:
        lines.append("None.")
    lines += ["", "## Crashes", ""]
    if s["crashes"]:
        lines += ["| case | detail |", "|---|---|"]
        lines += [f"| {case} | {cell(detail)} |" for case, detail in s["crashes"].items()]
    else:
        lines.append("None.")
    lines += ["", "## All cases", "", "| case | result | first error line |", "|---|---|---|"]
    lines += [f"| {case} | {c['result']} | {cell(c['detail'])} |" for case, c in s["cases"].items()]
    return "\n".join(lines) + "\n"


def write_text(path, text):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def regenerate_command(args):
    parts = ["python3 scripts/import_conformance.py", f"--compiler {args.compiler}", f"--out {args.out}"]
    if args.json:
        parts.append(f"--json {args.json}")
    if args.filter:
        parts.append(f"--filter '{args.filter}'")
    return " ".join(parts)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compiler", required=True, help="path to tangram-compile")
    parser.add_argument("--out", default="docs/conformance/import.md", help="Markdown report")
    parser.add_argument("--json", default="docs/conformance/import.json", help="JSON summary ('' to skip)")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, help="parallel compiler runs")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per case")
    parser.add_argument("--filter", default="", help="only cases whose name matches this regex")
    parser.add_argument("--cases-dir", default=node_test_dir(), help=argparse.SUPPRESS)
    return parser.parse_args()


def main():
    args = parse_args()
    if not os.access(args.compiler, os.X_OK):
        sys.exit(f"error: compiler '{args.compiler}' not found or not executable")
    compiler = os.path.abspath(args.compiler)
    cases = list_cases(args.cases_dir, args.filter)
    print(f"running {len(cases)} cases with {args.jobs} jobs", file=sys.stderr)
    summary = summarize(run_all(compiler, args.cases_dir, cases, args.timeout, args.jobs))
    write_text(args.out, markdown(summary, regenerate_command(args)))
    if args.json:
        write_text(args.json, json.dumps(summary, indent=1, sort_keys=False) + "\n")
    print(f"pass {summary['pass']}/{summary['total']} ({summary['pass_percent']}%), "
          f"error {summary['error']}, crash {summary['crash']}; wrote {args.out}"
          + (f" and {args.json}" if args.json else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
