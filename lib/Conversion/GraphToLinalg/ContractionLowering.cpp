//===- ContractionLowering.cpp - matmul and convolutions to linalg --------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// 2-D matmuls and batch matmuls become linalg named ops (what the CPU
// backend's tiling and vectorization recognise); broadcasting matmuls and
// grouped or N-d convolutions become contraction-shaped linalg.generics.
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"

using namespace mlir;
using namespace mlir::tangram;

namespace {

Value zeroFilled(OpBuilder &b, Location loc, RankedTensorType t,
                 ValueRange dyn) {
  Value zero = scalarConst(b, loc, t.getElementType(), 0);
  Value init = emptyTensor(b, loc, t, dyn);
  return linalg::FillOp::create(b, loc, zero, init).getResult(0);
}

/// acc + x * y in the element type.
Value mulAcc(OpBuilder &b, Location loc, Value x, Value y, Value acc) {
  if (isa<FloatType>(x.getType()))
    return arith::AddFOp::create(b, loc, acc,
                                 arith::MulFOp::create(b, loc, x, y));
  return arith::AddIOp::create(b, loc, acc, arith::MulIOp::create(b, loc, x, y));
}

/// `v` with its first `n` dims collapsed into one (a view).
Value foldLeading(OpBuilder &b, Location loc, Value v, int64_t n) {
  auto t = cast<RankedTensorType>(v.getType());
  if (n == 1)
    return v;
  SmallVector<ReassociationIndices> re(1);
  for (int64_t i = 0; i < n; ++i)
    re[0].push_back(i);
  for (int64_t i = n; i < t.getRank(); ++i)
    re.push_back({i});
  return tensor::CollapseShapeOp::create(b, loc, v, re).getResult();
}

/// `v` (leading dims folded by foldLeading) expanded back to `to`, whose
/// run-time sizes are those of `like` (a tensor of type `to`).
Value unfoldLeading(OpBuilder &b, Location loc, Value v, RankedTensorType to,
                    Value like) {
  auto t = cast<RankedTensorType>(v.getType());
  int64_t n = to.getRank() - t.getRank() + 1;
  if (n == 1)
    return v;
  // MLIR 22's expand-strided-metadata crashes on an expand_shape group of
  // two or more dynamic dims: such a group is a reshape to run-time sizes.
  if (llvm::count_if(to.getShape().take_front(n), ShapedType::isDynamic) > 1) {
    SmallVector<Value> dims;
    for (int64_t i = 0; i < to.getRank(); ++i)
      dims.push_back(arith::IndexCastOp::create(b, loc, b.getI64Type(),
                                                dimOf(b, loc, like, i)));
    Value shape = tensor::FromElementsOp::create(
        b, loc, RankedTensorType::get({to.getRank()}, b.getI64Type()), dims);
    return tensor::ReshapeOp::create(b, loc, to, v, shape).getResult();
  }
  SmallVector<ReassociationIndices> re(1);
  for (int64_t i = 0; i < n; ++i)
    re[0].push_back(i);
  for (int64_t i = n; i < to.getRank(); ++i)
    re.push_back({i});
  return tensor::ExpandShapeOp::create(b, loc, to, v, re,
                                       tensor::getMixedSizes(b, loc, like))
      .getResult();
}

struct MatMulLowering : public OpConversionPattern<tg::MatMulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tg::MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    auto tc = static_cast<const TGTypeConverter *>(getTypeConverter());
    auto rt = tc->convertTensor(op.getType());
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    auto lt = cast<RankedTensorType>(lhs.getType());
    auto rtt = cast<RankedTensorType>(rhs.getType());
    int64_t L = lt.getRank(), R = rtt.getRank(), P = rt.getRank();

    // Dynamic result dims come from the operand that carries them.
    SmallVector<Value> dyn;
    for (int64_t d = 0; d < P; ++d) {
      if (!rt.isDynamicDim(d))
        continue;
      bool isN = R >= 2 && d == P - 1;
      bool isM = L >= 2 && d == P - (R >= 2 ? 2 : 1);
      if (isN)
        dyn.push_back(tensor::DimOp::create(rw, loc, rhs, R - 1));
      else if (isM)
        dyn.push_back(tensor::DimOp::create(rw, loc, lhs, L - 2));
      else {
        int64_t nb = P - (L >= 2) - (R >= 2);
        Value v;
        for (Value x : {lhs, rhs}) {
          auto t = cast<RankedTensorType>(x.getType());
          int64_t xd = d - (nb - (t.getRank() - 2));
          if (t.getRank() >= 2 && xd >= 0 && t.getDimSize(xd) != 1) {
            v = tensor::DimOp::create(rw, loc, x, xd);
            break;
          }
        }
        if (!v)
          return op.emitError("lowering cannot size a dynamic batch dim");
        dyn.push_back(v);
      }
    }
    Value init = zeroFilled(rw, loc, rt, dyn);
    // Sizes known only at run time are checked where they must agree: the
    // contraction dim of both operands, and an operand's batch dim against
    // the result's (a `?` that is 1 at run time does not broadcast).
    int64_t lk = L - 1, rk = R >= 2 ? R - 2 : 0;
    if (lt.isDynamicDim(lk) || rtt.isDynamicDim(rk))
      assertEqual(rw, loc, dimOf(rw, loc, lhs, lk), dimOf(rw, loc, rhs, rk),
                  "MatMul: the operands' inner dims disagree");
    for (Value x : {lhs, rhs}) {
      auto t = cast<RankedTensorType>(x.getType());
      int64_t nb = t.getRank() - 2, rb = P - (L >= 2) - (R >= 2);
      for (int64_t d = 0; d < nb; ++d)
        if (t.isDynamicDim(d))
          assertEqual(rw, loc, dimOf(rw, loc, x, d),
                      dimOf(rw, loc, init, rb - nb + d),
                      "MatMul: the operands' batch dims disagree");
    }

    if (L == 2 && R == 2) {
      rw.replaceOp(op, linalg::MatmulOp::create(rw, loc, ValueRange{lhs, rhs},
                                                ValueRange{init})
                           .getResult(0));
      return success();
    }
    // [B..., M, K] x [B..., K, N] with the same batch dims (attention heads;
    // run-time batch dims are checked above): fold the batch dims into one
    // for a batch_matmul. A batch dim that broadcasts (a static 1 against
    // another size) takes the generic form below.
    auto sameBatch = [&]() {
      for (int64_t d = 0; d < L - 2; ++d) {
        int64_t a = lt.getDimSize(d), b = rtt.getDimSize(d);
        if (a == 1 || b == 1 ? a != b
                             : !ShapedType::isDynamic(a) &&
                                   !ShapedType::isDynamic(b) && a != b)
          return false;
      }
      return true;
    };
    if (L == R && L >= 3 && sameBatch()) {
      Value l3 = foldLeading(rw, loc, lhs, L - 2);
      Value r3 = foldLeading(rw, loc, rhs, L - 2);
      auto o3 = cast<RankedTensorType>(l3.getType())
                    .clone({cast<RankedTensorType>(l3.getType()).getDimSize(0),
                            rt.getDimSize(P - 2), rt.getDimSize(P - 1)});
      Value init3 = zeroFilled(
          rw, loc, o3, dynSizesOf(o3, [&](int64_t i) {
            return i == 0 ? dimOf(rw, loc, l3, 0)
                   : i == 1 ? dimOf(rw, loc, lhs, L - 2)
                            : dimOf(rw, loc, rhs, R - 1);
          }));
      Value bmm = linalg::BatchMatmulOp::create(rw, loc, ValueRange{l3, r3},
                                                ValueRange{init3})
                      .getResult(0);
      rw.replaceOp(op, unfoldLeading(rw, loc, bmm, rt, init));
      return success();
    }
    // [B..., M, K] x [K, N]: fold the batch into M so it is one 2-D matmul.
    if (L > 2 && R == 2) {
      Value l2 = foldLeading(rw, loc, lhs, L - 1);
      auto o2 = RankedTensorType::get(
          {cast<RankedTensorType>(l2.getType()).getDimSize(0),
           rt.getDimSize(P - 1)},
          rt.getElementType());
      Value init2 = zeroFilled(rw, loc, o2, dynSizesOf(o2, [&](int64_t i) {
                                 return i == 0 ? dimOf(rw, loc, l2, 0)
                                               : dimOf(rw, loc, rhs, 1);
                               }));
      Value mm = linalg::MatmulOp::create(rw, loc, ValueRange{l2, rhs},
                                          ValueRange{init2})
                     .getResult(0);
      rw.replaceOp(op, unfoldLeading(rw, loc, mm, rt, init));
      return success();
    }

    // General numpy matmul as a generic contraction: loops are the result
    // dims then k.
    MLIRContext *ctx = rw.getContext();
    bool hasM = L >= 2, hasN = R >= 2;
    int64_t nb = P - hasM - hasN;
    AffineExpr k = getAffineDimExpr(P, ctx);
    AffineExpr m = hasM ? getAffineDimExpr(nb, ctx) : AffineExpr();
    AffineExpr n = hasN ? getAffineDimExpr(P - 1, ctx) : AffineExpr();
    auto batchExprs = [&](RankedTensorType t) {
      SmallVector<AffineExpr> e;
      int64_t tb = t.getRank() - 2;
      for (int64_t i = 0; i < tb; ++i) {
        int64_t rd = nb - tb + i;
        if (t.getDimSize(i) == 1 && rt.getDimSize(rd) != 1)
          e.push_back(getAffineConstantExpr(0, ctx));
        else
          e.push_back(getAffineDimExpr(rd, ctx));
      }
      return e;
    };
    SmallVector<AffineExpr> le, re;
    if (L == 1)
      le = {k};
    else
      le = batchExprs(lt), le.push_back(m), le.push_back(k);
    if (R == 1)
      re = {k};
    else
      re = batchExprs(rtt), re.push_back(k), re.push_back(n);
    SmallVector<AffineMap> maps{AffineMap::get(P + 1, 0, le, ctx),
                                AffineMap::get(P + 1, 0, re, ctx),
                                AffineMap::getMultiDimIdentityMap(P + 1, ctx)
                                    .getMajorSubMap(P)};
    SmallVector<utils::IteratorType> iters(P, utils::IteratorType::parallel);
    iters.push_back(utils::IteratorType::reduction);
    auto g = linalg::GenericOp::create(
        rw, loc, TypeRange{rt}, ValueRange{lhs, rhs}, ValueRange{init}, maps,
        iters, [&](OpBuilder &b, Location l, ValueRange a) {
          linalg::YieldOp::create(b, l, mulAcc(b, l, a[0], a[1], a[2]));
        });
    rw.replaceOp(op, g.getResult(0));
    return success();
  }
};

/// Adds a per-channel bias [C] to an NC... tensor.
Value addChannelBias(OpBuilder &b, Location loc, Value v, Value bias) {
  auto t = cast<RankedTensorType>(v.getType());
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(t.getRank()),
                              AffineMap::get(t.getRank(), 0,
                                             {getAffineDimExpr(1, ctx)}, ctx),
                              b.getMultiDimIdentityMap(t.getRank())};
  SmallVector<utils::IteratorType> iters(t.getRank(),
                                         utils::IteratorType::parallel);
  Value init = emptyLike(b, loc, v);
  return linalg::GenericOp::create(
             b, loc, TypeRange{t}, ValueRange{v, bias}, ValueRange{init}, maps,
             iters,
             [&](OpBuilder &nb, Location l, ValueRange a) {
               linalg::YieldOp::create(nb, l,
                                       arith::AddFOp::create(nb, l, a[0], a[1])
                                           .getResult());
             })
      .getResult(0);
}

struct ConvLowering : public OpConversionPattern<tg::ConvOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tg::ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    auto rt = cast<RankedTensorType>(op.getType());
    // Batch and spatial dims may be dynamic; channels and the kernel may not.
    if (failed(requireStatic(rw, op, op.getWeight().getType())))
      return failure();
    if (rt.isDynamicDim(1))
      return op.emitError("lowering needs static output channels, got ") << rt;
    auto wt = cast<RankedTensorType>(adaptor.getWeight().getType());
    int64_t d = rt.getRank() - 2, G = op.getGroup();
    if (cast<RankedTensorType>(adaptor.getInput().getType()).isDynamicDim(1))
      assertEqual(rw, loc, dimOf(rw, loc, adaptor.getInput(), 1),
                  indexConst(rw, loc, wt.getDimSize(1) * G),
                  "Conv: the input's channels do not match the weight");
    ArrayRef<int64_t> pads = op.getPads();
    Type et = rt.getElementType();
    Value input = padSpatial(rw, loc, adaptor.getInput(), pads.take_front(d),
                             pads.drop_front(d), scalarConst(rw, loc, et, 0));
    auto it = cast<RankedTensorType>(input.getType());
    // Output sizes from the padded input's run-time sizes.
    auto outSize = [&](int64_t i) -> Value {
      if (i == 0)
        return dimOf(rw, loc, input, 0);
      return windowOutSize(rw, loc, dimOf(rw, loc, input, i),
                           wt.getDimSize(i), op.getStrides()[i - 2],
                           op.getDilations()[i - 2], 0, false, "Conv");
    };
    Value init = zeroFilled(rw, loc, rt, dynSizesOf(rt, outSize));
    Value result;
    auto i64s = [&](ArrayRef<int64_t> v) {
      return DenseIntElementsAttr::get(
          RankedTensorType::get({(int64_t)v.size()}, rw.getI64Type()), v);
    };
    if (d == 2 && G == 1) {
      result = linalg::Conv2DNchwFchwOp::create(
                   rw, loc, TypeRange{rt}, ValueRange{input, adaptor.getWeight()},
                   ValueRange{init}, i64s(op.getStrides()),
                   i64s(op.getDilations()))
                   .getResult(0);
    } else {
      // Grouped N-d convolution: input [N, G, C/G, x...], weight
      // [G, F/G, C/G, k...], output [N, G, F/G, o...]: dim 1 splits in two.
      if (it.isDynamicDim(1))
        return op.emitError("lowering needs static input channels");
      // Splits dim `at` (0 or 1) of `v` into [G, size / G].
      auto expand = [&](Value v, int64_t at) {
        auto t = cast<RankedTensorType>(v.getType());
        SmallVector<int64_t> shape(t.getShape());
        shape[at] = t.getDimSize(at) / G;
        shape.insert(shape.begin() + at, G);
        SmallVector<ReassociationIndices> re;
        for (int64_t i = 0; i < t.getRank(); ++i)
          re.push_back(i < at    ? ReassociationIndices{i}
                       : i == at ? ReassociationIndices{i, i + 1}
                                 : ReassociationIndices{i + 1});
        SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(rw, loc, v);
        sizes[at] = rw.getIndexAttr(shape[at + 1]);
        sizes.insert(sizes.begin() + at, rw.getIndexAttr(G));
        return tensor::ExpandShapeOp::create(
                   rw, loc, RankedTensorType::get(shape, t.getElementType()), v,
                   re, sizes)
            .getResult();
      };
      auto collapse = [&](Value v) {
        SmallVector<ReassociationIndices> re{{0}, {1, 2}};
        for (int64_t i = 2; i < rt.getRank(); ++i)
          re.push_back({i + 1});
        return tensor::CollapseShapeOp::create(rw, loc, rt, v, re).getResult();
      };
      Value in5 = expand(input, 1);
      Value w5 = expand(adaptor.getWeight(), 0);
      Value init5 = expand(init, 1);
      if (d == 2) {
        // The named form lets backends recognize it (CPU microkernels).
        Value g = linalg::Conv2DNgchwGfchwOp::create(
                      rw, loc, TypeRange{init5.getType()}, ValueRange{in5, w5},
                      ValueRange{init5}, i64s(op.getStrides()),
                      i64s(op.getDilations()))
                      .getResult(0);
        result = collapse(g);
        if (adaptor.getBias())
          result = addChannelBias(rw, loc, result, adaptor.getBias());
        rw.replaceOp(op, result);
        return success();
      }
      MLIRContext *ctx = rw.getContext();
      // Loops: n g f o... c k...
      int64_t nl = 3 + d + 1 + d;
      auto dim = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
      SmallVector<AffineExpr> ie{dim(0), dim(1), dim(3 + d)},
          we{dim(1), dim(2), dim(3 + d)}, oe{dim(0), dim(1), dim(2)};
      for (int64_t i = 0; i < d; ++i) {
        ie.push_back(dim(3 + i) * op.getStrides()[i] +
                     dim(4 + d + i) * op.getDilations()[i]);
        we.push_back(dim(4 + d + i));
        oe.push_back(dim(3 + i));
      }
      SmallVector<AffineMap> maps{AffineMap::get(nl, 0, ie, ctx),
                                  AffineMap::get(nl, 0, we, ctx),
                                  AffineMap::get(nl, 0, oe, ctx)};
      SmallVector<utils::IteratorType> iters(3 + d,
                                             utils::IteratorType::parallel);
      iters.append(1 + d, utils::IteratorType::reduction);
      auto g = linalg::GenericOp::create(
          rw, loc, TypeRange{init5.getType()}, ValueRange{in5, w5},
          ValueRange{init5}, maps, iters,
          [&](OpBuilder &b, Location l, ValueRange a) {
            linalg::YieldOp::create(b, l, mulAcc(b, l, a[0], a[1], a[2]));
          });
      result = collapse(g.getResult(0));
    }
    if (adaptor.getBias())
      result = addChannelBias(rw, loc, result, adaptor.getBias());
    rw.replaceOp(op, result);
    return success();
  }
};

/// Transposed convolution, written as a gather: each output element sums
/// the input elements whose scattered window covers it.
struct ConvTransposeLowering
    : public OpConversionPattern<tg::ConvTransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tg::ConvTransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    auto rt = cast<RankedTensorType>(op.getType());
    auto it = cast<RankedTensorType>(adaptor.getInput().getType());
    auto wt = cast<RankedTensorType>(adaptor.getWeight().getType());
    if (failed(requireStatic(rw, op, rt)) || failed(requireStatic(rw, op, it)) ||
        failed(requireStatic(rw, op, wt)))
      return failure();
    int64_t d = rt.getRank() - 2, G = op.getGroup();
    int64_t C = it.getDimSize(1), F = rt.getDimSize(1);
    int64_t Cg = C / G, Fg = F / G;
    MLIRContext *ctx = rw.getContext();
    // Loops: n f o... | c k... ; the weight is read through its map, the
    // input with a guarded tensor.extract.
    int64_t nl = 2 + d + 1 + d;
    auto dim = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
    // weight [C, F/G, k...]: c_abs = (f / Fg) * Cg + c, f_in = f mod Fg.
    SmallVector<AffineExpr> we{dim(1).floorDiv(Fg) * Cg + dim(2 + d),
                               dim(1) % Fg};
    SmallVector<AffineExpr> oe{dim(0), dim(1)};
    for (int64_t i = 0; i < d; ++i) {
      we.push_back(dim(3 + d + i));
      oe.push_back(dim(2 + i));
    }
    // A shape-only operand gives the c loop its extent.
    Value cExtent = emptyTensor(rw, loc,
                                RankedTensorType::get({Cg}, rt.getElementType()),
                                {});
    SmallVector<AffineMap> maps{AffineMap::get(nl, 0, we, ctx),
                                AffineMap::get(nl, 0, {dim(2 + d)}, ctx),
                                AffineMap::get(nl, 0, oe, ctx)};
    SmallVector<utils::IteratorType> iters(2 + d, utils::IteratorType::parallel);
    iters.append(1 + d, utils::IteratorType::reduction);
    Value init = zeroFilled(rw, loc, rt, {});
    Value input = adaptor.getInput();
    auto g = linalg::GenericOp::create(
        rw, loc, TypeRange{rt}, ValueRange{adaptor.getWeight(), cExtent},
        ValueRange{init}, maps, iters,
        [&](OpBuilder &b, Location l, ValueRange a) {
          Value valid = arith::ConstantIntOp::create(b, l, 1, 1);
          SmallVector<Value> idx{linalg::IndexOp::create(b, l, 0)};
          Value f = linalg::IndexOp::create(b, l, 1);
          Value c = linalg::IndexOp::create(b, l, 2 + d);
          Value cAbs = arith::AddIOp::create(
              b, l,
              arith::MulIOp::create(
                  b, l, arith::DivUIOp::create(b, l, f, indexConst(b, l, Fg)),
                  indexConst(b, l, Cg)),
              c);
          idx.push_back(cAbs);
          for (int64_t i = 0; i < d; ++i) {
            Value o = linalg::IndexOp::create(b, l, 2 + i);
            Value k = linalg::IndexOp::create(b, l, 3 + d + i);
            // t = o + pad_begin - k * dilation must be a multiple of stride.
            Value t = arith::SubIOp::create(
                b, l,
                arith::AddIOp::create(b, l, o,
                                      indexConst(b, l, op.getPads()[i])),
                arith::MulIOp::create(b, l, k,
                                      indexConst(b, l, op.getDilations()[i])));
            Value s = indexConst(b, l, op.getStrides()[i]);
            Value q = arith::DivSIOp::create(b, l, t, s);
            Value ok = arith::AndIOp::create(
                b, l,
                arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, t,
                                      indexConst(b, l, 0)),
                arith::CmpIOp::create(
                    b, l, arith::CmpIPredicate::eq,
                    arith::RemSIOp::create(b, l, t, s), indexConst(b, l, 0)));
            ok = arith::AndIOp::create(
                b, l, ok,
                arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, q,
                                      indexConst(b, l, it.getDimSize(2 + i))));
            valid = arith::AndIOp::create(b, l, valid, ok);
            // Clamp so the read is in bounds even when masked off.
            q = arith::MaxSIOp::create(b, l, q, indexConst(b, l, 0));
            q = arith::MinSIOp::create(b, l, q,
                                       indexConst(b, l, it.getDimSize(2 + i) - 1));
            idx.push_back(q);
          }
          Value x = tensor::ExtractOp::create(b, l, input, idx);
          Value prod = arith::MulFOp::create(b, l, x, a[0]);
          prod = arith::SelectOp::create(b, l, valid, prod,
                                         scalarConst(b, l, prod.getType(), 0));
          linalg::YieldOp::create(b, l,
                                  arith::AddFOp::create(b, l, a[2], prod)
                                      .getResult());
        });
    Value result = g.getResult(0);
    if (adaptor.getBias())
      result = addChannelBias(rw, loc, result, adaptor.getBias());
    rw.replaceOp(op, result);
    return success();
  }
};

/// Einsum as one contraction-shaped generic: the loops are the output's
/// labels (parallel) then the summed labels (reduction), in order of first
/// appearance; a dim of size 1 against a larger label size broadcasts.
struct EinsumLowering : public OpConversionPattern<tg::EinsumOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tg::EinsumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    auto rt = cast<RankedTensorType>(op.getType());
    // The verifier checked the equation: terms match the input ranks.
    std::string eq;
    for (char ch : op.getEquation())
      if (ch != ' ')
        eq.push_back(ch);
    size_t arrow = eq.find("->");
    StringRef lhs = StringRef(eq).take_front(arrow);
    SmallVector<StringRef> terms;
    lhs.split(terms, ',');
    std::string labels; // output labels, then summed ones
    // Per label: the largest static dim it has, and the run-time dims
    // (operand, dim). A static 1 against another size broadcasts; run-time
    // dims of a label must all be its size (checked when the op runs: a
    // run-time 1 does not broadcast).
    llvm::StringMap<int64_t> sizes;
    llvm::DenseMap<char, SmallVector<std::pair<Value, int64_t>>> dynDims;
    llvm::DenseMap<char, int> counts;
    for (auto [term, v] : llvm::zip(terms, adaptor.getInputs()))
      for (auto [i, ch] : llvm::enumerate(term)) {
        int64_t d = cast<RankedTensorType>(v.getType()).getDimSize(i);
        int64_t &size = sizes[StringRef(&ch, 1)];
        if (ShapedType::isDynamic(d))
          dynDims[ch].push_back({v, (int64_t)i});
        else
          size = std::max(size, d);
        ++counts[ch];
      }
    // A label's size: its static one when that is not 1 (or there is no
    // run-time dim), else its first run-time dim.
    llvm::DenseMap<char, Value> labelSize;
    Value ok = arith::ConstantIntOp::create(rw, loc, 1, 1);
    for (auto &[ch, dims] : dynDims) {
      int64_t st = sizes[StringRef(&ch, 1)];
      Value size = st > 1 ? indexConst(rw, loc, st)
                          : dimOf(rw, loc, dims.front().first,
                                  dims.front().second);
      labelSize[ch] = size;
      for (auto [v, i] : dims)
        ok = arith::AndIOp::create(
            rw, loc, ok,
            arith::CmpIOp::create(rw, loc, arith::CmpIPredicate::eq,
                                  dimOf(rw, loc, v, i), size));
    }
    if (!dynDims.empty())
      cf::AssertOp::create(rw, loc, ok,
                           "tg.einsum: the dims of one label differ");
    if (arrow != std::string::npos) {
      labels = StringRef(eq).drop_front(arrow + 2).str();
    } else {
      for (char ch = 'A'; ch <= 'z'; ++ch)
        if (counts.lookup(ch) == 1)
          labels.push_back(ch);
    }
    unsigned numOut = labels.size();
    for (StringRef term : terms)
      for (char ch : term)
        if (labels.find(ch) == std::string::npos)
          labels.push_back(ch);
    MLIRContext *ctx = rw.getContext();
    unsigned nl = labels.size();
    auto loopOf = [&](char ch) {
      return getAffineDimExpr(labels.find(ch), ctx);
    };
    SmallVector<AffineMap> maps;
    for (auto [term, v] : llvm::zip(terms, adaptor.getInputs())) {
      auto t = cast<RankedTensorType>(v.getType());
      SmallVector<AffineExpr> e;
      for (auto [i, ch] : llvm::enumerate(term))
        e.push_back(t.getDimSize(i) == 1 &&
                            (sizes[StringRef(&ch, 1)] != 1 ||
                             dynDims.count(ch))
                        ? getAffineConstantExpr(0, ctx)
                        : loopOf(ch));
      maps.push_back(AffineMap::get(nl, 0, e, ctx));
    }
    SmallVector<AffineExpr> oe;
    for (unsigned i = 0; i < numOut; ++i)
      oe.push_back(getAffineDimExpr(i, ctx));
    maps.push_back(AffineMap::get(nl, 0, oe, ctx));
    SmallVector<utils::IteratorType> iters(numOut,
                                           utils::IteratorType::parallel);
    iters.append(nl - numOut, utils::IteratorType::reduction);
    SmallVector<Value> outDyn;
    for (unsigned i = 0; i < numOut; ++i)
      if (rt.isDynamicDim(i)) {
        Value size = labelSize.lookup(labels[i]);
        outDyn.push_back(size ? size
                              : indexConst(rw, loc,
                                           sizes[StringRef(&labels[i], 1)]));
      }
    Value init = zeroFilled(rw, loc, rt, outDyn);
    auto g = linalg::GenericOp::create(
        rw, loc, TypeRange{rt}, adaptor.getInputs(), ValueRange{init}, maps,
        iters, [&](OpBuilder &b, Location l, ValueRange a) {
          Value acc = a.back();
          ValueRange ins = a.drop_back();
          bool isFloat = isa<FloatType>(acc.getType());
          if (ins.size() == 1) {
            linalg::YieldOp::create(
                b, l,
                isFloat ? arith::AddFOp::create(b, l, acc, ins[0]).getResult()
                        : arith::AddIOp::create(b, l, acc, ins[0]).getResult());
            return;
          }
          Value prod = ins.front();
          for (unsigned i = 1; i + 1 < ins.size(); ++i)
            prod = isFloat ? arith::MulFOp::create(b, l, prod, ins[i]).getResult()
                           : arith::MulIOp::create(b, l, prod, ins[i]).getResult();
          linalg::YieldOp::create(b, l, mulAcc(b, l, prod, ins.back(), acc));
        });
    rw.replaceOp(op, g.getResult(0));
    return success();
  }
};

} // namespace

void mlir::tangram::populateContractionLowering(TGTypeConverter &tc,
                                                RewritePatternSet &p) {
  p.add<MatMulLowering, ConvLowering, ConvTransposeLowering, EinsumLowering>(
      tc, p.getContext());
}
