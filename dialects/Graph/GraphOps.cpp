//===- GraphOps.cpp - tg op type inference and verifiers ------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// One `inferReturnTypes` per op that is not covered by a group rule in
// GraphOps.td. Errors found while inferring are the op's verifier errors.
//
//===----------------------------------------------------------------------===//
#include "InferenceUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace mlir::tangram::tg;
using namespace mlir::tangram::tg::detail;

/// A dim product that stays dynamic when any factor is.
static int64_t mulDims(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) ? kDyn : a * b;
}

/// Keeps the operand type: for ops whose result has the input's type.
#define SAME_AS_OPERAND(OP, GETTER)                                            \
  LogicalResult OP::inferReturnTypes(MLIRContext *, OptLoc, Adaptor adaptor,   \
                                     TypeList &types) {                        \
    types.push_back(adaptor.GETTER().getType());                               \
    return success();                                                          \
  }

SAME_AS_OPERAND(SoftmaxOp, getInput)
SAME_AS_OPERAND(LogSoftmaxOp, getInput)
SAME_AS_OPERAND(HardmaxOp, getInput)
SAME_AS_OPERAND(LRNOp, getInput)
SAME_AS_OPERAND(CumSumOp, getInput)
SAME_AS_OPERAND(TriluOp, getInput)
SAME_AS_OPERAND(ReverseSequenceOp, getInput)
#undef SAME_AS_OPERAND

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                           Adaptor adaptor, TypeList &types) {
  auto t = dyn_cast<RankedTensorType>(adaptor.getValue().getType());
  if (!t)
    return emitOptionalError(loc, "value must be a ranked tensor");
  types.push_back(t);
  return success();
}

LogicalResult ConstantOp::verify() {
  if (getValue().getType() != getType())
    return emitOpError("value type ")
           << getValue().getType() << " differs from result type " << getType();
  return success();
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

LogicalResult SelectOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                         Adaptor adaptor, TypeList &types) {
  auto c = tensorOf(adaptor.getCond()), x = tensorOf(adaptor.getX()),
       y = tensorOf(adaptor.getY());
  if (x.getElementType() != y.getElementType())
    return emitOptionalError(loc, "x and y have different element types");
  SmallVector<int64_t> s1, s2;
  if (failed(broadcastShapes(c.getShape(), x.getShape(), s1)) ||
      failed(broadcastShapes(s1, y.getShape(), s2)))
    return emitOptionalError(loc, "operand shapes do not broadcast");
  types.push_back(x.clone(s2));
  return success();
}

LogicalResult CastOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                       Adaptor adaptor, TypeList &types) {
  Type to = adaptor.getTo();
  if (!to.isIntOrFloat())
    return emitOptionalError(loc, "cast target must be a scalar type");
  types.push_back(tensorOf(adaptor.getInput()).clone(to));
  return success();
}

//===----------------------------------------------------------------------===//
// Linear algebra, convolution, pooling, normalization
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                         Adaptor adaptor, TypeList &types) {
  auto a = tensorOf(adaptor.getLhs()), b = tensorOf(adaptor.getRhs());
  if (a.getElementType() != b.getElementType())
    return emitOptionalError(loc, "operands have different element types");
  if (a.getRank() == 0 || b.getRank() == 0)
    return emitOptionalError(loc, "operands must have rank >= 1");
  SmallVector<int64_t> as(a.getShape()), bs(b.getShape());
  bool vecA = as.size() == 1, vecB = bs.size() == 1;
  if (vecA)
    as.insert(as.begin(), 1);
  if (vecB)
    bs.push_back(1);
  int64_t k1 = as.back(), k2 = bs[bs.size() - 2];
  if (!ShapedType::isDynamic(k1) && !ShapedType::isDynamic(k2) && k1 != k2)
    return emitOptionalError(loc, "contracting dims differ: ", k1, " vs ", k2);
  SmallVector<int64_t> batch;
  if (failed(broadcastShapes(ArrayRef(as).drop_back(2),
                             ArrayRef(bs).drop_back(2), batch)))
    return emitOptionalError(loc, "batch dims do not broadcast");
  if (!vecA)
    batch.push_back(as[as.size() - 2]);
  if (!vecB)
    batch.push_back(bs.back());
  types.push_back(a.clone(batch));
  return success();
}

LogicalResult ConvOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                       Adaptor adaptor, TypeList &types) {
  auto x = tensorOf(adaptor.getInput()), w = tensorOf(adaptor.getWeight());
  int64_t rank = x.getRank();
  if (rank < 3 || w.getRank() != rank)
    return emitOptionalError(loc, "input and weight must have the same rank >= 3");
  if (x.getElementType() != w.getElementType())
    return emitOptionalError(loc, "input and weight element types differ");
  int64_t spatial = rank - 2, group = adaptor.getGroup();
  if (failed(checkWindowAttrs(loc, spatial, adaptor.getStrides(),
                              adaptor.getPads(), adaptor.getDilations())))
    return failure();
  if (group <= 0)
    return emitOptionalError(loc, "group must be positive");
  int64_t c = x.getDimSize(1), wc = w.getDimSize(1), m = w.getDimSize(0);
  if (!ShapedType::isDynamic(c) && !ShapedType::isDynamic(wc) &&
      c != wc * group)
    return emitOptionalError(loc, "input channels (", c,
                             ") != weight channels (", wc, ") * group (",
                             group, ")");
  if (!ShapedType::isDynamic(m) && m % group != 0)
    return emitOptionalError(loc, "output channels not divisible by group");
  if (Value b = adaptor.getBias()) {
    auto bt = tensorOf(b);
    if (bt.getRank() != 1 || (!ShapedType::isDynamic(m) &&
                              !ShapedType::isDynamic(bt.getDimSize(0)) &&
                              bt.getDimSize(0) != m))
      return emitOptionalError(loc, "bias must be 1-D with one value per "
                                    "output channel");
  }
  SmallVector<int64_t> shape = {x.getDimSize(0), m};
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t o = windowOut(x.getDimSize(i + 2), w.getDimSize(i + 2),
                          adaptor.getStrides()[i], adaptor.getDilations()[i],
                          adaptor.getPads()[i] + adaptor.getPads()[i + spatial],
                          false);
    if (o == -1)
      return emitOptionalError(loc, "kernel larger than padded input");
    shape.push_back(o);
  }
  types.push_back(x.clone(shape));
  return success();
}

LogicalResult ConvTransposeOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                                Adaptor adaptor,
                                                TypeList &types) {
  auto x = tensorOf(adaptor.getInput()), w = tensorOf(adaptor.getWeight());
  int64_t rank = x.getRank();
  if (rank < 3 || w.getRank() != rank)
    return emitOptionalError(loc, "input and weight must have the same rank >= 3");
  int64_t spatial = rank - 2, group = adaptor.getGroup();
  if (failed(checkWindowAttrs(loc, spatial, adaptor.getStrides(),
                              adaptor.getPads(), adaptor.getDilations())))
    return failure();
  if ((int64_t)adaptor.getOutputPadding().size() != spatial)
    return emitOptionalError(loc, "expected ", spatial, " output_padding");
  if (group <= 0)
    return emitOptionalError(loc, "group must be positive");
  int64_t c = x.getDimSize(1), wc = w.getDimSize(0);
  if (!ShapedType::isDynamic(c) && !ShapedType::isDynamic(wc) && c != wc)
    return emitOptionalError(loc, "input channels (", c,
                             ") != weight dim 0 (", wc, ")");
  SmallVector<int64_t> shape = {x.getDimSize(0),
                                mulDims(w.getDimSize(1), group)};
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t in = x.getDimSize(i + 2), k = w.getDimSize(i + 2);
    if (ShapedType::isDynamic(in) || ShapedType::isDynamic(k)) {
      shape.push_back(kDyn);
      continue;
    }
    int64_t o = adaptor.getStrides()[i] * (in - 1) +
                adaptor.getOutputPadding()[i] +
                (k - 1) * adaptor.getDilations()[i] + 1 - adaptor.getPads()[i] -
                adaptor.getPads()[i + spatial];
    if (o <= 0)
      return emitOptionalError(loc, "output size would be ", o);
    shape.push_back(o);
  }
  types.push_back(x.clone(shape));
  return success();
}

/// Shared by the pooling ops.
static LogicalResult inferPool(OptLoc loc, Value input,
                               ArrayRef<int64_t> kernel,
                               ArrayRef<int64_t> strides,
                               ArrayRef<int64_t> pads,
                               ArrayRef<int64_t> dilations, bool ceilMode,
                               TypeList &types) {
  auto x = tensorOf(input);
  int64_t spatial = x.getRank() - 2;
  if (spatial < 1 || (int64_t)kernel.size() != spatial)
    return emitOptionalError(loc, "expected rank >= 3 and ", spatial,
                             " kernel dims");
  if (failed(checkWindowAttrs(loc, spatial, strides, pads, dilations)))
    return failure();
  SmallVector<int64_t> shape = {x.getDimSize(0), x.getDimSize(1)};
  for (int64_t i = 0; i < spatial; ++i) {
    if (kernel[i] <= 0)
      return emitOptionalError(loc, "kernel dims must be positive");
    int64_t o = windowOut(x.getDimSize(i + 2), kernel[i], strides[i],
                          dilations[i], pads[i] + pads[i + spatial], ceilMode);
    if (o == -1)
      return emitOptionalError(loc, "kernel larger than padded input");
    shape.push_back(o);
  }
  types.push_back(x.clone(shape));
  return success();
}

#define POOL_INFER(OP)                                                         \
  LogicalResult OP::inferReturnTypes(MLIRContext *, OptLoc loc,                \
                                     Adaptor adaptor, TypeList &types) {       \
    return inferPool(loc, adaptor.getInput(), adaptor.getKernelShape(),        \
                     adaptor.getStrides(), adaptor.getPads(),                  \
                     adaptor.getDilations(), adaptor.getCeilMode(), types);    \
  }
POOL_INFER(MaxPoolOp)
POOL_INFER(AvgPoolOp)
POOL_INFER(LpPoolOp)
#undef POOL_INFER

/// Per-channel parameter tensors must be 1-D of the channel count.
static LogicalResult checkPerChannel(OptLoc loc, RankedTensorType x,
                                     ValueRange params) {
  if (x.getRank() < 2)
    return emitOptionalError(loc, "input must have rank >= 2");
  int64_t c = x.getDimSize(1);
  for (Value p : params) {
    auto t = tensorOf(p);
    if (t.getElementType() != x.getElementType())
      return emitOptionalError(loc, "parameters must have the input's "
                                    "element type");
    if (t.getRank() != 1 ||
        (!ShapedType::isDynamic(c) && !ShapedType::isDynamic(t.getDimSize(0)) &&
         t.getDimSize(0) != c))
      return emitOptionalError(loc, "parameters must be 1-D of size C = ", c);
  }
  return success();
}

LogicalResult BatchNormOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                            Adaptor adaptor, TypeList &types) {
  auto x = tensorOf(adaptor.getInput());
  if (failed(checkPerChannel(loc, x,
                             {adaptor.getScale(), adaptor.getBias(),
                              adaptor.getMean(), adaptor.getVariance()})))
    return failure();
  types.push_back(x);
  return success();
}

LogicalResult InstanceNormOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                               Adaptor adaptor,
                                               TypeList &types) {
  auto x = tensorOf(adaptor.getInput());
  if (failed(checkPerChannel(loc, x, {adaptor.getScale(), adaptor.getBias()})))
    return failure();
  types.push_back(x);
  return success();
}

LogicalResult GroupNormOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                            Adaptor adaptor, TypeList &types) {
  auto x = tensorOf(adaptor.getInput());
  if (failed(checkPerChannel(loc, x, {adaptor.getScale(), adaptor.getBias()})))
    return failure();
  int64_t g = adaptor.getNumGroups(), c = x.getDimSize(1);
  if (g <= 0 || (!ShapedType::isDynamic(c) && c % g != 0))
    return emitOptionalError(loc, "num_groups must be positive and divide C");
  types.push_back(x);
  return success();
}

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                            Adaptor adaptor, TypeList &types) {
  auto x = tensorOf(adaptor.getInput());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis >= x.getRank())
    return emitOptionalError(loc, "axis must be in [0, ", x.getRank(), ")");
  ArrayRef<int64_t> normShape = x.getShape().drop_front(axis);
  for (Value p : {adaptor.getScale(), adaptor.getBias()}) {
    auto t = tensorOf(p);
    SmallVector<int64_t> out;
    if (t.getElementType() != x.getElementType() ||
        t.getRank() > (int64_t)normShape.size() ||
        failed(broadcastShapes(normShape, t.getShape(), out)) ||
        out.size() != normShape.size())
      return emitOptionalError(loc, "scale and bias must broadcast to the "
                                    "normalized dims");
  }
  types.push_back(x);
  return success();
}

/// Axis ops need `0 <= axis < rank`.
template <typename OpTy>
static LogicalResult verifyAxis(OpTy op) {
  int64_t rank = cast<RankedTensorType>(op.getInput().getType()).getRank();
  int64_t axis = op.getAxis(); // I64Attr reads as uint64_t
  if (axis < 0 || axis >= std::max<int64_t>(rank, 1))
    return op.emitOpError("axis ") << op.getAxis() << " out of range for rank "
                                   << rank;
  return success();
}
LogicalResult SoftmaxOp::verify() { return verifyAxis(*this); }
LogicalResult LogSoftmaxOp::verify() { return verifyAxis(*this); }
LogicalResult HardmaxOp::verify() { return verifyAxis(*this); }
LogicalResult CumSumOp::verify() { return verifyAxis(*this); }

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

#define ARG_INFER(OP)                                                          \
  LogicalResult OP::inferReturnTypes(MLIRContext *ctx, OptLoc loc,             \
                                     Adaptor adaptor, TypeList &types) {       \
    int64_t axis = adaptor.getAxis();                                          \
    if (failed(inferReduce(loc, adaptor.getInput(), {axis},                    \
                           adaptor.getKeepdims(), types)))                     \
      return failure();                                                        \
    types.back() =                                                             \
        cast<RankedTensorType>(types.back()).clone(IntegerType::get(ctx, 64)); \
    return success();                                                          \
  }
ARG_INFER(ArgMaxOp)
ARG_INFER(ArgMinOp)
#undef ARG_INFER

LogicalResult TopKOp::inferReturnTypes(MLIRContext *ctx, OptLoc loc,
                                       Adaptor adaptor, TypeList &types) {
  auto x = tensorOf(adaptor.getInput());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis >= x.getRank())
    return emitOptionalError(loc, "axis out of range");
  SmallVector<int64_t> k;
  SmallVector<int64_t> shape(x.getShape());
  shape[axis] = kDyn;
  if (getConstantInts(adaptor.getK(), k)) {
    if (k.size() != 1 || k[0] < 0)
      return emitOptionalError(loc, "k must be one non-negative value");
    if (!ShapedType::isDynamic(x.getDimSize(axis)) && k[0] > x.getDimSize(axis))
      return emitOptionalError(loc, "k (", k[0], ") exceeds the axis dim (",
                               x.getDimSize(axis), ")");
    shape[axis] = k[0];
  }
  types.push_back(x.clone(shape));
  types.push_back(RankedTensorType::get(shape, IntegerType::get(ctx, 64)));
  return success();
}

LogicalResult UniqueOp::inferReturnTypes(MLIRContext *ctx, OptLoc loc,
                                         Adaptor adaptor, TypeList &types) {
  auto x = tensorOf(adaptor.getInput());
  auto i64 = IntegerType::get(ctx, 64);
  int64_t n = x.hasStaticShape() ? x.getNumElements() : kDyn;
  SmallVector<int64_t> shape = {kDyn};
  if (std::optional<int64_t> a = adaptor.getAxis()) {
    if (*a < 0 || *a >= x.getRank())
      return emitOptionalError(loc, "axis out of range");
    shape.assign(x.getShape().begin(), x.getShape().end());
    shape[*a] = kDyn;
    n = x.getDimSize(*a);
  }
  types.push_back(x.clone(shape));
  types.push_back(RankedTensorType::get({kDyn}, i64));
  types.push_back(RankedTensorType::get({n}, i64));
  types.push_back(RankedTensorType::get({kDyn}, i64));
  return success();
}

LogicalResult DetOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                      Adaptor adaptor, TypeList &types) {
  auto x = tensorOf(adaptor.getInput());
  int64_t r = x.getRank();
  if (r < 2 || (!x.isDynamicDim(r - 1) && !x.isDynamicDim(r - 2) &&
                x.getDimSize(r - 1) != x.getDimSize(r - 2)))
    return emitOptionalError(loc, "input must be a batch of square matrices");
  types.push_back(x.clone(x.getShape().drop_back(2)));
  return success();
}

LogicalResult EinsumOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                         Adaptor adaptor, TypeList &types) {
  StringRef eq = adaptor.getEquation();
  std::string s;
  for (char ch : eq)
    if (ch != ' ')
      s.push_back(ch);
  if (s.find("...") != std::string::npos)
    return emitOptionalError(loc, "einsum ellipsis is not supported");
  StringRef lhs = s, rhs;
  bool explicitOut = false;
  if (size_t arrow = s.find("->"); arrow != std::string::npos) {
    lhs = StringRef(s).take_front(arrow);
    rhs = StringRef(s).drop_front(arrow + 2);
    explicitOut = true;
  }
  SmallVector<StringRef> terms;
  lhs.split(terms, ',');
  if (terms.size() != adaptor.getInputs().size())
    return emitOptionalError(loc, "equation has ", terms.size(),
                             " inputs but the op has ",
                             adaptor.getInputs().size());
  llvm::DenseMap<char, int64_t> dims;
  llvm::DenseMap<char, int> counts;
  Type elem;
  for (auto [term, v] : llvm::zip(terms, adaptor.getInputs())) {
    auto t = tensorOf(v);
    if (elem && elem != t.getElementType())
      return emitOptionalError(loc, "inputs have different element types");
    elem = t.getElementType();
    if ((int64_t)term.size() != t.getRank())
      return emitOptionalError(loc, "term '", term, "' does not match rank ",
                               t.getRank());
    for (auto [i, ch] : llvm::enumerate(term)) {
      if (!llvm::isAlpha(ch))
        return emitOptionalError(loc, "bad einsum label '", StringRef(&ch, 1),
                                 "'");
      int64_t d = t.getDimSize(i);
      auto [it, inserted] = dims.try_emplace(ch, d);
      if (!inserted && ShapedType::isDynamic(it->second))
        it->second = d;
      else if (!inserted && !ShapedType::isDynamic(d) && d != 1 &&
               it->second != 1 && it->second != d)
        return emitOptionalError(loc, "label '", StringRef(&ch, 1),
                                 "' has sizes ", it->second, " and ", d);
      else if (!inserted && it->second == 1)
        it->second = d;
      ++counts[ch];
    }
  }
  std::string out;
  if (explicitOut) {
    out = rhs.str();
  } else {
    for (char ch = 'A'; ch <= 'z'; ++ch)
      if (counts.lookup(ch) == 1)
        out.push_back(ch);
  }
  SmallVector<int64_t> shape;
  for (char ch : out) {
    if (!dims.count(ch))
      return emitOptionalError(loc, "output label '", StringRef(&ch, 1),
                               "' is not an input label");
    shape.push_back(dims[ch]);
  }
  types.push_back(RankedTensorType::get(shape, elem));
  return success();
}

//===----------------------------------------------------------------------===//
// Data movement and shapes
//===----------------------------------------------------------------------===//

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                            Adaptor adaptor, TypeList &types) {
  auto x = tensorOf(adaptor.getInput());
  ArrayRef<int64_t> perm = adaptor.getPerm();
  if ((int64_t)perm.size() != x.getRank())
    return emitOptionalError(loc, "perm has ", perm.size(),
                             " entries for rank ", x.getRank());
  SmallVector<bool> seen(perm.size(), false);
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    if (p < 0 || p >= x.getRank() || seen[p])
      return emitOptionalError(loc, "perm is not a permutation");
    seen[p] = true;
    shape.push_back(x.getDimSize(p));
  }
  types.push_back(x.clone(shape));
  return success();
}

LogicalResult ReshapeOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                          Adaptor adaptor, TypeList &types) {
  auto x = tensorOf(adaptor.getInput());
  auto st = tensorOf(adaptor.getShape());
  if (st.getRank() != 1 || ShapedType::isDynamic(st.getDimSize(0)))
    return emitOptionalError(loc, "shape must be a 1-D tensor of static size");
  int64_t rank = st.getDimSize(0);
  SmallVector<int64_t> target;
  if (!getConstantInts(adaptor.getShape(), target)) {
    // Entries known at compile time give static dims even when others are
    // run-time values (then a -1 or 0 among them is not resolved here).
    SmallVector<int64_t> partial;
    SmallVector<int64_t> shape(rank, kDyn);
    if (getPartialInts(adaptor.getShape(), partial) &&
        (int64_t)partial.size() == rank)
      for (int64_t i = 0; i < rank; ++i) {
        if (partial[i] > 0)
          shape[i] = partial[i];
        else if (partial[i] == 0 && !adaptor.getAllowzero() && i < x.getRank())
          shape[i] = x.getDimSize(i);
        else if (partial[i] == 0 && adaptor.getAllowzero())
          shape[i] = 0;
      }
    types.push_back(x.clone(shape));
    return success();
  }
  SmallVector<int64_t> shape;
  int64_t inferIdx = -1, known = 1;
  bool knownDynamic = false;
  for (auto [i, d] : llvm::enumerate(target)) {
    if (d == -1) {
      if (inferIdx != -1)
        return emitOptionalError(loc, "shape has more than one -1");
      inferIdx = i;
      shape.push_back(kDyn);
      continue;
    }
    if (d < -1)
      return emitOptionalError(loc, "invalid shape value ", d);
    if (d == 0 && !adaptor.getAllowzero()) {
      if ((int64_t)i >= x.getRank())
        return emitOptionalError(loc, "shape copies dim ", i,
                                 " beyond the input rank");
      d = x.getDimSize(i);
    }
    shape.push_back(d);
    if (ShapedType::isDynamic(d))
      knownDynamic = true;
    else
      known *= d;
  }
  if (x.hasStaticShape() && !knownDynamic) {
    int64_t total = x.getNumElements();
    if (inferIdx >= 0) {
      if (known == 0 || total % known != 0)
        return emitOptionalError(loc, "cannot reshape ", total,
                                 " elements into the requested shape");
      shape[inferIdx] = total / known;
    } else if (known != total) {
      return emitOptionalError(loc, "cannot reshape ", total, " elements into ",
                               known);
    }
  }
  types.push_back(x.clone(shape));
  return success();
}

LogicalResult FlattenOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                          Adaptor adaptor, TypeList &types) {
  auto x = tensorOf(adaptor.getInput());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis > x.getRank())
    return emitOptionalError(loc, "axis must be in [0, ", x.getRank(), "]");
  int64_t a = 1, b = 1;
  for (int64_t i = 0; i < x.getRank(); ++i)
    (i < axis ? a : b) = mulDims(i < axis ? a : b, x.getDimSize(i));
  types.push_back(x.clone({a, b}));
  return success();
}

/// The length k of a run-time axes (or sizes) operand: 1-D, static, between
/// 1 and `maxK`, and the attribute form empty.
static FailureOr<int64_t> runtimeListLength(OptLoc loc, Value list,
                                            ArrayRef<int64_t> attr,
                                            int64_t maxK, StringRef what) {
  auto t = tensorOf(list);
  if (!attr.empty())
    return emitOptionalError(loc, what,
                             " are given both as an attribute and "
                             "as an operand");
  if (t.getRank() != 1 || t.isDynamicDim(0))
    return emitOptionalError(loc, "run-time ", what,
                             " must be a 1-D tensor of static length");
  int64_t k = t.getDimSize(0);
  if (k < 1 || k > maxK)
    return emitOptionalError(loc, "run-time ", what, " must have 1 to ", maxK,
                             " elements, got ", k);
  return k;
}

LogicalResult SqueezeOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                          Adaptor adaptor, TypeList &types) {
  auto x = tensorOf(adaptor.getInput());
  if (Value dyn = adaptor.getDynamicAxes()) {
    auto k =
        runtimeListLength(loc, dyn, adaptor.getAxes(), x.getRank(), "axes");
    if (failed(k))
      return failure();
    types.push_back(x.clone(SmallVector<int64_t>(x.getRank() - *k, kDyn)));
    return success();
  }
  SmallVector<int64_t> shape;
  int64_t prev = -1;
  for (int64_t a : adaptor.getAxes()) {
    if (a <= prev || a >= x.getRank())
      return emitOptionalError(loc, "axes must be sorted, unique, in range");
    if (x.getDimSize(a) != 1 && !ShapedType::isDynamic(x.getDimSize(a)))
      return emitOptionalError(loc, "cannot squeeze dim ", a, " of size ",
                               x.getDimSize(a));
    prev = a;
  }
  for (int64_t i = 0; i < x.getRank(); ++i)
    if (!llvm::is_contained(adaptor.getAxes(), i))
      shape.push_back(x.getDimSize(i));
  types.push_back(x.clone(shape));
  return success();
}

LogicalResult UnsqueezeOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                            Adaptor adaptor, TypeList &types) {
  auto x = tensorOf(adaptor.getInput());
  if (Value dyn = adaptor.getDynamicAxes()) {
    auto k = runtimeListLength(loc, dyn, adaptor.getAxes(),
                               std::numeric_limits<int32_t>::max(), "axes");
    if (failed(k))
      return failure();
    types.push_back(x.clone(SmallVector<int64_t>(x.getRank() + *k, kDyn)));
    return success();
  }
  int64_t outRank = x.getRank() + adaptor.getAxes().size();
  int64_t prev = -1;
  for (int64_t a : adaptor.getAxes()) {
    if (a <= prev || a >= outRank)
      return emitOptionalError(loc, "axes must be sorted, unique, in range");
    prev = a;
  }
  SmallVector<int64_t> shape;
  int64_t j = 0;
  for (int64_t i = 0; i < outRank; ++i)
    shape.push_back(llvm::is_contained(adaptor.getAxes(), i)
                        ? 1
                        : x.getDimSize(j++));
  types.push_back(x.clone(shape));
  return success();
}

LogicalResult ExpandOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                         Adaptor adaptor, TypeList &types) {
  auto x = tensorOf(adaptor.getInput());
  auto st = tensorOf(adaptor.getShape());
  if (st.getRank() != 1 || ShapedType::isDynamic(st.getDimSize(0)))
    return emitOptionalError(loc, "shape must be a 1-D tensor of static size");
  SmallVector<int64_t> target, out;
  if (!getConstantInts(adaptor.getShape(), target)) {
    int64_t rank = std::max(x.getRank(), st.getDimSize(0));
    types.push_back(x.clone(SmallVector<int64_t>(rank, kDyn)));
    return success();
  }
  if (failed(broadcastShapes(x.getShape(), target, out)))
    return emitOptionalError(loc, "input shape does not broadcast to the "
                                  "requested shape");
  types.push_back(x.clone(out));
  return success();
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                         Adaptor adaptor, TypeList &types) {
  if (adaptor.getInputs().empty())
    return emitOptionalError(loc, "needs at least one input");
  auto first = tensorOf(adaptor.getInputs().front());
  int64_t axis = adaptor.getAxis(), rank = first.getRank();
  if (axis < 0 || axis >= rank)
    return emitOptionalError(loc, "axis must be in [0, ", rank, ")");
  SmallVector<int64_t> shape(first.getShape());
  shape[axis] = 0;
  for (Value v : adaptor.getInputs()) {
    auto t = tensorOf(v);
    if (t.getRank() != rank || t.getElementType() != first.getElementType())
      return emitOptionalError(loc, "inputs must share rank and element type");
    for (int64_t i = 0; i < rank; ++i) {
      int64_t d = t.getDimSize(i);
      if (i == axis) {
        shape[i] = ShapedType::isDynamic(d) || ShapedType::isDynamic(shape[i])
                       ? kDyn
                       : shape[i] + d;
      } else if (ShapedType::isDynamic(shape[i])) {
        shape[i] = d;
      } else if (!ShapedType::isDynamic(d) && d != shape[i]) {
        return emitOptionalError(loc, "inputs differ in dim ", i, ": ",
                                 shape[i], " vs ", d);
      }
    }
  }
  types.push_back(first.clone(shape));
  return success();
}

LogicalResult SplitOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                        Adaptor adaptor, TypeList &types) {
  auto x = tensorOf(adaptor.getInput());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis >= x.getRank())
    return emitOptionalError(loc, "axis out of range");
  if (Value dyn = adaptor.getDynamicSizes()) {
    auto k = runtimeListLength(loc, dyn, adaptor.getSizes(),
                               std::numeric_limits<int32_t>::max(), "sizes");
    if (failed(k))
      return failure();
    SmallVector<int64_t> shape(x.getShape());
    shape[axis] = kDyn;
    types.append(*k, x.clone(shape));
    return success();
  }
  int64_t total = 0;
  for (int64_t s : adaptor.getSizes()) {
    if (s < 0)
      return emitOptionalError(loc, "split sizes must be non-negative");
    total += s;
  }
  if (!ShapedType::isDynamic(x.getDimSize(axis)) && total != x.getDimSize(axis))
    return emitOptionalError(loc, "split sizes add up to ", total,
                             ", not the axis dim ", x.getDimSize(axis));
  for (int64_t s : adaptor.getSizes()) {
    SmallVector<int64_t> shape(x.getShape());
    shape[axis] = s;
    types.push_back(x.clone(shape));
  }
  return success();
}

/// ONNX Slice semantics for one axis; returns the element count.
static int64_t sliceCount(int64_t dim, int64_t start, int64_t end,
                          int64_t step) {
  auto clamp = [](int64_t v, int64_t lo, int64_t hi) {
    return std::min(std::max(v, lo), hi);
  };
  if (start < 0)
    start += dim;
  if (end < 0)
    end += dim;
  if (step > 0) {
    start = clamp(start, 0, dim);
    end = clamp(end, 0, dim);
    return end > start ? (end - start + step - 1) / step : 0;
  }
  start = clamp(start, 0, dim - 1);
  end = clamp(end, -1, dim - 1);
  return start > end ? (start - end + (-step) - 1) / (-step) : 0;
}

LogicalResult SliceOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                        Adaptor adaptor, TypeList &types) {
  auto x = tensorOf(adaptor.getInput());
  SmallVector<int64_t> starts, ends, axes, steps;
  int64_t n = tensorOf(adaptor.getStarts()).getRank() == 1
                  ? tensorOf(adaptor.getStarts()).getDimSize(0)
                  : -1;
  for (Value v : {adaptor.getStarts(), adaptor.getEnds(), adaptor.getAxes(),
                  adaptor.getSteps()}) {
    auto t = tensorOf(v);
    if (t.getRank() != 1 || (t.getDimSize(0) != n && !ShapedType::isDynamic(n) &&
                             !ShapedType::isDynamic(t.getDimSize(0))))
      return emitOptionalError(loc, "starts, ends, axes and steps must be 1-D "
                                    "tensors of one length");
  }
  SmallVector<int64_t> shape(x.getShape());
  if (!getConstantInts(adaptor.getAxes(), axes)) {
    types.push_back(x.clone(SmallVector<int64_t>(x.getRank(), kDyn)));
    return success();
  }
  bool known = getConstantInts(adaptor.getStarts(), starts) &&
               getConstantInts(adaptor.getEnds(), ends) &&
               getConstantInts(adaptor.getSteps(), steps);
  for (auto [i, a] : llvm::enumerate(axes)) {
    if (a < -x.getRank() || a >= x.getRank())
      return emitOptionalError(loc, "slice axis ", a, " out of range");
    int64_t axis = a < 0 ? a + x.getRank() : a;
    if (!known || ShapedType::isDynamic(x.getDimSize(axis))) {
      shape[axis] = kDyn;
      continue;
    }
    if (steps[i] == 0)
      return emitOptionalError(loc, "slice step must not be 0");
    shape[axis] = sliceCount(x.getDimSize(axis), starts[i], ends[i], steps[i]);
  }
  types.push_back(x.clone(shape));
  return success();
}

LogicalResult GatherOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                         Adaptor adaptor, TypeList &types) {
  auto d = tensorOf(adaptor.getData()), i = tensorOf(adaptor.getIndices());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis >= d.getRank())
    return emitOptionalError(loc, "axis out of range");
  SmallVector<int64_t> shape(d.getShape().take_front(axis));
  llvm::append_range(shape, i.getShape());
  llvm::append_range(shape, d.getShape().drop_front(axis + 1));
  types.push_back(d.clone(shape));
  return success();
}

LogicalResult GatherElementsOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                                 Adaptor adaptor,
                                                 TypeList &types) {
  auto d = tensorOf(adaptor.getData()), i = tensorOf(adaptor.getIndices());
  int64_t axis = adaptor.getAxis(); // I64Attr reads as uint64_t
  if (d.getRank() != i.getRank() || axis < 0 || axis >= d.getRank())
    return emitOptionalError(loc, "indices must have the data's rank and axis "
                                  "must be in range");
  types.push_back(d.clone(i.getShape()));
  return success();
}

LogicalResult GatherNDOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                           Adaptor adaptor, TypeList &types) {
  auto d = tensorOf(adaptor.getData()), i = tensorOf(adaptor.getIndices());
  int64_t b = adaptor.getBatchDims();
  if (i.getRank() < 1 || b < 0 || b >= std::min(d.getRank(), i.getRank()) + 1)
    return emitOptionalError(loc, "bad batch_dims or indices rank");
  int64_t last = i.getShape().back();
  if (ShapedType::isDynamic(last))
    return emitOptionalError(loc, "the last dim of indices must be static");
  if (last < 1 || b + last > d.getRank())
    return emitOptionalError(loc, "index tuples longer than the data rank");
  SmallVector<int64_t> shape(i.getShape().drop_back());
  llvm::append_range(shape, d.getShape().drop_front(b + last));
  types.push_back(d.clone(shape));
  return success();
}

static LogicalResult checkReduction(OptLoc loc, StringRef r) {
  if (r != "none" && r != "add" && r != "mul" && r != "max" && r != "min")
    return emitOptionalError(loc, "unknown reduction '", r, "'");
  return success();
}

LogicalResult ScatterElementsOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                                  Adaptor adaptor,
                                                  TypeList &types) {
  auto d = tensorOf(adaptor.getData());
  auto i = tensorOf(adaptor.getIndices()), u = tensorOf(adaptor.getUpdates());
  if (i.getRank() != d.getRank() || u.getRank() != d.getRank() ||
      u.getElementType() != d.getElementType() ||
      (int64_t)adaptor.getAxis() < 0 ||
      (int64_t)adaptor.getAxis() >= d.getRank())
    return emitOptionalError(loc, "data, indices and updates must share rank "
                                  "and axis must be in range");
  // Static dims (run-time ones are checked when the op runs).
  auto known = [](int64_t a, int64_t b) {
    return !ShapedType::isDynamic(a) && !ShapedType::isDynamic(b);
  };
  for (int64_t k = 0; k < d.getRank(); ++k) {
    if (known(i.getDimSize(k), u.getDimSize(k)) &&
        i.getDimSize(k) != u.getDimSize(k))
      return emitOptionalError(loc, "indices and updates differ in dim ", k);
    if (k != (int64_t)adaptor.getAxis() &&
        known(u.getDimSize(k), d.getDimSize(k)) &&
        u.getDimSize(k) > d.getDimSize(k))
      return emitOptionalError(loc, "updates are larger than data in dim ", k);
  }
  if (failed(checkReduction(loc, adaptor.getReduction())))
    return failure();
  types.push_back(d);
  return success();
}

LogicalResult ScatterNDOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                            Adaptor adaptor, TypeList &types) {
  auto d = tensorOf(adaptor.getData());
  auto q = tensorOf(adaptor.getIndices()), u = tensorOf(adaptor.getUpdates());
  if (u.getElementType() != d.getElementType())
    return emitOptionalError(loc, "updates must have the data element type");
  // updates: indices.shape[:-1] + data.shape[k:], k = indices.shape[-1].
  if (q.getRank() < 1)
    return emitOptionalError(loc, "indices must have at least one dim");
  int64_t k = q.getDimSize(q.getRank() - 1);
  if (!ShapedType::isDynamic(k)) {
    if (k > d.getRank())
      return emitOptionalError(loc, "an index has ", k,
                               " entries, more than data's rank ", d.getRank());
    SmallVector<int64_t> expected(q.getShape().drop_back());
    llvm::append_range(expected, d.getShape().drop_front(k));
    if (u.getRank() != (int64_t)expected.size())
      return emitOptionalError(loc, "updates must have rank ", expected.size());
    for (auto [a, b] : llvm::zip(u.getShape(), expected))
      if (!ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b)
        return emitOptionalError(loc, "updates must have shape indices.shape[:-1] + data.shape[k:]");
  }
  if (failed(checkReduction(loc, adaptor.getReduction())))
    return failure();
  types.push_back(d);
  return success();
}

LogicalResult PadOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                      Adaptor adaptor, TypeList &types) {
  auto x = tensorOf(adaptor.getInput());
  StringRef mode = adaptor.getMode();
  if (mode != "constant" && mode != "reflect" && mode != "edge" &&
      mode != "wrap")
    return emitOptionalError(loc, "unknown pad mode '", mode, "'");
  auto v = tensorOf(adaptor.getValue());
  if (v.getElementType() != x.getElementType() || v.getNumElements() > 1)
    return emitOptionalError(loc, "pad value must be a scalar of the input's "
                                  "element type");
  SmallVector<int64_t> pads;
  SmallVector<int64_t> shape(x.getRank(), kDyn);
  if (getConstantInts(adaptor.getPads(), pads)) {
    if ((int64_t)pads.size() != 2 * x.getRank())
      return emitOptionalError(loc, "expected ", 2 * x.getRank(), " pads");
    for (int64_t i = 0; i < x.getRank(); ++i) {
      int64_t d = x.getDimSize(i);
      shape[i] =
          ShapedType::isDynamic(d) ? kDyn : d + pads[i] + pads[i + x.getRank()];
      if (!ShapedType::isDynamic(shape[i]) && shape[i] < 0)
        return emitOptionalError(loc, "pads crop dim ", i, " below zero");
    }
  }
  types.push_back(x.clone(shape));
  return success();
}

LogicalResult TileOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                       Adaptor adaptor, TypeList &types) {
  auto x = tensorOf(adaptor.getInput());
  SmallVector<int64_t> reps;
  SmallVector<int64_t> shape(x.getRank(), kDyn);
  if (getConstantInts(adaptor.getRepeats(), reps)) {
    if ((int64_t)reps.size() != x.getRank())
      return emitOptionalError(loc, "expected ", x.getRank(), " repeats");
    for (int64_t i = 0; i < x.getRank(); ++i) {
      if (reps[i] < 0)
        return emitOptionalError(loc, "repeats must be non-negative");
      shape[i] = mulDims(x.getDimSize(i), reps[i]);
    }
  }
  types.push_back(x.clone(shape));
  return success();
}

/// Python-style clamp of a [start, end) range over `rank` dims.
static std::pair<int64_t, int64_t> shapeRange(int64_t rank, int64_t start,
                                              int64_t end) {
  if (start < 0)
    start += rank;
  if (end < 0)
    end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, 0, rank);
  return {start, std::max(start, end)};
}

LogicalResult ShapeOp::inferReturnTypes(MLIRContext *ctx, OptLoc,
                                        Adaptor adaptor, TypeList &types) {
  auto [s, e] = shapeRange(tensorOf(adaptor.getInput()).getRank(),
                           adaptor.getStart(), adaptor.getEnd());
  types.push_back(RankedTensorType::get({e - s}, IntegerType::get(ctx, 64)));
  return success();
}

LogicalResult SizeOp::inferReturnTypes(MLIRContext *ctx, OptLoc, Adaptor,
                                       TypeList &types) {
  types.push_back(RankedTensorType::get({}, IntegerType::get(ctx, 64)));
  return success();
}

LogicalResult ConstantOfShapeOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                                  Adaptor adaptor,
                                                  TypeList &types) {
  auto st = tensorOf(adaptor.getShape());
  auto value = adaptor.getValue();
  if (value.getNumElements() != 1)
    return emitOptionalError(loc, "value must hold exactly one element");
  if (st.getRank() != 1 || ShapedType::isDynamic(st.getDimSize(0)))
    return emitOptionalError(loc, "shape must be a 1-D tensor of static size");
  SmallVector<int64_t> dims;
  if (getConstantInts(adaptor.getShape(), dims)) {
    for (int64_t d : dims)
      if (d < 0)
        return emitOptionalError(loc, "negative dim ", d);
  } else {
    dims.assign(st.getDimSize(0), kDyn);
  }
  types.push_back(RankedTensorType::get(dims, value.getElementType()));
  return success();
}

LogicalResult RangeOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                        Adaptor adaptor, TypeList &types) {
  auto st = tensorOf(adaptor.getStart());
  for (Value v : {adaptor.getStart(), adaptor.getLimit(), adaptor.getDelta()})
    if (tensorOf(v).getNumElements() != 1 ||
        tensorOf(v).getElementType() != st.getElementType())
      return emitOptionalError(loc, "start, limit and delta must be scalars of "
                                    "one type");
  int64_t n = kDyn;
  SmallVector<double> s, l, d;
  SmallVector<int64_t> si, li, di;
  if (getConstantInts(adaptor.getStart(), si) &&
      getConstantInts(adaptor.getLimit(), li) &&
      getConstantInts(adaptor.getDelta(), di)) {
    if (di[0] == 0)
      return emitOptionalError(loc, "delta must not be 0");
    n = std::max<int64_t>(
        (int64_t)std::ceil(double(li[0] - si[0]) / double(di[0])), 0);
  } else if (getConstantFloats(adaptor.getStart(), s) &&
             getConstantFloats(adaptor.getLimit(), l) &&
             getConstantFloats(adaptor.getDelta(), d)) {
    if (d[0] == 0)
      return emitOptionalError(loc, "delta must not be 0");
    n = std::max<int64_t>((int64_t)std::ceil((l[0] - s[0]) / d[0]), 0);
  }
  types.push_back(RankedTensorType::get({n}, st.getElementType()));
  return success();
}

LogicalResult ResizeOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                         Adaptor adaptor, TypeList &types) {
  auto x = tensorOf(adaptor.getInput());
  StringRef mode = adaptor.getMode();
  if (mode != "nearest" && mode != "linear" && mode != "cubic")
    return emitOptionalError(loc, "unknown resize mode '", mode, "'");
  SmallVector<int64_t> sizes;
  SmallVector<double> scales;
  SmallVector<int64_t> shape(x.getRank(), kDyn);
  auto sizesT = tensorOf(adaptor.getSizes());
  if (sizesT.getNumElements() > 0) {
    if (getConstantInts(adaptor.getSizes(), sizes)) {
      if ((int64_t)sizes.size() != x.getRank())
        return emitOptionalError(loc, "expected ", x.getRank(), " sizes");
      shape.assign(sizes.begin(), sizes.end());
    }
  } else if (getConstantFloats(adaptor.getScales(), scales)) {
    if ((int64_t)scales.size() != x.getRank())
      return emitOptionalError(loc, "expected ", x.getRank(), " scales");
    for (int64_t i = 0; i < x.getRank(); ++i)
      if (!ShapedType::isDynamic(x.getDimSize(i)))
        shape[i] = (int64_t)std::floor(x.getDimSize(i) * scales[i]);
  }
  types.push_back(x.clone(shape));
  return success();
}

LogicalResult DepthToSpaceOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                               Adaptor adaptor,
                                               TypeList &types) {
  auto x = tensorOf(adaptor.getInput());
  int64_t b = adaptor.getBlocksize();
  if (x.getRank() != 4 || b <= 0)
    return emitOptionalError(loc, "expects a 4-D input and positive blocksize");
  int64_t c = x.getDimSize(1);
  if (!ShapedType::isDynamic(c) && c % (b * b) != 0)
    return emitOptionalError(loc, "channels not divisible by blocksize^2");
  types.push_back(x.clone({x.getDimSize(0),
                           ShapedType::isDynamic(c) ? kDyn : c / (b * b),
                           mulDims(x.getDimSize(2), b),
                           mulDims(x.getDimSize(3), b)}));
  return success();
}

LogicalResult SpaceToDepthOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                               Adaptor adaptor,
                                               TypeList &types) {
  auto x = tensorOf(adaptor.getInput());
  int64_t b = adaptor.getBlocksize();
  if (x.getRank() != 4 || b <= 0)
    return emitOptionalError(loc, "expects a 4-D input and positive blocksize");
  SmallVector<int64_t> shape = {x.getDimSize(0), mulDims(x.getDimSize(1), b * b)};
  for (int i = 2; i < 4; ++i) {
    int64_t d = x.getDimSize(i);
    if (!ShapedType::isDynamic(d) && d % b != 0)
      return emitOptionalError(loc, "spatial dims not divisible by blocksize");
    shape.push_back(ShapedType::isDynamic(d) ? kDyn : d / b);
  }
  types.push_back(x.clone(shape));
  return success();
}

LogicalResult OneHotOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                         Adaptor adaptor, TypeList &types) {
  auto idx = tensorOf(adaptor.getIndices());
  auto vals = tensorOf(adaptor.getValues());
  if (vals.getRank() != 1 || vals.getDimSize(0) != 2)
    return emitOptionalError(loc, "values must be a 2-element vector");
  int64_t outRank = idx.getRank() + 1, axis = adaptor.getAxis();
  if (axis < 0 || axis >= outRank)
    return emitOptionalError(loc, "axis out of range");
  int64_t depth = kDyn;
  SmallVector<int64_t> di;
  SmallVector<double> df;
  if (getConstantInts(adaptor.getDepth(), di))
    depth = di[0];
  else if (getConstantFloats(adaptor.getDepth(), df))
    depth = (int64_t)df[0];
  SmallVector<int64_t> shape(idx.getShape());
  shape.insert(shape.begin() + axis, depth);
  types.push_back(vals.clone(shape));
  return success();
}

LogicalResult EyeLikeOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                          Adaptor adaptor, TypeList &types) {
  auto x = tensorOf(adaptor.getInput());
  if (x.getRank() != 2)
    return emitOptionalError(loc, "input must be 2-D");
  types.push_back(x.clone(adaptor.getDtype()));
  return success();
}

LogicalResult NonZeroOp::inferReturnTypes(MLIRContext *ctx, OptLoc,
                                          Adaptor adaptor, TypeList &types) {
  types.push_back(RankedTensorType::get(
      {tensorOf(adaptor.getInput()).getRank(), kDyn}, IntegerType::get(ctx, 64)));
  return success();
}

LogicalResult CompressOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                           Adaptor adaptor, TypeList &types) {
  auto x = tensorOf(adaptor.getInput());
  if (tensorOf(adaptor.getCondition()).getRank() != 1)
    return emitOptionalError(loc, "condition must be 1-D");
  if (!adaptor.getAxis()) {
    types.push_back(x.clone({kDyn}));
    return success();
  }
  int64_t axis = *adaptor.getAxis();
  if (axis < 0 || axis >= x.getRank())
    return emitOptionalError(loc, "axis out of range");
  SmallVector<int64_t> shape(x.getShape());
  shape[axis] = kDyn;
  types.push_back(x.clone(shape));
  return success();
}

LogicalResult DequantizeLinearOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                                   Adaptor adaptor,
                                                   TypeList &types) {
  auto x = tensorOf(adaptor.getInput());
  if (tensorOf(adaptor.getZeroPoint()).getElementType() != x.getElementType())
    return emitOptionalError(loc, "zero_point must have the input's type");
  types.push_back(x.clone(tensorOf(adaptor.getScale()).getElementType()));
  return success();
}

LogicalResult QuantizeLinearOp::inferReturnTypes(MLIRContext *, OptLoc,
                                                 Adaptor adaptor,
                                                 TypeList &types) {
  types.push_back(tensorOf(adaptor.getInput())
                      .clone(tensorOf(adaptor.getZeroPoint()).getElementType()));
  return success();
}

#define GET_OP_CLASSES
#include "Graph/GraphOps.cpp.inc"
