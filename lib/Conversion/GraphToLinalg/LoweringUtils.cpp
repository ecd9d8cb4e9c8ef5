//===- LoweringUtils.cpp - helpers shared by the tg lowerings -------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"

using namespace mlir;
using namespace mlir::tangram;

TGTypeConverter::TGTypeConverter() {
  addConversion([](Type t) { return t; });
  addConversion([](IntegerType t) -> Type {
    if (t.isUnsigned())
      return IntegerType::get(t.getContext(), t.getWidth());
    return t;
  });
  addConversion([this](RankedTensorType t) -> Type {
    return t.clone(convertType(t.getElementType()));
  });
  // Values crossing between converted and unconverted types (only while the
  // conversion runs) are bridged with casts that are gone at the end.
  auto materialize = [](OpBuilder &b, Type type, ValueRange inputs,
                        Location loc) -> Value {
    return UnrealizedConversionCastOp::create(b, loc, type, inputs).getResult(0);
  };
  addSourceMaterialization(materialize);
  addTargetMaterialization(materialize);
}

bool mlir::tangram::isUnsignedElem(Type t) {
  return getElementTypeOrSelf(t).isUnsignedInteger();
}

Value mlir::tangram::emptyTensor(OpBuilder &b, Location loc,
                                 RankedTensorType type, ValueRange dynSizes) {
  return tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType(),
                                 dynSizes);
}

AffineMap mlir::tangram::broadcastMap(RankedTensorType operand,
                                      RankedTensorType result) {
  MLIRContext *ctx = result.getContext();
  int64_t offset = result.getRank() - operand.getRank();
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < operand.getRank(); ++i) {
    int64_t rd = result.getDimSize(i + offset);
    if (operand.getDimSize(i) == 1 && rd != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(i + offset, ctx));
  }
  return AffineMap::get(result.getRank(), 0, exprs, ctx);
}

FailureOr<SmallVector<Value>>
mlir::tangram::broadcastDynSizes(OpBuilder &b, Location loc,
                                 RankedTensorType result, ValueRange operands) {
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < result.getRank(); ++d) {
    if (!result.isDynamicDim(d))
      continue;
    Value found;
    for (Value v : operands) {
      auto t = cast<RankedTensorType>(v.getType());
      int64_t od = d - (result.getRank() - t.getRank());
      if (od < 0 || t.getDimSize(od) == 1)
        continue;
      found = tensor::DimOp::create(b, loc, v, od);
      break;
    }
    if (!found)
      return failure();
    sizes.push_back(found);
  }
  return sizes;
}

FailureOr<Value> mlir::tangram::buildElementwise(OpBuilder &b, Location loc,
                                                 RankedTensorType result,
                                                 ValueRange operands,
                                                 ScalarFn body) {
  auto dyn = broadcastDynSizes(b, loc, result, operands);
  if (failed(dyn))
    return failure();
  // An operand dim known only at run time is read at the result's index
  // (broadcastMap): it must equal the result's size. A `?` that is 1 at run
  // time and would broadcast is reported, never read out of bounds.
  SmallVector<Value> resultSizes;
  for (int64_t d = 0, k = 0; d < result.getRank(); ++d)
    resultSizes.push_back(result.isDynamicDim(d)
                              ? (*dyn)[k++]
                              : indexConst(b, loc, result.getDimSize(d)));
  auto isDimOf = [](Value size, Value v, int64_t i) {
    auto d = size.getDefiningOp<tensor::DimOp>();
    return d && d.getSource() == v && getConstantIntValue(d.getIndex()) == i;
  };
  for (Value v : operands) {
    auto t = cast<RankedTensorType>(v.getType());
    int64_t off = result.getRank() - t.getRank();
    for (int64_t i = 0; i < t.getRank(); ++i)
      if (t.isDynamicDim(i) && !isDimOf(resultSizes[i + off], v, i))
        assertEqual(b, loc, dimOf(b, loc, v, i), resultSizes[i + off],
                    "Broadcast: operands' dims known only at run time "
                    "disagree (a run-time 1 does not broadcast)");
  }
  Value init = emptyTensor(b, loc, result, *dyn);
  SmallVector<AffineMap> maps;
  for (Value v : operands)
    maps.push_back(broadcastMap(cast<RankedTensorType>(v.getType()), result));
  maps.push_back(b.getMultiDimIdentityMap(result.getRank()));
  SmallVector<utils::IteratorType> iters(result.getRank(),
                                         utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{result}, operands, ValueRange{init}, maps, iters,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value v = body(nb, nloc, args.drop_back());
        linalg::YieldOp::create(nb, nloc, v);
      });
  return generic.getResult(0);
}

Value mlir::tangram::buildIndexed(OpBuilder &b, Location loc,
                                  RankedTensorType result, ValueRange dynSizes,
                                  IndexFn body) {
  Value init = emptyTensor(b, loc, result, dynSizes);
  SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(result.getRank())};
  SmallVector<utils::IteratorType> iters(result.getRank(),
                                         utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{result}, ValueRange{}, ValueRange{init}, maps, iters,
      [&](OpBuilder &nb, Location nloc, ValueRange) {
        SmallVector<Value> ivs;
        for (int64_t d = 0; d < result.getRank(); ++d)
          ivs.push_back(linalg::IndexOp::create(nb, nloc, d));
        linalg::YieldOp::create(nb, nloc, body(nb, nloc, ivs));
      });
  return generic.getResult(0);
}

Value mlir::tangram::scalarConst(OpBuilder &b, Location loc, Type t,
                                 double v) {
  if (auto ft = dyn_cast<FloatType>(t))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(ft, v));
  auto it = cast<IntegerType>(t);
  return arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(it, APInt(it.getWidth(), (int64_t)v, true)));
}

Value mlir::tangram::indexConst(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// The largest finite value of an 8-bit float type.
static double float8Max(FloatType t) {
  return APFloat::getLargest(t.getFloatSemantics()).convertToDouble();
}

Value mlir::tangram::castScalar(OpBuilder &b, Location loc, Value v, Type to,
                                bool fromUnsigned, bool toUnsigned,
                                bool saturate) {
  Type from = v.getType();
  if (from == to)
    return v;
  // 8-bit floats convert through f32; saturation clamps before rounding
  // (minimumf/maximumf keep NaN).
  auto f8 = [](Type t) { return isa<FloatType>(t) && t.getIntOrFloatBitWidth() == 8; };
  if (f8(from) && !to.isF32()) {
    Value w = castScalar(b, loc, v, b.getF32Type(), fromUnsigned, false);
    return castScalar(b, loc, w, to, false, toUnsigned, saturate);
  }
  if (f8(to)) {
    Value w = from.isF32() ? v
                           : castScalar(b, loc, v, b.getF32Type(), fromUnsigned,
                                        false);
    if (saturate) {
      double m = float8Max(cast<FloatType>(to));
      w = arith::MinimumFOp::create(b, loc, w,
                                    scalarConst(b, loc, w.getType(), m));
      w = arith::MaximumFOp::create(b, loc, w,
                                    scalarConst(b, loc, w.getType(), -m));
    }
    return arith::TruncFOp::create(b, loc, to, w);
  }
  if (to.isInteger(1)) {
    if (isa<FloatType>(from))
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, v,
                                   scalarConst(b, loc, from, 0));
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, v,
                                 scalarConst(b, loc, from, 0));
  }
  if (from.isInteger(1))
    fromUnsigned = true;
  auto fromF = dyn_cast<FloatType>(from);
  auto toF = dyn_cast<FloatType>(to);
  if (fromF && toF) {
    if (fromF.getWidth() == toF.getWidth()) // f16 <-> bf16 via f32
      v = arith::ExtFOp::create(b, loc, b.getF32Type(), v), fromF = b.getF32Type();
    if (fromF.getWidth() < toF.getWidth())
      return arith::ExtFOp::create(b, loc, to, v);
    return arith::TruncFOp::create(b, loc, to, v);
  }
  if (fromF)
    return toUnsigned ? (Value)arith::FPToUIOp::create(b, loc, to, v)
                      : (Value)arith::FPToSIOp::create(b, loc, to, v);
  if (toF)
    return fromUnsigned ? (Value)arith::UIToFPOp::create(b, loc, to, v)
                        : (Value)arith::SIToFPOp::create(b, loc, to, v);
  unsigned fw = from.getIntOrFloatBitWidth(), tw = to.getIntOrFloatBitWidth();
  if (fw < tw)
    return fromUnsigned ? (Value)arith::ExtUIOp::create(b, loc, to, v)
                        : (Value)arith::ExtSIOp::create(b, loc, to, v);
  return arith::TruncIOp::create(b, loc, to, v);
}

/// The groups of consecutive dims of `from` and of `to` with equal
/// products, in order: [197, 1, 384] and [197, 6, 64] are {0} = {0} and
/// {1, 2} = {1, 2}. False when some prefix products never meet (or a dim
/// is 0, or a shape is a scalar's).
static bool commonGroups(ArrayRef<int64_t> from, ArrayRef<int64_t> to,
                         SmallVectorImpl<ReassociationIndices> &fromGroups,
                         SmallVectorImpl<ReassociationIndices> &toGroups) {
  if (from.empty() || to.empty() || llvm::is_contained(from, 0) ||
      llvm::is_contained(to, 0))
    return false;
  size_t i = 0, j = 0;
  while (i < from.size() && j < to.size()) {
    ReassociationIndices f{static_cast<int64_t>(i)}, t{static_cast<int64_t>(j)};
    int64_t pf = from[i++], pt = to[j++];
    while (pf != pt) {
      if (pf < pt && i < from.size()) {
        f.push_back(i);
        pf *= from[i++];
      } else if (pt < pf && j < to.size()) {
        t.push_back(j);
        pt *= to[j++];
      } else {
        return false;
      }
    }
    fromGroups.push_back(f);
    toGroups.push_back(t);
  }
  // Trailing unit dims join the last group.
  for (; i < from.size(); ++i) {
    if (from[i] != 1)
      return false;
    fromGroups.back().push_back(i);
  }
  for (; j < to.size(); ++j) {
    if (to[j] != 1)
      return false;
    toGroups.back().push_back(j);
  }
  return true;
}

/// A static reshape is a view of its input where it only merges and splits
/// groups of consecutive dims (almost always: a transformer's
/// [S, 1, 384] -> [S, 6, 64] heads): a collapse of `from`'s groups, then an
/// expansion into `to`'s. Views stay views through bufferization, also of a
/// strided input (a slice of a fused QKV projection), where a
/// `tensor.reshape` needs a contiguous copy.
Value mlir::tangram::reshapeStatic(OpBuilder &b, Location loc, Value v,
                                   RankedTensorType to) {
  if (v.getType() == to)
    return v;
  auto from = cast<RankedTensorType>(v.getType());
  SmallVector<ReassociationIndices> fromGroups, toGroups;
  if (commonGroups(from.getShape(), to.getShape(), fromGroups, toGroups)) {
    SmallVector<int64_t> mid;
    for (const ReassociationIndices &g : fromGroups) {
      int64_t p = 1;
      for (int64_t d : g)
        p *= from.getDimSize(d);
      mid.push_back(p);
    }
    Value x = v;
    auto midType = RankedTensorType::get(mid, from.getElementType());
    if (midType != from)
      x = tensor::CollapseShapeOp::create(b, loc, midType, x, fromGroups);
    if (midType != to)
      x = tensor::ExpandShapeOp::create(b, loc, to, x, toGroups);
    return x;
  }
  auto shapeType = RankedTensorType::get({to.getRank()}, b.getI64Type());
  Value shape = arith::ConstantOp::create(
      b, loc, DenseIntElementsAttr::get(shapeType, to.getShape()));
  return tensor::ReshapeOp::create(b, loc, to, v, shape);
}

Value mlir::tangram::dimOf(OpBuilder &b, Location loc, Value v, int64_t i) {
  auto t = cast<RankedTensorType>(v.getType());
  if (!t.isDynamicDim(i))
    return indexConst(b, loc, t.getDimSize(i));
  return tensor::DimOp::create(b, loc, v, i);
}

OpFoldResult mlir::tangram::addOfr(OpBuilder &b, Location loc, OpFoldResult x,
                                   OpFoldResult y) {
  auto cx = getConstantIntValue(x), cy = getConstantIntValue(y);
  if (cx && cy)
    return b.getIndexAttr(*cx + *cy);
  return arith::AddIOp::create(b, loc, getValueOrCreateConstantIndexOp(b, loc, x),
                               getValueOrCreateConstantIndexOp(b, loc, y))
      .getResult();
}

Value mlir::tangram::emptyLike(OpBuilder &b, Location loc, Value v,
                               Type elem) {
  auto t = cast<RankedTensorType>(v.getType());
  if (elem)
    t = t.clone(elem);
  return emptyTensor(b, loc, t,
                     dynSizesOf(t, [&](int64_t d) { return dimOf(b, loc, v, d); }));
}

SmallVector<Value> mlir::tangram::dynSizesOf(RankedTensorType t,
                                             function_ref<Value(int64_t)> size) {
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < t.getRank(); ++d)
    if (t.isDynamicDim(d))
      sizes.push_back(size(d));
  return sizes;
}

void mlir::tangram::assertEqual(OpBuilder &b, Location loc, Value x, Value y,
                                StringRef message) {
  if (getConstantIntValue(x) && getConstantIntValue(y) &&
      *getConstantIntValue(x) == *getConstantIntValue(y))
    return;
  cf::AssertOp::create(
      b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, y),
      message);
}

FailureOr<Value> mlir::tangram::reshapeView(OpBuilder &b, Location loc,
                                            Value v, RankedTensorType to) {
  auto from = cast<RankedTensorType>(v.getType());
  // One type is the identity only with at most one run-time dim: with two,
  // [S, ?, ?] can be [S, B, 384] reshaped to [S, B * 6, 64] (a ViT's heads
  // with a run-time batch).
  if (from == to) {
    if (llvm::count_if(from.getShape(), ShapedType::isDynamic) > 1)
      return failure();
    return v;
  }
  if (to.getRank() < from.getRank())
    if (auto re = getReassociationIndicesForCollapse(from.getShape(),
                                                     to.getShape()))
      if (tensor::CollapseShapeOp::inferCollapsedType(from, *re) == to)
        return tensor::CollapseShapeOp::create(b, loc, to, v, *re).getResult();
  if (to.getRank() > from.getRank())
    if (auto re = getReassociationIndicesForCollapse(to.getShape(),
                                                     from.getShape())) {
      // Each group's one dynamic dim (at most) takes what the others leave.
      for (const ReassociationIndices &group : *re)
        if (llvm::count_if(group, [&](int64_t i) {
              return to.isDynamicDim(i);
            }) > 1)
          return failure();
      if (tensor::CollapseShapeOp::inferCollapsedType(to, *re) != from)
        return failure();
      SmallVector<OpFoldResult> in = tensor::getMixedSizes(b, loc, v);
      auto shape = tensor::ExpandShapeOp::inferOutputShape(b, loc, to, *re, in);
      if (succeeded(shape))
        return tensor::ExpandShapeOp::create(b, loc, to, v, *re, *shape)
            .getResult();
    }
  return failure();
}

FailureOr<Value> mlir::tangram::reshapeTo(OpBuilder &b, Location loc, Value v,
                                          RankedTensorType to) {
  auto from = cast<RankedTensorType>(v.getType());
  if (from == to)
    return v;
  if (from.hasStaticShape() && to.hasStaticShape())
    return reshapeStatic(b, loc, v, to);
  if (FailureOr<Value> view = reshapeView(b, loc, v, to); succeeded(view))
    return view;
  // A general reshape: at most one dim is left to the element count.
  if (llvm::count_if(to.getShape(), ShapedType::isDynamic) > 1)
    return failure();
  Value numel = indexConst(b, loc, 1), known = indexConst(b, loc, 1);
  for (int64_t i = 0; i < from.getRank(); ++i)
    numel = arith::MulIOp::create(b, loc, numel, dimOf(b, loc, v, i));
  for (int64_t d : to.getShape())
    if (!ShapedType::isDynamic(d))
      known = arith::MulIOp::create(b, loc, known, indexConst(b, loc, d));
  // With no dynamic dim the count must equal the static product exactly;
  // with one, the product must divide it.
  Value rest = to.hasStaticShape()
                   ? indexConst(b, loc, 1)
                   : (Value)arith::DivUIOp::create(
                         b, loc, numel,
                         arith::MaxUIOp::create(b, loc, known,
                                                indexConst(b, loc, 1)));
  assertEqual(b, loc, arith::MulIOp::create(b, loc, rest, known), numel,
              "Reshape: the input's element count does not fit the shape");
  SmallVector<Value> dims;
  for (int64_t d : to.getShape())
    dims.push_back(arith::IndexCastOp::create(
        b, loc, b.getI64Type(),
        ShapedType::isDynamic(d) ? rest : indexConst(b, loc, d)));
  Value shape = tensor::FromElementsOp::create(
      b, loc, RankedTensorType::get({to.getRank()}, b.getI64Type()), dims);
  return tensor::ReshapeOp::create(b, loc, to, v, shape).getResult();
}

Value mlir::tangram::windowOutSize(OpBuilder &b, Location loc, Value in,
                                   int64_t k, int64_t stride, int64_t dil,
                                   int64_t padSum, bool ceilMode,
                                   StringRef what) {
  auto c = [&](int64_t v) { return indexConst(b, loc, v); };
  auto add = [&](Value x, Value y) {
    return (Value)arith::AddIOp::create(b, loc, x, y);
  };
  Value num = arith::SubIOp::create(b, loc, add(in, c(padSum)),
                                    c(dil * (k - 1) + 1));
  Value ok = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, num, c(0));
  cf::AssertOp::create(b, loc, ok,
                       (what + ": the input is smaller than the window").str());
  num = arith::SelectOp::create(b, loc, ok, num, c(0));
  if (ceilMode)
    num = add(num, c(stride - 1));
  Value out = add(arith::DivUIOp::create(b, loc, num, c(stride)), c(1));
  if (!ceilMode)
    return out;
  // ONNX/PyTorch: the last window must start inside the input or left pad.
  Value start = arith::MulIOp::create(b, loc, arith::SubIOp::create(b, loc, out, c(1)),
                                      c(stride));
  Value drop = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, start,
                                     add(in, c(padSum / 2 + padSum % 2)));
  return arith::SelectOp::create(b, loc, drop,
                                 arith::SubIOp::create(b, loc, out, c(1)), out);
}

Value mlir::tangram::padSpatial(OpBuilder &b, Location loc, Value v,
                                ArrayRef<int64_t> low, ArrayRef<int64_t> high,
                                Value padValue) {
  SmallVector<OpFoldResult> lo, hi;
  for (auto [l, h] : llvm::zip(low, high)) {
    lo.push_back(b.getIndexAttr(l));
    hi.push_back(b.getIndexAttr(h));
  }
  return padSpatial(b, loc, v, lo, hi, padValue);
}

Value mlir::tangram::padSpatial(OpBuilder &b, Location loc, Value v,
                                ArrayRef<OpFoldResult> low,
                                ArrayRef<OpFoldResult> high, Value padValue) {
  auto isZero = [](OpFoldResult r) { return isConstantIntValue(r, 0); };
  if (llvm::all_of(low, isZero) && llvm::all_of(high, isZero))
    return v;
  auto t = cast<RankedTensorType>(v.getType());
  SmallVector<OpFoldResult> lo(2, b.getIndexAttr(0)), hi(2, b.getIndexAttr(0));
  SmallVector<int64_t> shape(t.getShape().take_front(2));
  for (size_t i = 0; i < low.size(); ++i) {
    lo.push_back(low[i]);
    hi.push_back(high[i]);
    auto l = getConstantIntValue(low[i]), h = getConstantIntValue(high[i]);
    int64_t in = t.getDimSize(i + 2);
    shape.push_back(l && h && !ShapedType::isDynamic(in) ? in + *l + *h
                                                         : ShapedType::kDynamic);
  }
  auto pt = RankedTensorType::get(shape, t.getElementType());
  return tensor::PadOp::create(b, loc, pt, v, lo, hi, padValue);
}

LogicalResult mlir::tangram::requireStatic(ConversionPatternRewriter &rw,
                                           Operation *op, RankedTensorType t) {
  if (t.hasStaticShape())
    return success();
  return op->emitError("lowering needs a static shape, got ") << t;
}

Value mlir::tangram::readIndex(OpBuilder &b, Location loc, Value t,
                               ValueRange at) {
  Value v = tensor::ExtractOp::create(b, loc, t, at);
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
}

Value mlir::tangram::wrapNegative(OpBuilder &b, Location loc, Value i,
                                  int64_t n) {
  return wrapNegative(b, loc, i, indexConst(b, loc, n));
}

Value mlir::tangram::wrapNegative(OpBuilder &b, Location loc, Value i,
                                  Value n) {
  Value neg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, i,
                                    indexConst(b, loc, 0));
  return arith::SelectOp::create(b, loc, neg,
                                 arith::AddIOp::create(b, loc, i, n), i);
}

Value mlir::tangram::checkedIndex(OpBuilder &b, Location loc, Value i,
                                  int64_t n, StringRef what) {
  return checkedIndex(b, loc, i, indexConst(b, loc, n), what);
}

Value mlir::tangram::checkedIndex(OpBuilder &b, Location loc, Value i, Value n,
                                  StringRef what) {
  i = wrapNegative(b, loc, i, n);
  Value ok = arith::AndIOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, i,
                            indexConst(b, loc, 0)),
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, i, n));
  cf::AssertOp::create(b, loc, ok, (what + ": an index is out of range").str());
  return arith::SelectOp::create(b, loc, ok, i, indexConst(b, loc, 0));
}

std::pair<Value, Value> mlir::tangram::wrapAxis(OpBuilder &b, Location loc,
                                                Value axis, int64_t rank) {
  Type i64 = b.getI64Type();
  auto c = [&](int64_t v) { return scalarConst(b, loc, i64, (double)v); };
  Value neg =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, axis, c(0));
  Value a = arith::SelectOp::create(
      b, loc, neg, arith::AddIOp::create(b, loc, axis, c(rank)), axis);
  Value ok = arith::AndIOp::create(
      b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, a, c(0)),
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, a, c(rank)));
  return {a, ok};
}

SmallVector<Value, 4> mlir::tangram::cubicWeights(OpBuilder &b, Location l,
                                                  Value t, double a) {
  Type ft = t.getType();
  auto fc = [&](double v) { return scalarConst(b, l, ft, v); };
  auto add = [&](Value x, Value y) { return (Value)arith::AddFOp::create(b, l, x, y); };
  auto sub = [&](Value x, Value y) { return (Value)arith::SubFOp::create(b, l, x, y); };
  auto mul = [&](Value x, Value y) { return (Value)arith::MulFOp::create(b, l, x, y); };
  auto outer = [&](Value u) { // |u| in [1, 2]
    return sub(add(mul(sub(mul(fc(a), u), fc(5 * a)), mul(u, u)),
                   mul(fc(8 * a), u)),
               fc(4 * a));
  };
  auto inner = [&](Value u) { // |u| in [0, 1]
    return add(mul(sub(mul(fc(a + 2), u), fc(a + 3)), mul(u, u)), fc(1));
  };
  return {outer(add(t, fc(1))), inner(t), inner(sub(fc(1), t)),
          outer(sub(fc(2), t))};
}
