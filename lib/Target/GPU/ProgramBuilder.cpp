//===- ProgramBuilder.cpp - the index values of a GPU program -------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "ProgramBuilder.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"
#include <numeric>

using namespace mlir;
using namespace mlir::tangram;
using ::tangram::ProgramOp;
using ::tangram::ProgramValue;

unsigned ProgramBuilder::constant(int64_t v) {
  auto it = constants_.find(v);
  if (it != constants_.end())
    return it->second;
  program.values.push_back({ProgramOp::Const, v, 0, 0});
  unsigned id = program.values.size() - 1;
  constants_[v] = id;
  return id;
}

unsigned ProgramBuilder::dim(unsigned buffer, unsigned d) {
  for (unsigned i = 0; i < program.values.size(); ++i) {
    const ProgramValue &v = program.values[i];
    if (v.op == ProgramOp::Dim && v.a == buffer && v.b == d)
      return i;
  }
  program.values.push_back({ProgramOp::Dim, buffer, d, 0});
  return program.values.size() - 1;
}

unsigned ProgramBuilder::select(unsigned cond, unsigned a, unsigned b) {
  if (std::optional<int64_t> c = constantOf(cond))
    return *c ? a : b;
  if (a == b)
    return a;
  program.values.push_back({ProgramOp::Select, cond, a, b});
  return program.values.size() - 1;
}

unsigned ProgramBuilder::load(unsigned buffer, unsigned element) {
  program.values.push_back({ProgramOp::Load, buffer, element, 0});
  return program.values.size() - 1;
}

std::optional<int64_t> ProgramBuilder::constantOf(unsigned id) const {
  const ProgramValue &v = program.values[id];
  if (v.op == ProgramOp::Const)
    return v.a;
  return std::nullopt;
}

int64_t ProgramBuilder::knownDivisor(unsigned id) const {
  // Capped so that products cannot overflow; a cap is still a divisor of
  // what it stands for only when it is a power of two, so every result is
  // reduced to its largest power-of-two factor.
  constexpr int64_t kCap = int64_t(1) << 20;
  auto powerOfTwo = [&](int64_t x) -> int64_t {
    return x == 0 ? 0 : std::min(kCap, x & -x);
  };
  const ProgramValue &v = program.values[id];
  switch (v.op) {
  case ProgramOp::Const:
    return powerOfTwo(v.a < 0 ? -v.a : v.a);
  case ProgramOp::Mul: {
    int64_t a = knownDivisor(v.a), b = knownDivisor(v.b);
    return a == 0 || b == 0 ? 0 : std::min(kCap, a * b);
  }
  case ProgramOp::Shl:
    if (std::optional<int64_t> s = constantOf(v.b))
      if (*s >= 0 && *s < 20)
        return std::min(kCap, knownDivisor(v.a) << *s);
    return 1;
  case ProgramOp::Add:
  case ProgramOp::Sub:
  case ProgramOp::MinS:
  case ProgramOp::MaxS:
    return std::gcd(knownDivisor(v.a), knownDivisor(v.b));
  case ProgramOp::Select:
    return std::gcd(knownDivisor(v.b), knownDivisor(v.c));
  default:
    return 1;
  }
}

static int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

unsigned ProgramBuilder::binary(ProgramOp op, unsigned a, unsigned b) {
  auto ca = constantOf(a), cb = constantOf(b);
  if (ca && cb) {
    int64_t x = *ca, y = *cb;
    bool divides = op == ProgramOp::DivS || op == ProgramOp::FloorDiv ||
                   op == ProgramOp::CeilDiv || op == ProgramOp::RemS;
    if (!divides || y != 0) {
      switch (op) {
      case ProgramOp::Add: return constant(x + y);
      case ProgramOp::Sub: return constant(x - y);
      case ProgramOp::Mul: return constant(x * y);
      case ProgramOp::DivS: return constant(x / y);
      case ProgramOp::FloorDiv: return constant(floorDiv(x, y));
      case ProgramOp::CeilDiv: return constant(-floorDiv(-x, y));
      case ProgramOp::RemS: return constant(x % y);
      case ProgramOp::MinS: return constant(std::min(x, y));
      case ProgramOp::MaxS: return constant(std::max(x, y));
      case ProgramOp::CmpEQ: return constant(x == y);
      case ProgramOp::CmpNE: return constant(x != y);
      case ProgramOp::CmpLT: return constant(x < y);
      case ProgramOp::CmpLE: return constant(x <= y);
      case ProgramOp::CmpGT: return constant(x > y);
      case ProgramOp::CmpGE: return constant(x >= y);
      case ProgramOp::And: return constant(x & y);
      case ProgramOp::Or: return constant(x | y);
      case ProgramOp::Xor: return constant(x ^ y);
      case ProgramOp::Shl:
        if (y >= 0 && y < 63)
          return constant(x << y);
        break;
      default: break;
      }
    }
  }
  // x + 0, x * 1, x / 1: no new value.
  if ((op == ProgramOp::Add || op == ProgramOp::Sub) && cb && *cb == 0)
    return a;
  if (op == ProgramOp::Add && ca && *ca == 0)
    return b;
  if ((op == ProgramOp::Mul || op == ProgramOp::DivS ||
       op == ProgramOp::FloorDiv || op == ProgramOp::CeilDiv) &&
      cb && *cb == 1)
    return a;
  if (op == ProgramOp::Mul && ca && *ca == 1)
    return b;
  program.values.push_back({op, a, b, 0});
  return program.values.size() - 1;
}

std::optional<unsigned> ProgramBuilder::lookup(Value v) const {
  auto it = values_.find(v);
  if (it != values_.end())
    return it->second;
  return std::nullopt;
}

bool ProgramBuilder::mapScalarOp(Operation *op) {
  if (op->getNumResults() != 1 ||
      !op->getResult(0).getType().isIntOrIndex())
    return false;
  Value r = op->getResult(0);
  APInt c;
  if (matchPattern(r, m_ConstantInt(&c))) {
    map(r, constant(r.getType().isInteger(1) ? c.getZExtValue()
                                             : c.getSExtValue()));
    return true;
  }
  SmallVector<unsigned, 2> in;
  for (Value o : op->getOperands()) {
    auto id = lookup(o);
    if (!id)
      return false;
    in.push_back(*id);
  }
  if (auto apply = dyn_cast<affine::AffineApplyOp>(op)) {
    // The map's expression over the mapped dims and symbols (a pad's
    // `s0 + 2`, a window's `(s0 - 3) floordiv 2`).
    AffineMap m = apply.getAffineMap();
    std::function<std::optional<unsigned>(AffineExpr)> eval =
        [&](AffineExpr e) -> std::optional<unsigned> {
      if (auto c = dyn_cast<AffineConstantExpr>(e))
        return constant(c.getValue());
      if (auto d = dyn_cast<AffineDimExpr>(e))
        return in[d.getPosition()];
      if (auto s = dyn_cast<AffineSymbolExpr>(e))
        return in[m.getNumDims() + s.getPosition()];
      auto b = cast<AffineBinaryOpExpr>(e);
      std::optional<unsigned> l = eval(b.getLHS()), r = eval(b.getRHS());
      if (!l || !r)
        return std::nullopt;
      switch (e.getKind()) {
      case AffineExprKind::Add: return binary(ProgramOp::Add, *l, *r);
      case AffineExprKind::Mul: return binary(ProgramOp::Mul, *l, *r);
      case AffineExprKind::FloorDiv: return binary(ProgramOp::FloorDiv, *l, *r);
      case AffineExprKind::CeilDiv: return binary(ProgramOp::CeilDiv, *l, *r);
      case AffineExprKind::Mod:
        // Affine's mod is never negative.
        return binary(ProgramOp::RemS,
                      binary(ProgramOp::Add, binary(ProgramOp::RemS, *l, *r), *r),
                      *r);
      default: return std::nullopt;
      }
    };
    if (m.getNumResults() != 1)
      return false;
    std::optional<unsigned> v = eval(m.getResult(0));
    if (!v)
      return false;
    map(r, *v);
    return true;
  }
  // Casts between integer widths and index keep the value: shape values
  // fit every width the program uses.
  if (isa<arith::IndexCastOp, arith::IndexCastUIOp, arith::ExtSIOp,
          arith::ExtUIOp, arith::TruncIOp>(op)) {
    map(r, in[0]);
    return true;
  }
  if (isa<arith::SelectOp>(op)) {
    map(r, select(in[0], in[1], in[2]));
    return true;
  }
  if (auto cmp = dyn_cast<arith::CmpIOp>(op)) {
    // Sizes are non-negative, so unsigned and signed orders agree.
    ProgramOp k;
    switch (cmp.getPredicate()) {
    case arith::CmpIPredicate::eq: k = ProgramOp::CmpEQ; break;
    case arith::CmpIPredicate::ne: k = ProgramOp::CmpNE; break;
    case arith::CmpIPredicate::slt:
    case arith::CmpIPredicate::ult: k = ProgramOp::CmpLT; break;
    case arith::CmpIPredicate::sle:
    case arith::CmpIPredicate::ule: k = ProgramOp::CmpLE; break;
    case arith::CmpIPredicate::sgt:
    case arith::CmpIPredicate::ugt: k = ProgramOp::CmpGT; break;
    case arith::CmpIPredicate::sge:
    case arith::CmpIPredicate::uge: k = ProgramOp::CmpGE; break;
    }
    map(r, binary(k, in[0], in[1]));
    return true;
  }
  std::optional<ProgramOp> kind =
      llvm::TypeSwitch<Operation *, std::optional<ProgramOp>>(op)
          .Case<arith::AddIOp>([](auto) { return ProgramOp::Add; })
          .Case<arith::SubIOp>([](auto) { return ProgramOp::Sub; })
          .Case<arith::MulIOp>([](auto) { return ProgramOp::Mul; })
          .Case<arith::DivSIOp, arith::DivUIOp>(
              [](auto) { return ProgramOp::DivS; })
          .Case<arith::FloorDivSIOp>([](auto) { return ProgramOp::FloorDiv; })
          .Case<arith::CeilDivSIOp, arith::CeilDivUIOp>(
              [](auto) { return ProgramOp::CeilDiv; })
          .Case<arith::RemSIOp, arith::RemUIOp>(
              [](auto) { return ProgramOp::RemS; })
          .Case<arith::MinSIOp, arith::MinUIOp>(
              [](auto) { return ProgramOp::MinS; })
          .Case<arith::MaxSIOp, arith::MaxUIOp>(
              [](auto) { return ProgramOp::MaxS; })
          .Case<arith::AndIOp>([](auto) { return ProgramOp::And; })
          .Case<arith::OrIOp>([](auto) { return ProgramOp::Or; })
          .Case<arith::XOrIOp>([](auto) { return ProgramOp::Xor; })
          .Case<arith::ShLIOp>([](auto) { return ProgramOp::Shl; })
          .Default([](Operation *) { return std::nullopt; });
  if (!kind || in.size() != 2)
    return false;
  map(r, binary(*kind, in[0], in[1]));
  return true;
}

Attribute ProgramBuilder::valuesAttr(MLIRContext *ctx) const {
  SmallVector<Attribute> all;
  for (const ProgramValue &v : program.values)
    all.push_back(DenseI64ArrayAttr::get(
        ctx, {static_cast<int64_t>(v.op), v.a, v.b, v.c}));
  return ArrayAttr::get(ctx, all);
}

bool ProgramBuilder::loadValues(Attribute attr) {
  auto all = dyn_cast_or_null<ArrayAttr>(attr);
  if (!all)
    return false;
  for (Attribute a : all) {
    auto v = dyn_cast<DenseI64ArrayAttr>(a);
    if (!v || v.size() != 4 || v[0] < 0 ||
        v[0] > static_cast<int64_t>(ProgramOp::Shl))
      return false;
    program.values.push_back({static_cast<ProgramOp>(v[0]), v[1], v[2], v[3]});
    if (v[0] == static_cast<int64_t>(ProgramOp::Const))
      constants_.try_emplace(v[1], program.values.size() - 1);
  }
  return true;
}
