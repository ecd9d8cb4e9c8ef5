"""Flips one bit of the first weight of a .tgb bundle in place (a damaged
disk or download), leaving the header and manifest as they were."""
import json
import struct
import sys

path = sys.argv[1]
data = bytearray(open(path, "rb").read())
offset, size = struct.unpack_from("<QQ", data, 16)
manifest = json.loads(data[offset:offset + size])
weights = [s for s in manifest["sections"] if s["kind"] == "weights"]
if not weights or weights[0]["size"] == 0:
    sys.exit(f"{path}: no weights to flip")
data[weights[0]["offset"]] ^= 0x01
open(path, "wb").write(data)
