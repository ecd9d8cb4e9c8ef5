//===- GPUSimplifySizes.cpp - tg-gpu-simplify-sizes -----------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// A model exported with dynamic axes computes its sizes in its own graph:
// Shape, Mul, Div, and Reshape with its -1 (inferred) and 0 (copy the
// input's dim) entries. Lowered, each Reshape leaves selects and checks on
// the size it makes, so the batch a later loop runs over is a chain of
// selects the loop-level passes cannot see to be the batch. This pass puts
// that host arithmetic in one form by what is known of it:
//
// - a dim is never negative, and a buffer's one run-time dim is at most its
//   bytes over the rest (no buffer holds more than 2^62 bytes);
// - a check holds wherever a kernel runs: the host program makes every
//   check before its first launch (GPUProgram.cpp, `prepareGPULaunch`);
// - an index is 64 bits on the host, so an `index_cast` from i64 moves
//   through the arithmetic unchanged.
//
//===----------------------------------------------------------------------===//
#include "tangram/Target/GPU/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/InferIntRangeInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/Utils/InferIntRangeCommon.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_GPUSIMPLIFYSIZESPASS
#include "tangram/Target/GPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;
using namespace mlir::tangram;

namespace {

/// The bytes no buffer reaches: far above any machine's memory, and far
/// enough below 2^63 that a dim bounded by it times a small factor still
/// fits in 64 bits.
constexpr uint64_t kMaxBufferBytes = uint64_t(1) << 62;

/// The range of a dim: not negative and, for the one run-time dim of a
/// function argument or an allocation (`memref.alloc`, or `tensor.empty`
/// before bufferization) with no zero-size static dim, at most
/// `kMaxBufferBytes` over the bytes of one step along it. (Another run-time
/// dim could be 0, and a view can repeat its elements, so neither is
/// bounded.)
ConstantIntRanges dimRange(Value source) {
  unsigned width = IndexType::kInternalStorageBitWidth;
  APInt zero = APInt::getZero(width);
  ConstantIntRanges nonNegative =
      ConstantIntRanges::fromSigned(zero, APInt::getSignedMaxValue(width));
  auto type = dyn_cast<ShapedType>(source.getType());
  auto memref = dyn_cast<MemRefType>(source.getType());
  bool ownsBuffer = isa<BlockArgument>(source) ||
                    source.getDefiningOp<memref::AllocOp>() ||
                    source.getDefiningOp<tensor::EmptyOp>();
  if (!type || !type.hasRank() || !ownsBuffer ||
      (memref && !memref.getLayout().isIdentity()) ||
      type.getNumDynamicDims() != 1 || !type.getElementType().isIntOrFloat())
    return nonNegative;
  uint64_t step = std::max<uint64_t>(1, type.getElementTypeBitWidth() / 8);
  for (int64_t size : type.getShape()) {
    if (ShapedType::isDynamic(size))
      continue;
    if (size == 0)
      return nonNegative;
    step *= static_cast<uint64_t>(size);
    if (step > kMaxBufferBytes)
      return nonNegative;
  }
  return ConstantIntRanges::fromSigned(zero,
                                       APInt(width, kMaxBufferBytes / step));
}

/// The ranges of the host's integers: the ops of the function's body, in
/// order (each operand's range is known before its user's). A value with
/// no entry is unknown.
class HostRanges {
public:
  explicit HostRanges(Block &body) {
    for (Operation &op : body) {
      if (auto dim = dyn_cast<memref::DimOp>(op)) {
        ranges.try_emplace(dim.getResult(), dimRange(dim.getSource()));
        continue;
      }
      if (auto dim = dyn_cast<tensor::DimOp>(op)) {
        ranges.try_emplace(dim.getResult(), dimRange(dim.getSource()));
        continue;
      }
      auto infer = dyn_cast<InferIntRangeInterface>(op);
      if (!infer || op.getNumRegions())
        continue;
      SmallVector<ConstantIntRanges> args;
      for (Value o : op.getOperands()) {
        if (!o.getType().isIntOrIndex())
          break;
        args.push_back(get(o));
      }
      if (args.size() != op.getNumOperands())
        continue;
      infer.inferResultRanges(args, [&](Value v, const ConstantIntRanges &r) {
        ranges.try_emplace(v, r);
      });
    }
  }

  ConstantIntRanges get(Value v) const {
    auto it = ranges.find(v);
    if (it != ranges.end())
      return it->second;
    unsigned width = v.getType().isIndex()
                         ? IndexType::kInternalStorageBitWidth
                         : v.getType().getIntOrFloatBitWidth();
    return ConstantIntRanges::maxRange(width);
  }

  /// Whether `a * k` stays within the signed range for every `a` known.
  bool productFits(Value a, const APInt &k) const {
    ConstantIntRanges r = get(a);
    bool lo = false, hi = false;
    (void)r.smin().smul_ov(k.sextOrTrunc(r.smin().getBitWidth()), lo);
    (void)r.smax().smul_ov(k.sextOrTrunc(r.smax().getBitWidth()), hi);
    return !lo && !hi;
  }

private:
  DenseMap<Value, ConstantIntRanges> ranges;
};

/// `x` as `a * k`, with `k` a constant that is not 0 and no product of the
/// ranges overflowing; `a` is null otherwise.
std::pair<Value, APInt> asScaled(Value x, const HostRanges &ranges) {
  auto mul = x.getDefiningOp<arith::MulIOp>();
  if (!mul)
    return {Value(), APInt()};
  for (auto [a, k] : {std::pair(mul.getLhs(), mul.getRhs()),
                      std::pair(mul.getRhs(), mul.getLhs())}) {
    APInt factor;
    if (matchPattern(k, m_ConstantInt(&factor)) && !factor.isZero() &&
        ranges.productFits(a, factor))
      return {a, factor};
  }
  return {Value(), APInt()};
}

/// Whether `y` is 0 whenever `x` is: `x` is `y`, or `y` times a constant
/// that is not 0 (with no overflow), or either is an `index_cast` of such a
/// value (a cast to or from a 64-bit index keeps 0 and only 0 at 0), or `y`
/// clamps such a value to bounds that hold 0.
bool zeroImpliesZero(Value x, Value y, const HostRanges &ranges) {
  if (x == y)
    return true;
  if (auto cast = y.getDefiningOp<arith::IndexCastOp>())
    if (zeroImpliesZero(x, cast.getIn(), ranges))
      return true;
  if (auto cast = x.getDefiningOp<arith::IndexCastOp>())
    return zeroImpliesZero(cast.getIn(), y, ranges);
  if (Value a = asScaled(x, ranges).first)
    return zeroImpliesZero(a, y, ranges);
  // A clamp of such a value to bounds that hold 0 (a Slice's length,
  // `max(min(max(x, 0), 128), 0)`): max(0, k) is 0 for k <= 0, min(0, k)
  // for k >= 0.
  Operation *def = y.getDefiningOp();
  if (isa_and_nonnull<arith::MaxSIOp, arith::MinSIOp>(def)) {
    bool isMax = isa<arith::MaxSIOp>(def);
    for (auto [a, k] : {std::pair(def->getOperand(0), def->getOperand(1)),
                        std::pair(def->getOperand(1), def->getOperand(0))}) {
      APInt bound;
      if (matchPattern(k, m_ConstantInt(&bound)) &&
          (isMax ? !bound.isStrictlyPositive() : !bound.isNegative()) &&
          zeroImpliesZero(x, a, ranges))
        return true;
    }
  }
  return false;
}

/// Whether `v` is a size the host program computes before any launch: a
/// constant, a dim of a buffer, or integer arithmetic on such sizes (no
/// element of a buffer: a check on data is made by no one).
bool isHostSize(Value v) {
  SmallVector<Value> work{v};
  llvm::SmallPtrSet<Value, 16> seen;
  while (!work.empty()) {
    Value x = work.pop_back_val();
    if (!seen.insert(x).second)
      continue;
    Operation *def = x.getDefiningOp();
    if (!def || def->getNumRegions() || def->getNumResults() != 1)
      return false;
    if (isa<memref::DimOp, tensor::DimOp>(def))
      continue;
    if (!isa<arith::ArithDialect>(def->getDialect()) || !isPure(def))
      return false;
    for (Value o : def->getOperands()) {
      if (!o.getType().isIntOrIndex())
        return false;
      work.push_back(o);
    }
  }
  return true;
}

/// Whether `a`'s definition comes before `b`'s (ops of one block).
bool definedFirst(Value a, Value b) {
  Operation *x = a.getDefiningOp(), *y = b.getDefiningOp();
  return x->getBlock() == y->getBlock() && x->isBeforeInBlock(y);
}

/// `a == b` on sizes, checked: each use of the later-defined one that the
/// other dominates uses the other (a constant, when either is one). A use
/// in an earlier check can only change which check a failing run reports:
/// this one still fails it, and in a run that passes it the two are one.
bool equateCheckedSizes(arith::CmpIOp eq, DominanceInfo &dom) {
  if (eq.getPredicate() != arith::CmpIPredicate::eq)
    return false;
  Value a = eq.getLhs(), b = eq.getRhs();
  if (a == b || !isHostSize(a) || !isHostSize(b))
    return false;
  Value keep = a, drop = b;
  if (matchPattern(b, m_Constant()) ||
      (!matchPattern(a, m_Constant()) && !definedFirst(a, b)))
    std::swap(keep, drop);
  auto replaced = [&](OpOperand &use) {
    return use.getOwner() != eq.getOperation() &&
           dom.properlyDominates(keep, use.getOwner());
  };
  if (llvm::none_of(drop.getUses(), replaced))
    return false;
  drop.replaceUsesWithIf(keep, replaced);
  return true;
}

/// Each check moves up to just after its condition (and after the check
/// before it, so that a run that fails several still reports the first).
/// Nothing else moves: the host makes every check before any launch, so
/// where a check stands among the kernels means nothing, and a check as
/// early as it can be dominates every use of what it asserts.
void hoistChecks(Block &body) {
  Operation *previous = nullptr;
  for (cf::AssertOp check :
       llvm::make_early_inc_range(body.getOps<cf::AssertOp>())) {
    if (!isHostSize(check.getArg()))
      continue;
    Operation *after = previous;
    if (Operation *def = check.getArg().getDefiningOp())
      if (def->getBlock() == &body && (!after || after->isBeforeInBlock(def)))
        after = def;
    if (after)
      check->moveAfter(after);
    else
      check->moveBefore(&body.front());
    previous = check;
  }
}

/// The conditions a check asserts: its argument, and each side of an
/// `andi` it asserts.
void conjuncts(Value c, SmallVectorImpl<Value> &out) {
  if (auto both = c.getDefiningOp<arith::AndIOp>()) {
    conjuncts(both.getLhs(), out);
    conjuncts(both.getRhs(), out);
    return;
  }
  out.push_back(c);
}

/// `v` folded with the values of `known` put in: a constant, or null.
/// Only pure arith ops fold, and a select needs only its chosen side.
Attribute evaluate(Value v, DenseMap<Value, Attribute> &known,
                   unsigned depth = 0) {
  if (auto it = known.find(v); it != known.end())
    return it->second;
  Attribute result;
  Operation *def = v.getDefiningOp();
  if (matchPattern(v, m_Constant(&result)))
    return result;
  if (!def || depth > 32 || def->getNumResults() != 1 ||
      !isa<arith::ArithDialect>(def->getDialect()) || !isPure(def))
    return {};
  if (auto select = dyn_cast<arith::SelectOp>(def)) {
    auto c = dyn_cast_or_null<IntegerAttr>(
        evaluate(select.getCondition(), known, depth + 1));
    if (c)
      result = evaluate(c.getValue().isOne() ? select.getTrueValue()
                                             : select.getFalseValue(),
                        known, depth + 1);
  } else {
    SmallVector<Attribute> operands;
    for (Value o : def->getOperands())
      operands.push_back(evaluate(o, known, depth + 1));
    SmallVector<OpFoldResult> folded;
    if (llvm::all_of(operands, [](Attribute a) { return a; }) &&
        succeeded(def->fold(operands, folded)) && folded.size() == 1) {
      if (auto a = dyn_cast<Attribute>(folded[0]))
        result = a;
      else
        result = evaluate(cast<Value>(folded[0]), known, depth + 1);
    }
  }
  known[v] = result;
  return result;
}

/// Puts in `known` that `x` is 0, and so is each value that is 0 whenever
/// `x` is (a factor of a product that cannot overflow, a cast).
void assumeZero(Value x, DenseMap<Value, Attribute> &known,
                const HostRanges &ranges) {
  Builder b(x.getContext());
  known[x] = b.getZeroAttr(x.getType());
  if (auto cast = x.getDefiningOp<arith::IndexCastOp>())
    assumeZero(cast.getIn(), known, ranges);
  else if (Value a = asScaled(x, ranges).first)
    assumeZero(a, known, ranges);
}

/// The comparisons `asserted` depends on that a select chooses by (a
/// Reshape's `size == 0`), at most `limit` ops up.
SmallVector<arith::CmpIOp> selectConditions(Value asserted, Block &body) {
  SmallVector<arith::CmpIOp> found;
  SmallVector<Value> work{asserted};
  llvm::SmallPtrSet<Operation *, 32> seen;
  constexpr unsigned limit = 64;
  while (!work.empty() && seen.size() < limit) {
    Operation *def = work.pop_back_val().getDefiningOp();
    if (!def || def->getBlock() != &body || !seen.insert(def).second ||
        !isa<arith::ArithDialect>(def->getDialect()))
      continue;
    if (auto select = dyn_cast<arith::SelectOp>(def))
      if (auto cmp = select.getCondition().getDefiningOp<arith::CmpIOp>())
        if (!matchPattern(cmp.getResult(), m_Constant()))
          found.push_back(cmp);
    llvm::append_range(work, def->getOperands());
  }
  return found;
}

/// The value `cmp` takes wherever `asserted` holds, when one of its values
/// makes `asserted` fold to false. The case `x == k` also puts `k` in for
/// `x` (and 0 for the factors of `x`, when `k` is 0). This is how a
/// Reshape's check rules out its 0 entry: `[B * 197, 384]` copies the
/// input's 197 when `B * 197 == 0`, and then 197 * 384 elements are not
/// the input's B * 75648.
std::optional<bool> refutedValue(arith::CmpIOp cmp, Value asserted,
                                 const HostRanges &ranges) {
  bool isEq = cmp.getPredicate() == arith::CmpIPredicate::eq;
  bool isNe = cmp.getPredicate() == arith::CmpIPredicate::ne;
  for (bool value : {true, false}) {
    DenseMap<Value, Attribute> known;
    Builder b(cmp.getContext());
    known[cmp.getResult()] = b.getBoolAttr(value);
    APInt k;
    if ((isEq && value) || (isNe && !value)) {
      for (auto [x, c] : {std::pair(cmp.getLhs(), cmp.getRhs()),
                          std::pair(cmp.getRhs(), cmp.getLhs())}) {
        if (!matchPattern(c, m_ConstantInt(&k)) ||
            matchPattern(x, m_Constant()))
          continue;
        if (k.isZero())
          assumeZero(x, known, ranges);
        else
          known[x] = b.getIntegerAttr(x.getType(), k);
      }
    }
    auto folded = dyn_cast_or_null<IntegerAttr>(evaluate(asserted, known));
    if (folded && folded.getValue().isZero())
      return !value;
  }
  return std::nullopt;
}

/// Each use a check dominates of a condition it asserts is `true`, and of
/// a comparison it rules out one value of, the other value; sizes it
/// checks equal get one name. Only checks on sizes count: a check on data
/// (an element of a buffer) is one no host makes (tg-gpu-build-kernels
/// drops it).
bool useCheckedConditions(func::FuncOp f, DominanceInfo &dom) {
  Block &body = f.getBody().front();
  HostRanges ranges(body);
  Value constants[2];
  bool changed = false;
  auto replaceWith = [&](Value c, Value with, cf::AssertOp check) {
    auto dominated = [&](OpOperand &use) {
      return use.getOwner() != check.getOperation() &&
             dom.properlyDominates(check.getOperation(), use.getOwner());
    };
    if (c == with || llvm::none_of(c.getUses(), dominated))
      return;
    c.replaceUsesWithIf(with, dominated);
    changed = true;
  };
  auto replace = [&](Value c, bool value, cf::AssertOp check) {
    Value &constant = constants[value ? 1 : 0];
    if (!constant) {
      OpBuilder b(&body, body.begin());
      constant = arith::ConstantIntOp::create(b, f.getLoc(), value, 1);
    }
    replaceWith(c, constant, check);
  };
  for (cf::AssertOp check : body.getOps<cf::AssertOp>()) {
    if (!isHostSize(check.getArg()))
      continue;
    SmallVector<Value> asserted;
    conjuncts(check.getArg(), asserted);
    for (Value c : asserted) {
      if (matchPattern(c, m_Constant()))
        continue;
      replace(c, true, check);
      if (auto eq = c.getDefiningOp<arith::CmpIOp>())
        changed |= equateCheckedSizes(eq, dom);
      for (arith::CmpIOp cmp : selectConditions(c, body)) {
        std::optional<bool> value = refutedValue(cmp, c, ranges);
        if (!value)
          continue;
        // A select by it made before the check (the Reshape's size, which
        // the check reads) is its chosen value in the uses the check
        // dominates.
        for (Operation *user : llvm::to_vector(cmp->getUsers()))
          if (auto select = dyn_cast<arith::SelectOp>(user);
              select && select.getCondition() == cmp.getResult())
            replaceWith(select.getResult(),
                        *value ? select.getTrueValue() : select.getFalseValue(),
                        check);
        replace(cmp.getResult(), *value, check);
      }
    }
  }
  return changed;
}

/// A comparison the ranges of its sides decide is a constant.
bool foldDecidedComparisons(Block &body, const HostRanges &ranges) {
  bool changed = false;
  for (arith::CmpIOp cmp : llvm::make_early_inc_range(body.getOps<arith::CmpIOp>())) {
    if (matchPattern(cmp.getResult(), m_Constant()))
      continue;
    std::optional<bool> decided = intrange::evaluatePred(
        static_cast<intrange::CmpPredicate>(cmp.getPredicate()),
        ranges.get(cmp.getLhs()), ranges.get(cmp.getRhs()));
    if (!decided)
      continue;
    OpBuilder b(cmp);
    cmp.replaceAllUsesWith(
        arith::ConstantIntOp::create(b, cmp.getLoc(), *decided, 1).getResult());
    cmp.erase();
    changed = true;
  }
  return changed;
}

/// Rewrites that need the ranges, made in one walk of the body:
///
/// - `select(x == 0, y, x)` is `x` when `y` is 0 whenever `x` is (the
///   Reshape's "0 copies the input's dim", where the size is a multiple of
///   that dim);
/// - `(a * k) / d` is `a * (k / d)` when `d` divides `k` and `a * k` cannot
///   overflow.
bool foldWithRanges(Block &body, const HostRanges &ranges) {
  bool changed = false;
  for (Operation &op : llvm::make_early_inc_range(body)) {
    if (auto select = dyn_cast<arith::SelectOp>(op)) {
      auto cmp = select.getCondition().getDefiningOp<arith::CmpIOp>();
      if (!cmp || !select.getType().isIntOrIndex())
        continue;
      bool isEq = cmp.getPredicate() == arith::CmpIPredicate::eq;
      bool isNe = cmp.getPredicate() == arith::CmpIPredicate::ne;
      if (!isEq && !isNe)
        continue;
      Value x = cmp.getLhs();
      if (matchPattern(x, m_Zero()))
        x = cmp.getRhs();
      else if (!matchPattern(cmp.getRhs(), m_Zero()))
        continue;
      // `select(x == 0, y, x)` or `select(x != 0, x, y)`.
      Value kept = isEq ? select.getFalseValue() : select.getTrueValue();
      Value other = isEq ? select.getTrueValue() : select.getFalseValue();
      if (kept != x || !zeroImpliesZero(x, other, ranges))
        continue;
      select.replaceAllUsesWith(x);
      select.erase();
      changed = true;
      continue;
    }
    auto div = dyn_cast<arith::DivSIOp>(op);
    APInt d;
    if (!div || !matchPattern(div.getRhs(), m_ConstantInt(&d)) || d.isZero())
      continue;
    auto [a, k] = asScaled(div.getLhs(), ranges);
    if (!a || !k.srem(d).isZero())
      continue;
    OpBuilder b(div);
    Value factor = arith::ConstantOp::create(
        b, div.getLoc(), b.getIntegerAttr(div.getType(), k.sdiv(d)));
    div.replaceAllUsesWith(
        arith::MulIOp::create(b, div.getLoc(), a, factor).getResult());
    div.erase();
    changed = true;
  }
  return changed;
}

/// `index_cast(a op b)` from i64 is `index_cast(a) op index_cast(b)` on the
/// host: its index is 64 bits, so the cast changes no bit. Loop bounds are
/// indices, and the sizes they come from are mostly i64 (ONNX's shape
/// values), so one size computed on either side gets one name.
struct CastIntoArithmetic : OpRewritePattern<arith::IndexCastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::IndexCastOp cast,
                                PatternRewriter &rewriter) const override {
    Value in = cast.getIn();
    // On the host only: a kernel's index may be 32 bits, and a division
    // does not commute with a truncation.
    auto f = cast->getParentOfType<func::FuncOp>();
    if (!cast.getType().isIndex() || !in.getType().isInteger(64) || !f ||
        cast->getBlock() != &f.getBody().front())
      return failure();
    Operation *def = in.getDefiningOp();
    if (!def || !isa<arith::AddIOp, arith::SubIOp, arith::MulIOp,
                     arith::DivSIOp, arith::RemSIOp, arith::MaxSIOp,
                     arith::MinSIOp, arith::SelectOp>(def))
      return failure();
    Location loc = cast.getLoc();
    auto toIndex = [&](Value v) -> Value {
      return arith::IndexCastOp::create(rewriter, loc, rewriter.getIndexType(),
                                        v);
    };
    if (auto select = dyn_cast<arith::SelectOp>(def)) {
      rewriter.replaceOpWithNewOp<arith::SelectOp>(
          cast, select.getCondition(), toIndex(select.getTrueValue()),
          toIndex(select.getFalseValue()));
      return success();
    }
    OperationState state(loc, def->getName());
    state.addOperands({toIndex(def->getOperand(0)), toIndex(def->getOperand(1))});
    state.addTypes(rewriter.getIndexType());
    state.addAttributes(def->getAttrs());
    rewriter.replaceOp(cast, rewriter.create(state)->getResults());
    return success();
  }
};

struct GPUSimplifySizesPass
    : public mlir::tangram::impl::GPUSimplifySizesPassBase<
          GPUSimplifySizesPass> {
  void runOnOperation() override {
    func::FuncOp f = getOperation();
    if (f.getBody().empty())
      return;
    Block &body = f.getBody().front();
    hoistChecks(body);
    // One size computed with and without an overflow flag (a view's
    // `nsw` product and a Reshape's) is one value: the flags only allow
    // what is never relied on here, and without them CSE merges the two.
    for (Operation &op : body)
      if (auto flags = dyn_cast<arith::ArithIntegerOverflowFlagsInterface>(op))
        if (isHostSize(op.getResult(0)))
          op.setAttr(flags.getIntegerOverflowAttrName(),
                     arith::IntegerOverflowFlagsAttr::get(
                         &getContext(), arith::IntegerOverflowFlags::none));

    RewritePatternSet patterns(&getContext());
    patterns.add<CastIntoArithmetic>(&getContext());
    for (RegisteredOperationName op :
         getContext().getRegisteredOperations())
      if (op.getDialectNamespace() == "arith")
        op.getCanonicalizationPatterns(patterns, &getContext());
    FrozenRewritePatternSet frozen(std::move(patterns));

    // Each rule opens the way for the others (a folded comparison folds a
    // select, whose value a range then bounds), so they run to a fixed
    // point; a handful of rounds reaches it on every model we have seen.
    for (int round = 0; round < 16; ++round) {
      bool changed = false;
      {
        HostRanges ranges(body);
        changed |= foldDecidedComparisons(body, ranges);
      }
      {
        HostRanges ranges(body);
        changed |= foldWithRanges(body, ranges);
      }
      bool rewritten = false;
      if (failed(applyPatternsGreedily(f, frozen, GreedyRewriteConfig(),
                                       &rewritten)))
        return signalPassFailure();
      changed |= rewritten;
      IRRewriter rewriter(&getContext());
      DominanceInfo dom(f);
      changed |= useCheckedConditions(f, dom);
      bool merged = false;
      eliminateCommonSubExpressions(rewriter, dom, f, &merged);
      changed |= merged;
      if (!changed)
        break;
    }
  }
};

} // namespace
