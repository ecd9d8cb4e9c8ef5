//===- GPUReshapeViews.cpp - tg-gpu-reshape-views -------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// A Reshape by a shape the graph computes (a model exported with dynamic
// axes) is lowered to `tensor.reshape`, which bufferizes to a contiguous
// copy of its input and hides which dims it merges and splits. Once the
// host's size arithmetic is in one form (tg-gpu-simplify-sizes, run on
// tensors before this pass), each size of the new shape is a product of
// the dims the model was called with, and so is each dim of the input: a
// reshape whose groups of consecutive dims have equal products on both
// sides is a collapse_shape and an expand_shape, views of its input.
//
//===----------------------------------------------------------------------===//
#include "tangram/Target/GPU/Passes.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_GPURESHAPEVIEWSPASS
#include "tangram/Target/GPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;

namespace {

/// A factor no op here sizes: a dim (`index` >= 0) of a tensor (a function
/// argument, a result sized by data), or a scalar (`index` -1) this does
/// not see into.
using Factor = std::pair<Value, int64_t>;

bool factorLess(const Factor &a, const Factor &b) {
  if (a.first != b.first)
    return a.first.getAsOpaquePointer() < b.first.getAsOpaquePointer();
  return a.second < b.second;
}

/// A size as a constant times a product of run-time factors (sorted).
struct Monomial {
  int64_t coefficient = 1;
  SmallVector<Factor> factors;

  bool operator==(const Monomial &o) const {
    return coefficient == o.coefficient && factors == o.factors;
  }
  bool isConstant() const { return factors.empty(); }

  static std::optional<Monomial> times(const Monomial &a, const Monomial &b) {
    Monomial r;
    if (llvm::MulOverflow(a.coefficient, b.coefficient, r.coefficient))
      return std::nullopt;
    r.factors.append(a.factors);
    r.factors.append(b.factors);
    llvm::sort(r.factors, factorLess);
    return r;
  }

  /// This over `d`, when `d` divides it.
  Monomial over(const Monomial &d) const {
    Monomial q{coefficient / d.coefficient, {}};
    std::set_difference(factors.begin(), factors.end(), d.factors.begin(),
                        d.factors.end(), std::back_inserter(q.factors),
                        factorLess);
    return q;
  }

  /// Whether `d` divides this for every value of the factors: its
  /// coefficient divides this one's and its factors are among this one's.
  bool dividedBy(const Monomial &d) const {
    if (d.coefficient == 0 || coefficient % d.coefficient != 0)
      return false;
    return std::includes(factors.begin(), factors.end(), d.factors.begin(),
                         d.factors.end(), factorLess);
  }
};

/// The sizes of tensors and the scalars that make them, as monomials:
/// through the ops that size their results by their operands (slices,
/// reshapes, destination-style ops by their inits) down to the dims of
/// the function's arguments.
class Sizes {
public:
  std::optional<Monomial> ofScalar(Value v, unsigned depth = 0) {
    if (depth > kMaxDepth)
      return std::nullopt;
    APInt k;
    if (matchPattern(v, m_ConstantInt(&k))) {
      if (k.isNegative() || k.getActiveBits() > 62)
        return std::nullopt;
      return Monomial{static_cast<int64_t>(k.getZExtValue()), {}};
    }
    Operation *def = v.getDefiningOp();
    // A cast between i64 and the host's 64-bit index changes no bit.
    if (isa_and_nonnull<arith::IndexCastOp, arith::IndexCastUIOp>(def))
      return ofScalar(def->getOperand(0), depth + 1);
    if (auto mul = dyn_cast_or_null<arith::MulIOp>(def)) {
      std::optional<Monomial> a = ofScalar(mul.getLhs(), depth + 1);
      std::optional<Monomial> b = ofScalar(mul.getRhs(), depth + 1);
      if (!a || !b)
        return std::nullopt;
      return Monomial::times(*a, *b);
    }
    if (auto dim = dyn_cast_or_null<tensor::DimOp>(def))
      if (std::optional<int64_t> d = dim.getConstantIndex())
        return ofDim(dim.getSource(), *d, depth + 1);
    // The product of a collapse's dims, as resolved from its source.
    if (auto apply = dyn_cast_or_null<affine::AffineApplyOp>(def))
      if (std::optional<Monomial> m = ofAffine(apply.getAffineMap().getResult(0),
                                               apply.getMapOperands(),
                                               apply.getAffineMap().getNumDims(),
                                               depth + 1))
        return m;
    return Monomial{1, {Factor(v, -1)}};
  }

  std::optional<Monomial> ofDim(Value t, int64_t d, unsigned depth = 0) {
    auto type = cast<RankedTensorType>(t.getType());
    if (!type.isDynamicDim(d))
      return Monomial{type.getDimSize(d), {}};
    if (depth > kMaxDepth)
      return std::nullopt;
    auto it = dims.find({t, d});
    if (it != dims.end())
      return it->second;
    std::optional<Monomial> m = ofDynamicDim(t, d, depth);
    dims[{t, d}] = m;
    return m;
  }

private:
  /// Deeper chains are left unknown rather than followed.
  static constexpr unsigned kMaxDepth = 64;

  /// The sizes found so far (a tensor's dims are read by many reshapes).
  DenseMap<Factor, std::optional<Monomial>> dims;

  /// `e` as a monomial when it is a product of constants, dims and symbols.
  std::optional<Monomial> ofAffine(AffineExpr e, ValueRange operands,
                                   unsigned numDims, unsigned depth) {
    if (auto k = dyn_cast<AffineConstantExpr>(e)) {
      if (k.getValue() < 0)
        return std::nullopt;
      return Monomial{k.getValue(), {}};
    }
    if (auto dim = dyn_cast<AffineDimExpr>(e))
      return ofScalar(operands[dim.getPosition()], depth);
    if (auto sym = dyn_cast<AffineSymbolExpr>(e))
      return ofScalar(operands[numDims + sym.getPosition()], depth);
    auto bin = dyn_cast<AffineBinaryOpExpr>(e);
    if (!bin || bin.getKind() != AffineExprKind::Mul)
      return std::nullopt;
    std::optional<Monomial> a = ofAffine(bin.getLHS(), operands, numDims, depth);
    std::optional<Monomial> b = ofAffine(bin.getRHS(), operands, numDims, depth);
    if (!a || !b)
      return std::nullopt;
    return Monomial::times(*a, *b);
  }

  std::optional<Monomial> ofDynamicDim(Value t, int64_t d, unsigned depth) {
    Operation *def = t.getDefiningOp();
    auto ofSize = [&](OpFoldResult s) -> std::optional<Monomial> {
      if (std::optional<int64_t> k = getConstantIntValue(s))
        return Monomial{*k, {}};
      return ofScalar(cast<Value>(s), depth + 1);
    };
    if (auto empty = dyn_cast_or_null<tensor::EmptyOp>(def))
      return ofScalar(empty.getDynamicSize(d), depth + 1);
    if (auto slice = dyn_cast_or_null<tensor::ExtractSliceOp>(def)) {
      llvm::SmallBitVector dropped = slice.getDroppedDims();
      SmallVector<OpFoldResult> sizes = slice.getMixedSizes();
      for (int64_t i = 0, kept = 0; i < static_cast<int64_t>(sizes.size()); ++i)
        if (!dropped.test(i) && kept++ == d)
          return ofSize(sizes[i]);
      return std::nullopt;
    }
    if (auto collapse = dyn_cast_or_null<tensor::CollapseShapeOp>(def)) {
      Monomial p;
      for (int64_t i : collapse.getReassociationIndices()[d]) {
        std::optional<Monomial> s = ofDim(collapse.getSrc(), i, depth + 1);
        if (!s || !(s = Monomial::times(p, *s)))
          return std::nullopt;
        p = *s;
      }
      return p;
    }
    if (auto expand = dyn_cast_or_null<tensor::ExpandShapeOp>(def))
      return ofSize(expand.getMixedOutputShape()[d]);
    if (auto c = dyn_cast_or_null<tensor::CastOp>(def))
      return ofDim(c.getSource(), d, depth + 1);
    if (auto reshape = dyn_cast_or_null<tensor::ReshapeOp>(def))
      if (auto shape = reshape.getShape().getDefiningOp<tensor::FromElementsOp>())
        return ofScalar(shape.getElements()[d], depth + 1);
    if (auto dps = dyn_cast_or_null<DestinationStyleOpInterface>(def))
      if (OpOperand *init = dps.getTiedOpOperand(cast<OpResult>(t)))
        return ofDim(init->get(), d, depth + 1);
    return Monomial{1, {Factor(t, d)}};
  }
};

/// The common refinement of both sides: dims `fine` of which each dim of
/// `from` and of `to` is a product of consecutive ones (`[197, B * 6, 64]`
/// and `[B * 197, 384]` refine to `[197, B, 6, 64]`), with each side's
/// groups of them. Walking both sides, the smaller of the two sizes left
/// (the one dividing the other) is the next fine dim; false when neither
/// divides the other.
bool commonRefinement(ArrayRef<Monomial> from, ArrayRef<Monomial> to,
                      SmallVectorImpl<Monomial> &fine,
                      SmallVectorImpl<ReassociationIndices> &fromGroups,
                      SmallVectorImpl<ReassociationIndices> &toGroups) {
  fromGroups.assign(from.size(), {});
  toGroups.assign(to.size(), {});
  size_t i = 0, j = 0;
  Monomial restFrom = from[0], restTo = to[0];
  while (i < from.size() && j < to.size()) {
    auto k = static_cast<int64_t>(fine.size());
    fromGroups[i].push_back(k);
    toGroups[j].push_back(k);
    if (restFrom == restTo) {
      fine.push_back(restFrom);
      if (++i < from.size())
        restFrom = from[i];
      if (++j < to.size())
        restTo = to[j];
    } else if (restFrom.dividedBy(restTo)) {
      fine.push_back(restTo);
      restFrom = restFrom.over(restTo);
      if (++j < to.size())
        restTo = to[j];
    } else if (restTo.dividedBy(restFrom)) {
      fine.push_back(restFrom);
      restTo = restTo.over(restFrom);
      if (++i < from.size())
        restFrom = from[i];
    } else {
      return false;
    }
  }
  // What is left on one side is unit dims, each a fine dim of its own in
  // the other side's last group.
  Monomial one;
  for (; i < from.size(); ++i) {
    if (!(from[i] == one) || toGroups.back().empty())
      return false;
    fromGroups[i].push_back(static_cast<int64_t>(fine.size()));
    toGroups.back().push_back(static_cast<int64_t>(fine.size()));
    fine.push_back(one);
  }
  for (; j < to.size(); ++j) {
    if (!(to[j] == one) || fromGroups.back().empty())
      return false;
    toGroups[j].push_back(static_cast<int64_t>(fine.size()));
    fromGroups.back().push_back(static_cast<int64_t>(fine.size()));
    fine.push_back(one);
  }
  return true;
}

/// Groups of consecutive dims, one per side, with equal products: the
/// collapse of `from`'s groups expanded into `to`'s. A side grows its
/// group while its product divides the other's (both grow when neither
/// divides); unit dims left at the end join the last group.
bool matchGroups(ArrayRef<Monomial> from, ArrayRef<Monomial> to,
                 SmallVectorImpl<ReassociationIndices> &fromGroups,
                 SmallVectorImpl<ReassociationIndices> &toGroups) {
  size_t i = 0, j = 0;
  while (i < from.size() && j < to.size()) {
    ReassociationIndices f{static_cast<int64_t>(i)}, t{static_cast<int64_t>(j)};
    std::optional<Monomial> pf = from[i++], pt = to[j++];
    while (!(*pf == *pt)) {
      bool growFrom = pt->dividedBy(*pf) && i < from.size();
      bool growTo = !growFrom && pf->dividedBy(*pt) && j < to.size();
      if (!growFrom && !growTo) {
        growFrom = i < from.size();
        growTo = j < to.size();
        if (!growFrom || !growTo)
          return false;
      }
      if (growFrom) {
        f.push_back(static_cast<int64_t>(i));
        if (!(pf = Monomial::times(*pf, from[i++])))
          return false;
      }
      if (growTo) {
        t.push_back(static_cast<int64_t>(j));
        if (!(pt = Monomial::times(*pt, to[j++])))
          return false;
      }
    }
    fromGroups.push_back(std::move(f));
    toGroups.push_back(std::move(t));
  }
  if (fromGroups.empty())
    return false;
  Monomial one;
  for (; i < from.size(); ++i) {
    if (!(from[i] == one))
      return false;
    fromGroups.back().push_back(static_cast<int64_t>(i));
  }
  for (; j < to.size(); ++j) {
    if (!(to[j] == one))
      return false;
    toGroups.back().push_back(static_cast<int64_t>(j));
  }
  return true;
}

/// `type` with the dims whose sizes are constants made static.
RankedTensorType refined(RankedTensorType type, ArrayRef<Monomial> sizes) {
  SmallVector<int64_t> shape(type.getShape());
  for (auto [d, s] : llvm::enumerate(sizes))
    if (s.isConstant())
      shape[d] = s.coefficient;
  return type.clone(shape);
}

/// `m` as an index value made at `b`: its factors' dims and scalars
/// multiplied, times its coefficient. (Each factor was reached through the
/// operands of the reshape, so it dominates it.)
Value materialize(OpBuilder &b, Location loc, const Monomial &m) {
  Value v;
  for (auto [x, d] : m.factors) {
    Value f = d >= 0 ? tensor::DimOp::create(b, loc, x, d).getResult() : x;
    if (!f.getType().isIndex())
      f = arith::IndexCastOp::create(b, loc, b.getIndexType(), f);
    v = v ? arith::MulIOp::create(b, loc, v, f).getResult() : f;
  }
  if (v && m.coefficient == 1)
    return v;
  Value k = arith::ConstantIndexOp::create(b, loc, m.coefficient);
  return v ? arith::MulIOp::create(b, loc, v, k).getResult() : k;
}

/// The type of `sizes`: a dim is static where its size is a constant.
RankedTensorType typeOf(ArrayRef<Monomial> sizes, Type element) {
  SmallVector<int64_t> shape;
  for (const Monomial &s : sizes)
    shape.push_back(s.isConstant() ? s.coefficient : ShapedType::kDynamic);
  return RankedTensorType::get(shape, element);
}

/// The reshape as views of its input, when the sizes of both sides split
/// into groups of equal products.
LogicalResult rewriteAsViews(tensor::ReshapeOp op, Sizes &sizes) {
  Value src = op.getSource();
  auto srcType = cast<RankedTensorType>(src.getType());
  auto resultType = cast<RankedTensorType>(op.getResult().getType());
  SmallVector<Value> elements;
  if (auto fe = op.getShape().getDefiningOp<tensor::FromElementsOp>())
    elements.assign(fe.getElements().begin(), fe.getElements().end());
  if (static_cast<int64_t>(elements.size()) != resultType.getRank() ||
      srcType.getRank() == 0 || resultType.getRank() == 0)
    return failure();
  SmallVector<Monomial> from, to;
  for (int64_t d = 0; d < srcType.getRank(); ++d) {
    std::optional<Monomial> s = sizes.ofDim(src, d);
    if (!s)
      return failure();
    from.push_back(*s);
  }
  for (auto [d, e] : llvm::enumerate(elements)) {
    std::optional<Monomial> s =
        resultType.isDynamicDim(d)
            ? sizes.ofScalar(e)
            : std::optional(Monomial{resultType.getDimSize(d), {}});
    if (!s)
      return failure();
    to.push_back(*s);
  }
  // A zero-size dim makes every product 0: no grouping is wrong then, and
  // none is worth a view.
  if (llvm::any_of(from, [](const Monomial &m) { return m.coefficient == 0; }) ||
      llvm::any_of(to, [](const Monomial &m) { return m.coefficient == 0; }))
    return failure();
  OpBuilder b(op);
  Location loc = op.getLoc();
  SmallVector<ReassociationIndices> fromGroups, toGroups;
  SmallVector<Monomial> fine;
  if (commonRefinement(from, to, fine, fromGroups, toGroups)) {
    // Split the input's dims into the fine ones, then merge those into
    // the result's: no dim is merged that the result does not merge.
    RankedTensorType srcStatic = refined(srcType, from);
    Value x = src;
    if (srcStatic != srcType)
      x = tensor::CastOp::create(b, loc, srcStatic, x);
    RankedTensorType fineType = typeOf(fine, srcType.getElementType());
    if (fineType != srcStatic) {
      SmallVector<OpFoldResult> outputShape;
      for (const Monomial &m : fine)
        outputShape.push_back(m.isConstant()
                                  ? OpFoldResult(b.getIndexAttr(m.coefficient))
                                  : OpFoldResult(materialize(b, loc, m)));
      x = tensor::ExpandShapeOp::create(b, loc, fineType, x, fromGroups,
                                        outputShape);
    }
    RankedTensorType toStatic = refined(resultType, to);
    if (toStatic != fineType)
      x = tensor::CollapseShapeOp::create(b, loc, toStatic, x, toGroups);
    if (toStatic != resultType)
      x = tensor::CastOp::create(b, loc, resultType, x);
    op.getResult().replaceAllUsesWith(x);
    op.erase();
    return success();
  }
  fromGroups.clear();
  toGroups.clear();
  if (!matchGroups(from, to, fromGroups, toGroups))
    return failure();

  // Constant sizes are made static first, so that each group's product is
  // static exactly when all its dims are (what the reshape ops verify).
  RankedTensorType srcStatic = refined(srcType, from);
  Value x = src;
  if (srcStatic != srcType)
    x = tensor::CastOp::create(b, loc, srcStatic, x);
  SmallVector<int64_t> mid;
  for (const ReassociationIndices &g : fromGroups) {
    int64_t p = 1;
    for (int64_t d : g)
      p = srcStatic.isDynamicDim(d) || ShapedType::isDynamic(p)
              ? ShapedType::kDynamic
              : p * srcStatic.getDimSize(d);
    mid.push_back(p);
  }
  auto midType = srcStatic.clone(mid);
  if (midType != srcStatic)
    x = tensor::CollapseShapeOp::create(b, loc, midType, x, fromGroups);
  RankedTensorType toStatic = refined(resultType, to);
  if (toStatic != midType) {
    SmallVector<OpFoldResult> outputShape;
    for (auto [d, e] : llvm::enumerate(elements)) {
      if (!toStatic.isDynamicDim(d)) {
        outputShape.push_back(b.getIndexAttr(toStatic.getDimSize(d)));
        continue;
      }
      Value size = e;
      if (!size.getType().isIndex())
        size = arith::IndexCastOp::create(b, loc, b.getIndexType(), size);
      outputShape.push_back(size);
    }
    x = tensor::ExpandShapeOp::create(b, loc, toStatic, x, toGroups,
                                      outputShape);
  }
  if (toStatic != resultType)
    x = tensor::CastOp::create(b, loc, resultType, x);
  op.getResult().replaceAllUsesWith(x);
  op.erase();
  return success();
}

struct GPUReshapeViewsPass
    : public mlir::tangram::impl::GPUReshapeViewsPassBase<GPUReshapeViewsPass> {
  void runOnOperation() override {
    SmallVector<tensor::ReshapeOp> reshapes;
    getOperation().walk([&](tensor::ReshapeOp op) { reshapes.push_back(op); });
    // Fresh sizes for each reshape: the ones replaced before it are gone.
    for (tensor::ReshapeOp op : reshapes) {
      Sizes sizes;
      (void)rewriteAsViews(op, sizes);
    }
  }
};

} // namespace
