//===- ReductionLowering.cpp - reductions, softmax, norms to linalg -------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Everything that reduces along dims: reduce_*, arg ops, softmax family,
// normalizations, lrn and cumsum. They share one building block,
// `reduceDims`, and read the reduced statistics back through maps that drop
// the reduced dims (so the consumers are plain broadcasts that fuse).
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "llvm/ADT/TypeSwitch.h"
#include <cmath>

using namespace mlir;
using namespace mlir::tangram;

namespace {

using CombineFn =
    function_ref<Value(OpBuilder &b, Location loc, Value x, Value acc)>;

/// The map from full-rank loops to a tensor with `axes` removed.
AffineMap dropDimsMap(MLIRContext *ctx, int64_t rank, ArrayRef<int64_t> axes) {
  SmallVector<AffineExpr> e;
  for (int64_t i = 0; i < rank; ++i)
    if (!llvm::is_contained(axes, i))
      e.push_back(getAffineDimExpr(i, ctx));
  return AffineMap::get(rank, 0, e, ctx);
}

/// Reduces `input` over `axes`: the result drops them (the kept dims may
/// be dynamic).
Value reduceDims(OpBuilder &b, Location loc, Value input,
                 ArrayRef<int64_t> axes, double initV, CombineFn combine) {
  auto it = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape;
  SmallVector<Value> dyn;
  for (int64_t i = 0; i < it.getRank(); ++i)
    if (!llvm::is_contained(axes, i)) {
      shape.push_back(it.getDimSize(i));
      if (it.isDynamicDim(i))
        dyn.push_back(dimOf(b, loc, input, i));
    }
  auto rt = RankedTensorType::get(shape, it.getElementType());
  Value init = linalg::FillOp::create(
                   b, loc, scalarConst(b, loc, it.getElementType(), initV),
                   emptyTensor(b, loc, rt, dyn))
                   .getResult(0);
  SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(it.getRank()),
                              dropDimsMap(b.getContext(), it.getRank(), axes)};
  SmallVector<utils::IteratorType> iters;
  for (int64_t i = 0; i < it.getRank(); ++i)
    iters.push_back(llvm::is_contained(axes, i) ? utils::IteratorType::reduction
                                                : utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{rt}, ValueRange{input}, ValueRange{init}, maps,
             iters,
             [&](OpBuilder &nb, Location l, ValueRange a) {
               linalg::YieldOp::create(nb, l, combine(nb, l, a[0], a[1]));
             })
      .getResult(0);
}

/// An elementwise generic over the shape of `full` reading `full` directly
/// and each of `reduced` (tensors with `axes` dropped) broadcast back.
Value mapWithStats(OpBuilder &b, Location loc, Value full,
                   ArrayRef<Value> reduced, ArrayRef<int64_t> axes,
                   ArrayRef<Value> extra, ArrayRef<AffineMap> extraMaps,
                   ScalarFn body, Type resultElem = {}) {
  auto t = cast<RankedTensorType>(full.getType());
  auto rt = resultElem ? t.clone(resultElem) : t;
  MLIRContext *ctx = b.getContext();
  SmallVector<Value> ins{full};
  SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(t.getRank())};
  for (Value r : reduced) {
    ins.push_back(r);
    maps.push_back(dropDimsMap(ctx, t.getRank(), axes));
  }
  llvm::append_range(ins, extra);
  llvm::append_range(maps, extraMaps);
  maps.push_back(b.getMultiDimIdentityMap(t.getRank()));
  SmallVector<utils::IteratorType> iters(t.getRank(),
                                         utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{rt}, ins,
             ValueRange{emptyLike(b, loc, full, rt.getElementType())},
             maps, iters,
             [&](OpBuilder &nb, Location l, ValueRange a) {
               linalg::YieldOp::create(nb, l, body(nb, l, a.drop_back()));
             })
      .getResult(0);
}

bool isF(Value v) { return isa<FloatType>(v.getType()); }
Value addS(OpBuilder &b, Location l, Value x, Value y) {
  return isF(x) ? (Value)arith::AddFOp::create(b, l, x, y)
                : (Value)arith::AddIOp::create(b, l, x, y);
}
Value mulS(OpBuilder &b, Location l, Value x, Value y) {
  return isF(x) ? (Value)arith::MulFOp::create(b, l, x, y)
                : (Value)arith::MulIOp::create(b, l, x, y);
}
Value divS(OpBuilder &b, Location l, Value x, Value y, bool isUnsigned) {
  if (isF(x))
    return arith::DivFOp::create(b, l, x, y);
  return isUnsigned ? (Value)arith::DivUIOp::create(b, l, x, y)
                    : (Value)arith::DivSIOp::create(b, l, x, y);
}
/// The number of elements `x` has over `axes`, as a scalar of type `t`
/// (computed at run time when a dim is dynamic).
Value elementCount(OpBuilder &b, Location l, Value x, ArrayRef<int64_t> axes,
                   Type t) {
  auto xt = cast<RankedTensorType>(x.getType());
  if (llvm::none_of(axes, [&](int64_t a) { return xt.isDynamicDim(a); })) {
    double count = 1;
    for (int64_t a : axes)
      count *= xt.getDimSize(a);
    return scalarConst(b, l, t, count);
  }
  Value n = indexConst(b, l, 1);
  for (int64_t a : axes)
    n = arith::MulIOp::create(b, l, n, dimOf(b, l, x, a));
  Value i = arith::IndexCastOp::create(b, l, b.getI64Type(), n);
  return isa<FloatType>(t) ? (Value)arith::UIToFPOp::create(b, l, t, i)
                           : castScalar(b, l, i, t, false, false);
}

/// sqrt/log/exp on any element type (integers through f64).
template <typename OpT> Value fn(OpBuilder &b, Location l, Value x) {
  if (isF(x))
    return OpT::create(b, l, x);
  Value w = arith::SIToFPOp::create(b, l, b.getF64Type(), x);
  return arith::FPToSIOp::create(b, l, x.getType(), OpT::create(b, l, w));
}

double lowest(Type t, bool isUnsigned) {
  if (isa<FloatType>(t))
    return -INFINITY;
  return isUnsigned ? 0 : -std::ldexp(1.0, t.getIntOrFloatBitWidth() - 1);
}
double highest(Type t, bool isUnsigned) {
  if (isa<FloatType>(t))
    return INFINITY;
  unsigned w = t.getIntOrFloatBitWidth();
  // Largest value that is exact in a double and not above the type's max.
  return isUnsigned ? std::ldexp(1.0, std::min(w, 53u)) - 1
                    : std::ldexp(1.0, std::min(w - 1, 53u)) - 1;
}

template <typename OpT>
struct ReduceLowering : public OpConversionPattern<OpT> {
  using OpConversionPattern<OpT>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpT op, typename OpT::Adaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (op.getDynamicAxes()) // DynamicAxesLowering.cpp
      return failure();
    Location loc = op.getLoc();
    auto rt = cast<RankedTensorType>(
        this->getTypeConverter()->convertType(op.getType()));
    Value x = adaptor.getInput();
    auto it = cast<RankedTensorType>(x.getType());
    ArrayRef<int64_t> axes = op.getAxes();
    Type et = it.getElementType();
    // i1 orders as unsigned: max is `or`, min is `and`.
    bool u = isUnsignedElem(op.getType()) || et.isInteger(1);
    auto add = [](OpBuilder &b, Location l, Value v, Value acc) {
      return addS(b, l, acc, v);
    };
    Value r;
    if constexpr (std::is_same_v<OpT, tg::ReduceSumOp> ||
                  std::is_same_v<OpT, tg::ReduceMeanOp> ||
                  std::is_same_v<OpT, tg::ReduceLogSumOp>) {
      r = reduceDims(rw, loc, x, axes, 0, add);
    } else if constexpr (std::is_same_v<OpT, tg::ReduceMaxOp>) {
      r = reduceDims(rw, loc, x, axes, lowest(et, u),
                     [&](OpBuilder &b, Location l, Value v, Value acc) -> Value {
                       if (isF(v))
                         return arith::MaximumFOp::create(b, l, acc, v);
                       return u ? (Value)arith::MaxUIOp::create(b, l, acc, v)
                                : (Value)arith::MaxSIOp::create(b, l, acc, v);
                     });
    } else if constexpr (std::is_same_v<OpT, tg::ReduceMinOp>) {
      r = reduceDims(rw, loc, x, axes, highest(et, u),
                     [&](OpBuilder &b, Location l, Value v, Value acc) -> Value {
                       if (isF(v))
                         return arith::MinimumFOp::create(b, l, acc, v);
                       return u ? (Value)arith::MinUIOp::create(b, l, acc, v)
                                : (Value)arith::MinSIOp::create(b, l, acc, v);
                     });
    } else if constexpr (std::is_same_v<OpT, tg::ReduceProdOp>) {
      r = reduceDims(rw, loc, x, axes, 1,
                     [](OpBuilder &b, Location l, Value v, Value acc) {
                       return mulS(b, l, acc, v);
                     });
    } else if constexpr (std::is_same_v<OpT, tg::ReduceL1Op>) {
      r = reduceDims(rw, loc, x, axes, 0,
                     [&](OpBuilder &b, Location l, Value v, Value acc) {
                       Value a = isF(v) ? (Value)math::AbsFOp::create(b, l, v)
                                 : u    ? v
                                        : (Value)math::AbsIOp::create(b, l, v);
                       return addS(b, l, acc, a);
                     });
    } else if constexpr (std::is_same_v<OpT, tg::ReduceL2Op> ||
                         std::is_same_v<OpT, tg::ReduceSumSquareOp>) {
      r = reduceDims(rw, loc, x, axes, 0,
                     [](OpBuilder &b, Location l, Value v, Value acc) {
                       return addS(b, l, acc, mulS(b, l, v, v));
                     });
    } else if constexpr (std::is_same_v<OpT, tg::ReduceLogSumExpOp>) {
      // Stable: m + log(sum(exp(x - m))).
      Value m = reduceDims(rw, loc, x, axes, -INFINITY,
                           [](OpBuilder &b, Location l, Value v, Value acc) {
                             return (Value)arith::MaximumFOp::create(b, l, acc,
                                                                     v);
                           });
      // A row of -inf (or all-empty) keeps m finite for the subtraction.
      Value shifted = mapWithStats(
          rw, loc, x, {m}, axes, {}, {},
          [](OpBuilder &b, Location l, ValueRange a) -> Value {
            Value m = a[1];
            Value finite = arith::CmpFOp::create(
                b, l, arith::CmpFPredicate::ONE, math::AbsFOp::create(b, l, m),
                scalarConst(b, l, m.getType(), INFINITY));
            m = arith::SelectOp::create(b, l, finite, m,
                                        scalarConst(b, l, m.getType(), 0));
            return math::ExpOp::create(b, l, arith::SubFOp::create(b, l, a[0], m));
          });
      Value s = reduceDims(rw, loc, shifted, axes, 0, add);
      auto st = cast<RankedTensorType>(s.getType());
      r = *buildElementwise(
          rw, loc, st, ValueRange{s, m},
          [](OpBuilder &b, Location l, ValueRange a) -> Value {
            Value m = a[1];
            Value finite = arith::CmpFOp::create(
                b, l, arith::CmpFPredicate::ONE, math::AbsFOp::create(b, l, m),
                scalarConst(b, l, m.getType(), INFINITY));
            m = arith::SelectOp::create(b, l, finite, m,
                                        scalarConst(b, l, m.getType(), 0));
            return arith::AddFOp::create(b, l, math::LogOp::create(b, l, a[0]),
                                         m);
          });
    }
    auto reducedType = cast<RankedTensorType>(r.getType());
    if constexpr (std::is_same_v<OpT, tg::ReduceMeanOp> ||
                  std::is_same_v<OpT, tg::ReduceL2Op> ||
                  std::is_same_v<OpT, tg::ReduceLogSumOp>) {
      Value count;
      if constexpr (std::is_same_v<OpT, tg::ReduceMeanOp>)
        count = elementCount(rw, loc, x, axes, et);
      r = *buildElementwise(
          rw, loc, reducedType, ValueRange{r},
          [&](OpBuilder &b, Location l, ValueRange a) -> Value {
            if constexpr (std::is_same_v<OpT, tg::ReduceMeanOp>)
              return divS(b, l, a[0], count, u);
            else if constexpr (std::is_same_v<OpT, tg::ReduceL2Op>)
              return fn<math::SqrtOp>(b, l, a[0]);
            else
              return fn<math::LogOp>(b, l, a[0]);
          });
    }
    FailureOr<Value> shaped = reshapeTo(rw, loc, r, rt);
    if (failed(shaped))
      return op.emitError("lowering cannot reshape the reduction to ") << rt;
    rw.replaceOp(op, *shaped);
    return success();
  }
};

/// argmax/argmin: a two-output reduction carrying (best value, its index).
template <typename OpT>
struct ArgLowering : public OpConversionPattern<OpT> {
  using OpConversionPattern<OpT>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpT op, typename OpT::Adaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    auto rt = cast<RankedTensorType>(op.getType());
    Value x = adaptor.getInput();
    auto it = cast<RankedTensorType>(x.getType());
    int64_t axis = op.getAxis();
    Type et = it.getElementType();
    bool u = isUnsignedElem(op.getInput().getType());
    constexpr bool isMax = std::is_same_v<OpT, tg::ArgMaxOp>;
    // The kept dims, run-time ones read from the input.
    SmallVector<int64_t> shape;
    SmallVector<Value> dyn;
    for (int64_t i = 0; i < it.getRank(); ++i)
      if (i != axis) {
        shape.push_back(it.getDimSize(i));
        if (it.isDynamicDim(i))
          dyn.push_back(dimOf(rw, loc, x, i));
      }
    auto vt = RankedTensorType::get(shape, et);
    auto xt = RankedTensorType::get(shape, rw.getI64Type());
    Value vInit = linalg::FillOp::create(
                      rw, loc,
                      scalarConst(rw, loc, et,
                                  isMax ? lowest(et, u) : highest(et, u)),
                      emptyTensor(rw, loc, vt, dyn))
                      .getResult(0);
    Value iInit = linalg::FillOp::create(rw, loc,
                                         scalarConst(rw, loc, rw.getI64Type(), -1),
                                         emptyTensor(rw, loc, xt, dyn))
                      .getResult(0);
    AffineMap red = dropDimsMap(rw.getContext(), it.getRank(), {axis});
    SmallVector<AffineMap> maps{rw.getMultiDimIdentityMap(it.getRank()), red,
                                red};
    SmallVector<utils::IteratorType> iters(it.getRank(),
                                           utils::IteratorType::parallel);
    iters[axis] = utils::IteratorType::reduction;
    bool last = op.getSelectLastIndex();
    auto g = linalg::GenericOp::create(
        rw, loc, TypeRange{vt, xt}, ValueRange{x}, ValueRange{vInit, iInit},
        maps, iters, [&](OpBuilder &b, Location l, ValueRange a) {
          Value v = a[0], best = a[1], bestI = a[2];
          Value idx = arith::IndexCastOp::create(
              b, l, b.getI64Type(), linalg::IndexOp::create(b, l, axis));
          Value better;
          if (isF(v)) {
            auto p = isMax ? (last ? arith::CmpFPredicate::OGE
                                   : arith::CmpFPredicate::OGT)
                           : (last ? arith::CmpFPredicate::OLE
                                   : arith::CmpFPredicate::OLT);
            better = arith::CmpFOp::create(b, l, p, v, best);
          } else {
            using P = arith::CmpIPredicate;
            P p = isMax ? (last ? (u ? P::uge : P::sge) : (u ? P::ugt : P::sgt))
                        : (last ? (u ? P::ule : P::sle) : (u ? P::ult : P::slt));
            better = arith::CmpIOp::create(b, l, p, v, best);
          }
          // The first element always wins (covers all-NaN / extreme rows).
          Value first = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::slt, bestI,
              scalarConst(b, l, b.getI64Type(), 0));
          better = arith::OrIOp::create(b, l, better, first);
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::SelectOp::create(b, l, better, v, best),
                         arith::SelectOp::create(b, l, better, idx, bestI)});
        });
    // keepdims puts back the reduced dim as a 1.
    FailureOr<Value> out = failure();
    if (rt.hasStaticShape())
      out = reshapeStatic(rw, loc, g.getResult(1), rt);
    else
      out = reshapeTo(rw, loc, g.getResult(1), rt);
    if (failed(out))
      return op.emitError("cannot reshape the indices to ") << rt;
    rw.replaceOp(op, *out);
    return success();
  }
};

/// softmax, log_softmax and hardmax along one axis.
template <typename OpT>
struct SoftmaxLowering : public OpConversionPattern<OpT> {
  using OpConversionPattern<OpT>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpT op, typename OpT::Adaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto it = cast<RankedTensorType>(x.getType());
    int64_t axis = op.getAxis();
    if (axis < 0)
      axis += it.getRank();
    SmallVector<int64_t> axes{axis};
    auto maxFn = [](OpBuilder &b, Location l, Value v, Value acc) {
      return (Value)arith::MaximumFOp::create(b, l, acc, v);
    };
    Value m = reduceDims(rw, loc, x, axes, -INFINITY, maxFn);
    if constexpr (std::is_same_v<OpT, tg::HardmaxOp>) {
      // The first index holding the maximum gets 1.
      Value firstIdx = reduceDims(
          rw, loc,
          mapWithStats(rw, loc, x, {m}, axes, {}, {},
                       [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                         Value i = arith::IndexCastOp::create(
                             b, l, b.getI64Type(),
                             linalg::IndexOp::create(b, l, axis));
                         Value eq = arith::CmpFOp::create(
                             b, l, arith::CmpFPredicate::OEQ, a[0], a[1]);
                         Value big = scalarConst(b, l, b.getI64Type(), 1e18);
                         return arith::SelectOp::create(b, l, eq, i, big);
                       },
                       rw.getI64Type()),
          axes, 1e18, [](OpBuilder &b, Location l, Value v, Value acc) {
            return (Value)arith::MinSIOp::create(b, l, acc, v);
          });
      rw.replaceOp(op, mapWithStats(
                           rw, loc, x, {firstIdx}, axes, {}, {},
                           [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                             Value i = arith::IndexCastOp::create(
                                 b, l, b.getI64Type(),
                                 linalg::IndexOp::create(b, l, axis));
                             Value eq = arith::CmpIOp::create(
                                 b, l, arith::CmpIPredicate::eq, i, a[1]);
                             Type t = a[0].getType();
                             return arith::SelectOp::create(
                                 b, l, eq, scalarConst(b, l, t, 1),
                                 scalarConst(b, l, t, 0));
                           }));
      return success();
    }
    Value e = mapWithStats(rw, loc, x, {m}, axes, {}, {},
                           [](OpBuilder &b, Location l, ValueRange a) -> Value {
                             return math::ExpOp::create(
                                 b, l, arith::SubFOp::create(b, l, a[0], a[1]));
                           });
    Value s = reduceDims(rw, loc, e, axes, 0,
                         [](OpBuilder &b, Location l, Value v, Value acc) {
                           return (Value)arith::AddFOp::create(b, l, acc, v);
                         });
    Value y;
    if constexpr (std::is_same_v<OpT, tg::SoftmaxOp>)
      y = mapWithStats(rw, loc, e, {s}, axes, {}, {},
                       [](OpBuilder &b, Location l, ValueRange a) -> Value {
                         return arith::DivFOp::create(b, l, a[0], a[1]);
                       });
    else
      y = mapWithStats(rw, loc, x, {m, s}, axes, {}, {},
                       [](OpBuilder &b, Location l, ValueRange a) -> Value {
                         Value d = arith::SubFOp::create(b, l, a[0], a[1]);
                         return arith::SubFOp::create(
                             b, l, d, math::LogOp::create(b, l, a[2]));
                       });
    rw.replaceOp(op, y);
    return success();
  }
};

/// Mean and biased variance over `axes` of a float tensor.
std::pair<Value, Value> moments(OpBuilder &b, Location loc, Value x,
                                ArrayRef<int64_t> axes) {
  auto it = cast<RankedTensorType>(x.getType());
  Value count = elementCount(b, loc, x, axes, it.getElementType());
  auto add = [](OpBuilder &nb, Location l, Value v, Value acc) {
    return (Value)arith::AddFOp::create(nb, l, acc, v);
  };
  auto scale = [&](Value sum) {
    return *buildElementwise(
        b, loc, cast<RankedTensorType>(sum.getType()), ValueRange{sum},
        [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
          return arith::DivFOp::create(nb, l, a[0], count);
        });
  };
  Value mean = scale(reduceDims(b, loc, x, axes, 0, add));
  Value sq = mapWithStats(b, loc, x, {mean}, axes, {}, {},
                          [](OpBuilder &nb, Location l, ValueRange a) -> Value {
                            Value d = arith::SubFOp::create(nb, l, a[0], a[1]);
                            return arith::MulFOp::create(nb, l, d, d);
                          });
  Value var = scale(reduceDims(b, loc, sq, axes, 0, add));
  return {mean, var};
}

/// (x - mean) / sqrt(var + eps) [* scale + bias], the shared normalize body.
Value normalize(OpBuilder &b, Location l, Value x, Value mean, Value var,
                double eps) {
  Type t = x.getType();
  Value d = arith::SubFOp::create(b, l, x, mean);
  Value s = math::SqrtOp::create(
      b, l, arith::AddFOp::create(b, l, var, scalarConst(b, l, t, eps)));
  return arith::DivFOp::create(b, l, d, s);
}

/// normalize(x) * scale + bias.
Value normalizeAffine(OpBuilder &b, Location l, Value x, Value mean, Value var,
                      Value scale, Value bias, double eps) {
  Value n = normalize(b, l, x, mean, var, eps);
  return arith::AddFOp::create(b, l, arith::MulFOp::create(b, l, n, scale),
                               bias);
}

/// Per-channel params [C] read at dim 1 of an NC... tensor.
AffineMap channelMap(MLIRContext *ctx, int64_t rank) {
  return AffineMap::get(rank, 0, {getAffineDimExpr(1, ctx)}, ctx);
}

struct BatchNormChannelLowering : public OpConversionPattern<tg::BatchNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tg::BatchNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    auto x = adaptor.getInput();
    auto t = cast<RankedTensorType>(x.getType());
    double eps = op.getEpsilon().convertToDouble();
    AffineMap cm = channelMap(rw.getContext(), t.getRank());
    rw.replaceOp(op, mapWithStats(
                         rw, op.getLoc(), x, {}, {},
                         {adaptor.getScale(), adaptor.getBias(),
                          adaptor.getMean(), adaptor.getVariance()},
                         {cm, cm, cm, cm},
                         [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                           return normalizeAffine(b, l, a[0], a[3], a[4], a[1], a[2], eps);
                         }));
    return success();
  }
};

struct InstanceNormLowering : public OpConversionPattern<tg::InstanceNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tg::InstanceNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Value x = adaptor.getInput();
    auto t = cast<RankedTensorType>(x.getType());
    SmallVector<int64_t> axes;
    for (int64_t i = 2; i < t.getRank(); ++i)
      axes.push_back(i);
    auto [mean, var] = moments(rw, op.getLoc(), x, axes);
    double eps = op.getEpsilon().convertToDouble();
    AffineMap cm = channelMap(rw.getContext(), t.getRank());
    rw.replaceOp(op, mapWithStats(
                         rw, op.getLoc(), x, {mean, var}, axes,
                         {adaptor.getScale(), adaptor.getBias()}, {cm, cm},
                         [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                           return normalizeAffine(b, l, a[0], a[1], a[2], a[3], a[4], eps);
                         }));
    return success();
  }
};

struct GroupNormLowering : public OpConversionPattern<tg::GroupNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tg::GroupNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto t = cast<RankedTensorType>(x.getType());
    int64_t G = op.getNumGroups(), C = t.getDimSize(1);
    if (t.isDynamicDim(1))
      return op.emitError("lowering needs a static channel count");
    // [N, C, x...] -> [N, G, C/G, x...]: statistics over dims 2.. per group.
    SmallVector<int64_t> shape{t.getDimSize(0), G, C / G};
    llvm::append_range(shape, t.getShape().drop_front(2));
    auto gt = RankedTensorType::get(shape, t.getElementType());
    Value xg = *reshapeView(rw, loc, x, gt);
    SmallVector<int64_t> axes;
    for (int64_t i = 2; i < gt.getRank(); ++i)
      axes.push_back(i);
    auto [mean, var] = moments(rw, loc, xg, axes);
    double eps = op.getEpsilon().convertToDouble();
    Value n = mapWithStats(rw, loc, xg, {mean, var}, axes, {}, {},
                           [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                             return normalize(b, l, a[0], a[1], a[2], eps);
                           });
    n = *reshapeView(rw, loc, n, t);
    AffineMap cm = channelMap(rw.getContext(), t.getRank());
    rw.replaceOp(op, mapWithStats(
                         rw, loc, n, {}, {},
                         {adaptor.getScale(), adaptor.getBias()}, {cm, cm},
                         [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                           return arith::AddFOp::create(
                               b, l, arith::MulFOp::create(b, l, a[0], a[1]),
                               a[2]);
                         }));
    return success();
  }
};

struct LayerNormLowering : public OpConversionPattern<tg::LayerNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tg::LayerNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Value x = adaptor.getInput();
    auto t = cast<RankedTensorType>(x.getType());
    int64_t axis = op.getAxis();
    if (axis < 0)
      axis += t.getRank();
    SmallVector<int64_t> axes;
    for (int64_t i = axis; i < t.getRank(); ++i)
      axes.push_back(i);
    Value scale = adaptor.getScale(), bias = adaptor.getBias();
    // Scale and bias are read at x's index: a run-time dim of x they span
    // must have their size.
    for (Value p : {scale, bias}) {
      auto pt = cast<RankedTensorType>(p.getType());
      for (int64_t i = 0; i < pt.getRank(); ++i) {
        int64_t xd = t.getRank() - pt.getRank() + i;
        if (pt.getDimSize(i) != 1 && (t.isDynamicDim(xd) || pt.isDynamicDim(i)))
          assertEqual(rw, op.getLoc(), dimOf(rw, op.getLoc(), x, xd),
                      dimOf(rw, op.getLoc(), p, i),
                      "LayerNorm: scale or bias does not fit the input");
      }
    }
    auto [mean, var] = moments(rw, op.getLoc(), x, axes);
    double eps = op.getEpsilon().convertToDouble();
    rw.replaceOp(
        op, mapWithStats(
                rw, op.getLoc(), x, {mean, var}, axes, {scale, bias},
                {broadcastMap(cast<RankedTensorType>(scale.getType()), t),
                 broadcastMap(cast<RankedTensorType>(bias.getType()), t)},
                [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                  return normalizeAffine(b, l, a[0], a[1], a[2], a[3], a[4], eps);
                }));
    return success();
  }
};

/// y = x / (bias + alpha/size * sum of x^2 over a channel window)^beta.
struct LRNLowering : public OpConversionPattern<tg::LRNOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tg::LRNOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto t = cast<RankedTensorType>(x.getType());
    int64_t size = op.getSize();
    int64_t before = (size - 1) / 2;
    Type et = t.getElementType();
    MLIRContext *ctx = rw.getContext();
    int64_t r = t.getRank();
    // The channel count and the last channel (run-time ones too).
    Value C = dimOf(rw, loc, x, 1);
    Value lastC = arith::MaxSIOp::create(
        rw, loc, arith::SubIOp::create(rw, loc, C, indexConst(rw, loc, 1)),
        indexConst(rw, loc, 0));
    Value window = emptyTensor(rw, loc, RankedTensorType::get({size}, et), {});
    Value init = linalg::FillOp::create(rw, loc, scalarConst(rw, loc, et, 0),
                                        emptyLike(rw, loc, x))
                     .getResult(0);
    SmallVector<AffineMap> maps{AffineMap::get(r + 1, 0,
                                               {getAffineDimExpr(r, ctx)}, ctx),
                                AffineMap::getMultiDimIdentityMap(r + 1, ctx)
                                    .getMajorSubMap(r)};
    SmallVector<utils::IteratorType> iters(r, utils::IteratorType::parallel);
    iters.push_back(utils::IteratorType::reduction);
    Value sq = linalg::GenericOp::create(
                   rw, loc, TypeRange{t}, ValueRange{window}, ValueRange{init},
                   maps, iters,
                   [&](OpBuilder &b, Location l, ValueRange a) {
                     SmallVector<Value> idx;
                     for (int64_t i = 0; i < r; ++i)
                       idx.push_back(linalg::IndexOp::create(b, l, i));
                     Value k = linalg::IndexOp::create(b, l, r);
                     Value c = arith::SubIOp::create(
                         b, l, arith::AddIOp::create(b, l, idx[1], k),
                         indexConst(b, l, before));
                     Value ok = arith::AndIOp::create(
                         b, l,
                         arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge,
                                               c, indexConst(b, l, 0)),
                         arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt,
                                               c, C));
                     idx[1] = arith::MinSIOp::create(
                         b, l,
                         arith::MaxSIOp::create(b, l, c, indexConst(b, l, 0)),
                         lastC);
                     Value v = tensor::ExtractOp::create(b, l, x, idx);
                     v = arith::MulFOp::create(b, l, v, v);
                     v = arith::SelectOp::create(b, l, ok, v,
                                                 scalarConst(b, l, et, 0));
                     linalg::YieldOp::create(
                         b, l, arith::AddFOp::create(b, l, a[1], v).getResult());
                   })
                   .getResult(0);
    double alpha = op.getAlpha().convertToDouble() / size,
           beta = op.getBeta().convertToDouble(),
           bias = op.getBias().convertToDouble();
    rw.replaceOp(op, *buildElementwise(
                         rw, loc, t, ValueRange{x, sq},
                         [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                           Value d = arith::AddFOp::create(
                               b, l, scalarConst(b, l, et, bias),
                               arith::MulFOp::create(
                                   b, l, scalarConst(b, l, et, alpha), a[1]));
                           d = math::PowFOp::create(b, l, d,
                                                    scalarConst(b, l, et, beta));
                           return arith::DivFOp::create(b, l, a[0], d);
                         }));
    return success();
  }
};

/// cumsum as a masked reduction over a second copy of the axis.
struct CumSumLowering : public OpConversionPattern<tg::CumSumOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tg::CumSumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (op.getDynamicAxis()) // DynamicAxesLowering.cpp
      return failure();
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto t = cast<RankedTensorType>(x.getType());
    int64_t axis = op.getAxis(), r = t.getRank();
    if (axis < 0)
      axis += r;
    MLIRContext *ctx = rw.getContext();
    SmallVector<AffineExpr> in;
    for (int64_t i = 0; i < r; ++i)
      in.push_back(getAffineDimExpr(i == axis ? r : i, ctx));
    SmallVector<AffineMap> maps{AffineMap::get(r + 1, 0, in, ctx),
                                AffineMap::getMultiDimIdentityMap(r + 1, ctx)
                                    .getMajorSubMap(r)};
    SmallVector<utils::IteratorType> iters(r, utils::IteratorType::parallel);
    iters.push_back(utils::IteratorType::reduction);
    Type et = t.getElementType();
    Value init = linalg::FillOp::create(rw, loc, scalarConst(rw, loc, et, 0),
                                        emptyLike(rw, loc, x))
                     .getResult(0);
    bool excl = op.getExclusive(), rev = op.getReverse();
    using P = arith::CmpIPredicate;
    P pred = rev ? (excl ? P::sgt : P::sge) : (excl ? P::slt : P::sle);
    rw.replaceOp(op, linalg::GenericOp::create(
                         rw, loc, TypeRange{t}, ValueRange{x}, ValueRange{init},
                         maps, iters,
                         [&](OpBuilder &b, Location l, ValueRange a) {
                           Value j = linalg::IndexOp::create(b, l, r);
                           Value i = linalg::IndexOp::create(b, l, axis);
                           Value in = arith::CmpIOp::create(b, l, pred, j, i);
                           Value v = arith::SelectOp::create(
                               b, l, in, a[0], scalarConst(b, l, et, 0));
                           linalg::YieldOp::create(b, l, addS(b, l, a[1], v));
                         })
                         .getResult(0));
    return success();
  }
};

} // namespace

void mlir::tangram::populateReductionLowering(TGTypeConverter &tc,
                                              RewritePatternSet &p) {
  p.add<ReduceLowering<tg::ReduceSumOp>, ReduceLowering<tg::ReduceMeanOp>,
        ReduceLowering<tg::ReduceMaxOp>, ReduceLowering<tg::ReduceMinOp>,
        ReduceLowering<tg::ReduceProdOp>, ReduceLowering<tg::ReduceL1Op>,
        ReduceLowering<tg::ReduceL2Op>, ReduceLowering<tg::ReduceSumSquareOp>,
        ReduceLowering<tg::ReduceLogSumOp>,
        ReduceLowering<tg::ReduceLogSumExpOp>, ArgLowering<tg::ArgMaxOp>,
        ArgLowering<tg::ArgMinOp>, SoftmaxLowering<tg::SoftmaxOp>,
        SoftmaxLowering<tg::LogSoftmaxOp>, SoftmaxLowering<tg::HardmaxOp>,
        BatchNormChannelLowering, InstanceNormLowering, GroupNormLowering,
        LayerNormLowering, LRNLowering, CumSumLowering>(tc, p.getContext());
}
