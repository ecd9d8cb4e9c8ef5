//===- TensorConversion.cpp - ONNX types and tensors to MLIR ---------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "TensorConversion.h"
#include "Graph/GraphOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include <fstream>

using namespace mlir;
using namespace mlir::tangram::onnx_importer;
using onnx::TensorProto;

/// Tensors with at most this many elements become plain `dense` attributes
/// (they fold); larger ones become `dense_resource` blobs (printing elides
/// them and they are never copied again).
static constexpr int64_t kMaxDenseElements = 64;

Type mlir::tangram::onnx_importer::convertElementType(int32_t t,
                                                      MLIRContext *ctx) {
  Builder b(ctx);
  switch (t) {
  case TensorProto::FLOAT: return b.getF32Type();
  case TensorProto::DOUBLE: return b.getF64Type();
  case TensorProto::FLOAT16: return b.getF16Type();
  case TensorProto::BFLOAT16: return b.getBF16Type();
  case TensorProto::BOOL: return b.getI1Type();
  case TensorProto::INT8: return b.getIntegerType(8);
  case TensorProto::INT16: return b.getIntegerType(16);
  case TensorProto::INT32: return b.getIntegerType(32);
  case TensorProto::INT64: return b.getIntegerType(64);
  case TensorProto::UINT8: return b.getIntegerType(8, false);
  case TensorProto::UINT16: return b.getIntegerType(16, false);
  case TensorProto::UINT32: return b.getIntegerType(32, false);
  case TensorProto::UINT64: return b.getIntegerType(64, false);
  // Newer than the protobuf schema we link (see dataTypeName).
  case 17: return Float8E4M3FNType::get(ctx);
  case 18: return Float8E4M3FNUZType::get(ctx);
  case 19: return Float8E5M2Type::get(ctx);
  case 20: return Float8E5M2FNUZType::get(ctx);
  case 21: return b.getIntegerType(4, false); // UINT4
  case 22: return b.getIntegerType(4);        // INT4
  default: return nullptr;
  }
}

Type mlir::tangram::onnx_importer::convertTypeProto(const onnx::TypeProto &type,
                                                    MLIRContext *ctx,
                                                    bool allowUnranked,
                                                    std::string &error) {
  if (type.has_tensor_type()) {
    const auto &tt = type.tensor_type();
    Type elem = convertElementType(tt.elem_type(), ctx);
    if (!elem) {
      error = "unsupported dtype " + dataTypeName(tt.elem_type());
      return nullptr;
    }
    if (!tt.has_shape()) {
      if (allowUnranked)
        return UnrankedTensorType::get(elem);
      error = "no shape (unranked tensors are not supported)";
      return nullptr;
    }
    SmallVector<int64_t> shape;
    for (const auto &d : tt.shape().dim())
      shape.push_back(d.has_dim_value() && d.dim_value() >= 0
                          ? d.dim_value()
                          : ShapedType::kDynamic);
    return RankedTensorType::get(shape, elem);
  }
  if (type.has_sequence_type()) {
    const auto &e = type.sequence_type().elem_type();
    if (!e.has_tensor_type()) {
      error = "a sequence of non-tensors is not supported";
      return nullptr;
    }
    Type t = convertTypeProto(e, ctx, /*allowUnranked=*/true, error);
    return t ? tangram::tg::SequenceType::get(ctx, cast<TensorType>(t))
             : Type();
  }
  if (type.has_optional_type()) {
    const auto &e = type.optional_type().elem_type();
    if (!e.has_tensor_type() && !e.has_sequence_type()) {
      error = "an optional of a non-tensor, non-sequence is not supported";
      return nullptr;
    }
    Type t = convertTypeProto(e, ctx, /*allowUnranked=*/true, error);
    return t ? tangram::tg::OptionalType::get(ctx, t) : Type();
  }
  error = "is a map or sparse tensor (not supported)";
  return nullptr;
}

int32_t mlir::tangram::onnx_importer::onnxElementType(Type type) {
  for (int32_t t = TensorProto::FLOAT; t <= 22; ++t)
    if (Type e = convertElementType(t, type.getContext()); e && e == type)
      return t;
  return TensorProto::UNDEFINED;
}

std::string mlir::tangram::onnx_importer::dataTypeName(int32_t t) {
  if (TensorProto::DataType_IsValid(t))
    return TensorProto::DataType_Name(static_cast<TensorProto::DataType>(t));
  switch (t) { // Types newer than the protobuf schema we link.
  case 17: return "FLOAT8E4M3FN";
  case 18: return "FLOAT8E4M3FNUZ";
  case 19: return "FLOAT8E5M2";
  case 20: return "FLOAT8E5M2FNUZ";
  case 21: return "UINT4";
  case 22: return "INT4";
  case 23: return "FLOAT4E2M1";
  default: return "data type " + std::to_string(t);
  }
}

/// A 4-bit (INT4/UINT4) tensor: two values per byte, the first in the low
/// nibble, in raw_data or one byte per int32_data entry. Always a `dense`
/// attribute (MLIR stores sub-byte elements unpacked).
static ElementsAttr convert4Bit(const TensorProto &t, RankedTensorType type,
                                int64_t n, std::string &error) {
  size_t packed = (n + 1) / 2;
  std::vector<uint8_t> bytes;
  if (t.data_location() == TensorProto::EXTERNAL) {
    error = "tensor '" + t.name() + "': external 4-bit data is not supported";
    return nullptr;
  }
  if (t.has_raw_data())
    bytes.assign(t.raw_data().begin(), t.raw_data().end());
  else
    for (int32_t v : t.int32_data())
      bytes.push_back((uint8_t)v);
  if (bytes.size() != packed) {
    error = "tensor '" + t.name() + "' has " + std::to_string(bytes.size()) +
            " bytes of 4-bit data, expected " + std::to_string(packed);
    return nullptr;
  }
  SmallVector<APInt> values;
  for (int64_t i = 0; i < n; ++i) {
    unsigned nibble = (bytes[i / 2] >> (4 * (i % 2))) & 0xF;
    values.push_back(APInt(4, nibble, /*isSigned=*/false));
  }
  return DenseElementsAttr::get(type, values);
}

/// Copies the typed repeated fields of a tensor into little-endian bytes.
static bool typedFieldsToBytes(const TensorProto &t, Type elem, int64_t n,
                               std::vector<char> &bytes, std::string &error) {
  unsigned bits = elem.getIntOrFloatBitWidth();
  unsigned width = bits == 1 ? 1 : bits / 8;
  bytes.assign(n * width, 0);
  auto put = [&](int64_t i, uint64_t v) {
    std::memcpy(bytes.data() + i * width, &v, width);
  };
  auto check = [&](int64_t have) {
    if (have != n) {
      error = "tensor '" + t.name() + "' holds " + std::to_string(have) +
              " values but its shape needs " + std::to_string(n);
      return false;
    }
    return true;
  };
  switch (t.data_type()) {
  case TensorProto::FLOAT:
    if (!check(t.float_data_size())) return false;
    for (int64_t i = 0; i < n; ++i) {
      float v = t.float_data(i);
      std::memcpy(bytes.data() + 4 * i, &v, 4);
    }
    return true;
  case TensorProto::DOUBLE:
    if (!check(t.double_data_size())) return false;
    for (int64_t i = 0; i < n; ++i) {
      double v = t.double_data(i);
      std::memcpy(bytes.data() + 8 * i, &v, 8);
    }
    return true;
  case TensorProto::INT64:
    if (!check(t.int64_data_size())) return false;
    for (int64_t i = 0; i < n; ++i)
      put(i, t.int64_data(i));
    return true;
  case TensorProto::UINT32:
  case TensorProto::UINT64:
    if (!check(t.uint64_data_size())) return false;
    for (int64_t i = 0; i < n; ++i)
      put(i, t.uint64_data(i));
    return true;
  default: // int32_data holds the narrower ints, bool and 16-bit floats.
    if (!check(t.int32_data_size())) return false;
    for (int64_t i = 0; i < n; ++i)
      put(i, (uint64_t)(uint32_t)t.int32_data(i));
    return true;
  }
}

/// Reads `length` bytes at `offset` of an external-data file into a blob.
static std::optional<AsmResourceBlob>
readExternal(const TensorProto &t, StringRef baseDir, size_t expected,
             size_t align, std::string &error) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto &kv : t.external_data()) {
    if (kv.key() == "location")
      location = kv.value();
    else if (kv.key() == "offset")
      offset = std::atoll(kv.value().c_str());
    else if (kv.key() == "length")
      length = std::atoll(kv.value().c_str());
  }
  if (location.empty() || llvm::sys::path::is_absolute(location) ||
      StringRef(location).contains("..")) {
    error = "tensor '" + t.name() + "' has a bad external data location '" +
            location + "'";
    return std::nullopt;
  }
  SmallString<256> path(baseDir);
  llvm::sys::path::append(path, location);
  std::ifstream in(path.str().str(), std::ios::binary | std::ios::ate);
  if (!in) {
    error = "cannot open external data file '" + path.str().str() +
            "' of tensor '" + t.name() + "'";
    return std::nullopt;
  }
  int64_t fileSize = in.tellg();
  if (length < 0)
    length = fileSize - offset;
  if (offset < 0 || (size_t)length != expected || offset + length > fileSize) {
    error = "external data of tensor '" + t.name() + "' in '" + location +
            "' is out of bounds or of the wrong size (" +
            std::to_string(length) + " bytes, expected " +
            std::to_string(expected) + ")";
    return std::nullopt;
  }
  AsmResourceBlob blob = HeapAsmResourceBlob::allocate(expected, align);
  in.seekg(offset);
  in.read(blob.getMutableData().data(), expected);
  if (!in) {
    error = "cannot read external data of tensor '" + t.name() + "'";
    return std::nullopt;
  }
  return blob;
}

/// A resource blob key made of the tensor name (printable as an identifier).
static std::string blobKey(StringRef name) {
  std::string key = name.empty() ? "tensor" : name.str();
  for (char &c : key)
    if (!llvm::isAlnum(c) && c != '_' && c != '.')
      c = '_';
  if (!llvm::isAlpha(key[0]) && key[0] != '_')
    key = "t_" + key;
  return key;
}

ElementsAttr mlir::tangram::onnx_importer::convertTensor(
    TensorProto &t, StringRef baseDir, MLIRContext *ctx, std::string &error) {
  Type elem = convertElementType(t.data_type(), ctx);
  if (!elem) {
    error = "tensor '" + t.name() + "' has unsupported dtype " +
            dataTypeName(t.data_type());
    return nullptr;
  }
  SmallVector<int64_t> shape;
  int64_t n = 1;
  for (int64_t d : t.dims()) {
    if (d < 0 || (d > 0 && n > (int64_t(1) << 40) / d)) {
      error = "tensor '" + t.name() + "' has an invalid shape";
      return nullptr;
    }
    shape.push_back(d);
    n *= d;
  }
  auto type = RankedTensorType::get(shape, elem);
  unsigned bits = elem.getIntOrFloatBitWidth();
  if (bits == 4)
    return convert4Bit(t, type, n, error);
  size_t width = bits == 1 ? 1 : bits / 8;
  size_t expected = n * width;
  bool dense = n <= kMaxDenseElements || bits == 1;

  ArrayRef<char> bytes;
  std::vector<char> owned;
  std::optional<AsmResourceBlob> blob;
  if (t.data_location() == TensorProto::EXTERNAL) {
    blob = readExternal(t, baseDir, expected, width, error);
    if (!blob)
      return nullptr;
    bytes = blob->getData();
  } else if (t.has_raw_data()) {
    if (t.raw_data().size() != expected) {
      error = "tensor '" + t.name() + "' has " +
              std::to_string(t.raw_data().size()) + " bytes of data, expected " +
              std::to_string(expected);
      return nullptr;
    }
    if (!dense && (uintptr_t)t.raw_data().data() % width == 0) {
      // Take the protobuf's string: the weights are never copied again.
      std::string *raw = t.release_raw_data();
      blob = AsmResourceBlob(
          ArrayRef<char>(raw->data(), raw->size()), width,
          [raw](void *, size_t, size_t) { delete raw; },
          /*dataIsMutable=*/false);
    }
    bytes = ArrayRef<char>(t.raw_data().data(), t.raw_data().size());
    if (blob)
      bytes = blob->getData();
  } else {
    if (!typedFieldsToBytes(t, elem, n, owned, error))
      return nullptr;
    bytes = owned;
  }

  if (dense) {
    if (bits == 1) {
      SmallVector<bool> values;
      for (char c : bytes)
        values.push_back(c != 0);
      return DenseElementsAttr::get(type, values);
    }
    bool detectedSplat = false;
    if (!DenseElementsAttr::isValidRawBuffer(type, bytes, detectedSplat)) {
      error = "tensor '" + t.name() + "' has malformed data";
      return nullptr;
    }
    return DenseElementsAttr::getFromRawBuffer(type, bytes);
  }
  if (!blob)
    blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, width);
  return DenseResourceElementsAttr::get(type, blobKey(t.name()),
                                        std::move(*blob));
}
