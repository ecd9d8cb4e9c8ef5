//===- ModelInterface.cpp - a compiled model's inputs, outputs, weights ---===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Schedule/ModelInterface.h"
#include "Graph/GraphOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;
using namespace mlir::tangram;

std::optional<::tangram::DType> mlir::tangram::toDType(Type t) {
  using ::tangram::DType;
  if (t.isF32()) return DType::F32;
  if (t.isF16()) return DType::F16;
  if (t.isBF16()) return DType::BF16;
  if (t.isF64()) return DType::F64;
  if (t.isInteger(1)) return DType::I1;
  if (isa<Float8E4M3FNType>(t)) return DType::F8E4M3FN;
  if (isa<Float8E4M3FNUZType>(t)) return DType::F8E4M3FNUZ;
  if (isa<Float8E5M2Type>(t)) return DType::F8E5M2;
  if (isa<Float8E5M2FNUZType>(t)) return DType::F8E5M2FNUZ;
  auto it = dyn_cast<IntegerType>(t);
  if (!it)
    return std::nullopt;
  bool u = it.isUnsigned();
  switch (it.getWidth()) {
  case 8: return u ? DType::U8 : DType::I8;
  case 16: return u ? DType::U16 : DType::I16;
  case 32: return u ? DType::U32 : DType::I32;
  case 64: return u ? DType::U64 : DType::I64;
  default: return std::nullopt;
  }
}

namespace {

bool describe(Type type, std::string name, TensorInfo &info,
              std::string &error) {
  auto t = dyn_cast<RankedTensorType>(type);
  auto dtype = t ? toDType(t.getElementType()) : std::nullopt;
  if (!dtype) {
    error = "'" + name + "': type not supported by the bundle";
    return false;
  }
  info.name = std::move(name);
  info.dtype = *dtype;
  info.shape.clear();
  for (int64_t d : t.getShape())
    info.shape.push_back(ShapedType::isDynamic(d) ? -1 : d);
  return true;
}

/// The `tg.dims` names of an argument or result; a dim made static (by
/// --input-shape or inference) loses its name.
std::vector<std::string> dimNamesOf(DictionaryAttr attrs, const TensorInfo &t) {
  std::vector<std::string> names;
  auto dims = attrs ? attrs.getAs<ArrayAttr>("tg.dims") : ArrayAttr();
  if (!dims || dims.size() != t.shape.size())
    return names;
  bool any = false;
  for (auto [attr, d] : llvm::zip(dims, t.shape)) {
    auto s = dyn_cast<StringAttr>(attr);
    names.push_back(s && d < 0 ? s.str() : "");
    any |= !names.back().empty();
  }
  if (!any)
    names.clear();
  return names;
}

/// Dims of one symbolic name are equal at run time, so a bound on one is a
/// bound on all of them (a position table bounds input_ids' "sequence",
/// hence attention_mask's too).
void shareBoundsByName(std::vector<TensorInfo> &inputs) {
  llvm::StringMap<int64_t> byName;
  for (const TensorInfo &t : inputs)
    for (size_t d = 0; d < t.dimMax.size() && d < t.dimNames.size(); ++d)
      if (t.dimMax[d] >= 0 && !t.dimNames[d].empty()) {
        auto [it, fresh] = byName.try_emplace(t.dimNames[d], t.dimMax[d]);
        if (!fresh)
          it->second = std::min(it->second, t.dimMax[d]);
      }
  for (TensorInfo &t : inputs)
    for (size_t d = 0; d < t.dimNames.size(); ++d) {
      auto it = byName.find(t.dimNames[d]);
      if (t.dimNames[d].empty() || it == byName.end())
        continue;
      if (t.dimMax.empty())
        t.dimMax.assign(t.shape.size(), -1);
      t.dimMax[d] = t.dimMax[d] < 0 ? it->second
                                    : std::min(t.dimMax[d], it->second);
    }
}

/// The raw little-endian bytes of a hoisted weight's value.
ArrayRef<char> bytesOf(Attribute value) {
  if (auto res = dyn_cast_or_null<DenseResourceElementsAttr>(value)) {
    if (AsmResourceBlob *blob = res.getRawHandle().getBlob())
      return blob->getData();
    return {};
  }
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(value))
    return dense.getRawData();
  return {};
}
} // namespace

std::optional<ModelInterface>
mlir::tangram::readModelInterface(ModuleOp module, std::string &error,
                                  bool withData) {
  ModelInterface mi;
  for (auto f : module.getOps<func::FuncOp>())
    if (f.isPublic() && !f.isExternal()) {
      if (mi.entry) {
        error = "more than one public function";
        return std::nullopt;
      }
      mi.entry = f;
    }
  if (!mi.entry) {
    error = "no entry function";
    return std::nullopt;
  }
  func::FuncOp f = mi.entry;
  auto nameOf = [](DictionaryAttr attrs, StringRef key, std::string fallback) {
    if (attrs)
      if (auto n = attrs.getAs<StringAttr>(key))
        return n.str();
    return fallback;
  };
  for (unsigned i = 0; i < f.getNumArguments(); ++i) {
    DictionaryAttr attrs = f.getArgAttrDict(i);
    if (attrs && attrs.get("tg.weight")) {
      WeightInfo w;
      std::string name = nameOf(attrs, "tg.weight_name",
                                "weight_" + std::to_string(mi.weights.size()));
      if (!describe(f.getArgument(i).getType(), name, w, error))
        return std::nullopt;
      if (!withData) {
        mi.weights.push_back(std::move(w));
        continue;
      }
      w.data = bytesOf(attrs.get("tg.weight_value"));
      if (w.data.empty()) {
        error = "weight '" + name + "' has no value";
        return std::nullopt;
      }
      mi.weights.push_back(std::move(w));
      f.removeArgAttr(i, "tg.weight_value");
      continue;
    }
    if (!mi.weights.empty()) {
      error = "an input follows the weights";
      return std::nullopt;
    }
    TensorInfo info;
    if (!describe(f.getArgument(i).getType(),
                  nameOf(attrs, "tg.name", "input_" + std::to_string(i)), info,
                  error))
      return std::nullopt;
    info.dimNames = dimNamesOf(attrs, info);
    if (auto max = f.getArgAttrOfType<DenseI64ArrayAttr>(i, "tg.dim_max"))
      if (max.size() == (int64_t)info.shape.size()) {
        for (auto [m, d] : llvm::zip(max.asArrayRef(), info.shape))
          info.dimMax.push_back(d < 0 ? m : -1);
        if (llvm::all_of(info.dimMax, [](int64_t m) { return m < 0; }))
          info.dimMax.clear();
      }
    mi.inputs.push_back(info);
  }
  shareBoundsByName(mi.inputs);
  for (unsigned i = 0; i < f.getNumResults(); ++i) {
    TensorInfo info;
    if (!describe(f.getResultTypes()[i],
                  nameOf(f.getResultAttrDict(i), "tg.name",
                         "output_" + std::to_string(i)),
                  info, error))
      return std::nullopt;
    info.dimNames = dimNamesOf(f.getResultAttrDict(i), info);
    mi.outputs.push_back(info);
  }
  return mi;
}
