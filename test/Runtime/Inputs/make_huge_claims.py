"""Writes small tensor files that claim huge shapes (a .npy and a TensorProto
of 2^40 f32 elements, 4 TB, holding 4 bytes): the readers must say the data
is missing without allocating what the header claims."""
import os
import struct
import sys

out = sys.argv[1]
os.makedirs(os.path.join(out, "huge-data"), exist_ok=True)
header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776,), }"
header += " " * (63 - (10 + len(header)) % 64) + "\n"
with open(os.path.join(out, "huge.npy"), "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + b"\0" * 4)


def field(number, wire, payload):
    return bytes([number << 3 | wire]) + payload


def varint(v):
    out = b""
    while True:
        b, v = v & 0x7F, v >> 7
        out += bytes([b | (0x80 if v else 0)])
        if not v:
            return out


# TensorProto: dims (1) = 2^40, data_type (2) = FLOAT (1), name (8) = "x",
# raw_data (9) = 4 bytes.
proto = (field(1, 0, varint(1 << 40)) + field(2, 0, varint(1)) +
         field(8, 2, varint(1) + b"x") + field(9, 2, varint(4) + b"\0" * 4))
with open(os.path.join(out, "huge-data", "input_0.pb"), "wb") as f:
    f.write(proto)
