//===- DataMovementLowering.cpp - shape and gather-like tg ops ------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Ops that move data without arithmetic. Where tensor has a direct op
// (reshape, extract_slice, insert_slice) it is used; the rest are written as
// an index generic: each output element computes where it comes from and
// reads it with tensor.extract. One form covers gathers, pads of every mode,
// tiles, depth/space shuffles and resizes, and the vectorizer lowers it to
// gathers.
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include <cmath>

using namespace mlir;
using namespace mlir::tangram;

namespace {

Value idx(OpBuilder &b, Location l, int64_t v) { return indexConst(b, l, v); }
Value addI(OpBuilder &b, Location l, Value x, Value y) {
  return arith::AddIOp::create(b, l, x, y);
}
Value subI(OpBuilder &b, Location l, Value x, Value y) {
  return arith::SubIOp::create(b, l, x, y);
}
Value mulI(OpBuilder &b, Location l, Value x, Value y) {
  return arith::MulIOp::create(b, l, x, y);
}
Value cmpI(OpBuilder &b, Location l, arith::CmpIPredicate p, Value x, Value y) {
  return arith::CmpIOp::create(b, l, p, x, y);
}
Value sel(OpBuilder &b, Location l, Value c, Value x, Value y) {
  return arith::SelectOp::create(b, l, c, x, y);
}
Value clampI(OpBuilder &b, Location l, Value v, int64_t lo, int64_t hi) {
  return arith::MinSIOp::create(
      b, l, arith::MaxSIOp::create(b, l, v, idx(b, l, lo)), idx(b, l, hi));
}
/// The first element of a 0-D or 1-element tensor.
/// Entry `i` of the integer tensor `t` as a size (index): a negative value
/// fails the run with "<what>" (cf.assert) and reads as 0 meanwhile.
Value readSize(OpBuilder &b, Location l, Value t, int64_t i, StringRef what) {
  Value v = tensor::ExtractOp::create(b, l, t, ValueRange{idx(b, l, i)});
  Value zero = scalarConst(b, l, v.getType(), 0);
  Value ok = cmpI(b, l, arith::CmpIPredicate::sge, v, zero);
  cf::AssertOp::create(b, l, ok, what);
  return arith::IndexCastOp::create(b, l, b.getIndexType(),
                                    sel(b, l, ok, v, zero));
}

Value readScalar(OpBuilder &b, Location l, Value t) {
  auto tt = cast<RankedTensorType>(t.getType());
  SmallVector<Value> zeros(tt.getRank(), idx(b, l, 0));
  return tensor::ExtractOp::create(b, l, t, zeros);
}

struct ConstantLowering : public OpConversionPattern<tg::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tg::ConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rw) const override {
    auto tc = static_cast<const TGTypeConverter *>(getTypeConverter());
    auto to = tc->convertTensor(op.getType());
    TypedAttr value = cast<TypedAttr>(op.getValue());
    if (to != op.getType()) {
      if (auto dense = dyn_cast<DenseElementsAttr>(value))
        value = dense.bitcast(to.getElementType());
      else if (auto res = dyn_cast<DenseResourceElementsAttr>(value))
        value = DenseResourceElementsAttr::get(to, res.getRawHandle());
      else
        return op.emitError("cannot lower this constant attribute");
    }
    rw.replaceOpWithNewOp<arith::ConstantOp>(op, to, value);
    return success();
  }
};

/// Groups of an expanded rank-`rank` shape around its `unit` dims (the
/// ones a squeeze removes or an unsqueeze inserts): each unit dim joins the
/// next kept dim's group, trailing ones the last group.
SmallVector<ReassociationIndices> unitReassociation(int64_t rank,
                                                    ArrayRef<int64_t> unit) {
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices pending;
  for (int64_t i = 0; i < rank; ++i) {
    pending.push_back(i);
    if (!llvm::is_contained(unit, i)) {
      groups.push_back(pending);
      pending.clear();
    }
  }
  if (!groups.empty())
    llvm::append_range(groups.back(), pending);
  return groups;
}

/// reshape, flatten, squeeze, unsqueeze: a reshape; squeeze and unsqueeze
/// are always views (a squeezed `?` must be 1 at run time).
template <typename OpT>
struct ReshapeLikeLowering : public OpConversionPattern<OpT> {
  using OpConversionPattern<OpT>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpT op, typename OpT::Adaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    auto rt = cast<RankedTensorType>(
        this->getTypeConverter()->convertType(op.getType()));
    Value in = adaptor.getOperands()[0];
    auto it = cast<RankedTensorType>(in.getType());
    Location loc = op.getLoc();
    if constexpr (std::is_same_v<OpT, tg::SqueezeOp> ||
                  std::is_same_v<OpT, tg::UnsqueezeOp>) {
      constexpr bool squeeze = std::is_same_v<OpT, tg::SqueezeOp>;
      RankedTensorType big = squeeze ? it : rt;
      SmallVector<int64_t> unit;
      for (int64_t a : op.getAxes())
        unit.push_back(a < 0 ? a + big.getRank() : a);
      if (!op.getDynamicAxes() && rt.getRank() > 0) {
        auto re = unitReassociation(big.getRank(), unit);
        if constexpr (squeeze) {
          for (int64_t a : unit)
            if (it.isDynamicDim(a))
              assertEqual(rw, loc, dimOf(rw, loc, in, a), idx(rw, loc, 1),
                          "Squeeze: a squeezed dim is not 1");
          rw.replaceOpWithNewOp<tensor::CollapseShapeOp>(op, rt, in, re);
        } else {
          SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(rw, loc, in);
          llvm::sort(unit);
          for (int64_t a : unit)
            sizes.insert(sizes.begin() + a, rw.getIndexAttr(1));
          rw.replaceOpWithNewOp<tensor::ExpandShapeOp>(op, rt, in, re, sizes);
        }
        return success();
      }
    }
    if constexpr (std::is_same_v<OpT, tg::FlattenOp>) {
      // [d0..d(a-1)] and [da..]: a collapse whatever is dynamic.
      int64_t a = op.getAxis(), r = cast<RankedTensorType>(in.getType()).getRank();
      if (a < 0)
        a += r;
      if (a > 0 && a < r) {
        SmallVector<ReassociationIndices> re(2);
        for (int64_t i = 0; i < r; ++i)
          re[i < a ? 0 : 1].push_back(i);
        rw.replaceOpWithNewOp<tensor::CollapseShapeOp>(op, rt, in, re);
        return success();
      }
    }
    FailureOr<Value> r = reshapeTo(rw, op.getLoc(), in, rt);
    if (failed(r))
      return op.emitError("lowering cannot reshape ")
             << in.getType() << " to " << rt
             << ": more than one dim is known only at run time";
    rw.replaceOp(op, *r);
    return success();
  }
};

/// Reshape to a shape known only at run time (a graph input): the target
/// dims are computed from the shape tensor by ONNX's rules (0 copies the
/// input dim unless `allowzero`, -1 takes what is left) and fed to
/// tensor.reshape, whose result dims are then dynamic.
struct RuntimeReshapeLowering : public OpConversionPattern<tg::ReshapeOp> {
  RuntimeReshapeLowering(TypeConverter &tc, MLIRContext *ctx)
      : OpConversionPattern(tc, ctx, /*benefit=*/2) {}
  LogicalResult
  matchAndRewrite(tg::ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    auto rt = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Value in = adaptor.getInput();
    auto it = cast<RankedTensorType>(in.getType());
    if (rt.hasStaticShape())
      return failure();
    Location l = op.getLoc();
    Type i64 = rw.getI64Type();
    auto c = [&](int64_t v) { return scalarConst(rw, l, i64, v); };
    auto inDim = [&](int64_t i) {
      return arith::IndexCastOp::create(rw, l, i64, dimOf(rw, l, in, i))
          .getResult();
    };
    Value shape = adaptor.getShape();
    SmallVector<Value> dims;
    for (int64_t i = 0; i < rt.getRank(); ++i) {
      Value s = tensor::ExtractOp::create(rw, l, shape, ValueRange{idx(rw, l, i)});
      if (!op.getAllowzero() && i < it.getRank())
        s = sel(rw, l, cmpI(rw, l, arith::CmpIPredicate::eq, s, c(0)),
                inDim(i), s);
      dims.push_back(s);
    }
    // Transformers' [B, S, H] <-> [B, S, heads, d] reshapes are views when
    // the types line up; the shape tensor must then agree with the view.
    if (FailureOr<Value> view = reshapeView(rw, l, in, rt); succeeded(view)) {
      for (int64_t i = 0; i < rt.getRank(); ++i) {
        if (!rt.isDynamicDim(i))
          continue;
        Value got = arith::IndexCastOp::create(rw, l, i64,
                                               dimOf(rw, l, *view, i));
        Value ok = arith::OrIOp::create(
            rw, l, cmpI(rw, l, arith::CmpIPredicate::eq, dims[i], got),
            cmpI(rw, l, arith::CmpIPredicate::eq, dims[i], c(-1)));
        cf::AssertOp::create(rw, l, ok,
                             "Reshape: the shape tensor does not fit the input");
      }
      rw.replaceOp(op, *view);
      return success();
    }
    Value known = c(1), inferred = c(0);
    for (Value d : dims) {
      Value isInferred = cmpI(rw, l, arith::CmpIPredicate::eq, d, c(-1));
      known = arith::MulIOp::create(rw, l, known, sel(rw, l, isInferred, c(1), d));
      inferred = addI(rw, l, inferred, sel(rw, l, isInferred, c(1), c(0)));
    }
    Value numel = c(1);
    for (int64_t i = 0; i < it.getRank(); ++i)
      numel = arith::MulIOp::create(rw, l, numel, inDim(i));
    Value divisor = arith::MaxSIOp::create(rw, l, known, c(1));
    Value rest = arith::DivSIOp::create(rw, l, numel, divisor);
    for (Value &d : dims)
      d = sel(rw, l, cmpI(rw, l, arith::CmpIPredicate::eq, d, c(-1)), rest, d);
    // The shape is data: check it, and on failure report it (cf.assert)
    // and reshape to [numel, 1, ...] so nothing reads out of bounds.
    Value product = c(1), ok = cmpI(rw, l, arith::CmpIPredicate::sle, inferred, c(1));
    for (Value d : dims) {
      product = arith::MulIOp::create(rw, l, product, d);
      ok = arith::AndIOp::create(rw, l, ok,
                                 cmpI(rw, l, arith::CmpIPredicate::sge, d, c(0)));
    }
    ok = arith::AndIOp::create(rw, l, ok,
                               cmpI(rw, l, arith::CmpIPredicate::eq, product, numel));
    cf::AssertOp::create(
        rw, l, ok,
        it.hasStaticShape()
            ? "Reshape: the shape tensor does not fit the input's " +
                  std::to_string(it.getNumElements()) + " elements"
            : std::string("Reshape: the shape tensor does not fit the "
                          "input's element count"));
    for (auto [i, d] : llvm::enumerate(dims))
      d = sel(rw, l, ok, d, i == 0 ? numel : c(1));
    Value target = tensor::FromElementsOp::create(
        rw, l, RankedTensorType::get({rt.getRank()}, i64), dims);
    rw.replaceOpWithNewOp<tensor::ReshapeOp>(op, rt, in, target);
    return success();
  }
};

struct TransposeLowering : public OpConversionPattern<tg::TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tg::TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    auto rt = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    SmallVector<Value> dyn;
    for (int64_t i = 0; i < rt.getRank(); ++i)
      if (rt.isDynamicDim(i))
        dyn.push_back(tensor::DimOp::create(rw, op.getLoc(), adaptor.getInput(),
                                            op.getPerm()[i]));
    Value init = emptyTensor(rw, op.getLoc(), rt, dyn);
    rw.replaceOp(op, linalg::TransposeOp::create(rw, op.getLoc(),
                                                 adaptor.getInput(), init,
                                                 op.getPerm())
                         .getResult()[0]);
    return success();
  }
};

struct ExpandLowering : public OpConversionPattern<tg::ExpandOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tg::ExpandOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    auto rt = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Location l = op.getLoc();
    Value in = adaptor.getInput();
    auto it = cast<RankedTensorType>(in.getType());
    int64_t off = rt.getRank() - it.getRank();
    // A dynamic result dim is the shape value, or the input's dim where the
    // shape says 1. An input dim other than a static 1 is read at the
    // result's index, so it must equal the result dim (the shape says 1 or
    // the same size): a `?` that is 1 at run time does not broadcast.
    SmallVector<Value> dyn;
    for (int64_t d = 0; d < rt.getRank(); ++d) {
      bool inDyn = d >= off && it.isDynamicDim(d - off);
      if (!rt.isDynamicDim(d) && !inDyn)
        continue;
      Value size = readSize(rw, l, adaptor.getShape(), d,
                            "Expand: a shape value is negative");
      if (d >= off && it.getDimSize(d - off) != 1) {
        Value i = dimOf(rw, l, in, d - off);
        size = sel(rw, l,
                   cmpI(rw, l, arith::CmpIPredicate::eq, size, idx(rw, l, 1)),
                   i, size);
        assertEqual(rw, l, i, size,
                    "Expand: the input's dim does not match the shape");
      }
      if (rt.isDynamicDim(d))
        dyn.push_back(size);
    }
    SmallVector<AffineMap> maps{broadcastMap(it, rt),
                                rw.getMultiDimIdentityMap(rt.getRank())};
    SmallVector<utils::IteratorType> iters(rt.getRank(),
                                           utils::IteratorType::parallel);
    rw.replaceOp(op, linalg::GenericOp::create(
                         rw, l, TypeRange{rt}, ValueRange{in},
                         ValueRange{emptyTensor(rw, l, rt, dyn)}, maps, iters,
                         [](OpBuilder &b, Location ll, ValueRange a) {
                           linalg::YieldOp::create(b, ll, a[0]);
                         })
                         .getResult(0));
    return success();
  }
};

struct ConcatLowering : public OpConversionPattern<tg::ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tg::ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    auto rt = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    int64_t axis = op.getAxis(), r = rt.getRank();
    if (axis < 0)
      axis += r;
    ValueRange ins = adaptor.getInputs();
    // Sizes at run time: the other dims from the first input (the others
    // must agree), the axis the sum.
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < r; ++d)
      sizes.push_back(dimOf(rw, loc, ins[0], d));
    for (Value in : ins.drop_front()) {
      sizes[axis] = addI(rw, loc, sizes[axis], dimOf(rw, loc, in, axis));
      for (int64_t d = 0; d < r; ++d)
        if (d != axis && (cast<RankedTensorType>(in.getType()).isDynamicDim(d) ||
                          rt.isDynamicDim(d)))
          assertEqual(rw, loc, dimOf(rw, loc, in, d), sizes[d],
                      "Concat: the inputs' dims off the axis disagree");
    }
    SmallVector<Value> dyn;
    for (int64_t d = 0; d < r; ++d)
      if (rt.isDynamicDim(d))
        dyn.push_back(sizes[d]);
    Value acc = emptyTensor(rw, loc, rt, dyn);
    OpFoldResult offset = rw.getIndexAttr(0);
    for (Value in : ins) {
      auto t = cast<RankedTensorType>(in.getType());
      if (t.hasStaticShape() && t.getNumElements() == 0)
        continue;
      SmallVector<OpFoldResult> offs(r, rw.getIndexAttr(0)),
          strides(r, rw.getIndexAttr(1));
      offs[axis] = offset;
      acc = tensor::InsertSliceOp::create(rw, loc, in, acc, offs,
                                          tensor::getMixedSizes(rw, loc, in),
                                          strides);
      offset = addOfr(rw, loc, offset, tensor::getMixedSize(rw, loc, in, axis));
    }
    rw.replaceOp(op, acc);
    return success();
  }
};

struct SplitLowering : public OpConversionPattern<tg::SplitOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tg::SplitOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (op.getDynamicSizes())
      return failure(); // DynamicAxesLowering's pattern.
    Location loc = op.getLoc();
    auto it = cast<RankedTensorType>(adaptor.getInput().getType());
    int64_t axis = op.getAxis();
    if (axis < 0)
      axis += it.getRank();
    if (it.isDynamicDim(axis))
      return op.emitError("lowering needs a static split axis, got ") << it;
    SmallVector<Value> results;
    int64_t offset = 0;
    for (auto [r, size] : llvm::zip(op.getResults(), op.getSizes())) {
      SmallVector<OpFoldResult> offs(it.getRank(), rw.getIndexAttr(0)),
          sizes = tensor::getMixedSizes(rw, loc, adaptor.getInput()),
          strides(it.getRank(), rw.getIndexAttr(1));
      offs[axis] = rw.getIndexAttr(offset);
      sizes[axis] = rw.getIndexAttr(size);
      auto rt = cast<RankedTensorType>(getTypeConverter()->convertType(r.getType()));
      results.push_back(tensor::ExtractSliceOp::create(
          rw, loc, rt, adaptor.getInput(), offs, sizes, strides));
      offset += size;
    }
    rw.replaceOp(op, results);
    return success();
  }
};

struct SliceLowering : public OpConversionPattern<tg::SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  /// Starts, ends, axes or steps known only at run time: ONNX's clamping
  /// rules in index arithmetic, then a gather of `start + i * step` per
  /// dim, whose output dims are the run-time counts. Each entry applies to
  /// the dim its axis names (compared at run time); an axis out of range or
  /// a zero step fails the run.
  LogicalResult lowerRuntime(tg::SliceOp op, OpAdaptor adaptor,
                             ConversionPatternRewriter &rw, RankedTensorType it,
                             RankedTensorType rt) const {
    Location l = op.getLoc();
    int64_t r = it.getRank();
    Type i64 = rw.getI64Type();
    auto c = [&](int64_t v) { return scalarConst(rw, l, i64, (double)v); };
    auto at = [&](Value t, int64_t k) {
      Value v = tensor::ExtractOp::create(rw, l, t, ValueRange{idx(rw, l, k)});
      return castScalar(rw, l, v, i64, false, false);
    };
    auto clamp = [&](Value v, Value lo, Value hi) {
      return (Value)arith::MinSIOp::create(
          rw, l, arith::MaxSIOp::create(rw, l, v, lo), hi);
    };
    SmallVector<Value> first(r), step(r), count(r);
    for (int64_t d = 0; d < r; ++d) {
      first[d] = idx(rw, l, 0);
      step[d] = idx(rw, l, 1);
      count[d] = dimOf(rw, l, adaptor.getInput(), d);
    }
    Value ok = arith::ConstantIntOp::create(rw, l, 1, 1);
    auto toIdx = [&](Value v) {
      return (Value)arith::IndexCastOp::create(rw, l, rw.getIndexType(), v);
    };
    int64_t k =
        cast<RankedTensorType>(adaptor.getAxes().getType()).getDimSize(0);
    if (ShapedType::isDynamic(k))
      return op.emitError("lowering needs slice operands of static length");
    for (int64_t e = 0; e < k; ++e) {
      Value a = at(adaptor.getAxes(), e);
      auto [wrapped, aOk] = wrapAxis(rw, l, a, r);
      a = wrapped;
      Value st = at(adaptor.getStarts(), e), en = at(adaptor.getEnds(), e),
            sp = at(adaptor.getSteps(), e);
      Value nonZero =
          arith::CmpIOp::create(rw, l, arith::CmpIPredicate::ne, sp, c(0));
      ok = arith::AndIOp::create(rw, l, ok,
                                 arith::AndIOp::create(rw, l, aOk, nonZero));
      sp = arith::SelectOp::create(rw, l, nonZero, sp, c(1));
      for (int64_t d = 0; d < r; ++d) {
        Value n = arith::IndexCastOp::create(rw, l, i64,
                                             dimOf(rw, l, adaptor.getInput(), d));
        auto wrap = [&](Value v) {
          Value neg =
              arith::CmpIOp::create(rw, l, arith::CmpIPredicate::slt, v, c(0));
          return (Value)arith::SelectOp::create(
              rw, l, neg, arith::AddIOp::create(rw, l, v, n), v);
        };
        Value s1 = wrap(st), e1 = wrap(en);
        Value pos =
            arith::CmpIOp::create(rw, l, arith::CmpIPredicate::sgt, sp, c(0));
        Value nm1 = arith::SubIOp::create(rw, l, n, c(1));
        // step > 0: start, end in [0, n]; step < 0: start in [0, n-1], end
        // in [-1, n-1].
        Value s0 = arith::SelectOp::create(
            rw, l, pos, clamp(s1, c(0), n),
            clamp(s1, c(0), arith::MaxSIOp::create(rw, l, nm1, c(0))));
        Value e0 = arith::SelectOp::create(rw, l, pos, clamp(e1, c(0), n),
                                           clamp(e1, c(-1), nm1));
        // count = max(0, ceil((end - start) / step)).
        Value span = arith::SubIOp::create(rw, l, e0, s0);
        Value adj = arith::SelectOp::create(
            rw, l, pos, arith::SubIOp::create(rw, l, sp, c(1)),
            arith::AddIOp::create(rw, l, sp, c(1)));
        Value cnt = arith::DivSIOp::create(
            rw, l, arith::AddIOp::create(rw, l, span, adj), sp);
        cnt = arith::MaxSIOp::create(rw, l, cnt, c(0));
        Value here =
            arith::CmpIOp::create(rw, l, arith::CmpIPredicate::eq, a, c(d));
        first[d] = arith::SelectOp::create(rw, l, here, toIdx(s0), first[d]);
        step[d] = arith::SelectOp::create(rw, l, here, toIdx(sp), step[d]);
        count[d] = arith::SelectOp::create(rw, l, here, toIdx(cnt), count[d]);
      }
    }
    cf::AssertOp::create(rw, l, ok,
                         "tg.slice: an axis is out of range or a step is 0");
    Value in = adaptor.getInput();
    Value out = buildIndexed(
        rw, l,
        RankedTensorType::get(SmallVector<int64_t>(r, ShapedType::kDynamic),
                              rt.getElementType()),
        count, [&](OpBuilder &b, Location ll, ArrayRef<Value> ivs) -> Value {
          SmallVector<Value> pos;
          for (int64_t d = 0; d < r; ++d)
            pos.push_back(addI(b, ll, first[d], mulI(b, ll, ivs[d], step[d])));
          return tensor::ExtractOp::create(b, ll, in, pos);
        });
    rw.replaceOp(op, tensor::CastOp::create(rw, l, rt, out));
    return success();
  }

  LogicalResult
  matchAndRewrite(tg::SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    auto it = cast<RankedTensorType>(adaptor.getInput().getType());
    auto rt = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    SmallVector<int64_t> starts, ends, axes, steps;
    if (!tg::getConstantInts(op.getAxes(), axes) ||
        !tg::getConstantInts(op.getStarts(), starts) ||
        !tg::getConstantInts(op.getEnds(), ends) ||
        !tg::getConstantInts(op.getSteps(), steps))
      return lowerRuntime(op, adaptor, rw, it, rt);
    // A sliced dim of run-time size clamps at run time.
    for (int64_t a : axes)
      if (it.isDynamicDim(a < 0 ? a + it.getRank() : a))
        return lowerRuntime(op, adaptor, rw, it, rt);
    // Only dims the slice does not touch may be dynamic now.
    SmallVector<OpFoldResult> outSizes;
    for (int64_t d = 0; d < rt.getRank(); ++d)
      outSizes.push_back(rt.isDynamicDim(d)
                             ? OpFoldResult(dimOf(rw, loc, adaptor.getInput(), d))
                             : OpFoldResult(rw.getIndexAttr(rt.getDimSize(d))));
    int64_t r = it.getRank();
    SmallVector<int64_t> first(r, 0), step(r, 1);
    for (size_t i = 0; i < axes.size(); ++i) {
      int64_t a = axes[i] < 0 ? axes[i] + r : axes[i];
      int64_t n = it.getDimSize(a), s = steps[i], st = starts[i];
      if (st < 0)
        st += n;
      // ONNX clamps starts to [0, n] (positive step) or [0, n-1] (negative).
      st = s > 0 ? std::clamp<int64_t>(st, 0, n)
                 : std::clamp<int64_t>(st, 0, std::max<int64_t>(n - 1, 0));
      // An empty slice from the end ([2:] of 2 elements) reads nothing;
      // its offset is 0 (tensor.extract_slice's verifier rejects 2).
      first[a] = rt.getDimSize(a) == 0 ? 0 : st;
      step[a] = s;
    }
    if (llvm::all_of(step, [](int64_t s) { return s > 0; })) {
      rw.replaceOp(op, tensor::ExtractSliceOp::create(
                           rw, loc, rt, adaptor.getInput(),
                           getAsIndexOpFoldResult(rw.getContext(), first),
                           outSizes,
                           getAsIndexOpFoldResult(rw.getContext(), step)));
      return success();
    }
    Value in = adaptor.getInput();
    SmallVector<Value> dyn;
    for (int64_t d = 0; d < rt.getRank(); ++d)
      if (rt.isDynamicDim(d))
        dyn.push_back(cast<Value>(outSizes[d]));
    rw.replaceOp(op, buildIndexed(rw, loc, rt, dyn,
                                  [&](OpBuilder &b, Location l,
                                      ArrayRef<Value> ivs) -> Value {
                                    SmallVector<Value> at;
                                    for (int64_t d = 0; d < r; ++d)
                                      at.push_back(addI(
                                          b, l, idx(b, l, first[d]),
                                          mulI(b, l, ivs[d], idx(b, l, step[d]))));
                                    return tensor::ExtractOp::create(b, l, in, at);
                                  }));
    return success();
  }
};

struct GatherLowering : public OpConversionPattern<tg::GatherOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tg::GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    auto rt = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    auto dt = cast<RankedTensorType>(adaptor.getData().getType());
    auto qt = cast<RankedTensorType>(adaptor.getIndices().getType());
    int64_t axis = op.getAxis(), q = qt.getRank();
    if (axis < 0)
      axis += dt.getRank();
    Value data = adaptor.getData(), ind = adaptor.getIndices();
    Location loc = op.getLoc();
    // Result dims: data's before the axis, the indices', data's after it.
    SmallVector<Value> dyn = dynSizesOf(rt, [&](int64_t j) {
      if (j < axis)
        return dimOf(rw, loc, data, j);
      if (j < axis + q)
        return dimOf(rw, loc, ind, j - axis);
      return dimOf(rw, loc, data, j - q + 1);
    });
    Value n = dimOf(rw, loc, data, axis);
    rw.replaceOp(op, buildIndexed(
                         rw, loc, rt, dyn,
                         [&](OpBuilder &b, Location l, ArrayRef<Value> ivs) -> Value {
                           Value i = readIndex(b, l, ind, ivs.slice(axis, q));
                           i = checkedIndex(b, l, i, n, "Gather");
                           SmallVector<Value> at(ivs.take_front(axis));
                           at.push_back(i);
                           llvm::append_range(at, ivs.drop_front(axis + q));
                           return tensor::ExtractOp::create(b, l, data, at);
                         }));
    return success();
  }
};

struct GatherElementsLowering
    : public OpConversionPattern<tg::GatherElementsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tg::GatherElementsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    auto rt = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    auto dt = cast<RankedTensorType>(adaptor.getData().getType());
    if (failed(requireStatic(rw, op, rt)) || failed(requireStatic(rw, op, dt)))
      return failure();
    int64_t axis = op.getAxis();
    if (axis < 0)
      axis += dt.getRank();
    Value data = adaptor.getData(), ind = adaptor.getIndices();
    rw.replaceOp(op, buildIndexed(
                         rw, op.getLoc(), rt, {},
                         [&](OpBuilder &b, Location l, ArrayRef<Value> ivs) -> Value {
                           Value i = readIndex(b, l, ind, ivs);
                           SmallVector<Value> at(ivs);
                           at[axis] = checkedIndex(b, l, i, dt.getDimSize(axis),
                                                   "GatherElements");
                           return tensor::ExtractOp::create(b, l, data, at);
                         }));
    return success();
  }
};

struct GatherNDLowering : public OpConversionPattern<tg::GatherNDOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tg::GatherNDOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    auto rt = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    auto dt = cast<RankedTensorType>(adaptor.getData().getType());
    auto qt = cast<RankedTensorType>(adaptor.getIndices().getType());
    if (failed(requireStatic(rw, op, rt)) || failed(requireStatic(rw, op, dt)) ||
        failed(requireStatic(rw, op, qt)))
      return failure();
    int64_t bd = op.getBatchDims(), q = qt.getRank(),
            k = qt.getDimSize(q - 1);
    Value data = adaptor.getData(), ind = adaptor.getIndices();
    rw.replaceOp(op, buildIndexed(
                         rw, op.getLoc(), rt, {},
                         [&](OpBuilder &b, Location l, ArrayRef<Value> ivs) -> Value {
                           SmallVector<Value> at(ivs.take_front(bd));
                           for (int64_t j = 0; j < k; ++j) {
                             SmallVector<Value> qi(ivs.take_front(q - 1));
                             qi.push_back(idx(b, l, j));
                             int64_t n = dt.getDimSize(bd + j);
                             at.push_back(checkedIndex(
                                 b, l, readIndex(b, l, ind, qi), n, "GatherND"));
                           }
                           llvm::append_range(at, ivs.drop_front(q - 1));
                           return tensor::ExtractOp::create(b, l, data, at);
                         }));
    return success();
  }
};

/// Pad by gathering: output element i reads input i - pad_begin (per mode:
/// masked for constant, clamped for edge, mirrored for reflect, wrapped for
/// wrap). Pads known only at run time, or an input with run-time dims (a
/// window padded to a multiple of its size, swin_t's), give dynamic output
/// dims `n + begin + end` (checked non-negative); negative pads crop. An
/// empty run-time input to pad by edge, reflect or wrap fails the run.
struct PadLowering : public OpConversionPattern<tg::PadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tg::PadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    auto rt = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    auto it = cast<RankedTensorType>(adaptor.getInput().getType());
    StringRef mode = op.getMode();
    int64_t r = it.getRank();
    Location loc = op.getLoc();
    Value in = adaptor.getInput(), value = adaptor.getValue();
    bool staticIn = it.hasStaticShape();
    if (staticIn && it.getNumElements() == 0 && mode != "constant")
      return op.emitError("cannot pad an empty tensor in mode ") << mode;
    // The input's dims, the begin pads and the output's dynamic dims, as
    // index values.
    SmallVector<Value> dims, begin, dynSizes;
    for (int64_t d = 0; d < r; ++d)
      dims.push_back(dimOf(rw, loc, in, d));
    if (!staticIn && mode != "constant") {
      Value ok = arith::ConstantIntOp::create(rw, loc, 1, 1);
      for (int64_t d = 0; d < r; ++d)
        if (it.isDynamicDim(d))
          ok = arith::AndIOp::create(
              rw, loc, ok,
              cmpI(rw, loc, arith::CmpIPredicate::sgt, dims[d], idx(rw, loc, 0)));
      cf::AssertOp::create(rw, loc, ok,
                           ("tg.pad: cannot pad an empty tensor in mode " + mode).str());
    }
    SmallVector<int64_t> pads;
    if (tg::getConstantInts(op.getPads(), pads) && staticIn) {
      if (failed(requireStatic(rw, op, rt)))
        return failure();
      for (int64_t d = 0; d < r; ++d)
        begin.push_back(idx(rw, loc, pads[d]));
    } else {
      bool constPads = !pads.empty();
      auto pad = [&](int64_t i) {
        return constPads ? idx(rw, loc, pads[i])
                         : readIndex(rw, loc, adaptor.getPads(),
                                     ValueRange{idx(rw, loc, i)});
      };
      Value ok = arith::ConstantIntOp::create(rw, loc, 1, 1);
      for (int64_t d = 0; d < r; ++d) {
        Value b = pad(d), e = pad(d + r);
        Value size = addI(rw, loc, addI(rw, loc, dims[d], b), e);
        Value nonNeg =
            cmpI(rw, loc, arith::CmpIPredicate::sge, size, idx(rw, loc, 0));
        ok = arith::AndIOp::create(rw, loc, ok, nonNeg);
        begin.push_back(b);
        if (rt.isDynamicDim(d))
          dynSizes.push_back(sel(rw, loc, nonNeg, size, idx(rw, loc, 0)));
      }
      cf::AssertOp::create(rw, loc, ok,
                           "tg.pad: the pads crop more than the input holds");
    }
    rw.replaceOp(
        op,
        buildIndexed(
            rw, loc, rt, dynSizes,
            [&](OpBuilder &b, Location l, ArrayRef<Value> ivs) -> Value {
              Value inside = arith::ConstantIntOp::create(b, l, 1, 1);
              SmallVector<Value> at;
              for (int64_t d = 0; d < r; ++d) {
                bool dyn = it.isDynamicDim(d);
                int64_t n = it.getDimSize(d);
                Value nv = dims[d];
                Value s = subI(b, l, ivs[d], begin[d]);
                if (mode == "constant") {
                  inside = arith::AndIOp::create(
                      b, l, inside,
                      arith::AndIOp::create(
                          b, l,
                          cmpI(b, l, arith::CmpIPredicate::sge, s,
                               idx(b, l, 0)),
                          cmpI(b, l, arith::CmpIPredicate::slt, s, nv)));
                } else if (mode == "reflect" && (dyn || n > 1)) {
                  // Fold into [0, 2n-2) then mirror the upper half (a
                  // run-time n of 1 folds everything to 0).
                  Value period = arith::MaxSIOp::create(
                      b, l, subI(b, l, addI(b, l, nv, nv), idx(b, l, 2)),
                      idx(b, l, 1));
                  Value m = arith::RemSIOp::create(b, l, s, period);
                  m = sel(
                      b, l,
                      cmpI(b, l, arith::CmpIPredicate::slt, m, idx(b, l, 0)),
                      addI(b, l, m, period), m);
                  s = sel(b, l, cmpI(b, l, arith::CmpIPredicate::sge, m, nv),
                          subI(b, l, period, m), m);
                } else if (mode == "wrap") {
                  Value m = arith::RemSIOp::create(b, l, s, nv);
                  s = sel(
                      b, l,
                      cmpI(b, l, arith::CmpIPredicate::slt, m, idx(b, l, 0)),
                      addI(b, l, m, nv), m);
                }
                // edge (and reflect of a size-1 dim) clamps; constant clamps
                // only to keep the masked-off read in bounds.
                if (!dyn) {
                  at.push_back(
                      clampI(b, l, s, 0, std::max<int64_t>(n - 1, 0)));
                  continue;
                }
                Value last = arith::MaxSIOp::create(
                    b, l, subI(b, l, nv, idx(b, l, 1)), idx(b, l, 0));
                at.push_back(arith::MinSIOp::create(
                    b, l, arith::MaxSIOp::create(b, l, s, idx(b, l, 0)),
                    last));
              }
              if (staticIn && it.getNumElements() == 0)
                return readScalar(b, l, value);
              if (mode != "constant")
                return tensor::ExtractOp::create(b, l, in, at);
              if (staticIn)
                return sel(b, l, inside,
                           tensor::ExtractOp::create(b, l, in, at),
                           readScalar(b, l, value));
              // A run-time input may be empty: read it only inside.
              auto branch = scf::IfOp::create(
                  b, l, TypeRange{it.getElementType()}, inside,
                  /*withElseRegion=*/true);
              OpBuilder tb = branch.getThenBodyBuilder();
              scf::YieldOp::create(
                  tb, l, ValueRange{tensor::ExtractOp::create(tb, l, in, at)});
              OpBuilder eb = branch.getElseBodyBuilder();
              scf::YieldOp::create(eb, l,
                                   ValueRange{readScalar(eb, l, value)});
              return branch.getResult(0);
            }));
    return success();
  }
};

struct TileLowering : public OpConversionPattern<tg::TileOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tg::TileOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    auto rt = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    auto it = cast<RankedTensorType>(adaptor.getInput().getType());
    Value in = adaptor.getInput();
    Location loc = op.getLoc();
    // out dim d = in dim d * repeats[d] (repeats checked non-negative).
    SmallVector<Value> inDims;
    for (int64_t d = 0; d < it.getRank(); ++d)
      inDims.push_back(dimOf(rw, loc, in, d));
    SmallVector<Value> dyn = dynSizesOf(rt, [&](int64_t d) -> Value {
      return mulI(rw, loc, inDims[d],
                  readSize(rw, loc, adaptor.getRepeats(), d,
                           "Tile: a repeat count is negative"));
    });
    rw.replaceOp(op, buildIndexed(
                         rw, loc, rt, dyn,
                         [&](OpBuilder &b, Location l, ArrayRef<Value> ivs) -> Value {
                           SmallVector<Value> at;
                           for (int64_t d = 0; d < it.getRank(); ++d)
                             at.push_back(arith::RemUIOp::create(
                                 b, l, ivs[d], inDims[d]));
                           return tensor::ExtractOp::create(b, l, in, at);
                         }));
    return success();
  }
};

/// shape and size of a static input are constants.
template <typename OpT>
struct ShapeLikeLowering : public OpConversionPattern<OpT> {
  using OpConversionPattern<OpT>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpT op, typename OpT::Adaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    auto it = cast<RankedTensorType>(op.getInput().getType());
    auto rt = cast<RankedTensorType>(op.getType());
    Location l = op.getLoc();
    Value in = adaptor.getInput();
    auto dim64 = [&](int64_t i) -> Value {
      return arith::IndexCastOp::create(rw, l, rw.getI64Type(),
                                        dimOf(rw, l, in, i));
    };
    SmallVector<Value> values;
    if constexpr (std::is_same_v<OpT, tg::SizeOp>) {
      Value n = scalarConst(rw, l, rw.getI64Type(), 1);
      for (int64_t i = 0; i < it.getRank(); ++i)
        n = arith::MulIOp::create(rw, l, n, dim64(i));
      values.push_back(n);
    } else {
      int64_t r = it.getRank();
      int64_t s = op.getStart(), e = op.getEnd();
      s = std::clamp<int64_t>(s < 0 ? s + r : s, 0, r);
      e = std::clamp<int64_t>(e < 0 ? e + r : e, 0, r);
      for (int64_t i = s; i < e; ++i)
        values.push_back(dim64(i));
    }
    // Constants fold to a dense constant; run-time dims read tensor.dim.
    rw.replaceOpWithNewOp<tensor::FromElementsOp>(op, rt, values);
    return success();
  }
};

struct ConstantOfShapeLowering
    : public OpConversionPattern<tg::ConstantOfShapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tg::ConstantOfShapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    auto rt = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    auto v = dyn_cast<DenseElementsAttr>(op.getValue());
    if (!v || v.getNumElements() != 1)
      return op.emitError("lowering needs a one-element dense value");
    Attribute splat = v.getValues<Attribute>()[0];
    if (auto i = dyn_cast<IntegerAttr>(splat); i && i.getType() != rt.getElementType())
      splat = IntegerAttr::get(rt.getElementType(), i.getValue());
    if (rt.hasStaticShape()) {
      rw.replaceOpWithNewOp<arith::ConstantOp>(
          op, DenseElementsAttr::get(rt, splat));
      return success();
    }
    // Sizes from the shape tensor at run time; negative ones are an error.
    Location l = op.getLoc();
    SmallVector<Value> dyn = dynSizesOf(rt, [&](int64_t d) -> Value {
      return readSize(rw, l, adaptor.getShape(), d,
                      "ConstantOfShape: a dim is negative");
    });
    Value fill = arith::ConstantOp::create(rw, l, cast<TypedAttr>(splat));
    rw.replaceOp(op, linalg::FillOp::create(rw, l, fill,
                                            emptyTensor(rw, l, rt, dyn))
                         .getResult(0));
    return success();
  }
};

struct RangeLowering : public OpConversionPattern<tg::RangeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tg::RangeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    auto rt = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Value start = adaptor.getStart(), delta = adaptor.getDelta();
    SmallVector<Value> dyn;
    Type elem = rt.getElementType();
    if (rt.isDynamicDim(0) && isa<IntegerType>(elem) &&
        !isUnsignedElem(op.getStart().getType())) {
      // Signed integers: max(ceildiv(limit - start, delta), 0) in i64, which
      // a GPU program computes on the host (swin_t's shifted-window mask
      // takes its sizes from ranges of run-time sizes); a zero delta is an
      // error.
      Location l = op.getLoc();
      Type i64 = rw.getI64Type();
      auto rd = [&](Value t) {
        return castScalar(rw, l, readScalar(rw, l, t), i64, false, false);
      };
      Value s = rd(start), lim = rd(adaptor.getLimit()), d = rd(delta);
      Value zero = scalarConst(rw, l, i64, 0);
      Value ok = cmpI(rw, l, arith::CmpIPredicate::ne, d, zero);
      cf::AssertOp::create(rw, l, ok, "Range: delta is 0");
      Value n = arith::CeilDivSIOp::create(
          rw, l, arith::SubIOp::create(rw, l, lim, s),
          sel(rw, l, ok, d, scalarConst(rw, l, i64, 1)));
      n = arith::MaxSIOp::create(rw, l, n, zero);
      dyn.push_back(arith::IndexCastOp::create(rw, l, rw.getIndexType(), n));
    } else if (rt.isDynamicDim(0)) {
      // max(ceil((limit - start) / delta), 0) elements, in f64 as ONNX's
      // reference computes it; a zero delta is an error.
      Location l = op.getLoc();
      Type f64 = rw.getF64Type();
      bool u = isUnsignedElem(op.getStart().getType());
      auto rd = [&](Value t) {
        return castScalar(rw, l, readScalar(rw, l, t), f64, u, false);
      };
      Value s = rd(start), lim = rd(adaptor.getLimit()), d = rd(delta);
      Value zero = scalarConst(rw, l, f64, 0);
      Value ok = arith::CmpFOp::create(rw, l, arith::CmpFPredicate::ONE, d, zero);
      cf::AssertOp::create(rw, l, ok, "Range: delta is 0");
      Value n = math::CeilOp::create(
          rw, l, arith::DivFOp::create(rw, l, arith::SubFOp::create(rw, l, lim, s),
                                       sel(rw, l, ok, d, scalarConst(rw, l, f64, 1))));
      n = arith::MaximumFOp::create(rw, l, n, zero);
      dyn.push_back(arith::IndexCastOp::create(
          rw, l, rw.getIndexType(),
          arith::FPToSIOp::create(rw, l, rw.getI64Type(), n)));
    }
    rw.replaceOp(op, buildIndexed(
                         rw, op.getLoc(), rt, dyn,
                         [&](OpBuilder &b, Location l, ArrayRef<Value> ivs) -> Value {
                           Value s = readScalar(b, l, start);
                           Value d = readScalar(b, l, delta);
                           Type t = s.getType();
                           Value i = arith::IndexCastOp::create(b, l, b.getI64Type(),
                                                                ivs[0]);
                           if (isa<FloatType>(t)) {
                             Value fi = arith::SIToFPOp::create(b, l, t, i);
                             return arith::AddFOp::create(
                                 b, l, s, arith::MulFOp::create(b, l, fi, d));
                           }
                           i = castScalar(b, l, i, t, false, false);
                           return addI(b, l, s, mulI(b, l, i, d));
                         }));
    return success();
  }
};

/// depth_to_space / space_to_depth as index shuffles.
template <typename OpT>
struct BlockLowering : public OpConversionPattern<OpT> {
  using OpConversionPattern<OpT>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpT op, typename OpT::Adaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    auto rt = cast<RankedTensorType>(
        this->getTypeConverter()->convertType(op.getType()));
    auto it = cast<RankedTensorType>(adaptor.getInput().getType());
    // The channels must be static (they decide the mapping); batch and
    // spatial dims may be run-time ones.
    if (it.isDynamicDim(1) || rt.isDynamicDim(1))
      return op.emitError("lowering needs a static channel count, got ")
             << it;
    int64_t bs = op.getBlocksize();
    Value in = adaptor.getInput();
    Location loc = op.getLoc();
    constexpr bool toSpace = std::is_same_v<OpT, tg::DepthToSpaceOp>;
    bool crd = false;
    if constexpr (toSpace)
      crd = op.getCrdMode();
    SmallVector<Value> dyn = dynSizesOf(rt, [&](int64_t d) -> Value {
      Value n = dimOf(rw, loc, in, d);
      if (d < 2)
        return n;
      return toSpace ? mulI(rw, loc, n, idx(rw, loc, bs))
                     : (Value)arith::DivUIOp::create(rw, loc, n, idx(rw, loc, bs));
    });
    rw.replaceOp(op, buildIndexed(
        rw, loc, rt, dyn,
        [&](OpBuilder &b, Location l, ArrayRef<Value> ivs) -> Value {
          Value B = idx(b, l, bs);
          auto div = [&](Value x) { return arith::DivUIOp::create(b, l, x, B); };
          auto rem = [&](Value x) { return arith::RemUIOp::create(b, l, x, B); };
          if constexpr (toSpace) {
            // out[n, c, h, w] = in[n, ch(c, h%b, w%b), h/b, w/b]
            int64_t Cout = rt.getDimSize(1);
            Value i = rem(ivs[2]), j = rem(ivs[3]);
            Value ch;
            if (crd)
              ch = addI(b, l, mulI(b, l, ivs[1], idx(b, l, bs * bs)),
                        addI(b, l, mulI(b, l, i, B), j));
            else
              ch = addI(b, l,
                        mulI(b, l, addI(b, l, mulI(b, l, i, B), j),
                             idx(b, l, Cout)),
                        ivs[1]);
            return tensor::ExtractOp::create(
                b, l, in, ValueRange{ivs[0], ch, div(ivs[2]), div(ivs[3])});
          } else {
            // out[n, (i*b + j)*C + c, h, w] = in[n, c, h*b + i, w*b + j]
            int64_t C = it.getDimSize(1);
            Value Cv = idx(b, l, C);
            Value c = arith::RemUIOp::create(b, l, ivs[1], Cv);
            Value blk = arith::DivUIOp::create(b, l, ivs[1], Cv);
            Value i = div(blk), j = rem(blk);
            return tensor::ExtractOp::create(
                b, l, in,
                ValueRange{ivs[0], c, addI(b, l, mulI(b, l, ivs[2], B), i),
                           addI(b, l, mulI(b, l, ivs[3], B), j)});
          }
        }));
    return success();
  }
};

struct OneHotLowering : public OpConversionPattern<tg::OneHotOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tg::OneHotOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    auto rt = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    int64_t axis = op.getAxis();
    if (axis < 0)
      axis += rt.getRank();
    Location loc = op.getLoc();
    Value ind = adaptor.getIndices(), values = adaptor.getValues();
    bool fromFloat = isa<FloatType>(
        cast<RankedTensorType>(ind.getType()).getElementType());
    bool u = isUnsignedElem(op.getIndices().getType());
    // The depth: the result's dim when static, else the depth operand's
    // value (any numeric type, truncated as ONNX does), at least 0.
    Value depth;
    if (!rt.isDynamicDim(axis)) {
      depth = idx(rw, loc, rt.getDimSize(axis));
    } else {
      Value d = adaptor.getDepth();
      auto dt = cast<RankedTensorType>(d.getType());
      Value v = tensor::ExtractOp::create(
          rw, loc, d, SmallVector<Value>(dt.getRank(), idx(rw, loc, 0)));
      v = isa<FloatType>(v.getType())
              ? (Value)arith::FPToSIOp::create(rw, loc, rw.getI64Type(), v)
              : castScalar(rw, loc, v, rw.getI64Type(),
                           isUnsignedElem(op.getDepth().getType()), false);
      v = arith::MaxSIOp::create(rw, loc, v,
                                 scalarConst(rw, loc, rw.getI64Type(), 0));
      depth = arith::IndexCastOp::create(rw, loc, rw.getIndexType(), v);
    }
    SmallVector<Value> dyn = dynSizesOf(rt, [&](int64_t j) {
      return j == axis  ? depth
             : j < axis ? dimOf(rw, loc, ind, j)
                        : dimOf(rw, loc, ind, j - 1);
    });
    rw.replaceOp(op, buildIndexed(
        rw, loc, rt, dyn,
        [&](OpBuilder &b, Location l, ArrayRef<Value> ivs) -> Value {
          SmallVector<Value> at(ivs.take_front(axis));
          llvm::append_range(at, ivs.drop_front(axis + 1));
          Value v = tensor::ExtractOp::create(b, l, ind, at);
          if (fromFloat)
            v = arith::FPToSIOp::create(b, l, b.getI64Type(), v);
          else
            v = castScalar(b, l, v, b.getI64Type(), u, false);
          Value i = arith::IndexCastOp::create(b, l, b.getIndexType(), v);
          i = wrapNegative(b, l, i, depth);
          Value hit = cmpI(b, l, arith::CmpIPredicate::eq, i, ivs[axis]);
          Value off = tensor::ExtractOp::create(b, l, values, ValueRange{idx(b, l, 0)});
          Value on = tensor::ExtractOp::create(b, l, values, ValueRange{idx(b, l, 1)});
          return sel(b, l, hit, on, off);
        }));
    return success();
  }
};

struct TriluLowering : public OpConversionPattern<tg::TriluOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tg::TriluOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    auto rt = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Value in = adaptor.getInput(), kT = adaptor.getK();
    bool upper = op.getUpper();
    int64_t r = rt.getRank();
    bool hasK = cast<RankedTensorType>(kT.getType()).getNumElements() > 0;
    // A causal mask over a run-time sequence: the input's dims.
    rw.replaceOp(op, buildIndexed(
        rw, op.getLoc(), rt,
        dynSizesOf(rt, [&](int64_t d) { return dimOf(rw, op.getLoc(), in, d); }),
        [&](OpBuilder &b, Location l, ArrayRef<Value> ivs) -> Value {
          Value k = hasK ? arith::IndexCastOp::create(b, l, b.getIndexType(),
                                                      readScalar(b, l, kT))
                         : idx(b, l, 0);
          Value diff = subI(b, l, ivs[r - 1], ivs[r - 2]);
          Value keep = cmpI(b, l,
                            upper ? arith::CmpIPredicate::sge
                                  : arith::CmpIPredicate::sle,
                            diff, k);
          Value x = tensor::ExtractOp::create(b, l, in, ivs);
          return sel(b, l, keep, x, scalarConst(b, l, x.getType(), 0));
        }));
    return success();
  }
};

struct EyeLikeLowering : public OpConversionPattern<tg::EyeLikeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tg::EyeLikeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    auto rt = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    int64_t k = op.getK();
    Value in = adaptor.getInput();
    rw.replaceOp(op, buildIndexed(
        rw, op.getLoc(), rt,
        dynSizesOf(rt, [&](int64_t d) { return dimOf(rw, op.getLoc(), in, d); }),
        [&](OpBuilder &b, Location l, ArrayRef<Value> ivs) -> Value {
          Value on = cmpI(b, l, arith::CmpIPredicate::eq,
                          subI(b, l, ivs[1], ivs[0]), idx(b, l, k));
          Type t = rt.getElementType();
          return sel(b, l, on, scalarConst(b, l, t, 1), scalarConst(b, l, t, 0));
        }));
    return success();
  }
};

struct ReverseSequenceLowering
    : public OpConversionPattern<tg::ReverseSequenceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tg::ReverseSequenceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    auto rt = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    int64_t ba = op.getBatchAxis(), ta = op.getTimeAxis();
    Value in = adaptor.getInput(), lens = adaptor.getSeqLens();
    Location loc = op.getLoc();
    Value T = dimOf(rw, loc, in, ta);
    // One length per batch entry.
    Value lensOk = cmpI(rw, loc, arith::CmpIPredicate::eq,
                        dimOf(rw, loc, lens, 0), dimOf(rw, loc, in, ba));
    cf::AssertOp::create(rw, loc, lensOk,
                         "ReverseSequence: sequence_lens must have one entry "
                         "per batch entry");
    rw.replaceOp(op, buildIndexed(
        rw, loc, rt,
        dynSizesOf(rt, [&](int64_t d) { return dimOf(rw, loc, in, d); }),
        [&](OpBuilder &b, Location l, ArrayRef<Value> ivs) -> Value {
          Value len = arith::MinSIOp::create(
              b, l,
              arith::MaxSIOp::create(
                  b, l, readIndex(b, l, lens, ValueRange{ivs[ba]}),
                  idx(b, l, 0)),
              T);
          Value t = ivs[ta];
          Value rev = subI(b, l, subI(b, l, len, idx(b, l, 1)), t);
          Value inSeq = cmpI(b, l, arith::CmpIPredicate::slt, t, len);
          SmallVector<Value> at(ivs);
          at[ta] = sel(b, l, inSeq, rev, t);
          return tensor::ExtractOp::create(b, l, in, at);
        }));
    return success();
  }
};

/// dequantize/quantize with a per-tensor or per-axis scale and zero point.
template <typename OpT>
struct QuantizeLowering : public OpConversionPattern<OpT> {
  using OpConversionPattern<OpT>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpT op, typename OpT::Adaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    auto rt = cast<RankedTensorType>(
        this->getTypeConverter()->convertType(op.getType()));
    Value in = adaptor.getInput(), scale = adaptor.getScale(),
          zp = adaptor.getZeroPoint();
    auto st = cast<RankedTensorType>(scale.getType());
    int64_t axis = op.getAxis();
    if (axis < 0)
      axis += rt.getRank();
    bool perAxis = st.getRank() == 1 && st.getDimSize(0) != 1;
    Location loc = op.getLoc();
    // Per axis over a run-time dim: one scale per entry, checked.
    if (perAxis && (rt.isDynamicDim(axis) || st.isDynamicDim(0))) {
      Value ok = cmpI(rw, loc, arith::CmpIPredicate::eq, dimOf(rw, loc, scale, 0),
                      dimOf(rw, loc, in, axis));
      cf::AssertOp::create(rw, loc, ok,
                           "QuantizeLinear/DequantizeLinear: the scales do not "
                           "match the axis");
    }
    SmallVector<Value> dyn =
        dynSizesOf(rt, [&](int64_t d) { return dimOf(rw, loc, in, d); });
    bool hasZp = cast<RankedTensorType>(zp.getType()).getNumElements() > 0;
    constexpr bool isDeq = std::is_same_v<OpT, tg::DequantizeLinearOp>;
    bool zpU = isUnsignedElem(op.getZeroPoint().getType());
    rw.replaceOp(op, buildIndexed(
        rw, loc, rt, dyn,
        [&](OpBuilder &b, Location l, ArrayRef<Value> ivs) -> Value {
          SmallVector<Value> p;
          if (perAxis)
            p.push_back(ivs[axis]);
          else
            p.assign(st.getRank(), idx(b, l, 0));
          Value s = tensor::ExtractOp::create(b, l, scale, p);
          Value x = tensor::ExtractOp::create(b, l, in, ivs);
          Type ft = s.getType();
          // The zero point may be 0-D where the scale has one element.
          int64_t zr = cast<RankedTensorType>(zp.getType()).getRank();
          SmallVector<Value> zpAt =
              zr == (int64_t)p.size() ? p : SmallVector<Value>(zr, idx(b, l, 0));
          Value z = hasZp ? castScalar(b, l, tensor::ExtractOp::create(b, l, zp, zpAt),
                                       ft, zpU, false)
                          : scalarConst(b, l, ft, 0);
          if constexpr (isDeq) {
            Value xf = castScalar(b, l, x, ft,
                                  isUnsignedElem(op.getInput().getType()), false);
            return arith::MulFOp::create(b, l, arith::SubFOp::create(b, l, xf, z), s);
          } else if (isa<FloatType>(rt.getElementType())) {
            // 8-bit floats: the conversion rounds (and saturates).
            Value q = arith::AddFOp::create(
                b, l, arith::DivFOp::create(b, l, x, s), z);
            return castScalar(b, l, q, rt.getElementType(), false, false,
                              op.getSaturate());
          } else {
            Type it = rt.getElementType();
            bool u = isUnsignedElem(op.getType());
            unsigned w = it.getIntOrFloatBitWidth();
            double lo = u ? 0 : -std::ldexp(1.0, w - 1);
            double hi = u ? std::ldexp(1.0, w) - 1 : std::ldexp(1.0, w - 1) - 1;
            Value q = math::RoundEvenOp::create(
                b, l, arith::DivFOp::create(b, l, x, s));
            q = arith::AddFOp::create(b, l, q, z);
            q = arith::MaximumFOp::create(b, l, q, scalarConst(b, l, ft, lo));
            q = arith::MinimumFOp::create(b, l, q, scalarConst(b, l, ft, hi));
            return castScalar(b, l, q, it, false, u);
          }
        }));
    return success();
  }
};

} // namespace

void mlir::tangram::populateDataMovementLowering(TGTypeConverter &tc,
                                                 RewritePatternSet &p) {
  p.add<ConstantLowering, ReshapeLikeLowering<tg::ReshapeOp>, RuntimeReshapeLowering,
        ReshapeLikeLowering<tg::FlattenOp>, ReshapeLikeLowering<tg::SqueezeOp>,
        ReshapeLikeLowering<tg::UnsqueezeOp>, TransposeLowering, ExpandLowering,
        ConcatLowering, SplitLowering, SliceLowering, GatherLowering,
        GatherElementsLowering, GatherNDLowering, PadLowering, TileLowering,
        ShapeLikeLowering<tg::ShapeOp>, ShapeLikeLowering<tg::SizeOp>,
        ConstantOfShapeLowering, RangeLowering,
        BlockLowering<tg::DepthToSpaceOp>, BlockLowering<tg::SpaceToDepthOp>,
        OneHotLowering, TriluLowering, EyeLikeLowering, ReverseSequenceLowering,
        QuantizeLowering<tg::DequantizeLinearOp>,
        QuantizeLowering<tg::QuantizeLinearOp>>(tc, p.getContext());
}
