//===- ElementwiseLowering.cpp - tg elementwise ops to linalg.generic -----===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Unary, binary, select and cast ops all become one all-parallel
// linalg.generic over numpy-broadcast operands; only the scalar body differs.
// Chains of them fuse later (linalg elementwise fusion).
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "llvm/ADT/TypeSwitch.h"
#include <cmath>

using namespace mlir;
using namespace mlir::tangram;

namespace {

/// Scalar helpers that pick the float or integer arith op.
struct Scalar {
  OpBuilder &b;
  Location loc;
  bool isUnsigned;

  Value c(Value like, double v) { return scalarConst(b, loc, like.getType(), v); }
  bool isF(Value v) { return isa<FloatType>(v.getType()); }
  Value add(Value x, Value y) {
    return isF(x) ? (Value)arith::AddFOp::create(b, loc, x, y)
                  : (Value)arith::AddIOp::create(b, loc, x, y);
  }
  Value sub(Value x, Value y) {
    return isF(x) ? (Value)arith::SubFOp::create(b, loc, x, y)
                  : (Value)arith::SubIOp::create(b, loc, x, y);
  }
  Value mul(Value x, Value y) {
    return isF(x) ? (Value)arith::MulFOp::create(b, loc, x, y)
                  : (Value)arith::MulIOp::create(b, loc, x, y);
  }
  Value div(Value x, Value y) {
    if (isF(x))
      return arith::DivFOp::create(b, loc, x, y);
    return isUnsigned ? (Value)arith::DivUIOp::create(b, loc, x, y)
                      : (Value)arith::DivSIOp::create(b, loc, x, y);
  }
  Value cmp(arith::CmpFPredicate fp, arith::CmpIPredicate sp,
            arith::CmpIPredicate up, Value x, Value y) {
    if (isF(x))
      return arith::CmpFOp::create(b, loc, fp, x, y);
    return arith::CmpIOp::create(b, loc, isUnsigned ? up : sp, x, y);
  }
  Value lt(Value x, Value y) {
    return cmp(arith::CmpFPredicate::OLT, arith::CmpIPredicate::slt,
               arith::CmpIPredicate::ult, x, y);
  }
  Value gt(Value x, Value y) {
    return cmp(arith::CmpFPredicate::OGT, arith::CmpIPredicate::sgt,
               arith::CmpIPredicate::ugt, x, y);
  }
  Value sel(Value cnd, Value x, Value y) {
    return arith::SelectOp::create(b, loc, cnd, x, y);
  }
  /// NaN-propagating max/min, as ONNX Max/Min/Relu.
  Value max(Value x, Value y) {
    if (isF(x))
      return arith::MaximumFOp::create(b, loc, x, y);
    return isUnsigned ? (Value)arith::MaxUIOp::create(b, loc, x, y)
                      : (Value)arith::MaxSIOp::create(b, loc, x, y);
  }
  Value min(Value x, Value y) {
    if (isF(x))
      return arith::MinimumFOp::create(b, loc, x, y);
    return isUnsigned ? (Value)arith::MinUIOp::create(b, loc, x, y)
                      : (Value)arith::MinSIOp::create(b, loc, x, y);
  }
  Value exp(Value x) { return math::ExpOp::create(b, loc, x); }
  Value neg(Value x) {
    return isF(x) ? (Value)arith::NegFOp::create(b, loc, x) : sub(c(x, 0), x);
  }
  Value abs(Value x) {
    if (isF(x))
      return math::AbsFOp::create(b, loc, x);
    return isUnsigned ? x : (Value)math::AbsIOp::create(b, loc, x);
  }
  /// f16/bf16 math goes through f32 (libm and LLVM have no half routines).
  template <typename OpT> Value fmath(Value x) {
    Type t = x.getType();
    if (t.getIntOrFloatBitWidth() < 32) {
      Value w = arith::ExtFOp::create(b, loc, b.getF32Type(), x);
      return arith::TruncFOp::create(b, loc, t, OpT::create(b, loc, w));
    }
    return OpT::create(b, loc, x);
  }
};

double f(FloatAttr a) { return a.getValueAsDouble(); }

/// The scalar body of a unary tg op, or null when `op` is not one.
Value emitUnary(Operation *op, Scalar &s, Value x) {
  auto &b = s.b;
  auto loc = s.loc;
  return llvm::TypeSwitch<Operation *, Value>(op)
      .Case([&](tg::AbsOp) { return s.abs(x); })
      .Case([&](tg::NegOp) { return s.neg(x); })
      .Case([&](tg::SignOp) {
        Value z = s.c(x, 0);
        return s.sel(s.gt(x, z), s.c(x, 1),
                     s.sel(s.lt(x, z), s.c(x, -1), s.isF(x) ? x : z));
      })
      .Case([&](tg::ReluOp) { return s.max(x, s.c(x, 0)); })
      .Case([&](tg::ExpOp) { return s.fmath<math::ExpOp>(x); })
      .Case([&](tg::LogOp) { return s.fmath<math::LogOp>(x); })
      .Case([&](tg::SqrtOp) { return s.fmath<math::SqrtOp>(x); })
      .Case([&](tg::ReciprocalOp) { return s.div(s.c(x, 1), x); })
      .Case([&](tg::FloorOp) { return s.fmath<math::FloorOp>(x); })
      .Case([&](tg::CeilOp) { return s.fmath<math::CeilOp>(x); })
      .Case([&](tg::RoundOp) { return s.fmath<math::RoundEvenOp>(x); })
      .Case([&](tg::SinOp) { return s.fmath<math::SinOp>(x); })
      .Case([&](tg::CosOp) { return s.fmath<math::CosOp>(x); })
      .Case([&](tg::TanOp) { return s.fmath<math::TanOp>(x); })
      .Case([&](tg::AsinOp) { return s.fmath<math::AsinOp>(x); })
      .Case([&](tg::AcosOp) { return s.fmath<math::AcosOp>(x); })
      .Case([&](tg::AtanOp) { return s.fmath<math::AtanOp>(x); })
      .Case([&](tg::SinhOp) { return s.fmath<math::SinhOp>(x); })
      .Case([&](tg::CoshOp) { return s.fmath<math::CoshOp>(x); })
      .Case([&](tg::AsinhOp) { return s.fmath<math::AsinhOp>(x); })
      .Case([&](tg::AcoshOp) { return s.fmath<math::AcoshOp>(x); })
      .Case([&](tg::AtanhOp) { return s.fmath<math::AtanhOp>(x); })
      .Case([&](tg::ErfOp) { return s.fmath<math::ErfOp>(x); })
      .Case([&](tg::TanhOp) { return s.fmath<math::TanhOp>(x); })
      .Case([&](tg::SigmoidOp) {
        Value e = s.fmath<math::ExpOp>(s.neg(x));
        return s.div(s.c(x, 1), s.add(s.c(x, 1), e));
      })
      .Case([&](tg::SoftplusOp) {
        return s.fmath<math::Log1pOp>(s.fmath<math::ExpOp>(x));
      })
      .Case([&](tg::SoftsignOp) {
        return s.div(x, s.add(s.c(x, 1), s.abs(x)));
      })
      .Case([&](tg::MishOp) {
        Value sp = s.fmath<math::Log1pOp>(s.fmath<math::ExpOp>(x));
        return s.mul(x, s.fmath<math::TanhOp>(sp));
      })
      .Case([&](tg::HardSwishOp) {
        Value t = s.add(s.mul(x, s.c(x, 1.0 / 6)), s.c(x, 0.5));
        return s.mul(x, s.max(s.c(x, 0), s.min(s.c(x, 1), t)));
      })
      .Case([&](tg::NotOp) {
        return (Value)arith::XOrIOp::create(b, loc, x, s.c(x, 1));
      })
      .Case([&](tg::BitwiseNotOp) {
        return (Value)arith::XOrIOp::create(b, loc, x, s.c(x, -1));
      })
      .Case([&](tg::LeakyReluOp o) {
        return s.sel(s.lt(x, s.c(x, 0)), s.mul(x, s.c(x, f(o.getAlphaAttr()))),
                     x);
      })
      .Case([&](tg::EluOp o) {
        Value e = s.mul(s.c(x, f(o.getAlphaAttr())),
                        s.sub(s.fmath<math::ExpOp>(x), s.c(x, 1)));
        return s.sel(s.lt(x, s.c(x, 0)), e, x);
      })
      .Case([&](tg::CeluOp o) {
        double a = f(o.getAlphaAttr());
        Value e = s.mul(s.c(x, a), s.sub(s.fmath<math::ExpOp>(
                                             s.div(x, s.c(x, a))),
                                         s.c(x, 1)));
        return s.add(s.max(s.c(x, 0), x), s.min(s.c(x, 0), e));
      })
      .Case([&](tg::SeluOp o) {
        double a = f(o.getAlphaAttr()), g = f(o.getGammaAttr());
        Value neg = s.sub(s.mul(s.c(x, a), s.fmath<math::ExpOp>(x)), s.c(x, a));
        return s.mul(s.c(x, g), s.sel(s.gt(x, s.c(x, 0)), x, neg));
      })
      .Case([&](tg::HardSigmoidOp o) {
        Value t = s.add(s.mul(x, s.c(x, f(o.getAlphaAttr()))),
                        s.c(x, f(o.getBetaAttr())));
        return s.max(s.c(x, 0), s.min(s.c(x, 1), t));
      })
      .Case([&](tg::ThresholdedReluOp o) {
        return s.sel(s.gt(x, s.c(x, f(o.getAlphaAttr()))), x, s.c(x, 0));
      })
      .Case([&](tg::ShrinkOp o) {
        double l = f(o.getLambdAttr()), bias = f(o.getBiasAttr());
        if (!s.isF(x)) {
          // Integer inputs compare and shift in f64, as the reference does.
          Value w = castScalar(b, loc, x, b.getF64Type(), s.isUnsigned, false);
          Scalar sf{b, loc, false};
          Value r = sf.sel(sf.lt(w, sf.c(w, -l)), sf.add(w, sf.c(w, bias)),
                           sf.sel(sf.gt(w, sf.c(w, l)),
                                  sf.sub(w, sf.c(w, bias)), sf.c(w, 0)));
          return castScalar(b, loc, r, x.getType(), false, s.isUnsigned);
        }
        return s.sel(s.lt(x, s.c(x, -l)), s.add(x, s.c(x, bias)),
                     s.sel(s.gt(x, s.c(x, l)), s.sub(x, s.c(x, bias)),
                           s.c(x, 0)));
      })
      .Case([&](tg::GeluOp o) {
        if (o.getTanhApproximation()) {
          Value x3 = s.mul(s.mul(x, x), x);
          Value inner = s.mul(s.c(x, std::sqrt(2.0 / M_PI)),
                              s.add(x, s.mul(s.c(x, 0.044715), x3)));
          return s.mul(s.mul(s.c(x, 0.5), x),
                       s.add(s.c(x, 1), s.fmath<math::TanhOp>(inner)));
        }
        Value e = s.fmath<math::ErfOp>(s.mul(x, s.c(x, M_SQRT1_2)));
        return s.mul(s.mul(s.c(x, 0.5), x), s.add(s.c(x, 1), e));
      })
      .Case([&](tg::IsNaNOp) {
        return (Value)arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO,
                                            x, x);
      })
      .Case([&](tg::IsInfOp o) {
        Value inf = s.c(x, INFINITY), ninf = s.c(x, -INFINITY);
        Value pos = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, x,
                                          inf);
        Value neg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, x,
                                          ninf);
        Value f0 = scalarConst(b, loc, b.getI1Type(), 0);
        Value r = o.getDetectPositive() ? pos : f0;
        if (o.getDetectNegative())
          r = arith::OrIOp::create(b, loc, r, neg);
        return r;
      })
      .Default([](Operation *) { return Value(); });
}

/// Integer power by squaring (ONNX Pow on integers).
Value intPow(OpBuilder &b, Location loc, Value x, Value y) {
  // Computed in f64 and rounded: exact for every result an integer type holds.
  Value xf = arith::SIToFPOp::create(b, loc, b.getF64Type(), x);
  Value yf = arith::SIToFPOp::create(b, loc, b.getF64Type(), y);
  Value p = math::PowFOp::create(b, loc, xf, yf);
  p = math::RoundEvenOp::create(b, loc, p);
  return arith::FPToSIOp::create(b, loc, x.getType(), p);
}

/// The scalar body of a binary tg op, or null when `op` is not one.
Value emitBinary(Operation *op, Scalar &s, Value x, Value y) {
  auto &b = s.b;
  auto loc = s.loc;
  using FP = arith::CmpFPredicate;
  using IP = arith::CmpIPredicate;
  return llvm::TypeSwitch<Operation *, Value>(op)
      .Case([&](tg::AddOp) { return s.add(x, y); })
      .Case([&](tg::SubOp) { return s.sub(x, y); })
      .Case([&](tg::MulOp) { return s.mul(x, y); })
      .Case([&](tg::DivOp) { return s.div(x, y); })
      .Case([&](tg::PowOp) {
        if (!s.isF(x))
          return intPow(b, loc, x, y);
        if (x.getType().getIntOrFloatBitWidth() < 32) {
          Type t = x.getType();
          Value xw = arith::ExtFOp::create(b, loc, b.getF32Type(), x);
          Value yw = arith::ExtFOp::create(b, loc, b.getF32Type(), y);
          return (Value)arith::TruncFOp::create(
              b, loc, t, math::PowFOp::create(b, loc, xw, yw));
        }
        return (Value)math::PowFOp::create(b, loc, x, y);
      })
      .Case([&](tg::MaxOp) { return s.max(x, y); })
      .Case([&](tg::MinOp) { return s.min(x, y); })
      .Case([&](tg::PReluOp) {
        return s.sel(s.lt(x, s.c(x, 0)), s.mul(x, y), x);
      })
      .Case([&](tg::ModOp o) {
        if (s.isF(x))
          return (Value)arith::RemFOp::create(b, loc, x, y);
        if (s.isUnsigned)
          return (Value)arith::RemUIOp::create(b, loc, x, y);
        Value r = arith::RemSIOp::create(b, loc, x, y);
        if (o.getFmod())
          return r;
        // Python-style: the remainder takes the divisor's sign.
        Value z = s.c(x, 0);
        Value nz = arith::CmpIOp::create(b, loc, IP::ne, r, z);
        Value diff = arith::XOrIOp::create(
            b, loc, arith::CmpIOp::create(b, loc, IP::slt, r, z),
            arith::CmpIOp::create(b, loc, IP::slt, y, z));
        Value fix = arith::AndIOp::create(b, loc, nz, diff);
        return s.sel(fix, s.add(r, y), r);
      })
      .Case([&](tg::BitShiftOp o) {
        if (o.getLeft())
          return (Value)arith::ShLIOp::create(b, loc, x, y);
        return (Value)arith::ShRUIOp::create(b, loc, x, y);
      })
      .Case<tg::BitwiseAndOp, tg::AndOp>(
          [&](auto) { return (Value)arith::AndIOp::create(b, loc, x, y); })
      .Case<tg::BitwiseOrOp, tg::OrOp>(
          [&](auto) { return (Value)arith::OrIOp::create(b, loc, x, y); })
      .Case<tg::BitwiseXorOp, tg::XorOp>(
          [&](auto) { return (Value)arith::XOrIOp::create(b, loc, x, y); })
      .Case([&](tg::EqualOp) { return s.cmp(FP::OEQ, IP::eq, IP::eq, x, y); })
      .Case([&](tg::LessOp) { return s.cmp(FP::OLT, IP::slt, IP::ult, x, y); })
      .Case([&](tg::LessEqualOp) {
        return s.cmp(FP::OLE, IP::sle, IP::ule, x, y);
      })
      .Case([&](tg::GreaterOp) {
        return s.cmp(FP::OGT, IP::sgt, IP::ugt, x, y);
      })
      .Case([&](tg::GreaterEqualOp) {
        return s.cmp(FP::OGE, IP::sge, IP::uge, x, y);
      })
      .Default([](Operation *) { return Value(); });
}

/// Whether `op` is one of the elementwise tg ops this file lowers.
bool isElementwise(Operation *op) {
  return isa<tg::AbsOp, tg::AcosOp, tg::AcoshOp, tg::AddOp,
             tg::AndOp, tg::AsinOp, tg::AsinhOp, tg::AtanOp,
             tg::AtanhOp, tg::BitShiftOp, tg::BitwiseAndOp, tg::BitwiseNotOp,
             tg::BitwiseOrOp, tg::BitwiseXorOp, tg::CastOp, tg::CeilOp,
             tg::CeluOp, tg::CosOp, tg::CoshOp, tg::DivOp,
             tg::EluOp, tg::EqualOp, tg::ErfOp, tg::ExpOp,
             tg::FloorOp, tg::GeluOp, tg::GreaterEqualOp, tg::GreaterOp,
             tg::HardSigmoidOp, tg::HardSwishOp, tg::IsInfOp, tg::IsNaNOp,
             tg::LeakyReluOp, tg::LessEqualOp, tg::LessOp, tg::LogOp,
             tg::MaxOp, tg::MinOp, tg::MishOp, tg::ModOp,
             tg::MulOp, tg::NegOp, tg::NotOp, tg::OrOp,
             tg::PReluOp, tg::PowOp, tg::ReciprocalOp, tg::ReluOp,
             tg::RoundOp, tg::SelectOp, tg::SeluOp, tg::ShrinkOp,
             tg::SigmoidOp, tg::SignOp, tg::SinOp, tg::SinhOp,
             tg::SoftplusOp, tg::SoftsignOp, tg::SqrtOp, tg::SubOp,
             tg::TanOp, tg::TanhOp, tg::ThresholdedReluOp, tg::XorOp>(op);
}

struct ElementwiseLowering : public ConversionPattern {
  ElementwiseLowering(TGTypeConverter &tc, MLIRContext *ctx)
      : ConversionPattern(tc, MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rw) const override {
    if (!isElementwise(op))
      return failure();
    auto tc = static_cast<const TGTypeConverter *>(getTypeConverter());
    auto resultType = tc->convertTensor(op->getResult(0).getType());
    // Signedness comes from the (unconverted) tg operand type.
    bool isUnsigned = isUnsignedElem(op->getOperand(op->getNumOperands() - 1)
                                         .getType());
    auto body = [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
      Scalar s{b, loc, isUnsigned};
      Value v;
      if (auto cast = dyn_cast<tg::CastOp>(op))
        v = castScalar(b, loc, args[0], resultType.getElementType(),
                       isUnsignedElem(op->getOperand(0).getType()),
                       isUnsignedElem(cast.getType()), cast.getSaturate());
      else if (isa<tg::SelectOp>(op))
        v = s.sel(args[0], args[1], args[2]);
      else if (args.size() == 1)
        v = emitUnary(op, s, args[0]);
      else if (args.size() == 2)
        v = emitBinary(op, s, args[0], args[1]);
      assert(v && "isElementwise and the emitters disagree");
      return v;
    };
    auto result = buildElementwise(rw, op->getLoc(), resultType,
                                   ValueRange(operands), body);
    if (failed(result))
      return op->emitError("lowering cannot size a dynamic dim of the result");
    rw.replaceOp(op, *result);
    return success();
  }
};

} // namespace

void mlir::tangram::populateElementwiseLowering(TGTypeConverter &tc,
                                                RewritePatternSet &p) {
  p.add<ElementwiseLowering>(tc, p.getContext());
}
