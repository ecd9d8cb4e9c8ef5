//===- ExpandFloat8.cpp - 8-bit float conversions as integer arithmetic ---===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Target/CPU/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_EXPANDFLOAT8PASS
#include "tangram/Target/CPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;

namespace {

/// The layout of an 8-bit float format.
struct Float8Format {
  int mantissa;  // mantissa bits
  int bias;      // exponent bias
  bool fnuz;     // no negative zero, NaN is 0x80, no infinity
  bool infinity; // all-ones exponent with zero mantissa is infinity (E5M2)
  int maxCode;   // the largest finite magnitude's code
  int overflow;  // the code of a magnitude beyond maxCode (inf or NaN)
  int nan;       // the code of NaN
};

std::optional<Float8Format> formatOf(Type t) {
  if (isa<Float8E4M3FNType>(t))
    return Float8Format{3, 7, false, false, 0x7E, 0x7F, 0x7F};
  if (isa<Float8E4M3FNUZType>(t))
    return Float8Format{3, 8, true, false, 0x7F, 0x80, 0x80};
  if (isa<Float8E5M2Type>(t))
    return Float8Format{2, 15, false, true, 0x7B, 0x7C, 0x7F};
  if (isa<Float8E5M2FNUZType>(t))
    return Float8Format{2, 16, true, false, 0x7F, 0x80, 0x80};
  return std::nullopt;
}

/// Builds i32 arithmetic with less noise.
struct I32 {
  OpBuilder &b;
  Location loc;
  Value c(int64_t v) { return arith::ConstantIntOp::create(b, loc, v, 32); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, loc, x, y); }
  Value andI(Value x, Value y) { return arith::AndIOp::create(b, loc, x, y); }
  Value orI(Value x, Value y) { return arith::OrIOp::create(b, loc, x, y); }
  Value shl(Value x, Value y) { return arith::ShLIOp::create(b, loc, x, y); }
  Value shr(Value x, Value y) { return arith::ShRUIOp::create(b, loc, x, y); }
  Value cmp(arith::CmpIPredicate p, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, p, x, y);
  }
  Value sel(Value c, Value x, Value y) {
    return arith::SelectOp::create(b, loc, c, x, y);
  }
};

/// f32 -> 8-bit float code (in i32), round to nearest even.
Value encode(OpBuilder &b, Location loc, Value x, const Float8Format &f) {
  I32 i{b, loc};
  using P = arith::CmpIPredicate;
  Value bits = arith::BitcastOp::create(b, loc, b.getI32Type(), x);
  Value sign = i.shr(bits, i.c(31));
  Value abs = i.andI(bits, i.c(0x7FFFFFFF));
  int shift = 23 - f.mantissa;
  // Normal results: drop `shift` mantissa bits rounding to nearest even,
  // then rebias the exponent.
  Value lsb = i.andI(i.shr(abs, i.c(shift)), i.c(1));
  Value rounded =
      i.shr(i.add(abs, i.add(i.c((1 << (shift - 1)) - 1), lsb)), i.c(shift));
  Value normal = i.sub(rounded, i.c((127 - f.bias) << f.mantissa));
  // Subnormal results: |x| in units of the smallest subnormal, rounded.
  Value absF = arith::BitcastOp::create(b, loc, b.getF32Type(), abs);
  Value scaled = arith::MulFOp::create(
      b, loc, absF,
      arith::ConstantOp::create(
          b, loc, b.getF32FloatAttr(std::ldexp(1.0f, f.bias + f.mantissa - 1))));
  Value q = math::RoundEvenOp::create(b, loc, scaled);
  Value sub = arith::FPToSIOp::create(b, loc, b.getI32Type(), q);
  Value isSub = i.cmp(P::ult, abs, i.c((127 - f.bias + 1) << 23));
  Value code = i.sel(isSub, sub, normal);
  code = i.sel(i.cmp(P::sgt, code, i.c(f.maxCode)), i.c(f.overflow), code);
  code = i.sel(i.cmp(P::ugt, abs, i.c(0x7F800000)), i.c(f.nan), code);
  Value signed_ = i.orI(code, i.shl(sign, i.c(7)));
  if (f.fnuz) // zero and NaN carry no sign
    return i.sel(i.orI(i.cmp(P::eq, code, i.c(0)),
                       i.cmp(P::eq, code, i.c(0x80))),
                 code, signed_);
  return signed_;
}

/// 8-bit float code (in i32) -> f32.
Value decode(OpBuilder &b, Location loc, Value byte, const Float8Format &f) {
  I32 i{b, loc};
  using P = arith::CmpIPredicate;
  Value sign = i.shl(i.shr(byte, i.c(7)), i.c(31));
  Value mag = i.andI(byte, i.c(0x7F));
  Value e = i.shr(mag, i.c(f.mantissa));
  Value m = i.andI(mag, i.c((1 << f.mantissa) - 1));
  Value normal = i.orI(i.shl(i.add(e, i.c(127 - f.bias)), i.c(23)),
                       i.shl(m, i.c(23 - f.mantissa)));
  Value subF = arith::MulFOp::create(
      b, loc, arith::UIToFPOp::create(b, loc, b.getF32Type(), m),
      arith::ConstantOp::create(
          b, loc, b.getF32FloatAttr(std::ldexp(1.0f, 1 - f.bias - f.mantissa))));
  Value sub = arith::BitcastOp::create(b, loc, b.getI32Type(), subF);
  Value bits = i.sel(i.cmp(P::eq, e, i.c(0)), sub, normal);
  Value nan = i.c(0x7FC00000);
  if (f.fnuz) {
    bits = i.orI(bits, sign);
    bits = i.sel(i.cmp(P::eq, byte, i.c(0x80)), nan, bits);
  } else if (f.infinity) {
    Value top = i.cmp(P::eq, e, i.c((1 << (7 - f.mantissa)) - 1));
    Value special = i.sel(i.cmp(P::eq, m, i.c(0)), i.c(0x7F800000), nan);
    bits = i.orI(i.sel(top, special, bits), sign);
  } else {
    bits = i.orI(i.sel(i.cmp(P::eq, mag, i.c(0x7F)), nan, bits), sign);
  }
  return arith::BitcastOp::create(b, loc, b.getF32Type(), bits);
}

struct ExpandTruncF : public OpRewritePattern<arith::TruncFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::TruncFOp op,
                                PatternRewriter &rw) const override {
    auto f = formatOf(op.getType());
    if (!f)
      return failure();
    Location loc = op.getLoc();
    Value x = op.getIn();
    if (!x.getType().isF32())
      x = x.getType().getIntOrFloatBitWidth() > 32
              ? (Value)arith::TruncFOp::create(rw, loc, rw.getF32Type(), x)
              : (Value)arith::ExtFOp::create(rw, loc, rw.getF32Type(), x);
    Value code = encode(rw, loc, x, *f);
    Value byte = arith::TruncIOp::create(rw, loc, rw.getI8Type(), code);
    rw.replaceOpWithNewOp<arith::BitcastOp>(op, op.getType(), byte);
    return success();
  }
};

struct ExpandExtF : public OpRewritePattern<arith::ExtFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::ExtFOp op,
                                PatternRewriter &rw) const override {
    auto f = formatOf(op.getIn().getType());
    if (!f)
      return failure();
    Location loc = op.getLoc();
    Value byte = arith::BitcastOp::create(rw, loc, rw.getI8Type(), op.getIn());
    Value wide = arith::ExtUIOp::create(rw, loc, rw.getI32Type(), byte);
    Value x = decode(rw, loc, wide, *f);
    unsigned width = op.getType().getIntOrFloatBitWidth();
    if (width > 32)
      x = arith::ExtFOp::create(rw, loc, op.getType(), x);
    else if (width < 32) // f16, bf16: every 8-bit float value is exact
      x = arith::TruncFOp::create(rw, loc, op.getType(), x);
    rw.replaceOp(op, x);
    return success();
  }
};

/// An f8 scalar constant as its i8 bits.
struct ExpandConstant : public OpRewritePattern<arith::ConstantOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::ConstantOp op,
                                PatternRewriter &rw) const override {
    auto attr = dyn_cast<FloatAttr>(op.getValue());
    if (!attr || !formatOf(attr.getType()))
      return failure();
    APInt bits = attr.getValue().bitcastToAPInt();
    Value byte = arith::ConstantOp::create(
        rw, op.getLoc(), rw.getIntegerAttr(rw.getI8Type(), bits));
    rw.replaceOpWithNewOp<arith::BitcastOp>(op, op.getType(), byte);
    return success();
  }
};

struct ExpandFloat8Pass
    : public mlir::tangram::impl::ExpandFloat8PassBase<ExpandFloat8Pass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ExpandTruncF, ExpandExtF, ExpandConstant>(&getContext());
    GreedyRewriteConfig config;
    config.enableFolding(false); // the folder would rebuild f8 constants
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns),
                                     config)))
      signalPassFailure();
  }
};

} // namespace
