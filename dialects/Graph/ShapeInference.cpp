//===- ShapeInference.cpp - shared shape rules of tg ops ------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Helpers shared by the `inferReturnTypes` of many ops. Dynamic dims are
// `ShapedType::kDynamic` throughout and propagate as `?`.
//
//===----------------------------------------------------------------------===//
#include "Graph/GraphOps.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::tangram::tg;

bool mlir::tangram::tg::areCompatibleReturnTypes(TypeRange lhs,
                                                 TypeRange rhs) {
  if (lhs.size() != rhs.size())
    return false;
  for (auto [l, r] : llvm::zip(lhs, rhs)) {
    auto lt = dyn_cast<RankedTensorType>(l);
    auto rt = dyn_cast<RankedTensorType>(r);
    if (!lt || !rt)
      return l == r;
    if (lt.getElementType() != rt.getElementType() ||
        lt.getRank() != rt.getRank())
      return false;
    for (auto [a, b] : llvm::zip(lt.getShape(), rt.getShape()))
      if (a != b && !ShapedType::isDynamic(a) && !ShapedType::isDynamic(b))
        return false;
  }
  return true;
}

LogicalResult mlir::tangram::tg::broadcastShapes(ArrayRef<int64_t> a,
                                                 ArrayRef<int64_t> b,
                                                 SmallVectorImpl<int64_t> &out) {
  size_t rank = std::max(a.size(), b.size());
  out.assign(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da == 1)
      out[i] = db;
    else if (db == 1)
      out[i] = da;
    else if (ShapedType::isDynamic(da))
      out[i] = db;
    else if (ShapedType::isDynamic(db) || da == db)
      out[i] = da;
    else
      return failure();
  }
  return success();
}

LogicalResult mlir::tangram::tg::inferBroadcastBinary(
    MLIRContext *ctx, std::optional<Location> loc, Value lhs, Value rhs,
    bool resultIsBool, SmallVectorImpl<Type> &types) {
  auto lt = cast<RankedTensorType>(lhs.getType());
  auto rt = cast<RankedTensorType>(rhs.getType());
  if (lt.getElementType() != rt.getElementType())
    return emitOptionalError(loc, "operands have different element types: ",
                             lt.getElementType(), " and ",
                             rt.getElementType());
  SmallVector<int64_t> shape;
  if (failed(broadcastShapes(lt.getShape(), rt.getShape(), shape)))
    return emitOptionalError(loc, "operand shapes ", lt, " and ", rt,
                             " do not broadcast");
  Type elem = resultIsBool ? IntegerType::get(ctx, 1) : lt.getElementType();
  types.push_back(RankedTensorType::get(shape, elem));
  return success();
}

LogicalResult mlir::tangram::tg::inferReduce(std::optional<Location> loc,
                                             Value input,
                                             ArrayRef<int64_t> axes,
                                             bool keepdims,
                                             SmallVectorImpl<Type> &types) {
  auto t = cast<RankedTensorType>(input.getType());
  int64_t prev = -1;
  for (int64_t a : axes) {
    if (a < 0 || a >= t.getRank() || a <= prev)
      return emitOptionalError(loc, "axes must be sorted, unique and in [0, ",
                               t.getRank(), ")");
    prev = a;
  }
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < t.getRank(); ++i) {
    if (!llvm::is_contained(axes, i))
      shape.push_back(t.getDimSize(i));
    else if (keepdims)
      shape.push_back(1);
  }
  types.push_back(t.clone(shape));
  return success();
}

LogicalResult mlir::tangram::tg::inferDynamicReduce(
    std::optional<Location> loc, Value input, Value dynamicAxes,
    ArrayRef<int64_t> axes, bool keepdims, SmallVectorImpl<Type> &types) {
  auto t = cast<RankedTensorType>(input.getType());
  auto at = cast<RankedTensorType>(dynamicAxes.getType());
  if (!axes.empty())
    return emitOptionalError(loc, "axes are given both as an attribute and "
                                  "as an operand");
  if (at.getRank() != 1 || at.isDynamicDim(0))
    return emitOptionalError(loc, "run-time axes must be a 1-D tensor of "
                                  "static length");
  int64_t k = at.getDimSize(0);
  if (k < 1 || k > t.getRank())
    return emitOptionalError(loc, "run-time axes must have 1 to ",
                             t.getRank(), " elements, got ", k);
  SmallVector<int64_t> shape;
  if (keepdims) {
    for (int64_t d : t.getShape())
      shape.push_back(d == 1 ? 1 : ShapedType::kDynamic);
  } else {
    shape.assign(t.getRank() - k, ShapedType::kDynamic);
  }
  types.push_back(t.clone(shape));
  return success();
}

bool mlir::tangram::tg::getConstantInts(Value v,
                                        SmallVectorImpl<int64_t> &values) {
  DenseIntElementsAttr attr;
  if (!v || !matchPattern(v, m_Constant(&attr)))
    return false;
  values.clear();
  bool isUnsigned = attr.getElementType().isUnsignedInteger();
  for (const APInt &x : attr.getValues<APInt>())
    values.push_back(isUnsigned ? (int64_t)x.getZExtValue() : x.getSExtValue());
  return true;
}

bool mlir::tangram::tg::getPartialInts(Value v,
                                       SmallVectorImpl<int64_t> &values) {
  auto t = v ? dyn_cast<RankedTensorType>(v.getType()) : RankedTensorType();
  if (!t || t.getRank() > 1 || !t.hasStaticShape() ||
      !isa<IntegerType>(t.getElementType()))
    return false;
  int64_t n = t.getNumElements();
  if (getConstantInts(v, values))
    return true;
  values.assign(n, ShapedType::kDynamic);
  Operation *def = v.getDefiningOp();
  if (!def)
    return true;
  if (auto concat = dyn_cast<ConcatOp>(def)) {
    if (t.getRank() != 1)
      return true;
    SmallVector<int64_t> all;
    for (Value in : concat.getInputs()) {
      SmallVector<int64_t> part;
      if (!getPartialInts(in, part))
        return true;
      llvm::append_range(all, part);
    }
    if ((int64_t)all.size() == n)
      values.assign(all.begin(), all.end());
    return true;
  }
  if (auto shape = dyn_cast<ShapeOp>(def)) {
    auto x = dyn_cast<RankedTensorType>(shape.getInput().getType());
    if (!x)
      return true;
    int64_t r = x.getRank(), s = shape.getStart(), e = shape.getEnd();
    s = std::clamp<int64_t>(s < 0 ? s + r : s, 0, r);
    e = std::clamp<int64_t>(e < 0 ? e + r : e, 0, r);
    if (e - s == n)
      for (int64_t i = 0; i < n; ++i)
        values[i] = x.getDimSize(s + i);
    return true;
  }
  if (auto gather = dyn_cast<GatherOp>(def)) { // shape[i] picks
    SmallVector<int64_t> data, idx;
    if (getPartialInts(gather.getData(), data) &&
        getConstantInts(gather.getIndices(), idx) && (int64_t)idx.size() == n)
      for (int64_t i = 0; i < n; ++i) {
        int64_t k = idx[i] < 0 ? idx[i] + (int64_t)data.size() : idx[i];
        if (k >= 0 && k < (int64_t)data.size())
          values[i] = data[k];
      }
    return true;
  }
  // Element-preserving ops of one known operand.
  if (isa<CastOp, UnsqueezeOp, ReshapeOp, SqueezeOp>(def)) {
    SmallVector<int64_t> in;
    if (getPartialInts(def->getOperand(0), in) && (int64_t)in.size() == n)
      values.assign(in.begin(), in.end());
  }
  return true;
}

bool mlir::tangram::tg::getConstantFloats(Value v,
                                          SmallVectorImpl<double> &values) {
  DenseFPElementsAttr attr;
  if (!v || !matchPattern(v, m_Constant(&attr)))
    return false;
  values.clear();
  for (const APFloat &x : attr.getValues<APFloat>())
    values.push_back(x.convertToDouble());
  return true;
}

/// Output size of one spatial dim of a conv or pool window.
int64_t mlir::tangram::tg::windowOut(int64_t in, int64_t k, int64_t stride,
                                     int64_t dil, int64_t padSum,
                                     bool ceilMode) {
  if (ShapedType::isDynamic(in) || ShapedType::isDynamic(k))
    return ShapedType::kDynamic;
  int64_t span = dil * (k - 1) + 1;
  int64_t num = in + padSum - span;
  if (num < 0)
    return -1;
  int64_t out = (ceilMode ? (num + stride - 1) / stride : num / stride) + 1;
  // ONNX/PyTorch rule: with ceil_mode the last window must start inside the
  // input or left padding.
  if (ceilMode && (out - 1) * stride >= in + padSum / 2 + (padSum % 2))
    --out;
  return out;
}

/// Checks `strides`, `pads`, `dilations` (and `kernel` when given) against
/// `spatial` dims.
LogicalResult mlir::tangram::tg::checkWindowAttrs(std::optional<Location> loc,
                                                  int64_t spatial,
                                                  ArrayRef<int64_t> strides,
                                                  ArrayRef<int64_t> pads,
                                                  ArrayRef<int64_t> dilations) {
  if ((int64_t)strides.size() != spatial ||
      (int64_t)dilations.size() != spatial ||
      (int64_t)pads.size() != 2 * spatial)
    return emitOptionalError(loc, "expected ", spatial,
                             " strides and dilations and ", 2 * spatial,
                             " pads");
  for (int64_t s : strides)
    if (s <= 0)
      return emitOptionalError(loc, "strides must be positive");
  for (int64_t d : dilations)
    if (d <= 0)
      return emitOptionalError(loc, "dilations must be positive");
  for (int64_t p : pads)
    if (p < 0)
      return emitOptionalError(loc, "pads must be non-negative");
  return success();
}

FailureOr<Type> mlir::tangram::tg::joinTypes(Type a, Type b,
                                             bool allowUnranked) {
  if (a == b)
    return a;
  if (auto sa = dyn_cast<SequenceType>(a)) {
    auto sb = dyn_cast<SequenceType>(b);
    if (!sb)
      return failure();
    auto e = joinTypes(sa.getElementType(), sb.getElementType(), true);
    if (failed(e))
      return failure();
    return Type(SequenceType::get(a.getContext(), cast<TensorType>(*e)));
  }
  auto ta = dyn_cast<TensorType>(a), tb = dyn_cast<TensorType>(b);
  if (!ta || !tb || ta.getElementType() != tb.getElementType())
    return failure();
  if (!ta.hasRank() || !tb.hasRank() || ta.getRank() != tb.getRank()) {
    if (!allowUnranked)
      return failure();
    return Type(UnrankedTensorType::get(ta.getElementType()));
  }
  SmallVector<int64_t> shape;
  for (auto [x, y] : llvm::zip(ta.getShape(), tb.getShape()))
    shape.push_back(x == y ? x : ShapedType::kDynamic);
  return Type(RankedTensorType::get(shape, ta.getElementType()));
}
