//===- RandomLowering.cpp - tg.random_uniform / tg.random_normal ----------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Random tensors from a counter-based generator: element i of a draw is
// splitmix64(key + (i + 1) * golden), a pure function of the key and the
// position, so the elementwise generic parallelizes and vectorizes like any
// other. The key is the seed's bits when the op has a seed (the same seed
// gives the same tensor, as ONNX intends) and otherwise a per-draw number
// taken from a module counter with an atomic add, so every run (and every
// op in it) draws new values. Uniform values take the top bits as a
// fraction in [0, 1); normal values use Box-Muller on two such fractions.
// The streams are not numpy's: tests can check distributions, not values.
//
//===----------------------------------------------------------------------===//
#include "Graph/GraphOps.h"
#include "LoweringUtils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::tangram;

namespace {

constexpr StringLiteral kCounter = "__tg_random_draws";
constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ull;

Value i64c(OpBuilder &b, Location l, uint64_t v) {
  return arith::ConstantIntOp::create(b, l, b.getI64Type(), (int64_t)v);
}

/// splitmix64's finalizer: a bijective mix of all 64 bits.
Value mix(OpBuilder &b, Location l, Value z) {
  auto shrXor = [&](Value v, int64_t s) {
    return (Value)arith::XOrIOp::create(
        b, l, v, arith::ShRUIOp::create(b, l, v, i64c(b, l, s)));
  };
  z = arith::MulIOp::create(b, l, shrXor(z, 30),
                            i64c(b, l, 0xBF58476D1CE4E5B9ull));
  z = arith::MulIOp::create(b, l, shrXor(z, 27),
                            i64c(b, l, 0x94D049BB133111EBull));
  return shrXor(z, 31);
}

/// The `n`-th 64-bit draw of the stream `key`.
Value draw(OpBuilder &b, Location l, Value key, Value n) {
  Value step = arith::MulIOp::create(
      b, l, arith::AddIOp::create(b, l, n, i64c(b, l, 1)), i64c(b, l, kGolden));
  return mix(b, l, arith::AddIOp::create(b, l, key, step));
}

/// The top 53 bits of a draw as an f64 in [0, 1).
Value fraction(OpBuilder &b, Location l, Value bits) {
  Value top = arith::ShRUIOp::create(b, l, bits, i64c(b, l, 11));
  Value f = arith::UIToFPOp::create(b, l, b.getF64Type(), top);
  return arith::MulFOp::create(
      b, l, f, scalarConst(b, l, b.getF64Type(), std::ldexp(1.0, -53)));
}

/// The stream key of one execution of `op`: from its seed, or the next
/// value of the module's draw counter.
Value streamKey(ConversionPatternRewriter &rw, Operation *op,
                std::optional<APFloat> seed) {
  Location l = op->getLoc();
  if (seed) {
    uint64_t bits = seed->bitcastToAPInt().getZExtValue();
    return i64c(rw, l, bits * kGolden ^ 0x5DEECE66Dull);
  }
  auto module = op->getParentOfType<ModuleOp>();
  auto type = MemRefType::get({}, rw.getI64Type());
  if (!module.lookupSymbol(kCounter)) {
    OpBuilder::InsertionGuard g(rw);
    rw.setInsertionPointToStart(module.getBody());
    memref::GlobalOp::create(
        rw, l, kCounter, rw.getStringAttr("private"), type,
        DenseElementsAttr::get(RankedTensorType::get({}, rw.getI64Type()),
                               APInt(64, 0)),
        /*constant=*/false, /*alignment=*/nullptr);
  }
  Value g = memref::GetGlobalOp::create(rw, l, type, kCounter);
  Value n = memref::AtomicRMWOp::create(rw, l, arith::AtomicRMWKind::addi,
                                        i64c(rw, l, 1), g, ValueRange{});
  return mix(rw, l, arith::MulIOp::create(rw, l, n, i64c(rw, l, kGolden)));
}

/// The flat (row-major) position of the element at `ivs`, as i64.
Value flatIndex(OpBuilder &b, Location l, RankedTensorType t,
                ArrayRef<Value> ivs) {
  Value flat = indexConst(b, l, 0);
  for (auto [d, iv] : llvm::enumerate(ivs))
    flat = arith::AddIOp::create(
        b, l,
        arith::MulIOp::create(b, l, flat, indexConst(b, l, t.getDimSize(d))),
        iv);
  return arith::IndexCastOp::create(b, l, b.getI64Type(), flat);
}

template <typename OpT>
struct RandomLowering : public OpConversionPattern<OpT> {
  using OpConversionPattern<OpT>::OpConversionPattern;
  LogicalResult matchAndRewrite(OpT op, typename OpT::Adaptor,
                                ConversionPatternRewriter &rw) const override {
    auto rt = cast<RankedTensorType>(
        this->getTypeConverter()->convertType(op.getType()));
    if (failed(requireStatic(rw, op, rt)))
      return failure();
    std::optional<APFloat> seed;
    if (op.getSeedAttr())
      seed = op.getSeedAttr().getValue();
    Value key = streamKey(rw, op, seed);
    Type f64 = rw.getF64Type(), et = rt.getElementType();
    constexpr bool normal = std::is_same_v<OpT, tg::RandomNormalOp>;
    double a, b;
    if constexpr (normal) {
      a = op.getMean().convertToDouble();
      b = op.getScale().convertToDouble();
    } else {
      a = op.getLow().convertToDouble();
      b = op.getHigh().convertToDouble();
    }
    rw.replaceOp(
        op,
        buildIndexed(
            rw, op.getLoc(), rt, {},
            [&](OpBuilder &bb, Location l, ArrayRef<Value> ivs) -> Value {
              Value i = flatIndex(bb, l, rt, ivs);
              Value v;
              if constexpr (normal) {
                // Box-Muller: sqrt(-2 ln(1 - u1)) * cos(2 pi u2), u1 in [0, 1).
                Value two = i64c(bb, l, 2);
                Value i2 = arith::MulIOp::create(bb, l, i, two);
                Value u1 = fraction(bb, l, draw(bb, l, key, i2));
                Value u2 = fraction(
                    bb, l,
                    draw(bb, l, key,
                         arith::AddIOp::create(bb, l, i2, i64c(bb, l, 1))));
                Value r = math::SqrtOp::create(
                    bb, l,
                    arith::MulFOp::create(
                        bb, l, scalarConst(bb, l, f64, -2.0),
                        math::LogOp::create(
                            bb, l,
                            arith::SubFOp::create(
                                bb, l, scalarConst(bb, l, f64, 1.0), u1))));
                Value c = math::CosOp::create(
                    bb, l,
                    arith::MulFOp::create(
                        bb, l, scalarConst(bb, l, f64, 2 * llvm::numbers::pi),
                        u2));
                v = arith::MulFOp::create(bb, l, r, c);
              } else {
                v = fraction(bb, l, draw(bb, l, key, i));
              }
              // a + v * b for normal (mean, scale), low + v * (high - low)
              // else.
              double span = normal ? b : b - a;
              v = arith::AddFOp::create(
                  bb, l, scalarConst(bb, l, f64, a),
                  arith::MulFOp::create(bb, l, v,
                                        scalarConst(bb, l, f64, span)));
              return et == f64 ? v
                               : (Value)arith::TruncFOp::create(bb, l, et, v);
            }));
    return success();
  }
};

} // namespace

void mlir::tangram::populateRandomLowering(TGTypeConverter &tc,
                                           RewritePatternSet &p) {
  p.add<RandomLowering<tg::RandomUniformOp>,
        RandomLowering<tg::RandomNormalOp>>(tc, p.getContext());
}
