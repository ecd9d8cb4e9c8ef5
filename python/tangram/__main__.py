# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
"""python -m tangram compile|run|devices: the CLI from the installed package.

    python -m tangram compile MODEL.onnx -o OUT.tgb [--target cpu] [-O N]
        [--input-shape NAME=DxD ...] [--devices CATALOG.json] [--pin NODE=DEVICE ...]
        [--objective latency|throughput|cost] [--report R.html|R.json]
        [--fallback DEVICE[,DEVICE...] ...] [--emit tg|placement|schedule|linalg|llvm]
    python -m tangram run OUT.tgb --input NAME=FILE.npy ... [--output-dir DIR] [--threads T]
        [--benchmark N]
    python -m tangram devices

Errors print one `error:` line and exit 1, as the CLI does.
"""
import argparse
import os
import sys

import numpy as np

import tangram


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m tangram", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("compile", help="compile an ONNX model")
    c.add_argument("model")
    c.add_argument("-o", dest="output", required=True)
    c.add_argument("--target", default="cpu")
    c.add_argument("-O", dest="opt_level", type=int, default=2)
    c.add_argument("--input-shape", action="append", default=[])
    c.add_argument("--devices")
    c.add_argument("--pin", action="append", default=[])
    c.add_argument("--objective", default="latency")
    c.add_argument("--report")
    c.add_argument("--fallback", action="append", default=[])
    c.add_argument("--emit", choices=["tg", "placement", "schedule", "linalg", "llvm"])
    r = sub.add_parser("run", help="run a bundle on .npy inputs")
    r.add_argument("bundle")
    r.add_argument("--input", action="append", default=[], help="NAME=FILE.npy")
    r.add_argument("--output-dir")
    r.add_argument("--threads", type=int)
    r.add_argument("--benchmark", type=int)
    sub.add_parser("devices", help="the device kinds this runtime can run")
    args = p.parse_args(argv)
    try:
        if args.command == "devices":
            print("\n".join(tangram.devices()))
        elif args.command == "compile":
            shapes = {}
            for spec in args.input_shape:
                name, _, dims = spec.partition("=")
                shapes[name] = [None if d == "?" else int(d) for d in dims.split("x")]
            if args.emit == "placement":
                import json
                text = json.dumps(tangram.placement(args.model, args.devices, args.objective, pins=args.pin,
                                                    input_shapes=shapes)) + "\n"
                if args.output == "-":
                    sys.stdout.write(text)
                else:
                    with open(args.output, "w") as f:
                        f.write(text)
            elif args.emit:
                text = tangram.ir(args.model, args.emit, targets=[args.target], devices=args.devices,
                                  pins=args.pin, input_shapes=shapes)
                if args.output == "-":
                    sys.stdout.write(text)
                else:
                    with open(args.output, "w") as f:
                        f.write(text)
            else:
                tangram.compile(args.model, targets=[args.target], devices=args.devices, pins=args.pin,
                                opt_level=args.opt_level, input_shapes=shapes, objective=args.objective,
                                report=args.report, fallbacks=args.fallback).save(args.output)
        else:
            session = tangram.Session(args.bundle, threads=args.threads)
            feeds = {}
            for spec in args.input:
                name, _, path = spec.partition("=")
                feeds[name] = np.load(path)
            outputs = session.run(feeds)
            for name, value in outputs.items():
                print(f"output '{name}': {value.dtype} {list(value.shape)} {value.ravel()[:8].tolist()}")
                if args.output_dir:
                    os.makedirs(args.output_dir, exist_ok=True)
                    np.save(os.path.join(args.output_dir, f"{name}.npy"), value)
            if args.benchmark:
                print(f"latency: median {session.benchmark(feeds, args.benchmark):.3f} ms "
                      f"({args.benchmark} runs)")
    except (tangram.TangramError, OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
