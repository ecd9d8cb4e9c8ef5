//===- GraphFolds.cpp - tg op folders ---------------------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Folders that make shape computations (Shape -> Gather -> Concat -> Reshape
// chains exported by PyTorch) collapse into constants, plus the obvious
// identities. Constant folding is limited to small tensors so that weights are
// never duplicated.
//
//===----------------------------------------------------------------------===//
#include "Graph/GraphOps.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::tangram::tg;

/// Larger constants are not folded: folding is for shape arithmetic.
static constexpr int64_t kMaxFoldElements = 4096;

static RankedTensorType resultType(Operation *op, unsigned i = 0) {
  return cast<RankedTensorType>(op->getResult(i).getType());
}

/// A dense constant small enough to fold, or null.
static DenseElementsAttr foldable(Attribute a) {
  auto d = dyn_cast_or_null<DenseElementsAttr>(a);
  if (!d || (!d.isSplat() && d.getNumElements() > kMaxFoldElements))
    return nullptr;
  return d;
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

//===----------------------------------------------------------------------===//
// Broadcasting binary ops
//===----------------------------------------------------------------------===//

/// Maps a linear index of the (static) result to a linear index of an
/// operand broadcast to it.
static int64_t broadcastIndex(int64_t linear, ArrayRef<int64_t> outShape,
                              ArrayRef<int64_t> inShape) {
  int64_t idx = 0, stride = 1;
  int64_t offset = outShape.size() - inShape.size();
  SmallVector<int64_t> coords(outShape.size());
  for (int64_t i = outShape.size() - 1; i >= 0; --i) {
    coords[i] = linear % outShape[i];
    linear /= outShape[i];
  }
  for (int64_t i = inShape.size() - 1; i >= 0; --i) {
    int64_t c = inShape[i] == 1 ? 0 : coords[i + offset];
    idx += c * stride;
    stride *= inShape[i];
  }
  return idx;
}

/// Integer semantics of each foldable binary op; nullopt when undefined
/// (division by zero) or not an integer op.
static std::optional<APInt> evalInt(Operation *op, const APInt &a,
                                    const APInt &b, bool isUnsigned) {
  unsigned w = a.getBitWidth();
  auto boolean = [&](bool v) { return APInt(1, v); };
  if (isa<AddOp>(op))
    return a + b;
  if (isa<SubOp>(op))
    return a - b;
  if (isa<MulOp>(op))
    return a * b;
  if (isa<DivOp>(op)) {
    if (b.isZero())
      return std::nullopt;
    return isUnsigned ? a.udiv(b) : a.sdiv(b);
  }
  if (auto mod = dyn_cast<ModOp>(op)) {
    // fmod: the sign of a (C's %); otherwise of b (Python's %), the
    // remainder of torch's pad arithmetic ((w - H % w) % w).
    if (b.isZero())
      return std::nullopt;
    if (isUnsigned)
      return a.urem(b);
    APInt r = a.srem(b);
    if (!mod.getFmod() && !r.isZero() && r.isNegative() != b.isNegative())
      r += b;
    return r;
  }
  if (isa<MaxOp>(op))
    return (isUnsigned ? a.uge(b) : a.sge(b)) ? a : b;
  if (isa<MinOp>(op))
    return (isUnsigned ? a.ule(b) : a.sle(b)) ? a : b;
  if (isa<AndOp, BitwiseAndOp>(op))
    return a & b;
  if (isa<OrOp, BitwiseOrOp>(op))
    return a | b;
  if (isa<XorOp, BitwiseXorOp>(op))
    return a ^ b;
  if (isa<EqualOp>(op))
    return boolean(a == b);
  if (isa<LessOp>(op))
    return boolean(isUnsigned ? a.ult(b) : a.slt(b));
  if (isa<LessEqualOp>(op))
    return boolean(isUnsigned ? a.ule(b) : a.sle(b));
  if (isa<GreaterOp>(op))
    return boolean(isUnsigned ? a.ugt(b) : a.sgt(b));
  if (isa<GreaterEqualOp>(op))
    return boolean(isUnsigned ? a.uge(b) : a.sge(b));
  (void)w;
  return std::nullopt;
}

/// Float semantics; comparisons return a 1-bit APInt through `boolOut`.
static std::optional<APFloat> evalFloat(Operation *op, const APFloat &a,
                                        const APFloat &b,
                                        std::optional<bool> &boolOut) {
  APFloat r = a;
  if (isa<AddOp>(op))
    r.add(b, APFloat::rmNearestTiesToEven);
  else if (isa<SubOp>(op))
    r.subtract(b, APFloat::rmNearestTiesToEven);
  else if (isa<MulOp>(op))
    r.multiply(b, APFloat::rmNearestTiesToEven);
  else if (isa<DivOp>(op))
    r.divide(b, APFloat::rmNearestTiesToEven);
  else if (isa<MaxOp>(op))
    r = llvm::maximum(a, b);
  else if (isa<MinOp>(op))
    r = llvm::minimum(a, b);
  else if (isa<EqualOp>(op))
    boolOut = a.compare(b) == APFloat::cmpEqual;
  else if (isa<LessOp>(op))
    boolOut = a.compare(b) == APFloat::cmpLessThan;
  else if (isa<LessEqualOp>(op))
    boolOut = a.compare(b) == APFloat::cmpLessThan ||
              a.compare(b) == APFloat::cmpEqual;
  else if (isa<GreaterOp>(op))
    boolOut = a.compare(b) == APFloat::cmpGreaterThan;
  else if (isa<GreaterEqualOp>(op))
    boolOut = a.compare(b) == APFloat::cmpGreaterThan ||
              a.compare(b) == APFloat::cmpEqual;
  else
    return std::nullopt;
  return r;
}

/// True when `a` is a splat equal to `v` (as integer or float).
static bool isSplatOf(Attribute a, double v) {
  auto d = dyn_cast_or_null<DenseElementsAttr>(a);
  if (!d || !d.isSplat())
    return false;
  if (isa<FloatType>(d.getElementType()))
    return d.getSplatValue<APFloat>().convertToDouble() == v;
  if (d.getElementType().isInteger(1))
    return false;
  return d.getSplatValue<APInt>().getSExtValue() == (int64_t)v;
}

OpFoldResult mlir::tangram::tg::foldBinary(Operation *op, Attribute lhs,
                                           Attribute rhs) {
  Value x = op->getOperand(0);
  RankedTensorType outT = resultType(op);
  // Identities that keep x's type: x+0, x-0, x*1, x/1.
  if (x.getType() == outT &&
      ((isa<AddOp, SubOp>(op) && isSplatOf(rhs, 0)) ||
       (isa<MulOp, DivOp>(op) && isSplatOf(rhs, 1))))
    return x;
  if (isa<AddOp, MulOp>(op) && op->getOperand(1).getType() == outT &&
      isSplatOf(lhs, isa<AddOp>(op) ? 0 : 1))
    return op->getOperand(1);

  auto a = foldable(lhs), b = foldable(rhs);
  if (!a || !b || !outT.hasStaticShape() ||
      outT.getNumElements() > kMaxFoldElements)
    return {};
  Type elem = a.getElementType();
  bool isFloat = isa<FloatType>(elem);
  bool isUnsigned = elem.isUnsignedInteger();
  int64_t n = outT.getNumElements();
  ArrayRef<int64_t> as = a.getType().getShape(), bs = b.getType().getShape();
  if (isFloat) {
    auto av = llvm::to_vector(a.getValues<APFloat>());
    auto bv = llvm::to_vector(b.getValues<APFloat>());
    SmallVector<APFloat> fr;
    SmallVector<bool> br;
    for (int64_t i = 0; i < n; ++i) {
      std::optional<bool> boolOut;
      auto r = evalFloat(op, a.isSplat() ? av[0] : av[broadcastIndex(i, outT.getShape(), as)],
                         b.isSplat() ? bv[0] : bv[broadcastIndex(i, outT.getShape(), bs)],
                         boolOut);
      if (!r)
        return {};
      if (boolOut)
        br.push_back(*boolOut);
      else
        fr.push_back(*r);
    }
    if (outT.getElementType().isInteger(1))
      return DenseElementsAttr::get(outT, br);
    return DenseElementsAttr::get(outT, fr);
  }
  auto av = llvm::to_vector(a.getValues<APInt>());
  auto bv = llvm::to_vector(b.getValues<APInt>());
  SmallVector<APInt> ir;
  for (int64_t i = 0; i < n; ++i) {
    auto r = evalInt(op, a.isSplat() ? av[0] : av[broadcastIndex(i, outT.getShape(), as)],
                     b.isSplat() ? bv[0] : bv[broadcastIndex(i, outT.getShape(), bs)],
                     isUnsigned);
    if (!r)
      return {};
    ir.push_back(*r);
  }
  return DenseElementsAttr::get(outT, ir);
}

/// Integer constants through a unary op: the shape arithmetic of ONNX function
/// bodies (`Neg(axis)`) must fold for the shapes it feeds to be static.
static OpFoldResult foldIntUnary(Attribute input,
                                 function_ref<APInt(const APInt &)> f) {
  auto a = foldable(input);
  if (!a || !isa<IntegerType>(a.getElementType()) ||
      a.getElementType().isInteger(1) ||
      a.getNumElements() > kMaxFoldElements)
    return {};
  return a.mapValues(a.getElementType(), f);
}

OpFoldResult NegOp::fold(FoldAdaptor adaptor) {
  return foldIntUnary(adaptor.getInput(), [](const APInt &v) { return -v; });
}

OpFoldResult AbsOp::fold(FoldAdaptor adaptor) {
  bool isUnsigned = getType().getElementType().isUnsignedInteger();
  return foldIntUnary(adaptor.getInput(), [&](const APInt &v) {
    return isUnsigned ? v : v.abs();
  });
}

//===----------------------------------------------------------------------===//
// Other elementwise ops
//===----------------------------------------------------------------------===//

OpFoldResult SelectOp::fold(FoldAdaptor adaptor) {
  auto c = dyn_cast_or_null<DenseElementsAttr>(adaptor.getCond());
  RankedTensorType outT = getType();
  if (c && c.isSplat()) {
    Value chosen = c.getSplatValue<bool>() ? getX() : getY();
    if (chosen.getType() == outT)
      return chosen;
  }
  auto x = foldable(adaptor.getX()), y = foldable(adaptor.getY());
  if (!c || !x || !y || !outT.hasStaticShape() ||
      outT.getNumElements() > kMaxFoldElements)
    return {};
  auto cv = llvm::to_vector(c.getValues<bool>());
  auto xv = llvm::to_vector(x.getValues<Attribute>());
  auto yv = llvm::to_vector(y.getValues<Attribute>());
  SmallVector<Attribute> out;
  for (int64_t i = 0, n = outT.getNumElements(); i < n; ++i) {
    bool ci = cv[c.isSplat() ? 0 : broadcastIndex(i, outT.getShape(),
                                                  c.getType().getShape())];
    auto &src = ci ? xv : yv;
    auto srcT = ci ? x.getType() : y.getType();
    bool splat = ci ? x.isSplat() : y.isSplat();
    out.push_back(src[splat ? 0 : broadcastIndex(i, outT.getShape(),
                                                 srcT.getShape())]);
  }
  return DenseElementsAttr::get(outT, out);
}

OpFoldResult CastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  auto a = foldable(adaptor.getInput());
  if (!a)
    return {};
  Type from = a.getElementType(), to = getType().getElementType();
  // Only integer <-> integer and integer -> float: the shape arithmetic case.
  if (!from.isIntOrIndex())
    return {};
  bool srcUnsigned = from.isUnsignedInteger() || from.isInteger(1);
  if (auto toInt = dyn_cast<IntegerType>(to)) {
    return a.mapValues(to, [&](const APInt &v) {
      if (toInt.getWidth() == 1)
        return APInt(1, !v.isZero());
      return srcUnsigned ? v.zextOrTrunc(toInt.getWidth())
                         : v.sextOrTrunc(toInt.getWidth());
    });
  }
  if (auto toFloat = dyn_cast<FloatType>(to)) {
    if (toFloat.getWidth() == 8) // saturation is not APFloat's overflow
      return {};
    return a.mapValues(to, [&](const APInt &v) {
      APFloat f(toFloat.getFloatSemantics());
      f.convertFromAPInt(v, !srcUnsigned, APFloat::rmNearestTiesToEven);
      return f.bitcastToAPInt();
    });
  }
  return {};
}

//===----------------------------------------------------------------------===//
// Data movement and shapes
//===----------------------------------------------------------------------===//

/// The elements of `a` (a small constant of static shape) at the
/// input coordinates `source` gives for each coordinate of `outT`, in order:
/// the data movement of a transpose or slice of a shape computation (torch's
/// pad arithmetic reverses and transposes a [dims, 2] pads tensor).
static DenseElementsAttr
gatherElements(DenseElementsAttr a, RankedTensorType outT,
               function_ref<void(ArrayRef<int64_t>, SmallVectorImpl<int64_t> &)>
                   source) {
  ArrayRef<int64_t> inShape = a.getType().getShape(), outShape = outT.getShape();
  auto values = llvm::to_vector(a.getValues<Attribute>());
  SmallVector<Attribute> out;
  SmallVector<int64_t> coords(outShape.size()), in;
  for (int64_t i = 0, n = outT.getNumElements(); i < n; ++i) {
    for (int64_t d = outShape.size() - 1, rest = i; d >= 0; --d) {
      coords[d] = rest % outShape[d];
      rest /= outShape[d];
    }
    in.clear();
    source(coords, in);
    int64_t linear = 0;
    for (auto [c, size] : llvm::zip(in, inShape)) {
      if (c < 0 || c >= size) // a result type the op does not imply
        return {};
      linear = linear * size + c;
    }
    out.push_back(values[linear]);
  }
  return DenseElementsAttr::get(outT, out);
}

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  ArrayRef<int64_t> perm = getPerm();
  bool identity = llvm::all_of(llvm::enumerate(perm), [](auto p) {
    return (int64_t)p.index() == p.value();
  });
  if (identity && getInput().getType() == getType())
    return getInput();
  auto a = foldable(adaptor.getInput());
  if (!a || !getType().hasStaticShape())
    return {};
  if (a.isSplat())
    return a.resizeSplat(getType());
  // out[c] = in[c'] with c'[perm[d]] = c[d].
  return gatherElements(a, getType(), [&](ArrayRef<int64_t> c,
                                          SmallVectorImpl<int64_t> &in) {
    in.resize(c.size());
    for (auto [d, p] : llvm::enumerate(perm))
      in[p] = c[d];
  });
}

/// Reshape-like ops fold to their input when nothing changes and to a
/// reshaped constant when the input is one.
static OpFoldResult foldReshapeLike(Operation *op, Attribute input) {
  Value x = op->getOperand(0);
  RankedTensorType outT = resultType(op);
  // Same type is the identity only when the element count pins every dim:
  // ?x? -> ?x? may be a [2, 3] -> [3, 2] reshape.
  if (x.getType() == outT &&
      llvm::count_if(outT.getShape(), ShapedType::isDynamic) <= 1)
    return x;
  auto a = foldable(input);
  if (!a || !outT.hasStaticShape())
    return {};
  if (a.isSplat())
    return a.resizeSplat(outT);
  return a.reshape(outT);
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLike(*this, adaptor.getInput());
}
OpFoldResult SqueezeOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLike(*this, adaptor.getInput());
}
OpFoldResult UnsqueezeOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLike(*this, adaptor.getInput());
}

OpFoldResult ExpandOp::fold(FoldAdaptor adaptor) {
  // A `?` may be 1 at run time and broadcast: only static types are known.
  if (getInput().getType() == getType() && getType().hasStaticShape())
    return getInput();
  auto a = foldable(adaptor.getInput());
  if (a && a.isSplat() && getType().hasStaticShape())
    return a.resizeSplat(getType());
  return {};
}

OpFoldResult ConcatOp::fold(FoldAdaptor adaptor) {
  if (getInputs().size() == 1 && getInputs()[0].getType() == getType())
    return getInputs()[0];
  RankedTensorType outT = getType();
  // Constant folding only for 1-D: the shape-vector case.
  if (outT.getRank() != 1 || !outT.hasStaticShape() ||
      outT.getNumElements() > kMaxFoldElements)
    return {};
  SmallVector<Attribute> values;
  for (Attribute in : adaptor.getInputs()) {
    auto a = foldable(in);
    if (!a)
      return {};
    llvm::append_range(values, a.getValues<Attribute>());
  }
  return DenseElementsAttr::get(outT, values);
}

OpFoldResult SliceOp::fold(FoldAdaptor adaptor) {
  RankedTensorType outT = getType();
  SmallVector<int64_t> starts, axes, steps;
  bool constSteps = getConstantInts(getSteps(), steps);
  if (getInput().getType() == outT && outT.hasStaticShape() && constSteps &&
      llvm::all_of(steps, [](int64_t s) { return s == 1; }))
    return getInput();
  auto a = foldable(adaptor.getInput());
  if (!a || !outT.hasStaticShape())
    return {};
  if (a.isSplat())
    return a.resizeSplat(outT);
  if (outT.getNumElements() == 0)
    return DenseElementsAttr::get(outT, ArrayRef<Attribute>{});
  if (!constSteps || !getConstantInts(getStarts(), starts) ||
      !getConstantInts(getAxes(), axes) || starts.size() != steps.size() ||
      axes.size() != steps.size())
    return {};
  // Per dim of the input: the first element taken and the step (ONNX
  // clamping; the result type already holds the counts).
  ArrayRef<int64_t> inShape = a.getType().getShape();
  int64_t rank = inShape.size();
  SmallVector<int64_t> first(rank, 0), stride(rank, 1);
  for (auto [axis, start, step] : llvm::zip(axes, starts, steps)) {
    int64_t d = axis < 0 ? axis + rank : axis, dim = d >= 0 && d < rank ? inShape[d] : 0;
    if (d < 0 || d >= rank || step == 0)
      return {};
    start = start < 0 ? start + dim : start;
    first[d] = std::clamp<int64_t>(start, 0,
                                   step > 0 ? dim : std::max<int64_t>(dim - 1, 0));
    stride[d] = step;
  }
  return gatherElements(a, outT, [&](ArrayRef<int64_t> c,
                                     SmallVectorImpl<int64_t> &in) {
    for (auto [d, x] : llvm::enumerate(c))
      in.push_back(first[d] + x * stride[d]);
  });
}

OpFoldResult GatherOp::fold(FoldAdaptor adaptor) {
  auto d = foldable(adaptor.getData());
  auto idx = dyn_cast_or_null<DenseIntElementsAttr>(adaptor.getIndices());
  RankedTensorType outT = getType();
  // Static dims of a shape that is not static as a whole (the last dim of
  // a [S, B, 1152] projection, from which torch's export computes its
  // q/k/v split points).
  if (auto shape = getData().getDefiningOp<ShapeOp>();
      shape && !d && idx && outT.hasStaticShape() &&
      shape.getType().hasStaticShape() && getAxis() == 0) {
    auto t = cast<RankedTensorType>(shape.getInput().getType());
    int64_t n = shape.getType().getDimSize(0);
    int64_t start = shape.getStart() < 0 ? shape.getStart() + t.getRank()
                                         : shape.getStart();
    start = std::clamp<int64_t>(start, 0, t.getRank());
    SmallVector<Attribute> out;
    for (const APInt &i : idx.getValues<APInt>()) {
      int64_t k = i.getSExtValue();
      if (k < 0)
        k += n;
      if (k < 0 || k >= n || start + k >= t.getRank() ||
          t.isDynamicDim(start + k))
        return {};
      out.push_back(IntegerAttr::get(outT.getElementType(),
                                     t.getDimSize(start + k)));
    }
    return DenseElementsAttr::get(outT, out);
  }
  // The shape-vector case: gathering from a 1-D constant.
  if (!d || !idx || d.getType().getRank() != 1 || !outT.hasStaticShape())
    return {};
  int64_t dim = d.getType().getDimSize(0);
  auto values = llvm::to_vector(d.getValues<Attribute>());
  SmallVector<Attribute> out;
  for (const APInt &i : idx.getValues<APInt>()) {
    int64_t k = i.getSExtValue();
    if (k < 0)
      k += dim;
    if (k < 0 || k >= dim)
      return {};
    out.push_back(values[d.isSplat() ? 0 : k]);
  }
  return DenseElementsAttr::get(outT, out);
}

OpFoldResult ShapeOp::fold(FoldAdaptor) {
  auto t = cast<RankedTensorType>(getInput().getType());
  int64_t n = getType().getDimSize(0);
  int64_t start = getStart() < 0 ? getStart() + t.getRank() : getStart();
  start = std::clamp<int64_t>(start, 0, t.getRank());
  SmallVector<int64_t> dims;
  for (int64_t i = 0; i < n; ++i) {
    int64_t d = t.getDimSize(start + i);
    if (ShapedType::isDynamic(d))
      return {};
    dims.push_back(d);
  }
  return DenseIntElementsAttr::get(getType(), dims);
}

OpFoldResult SizeOp::fold(FoldAdaptor) {
  auto t = cast<RankedTensorType>(getInput().getType());
  if (!t.hasStaticShape())
    return {};
  return DenseIntElementsAttr::get(getType(), {t.getNumElements()});
}

OpFoldResult ConstantOfShapeOp::fold(FoldAdaptor) {
  RankedTensorType outT = getType();
  auto v = dyn_cast<DenseElementsAttr>(getValue());
  if (!v || !outT.hasStaticShape())
    return {};
  return DenseElementsAttr::get(outT, v.getValues<Attribute>()[0]);
}

OpFoldResult RangeOp::fold(FoldAdaptor adaptor) {
  RankedTensorType outT = getType();
  if (!outT.hasStaticShape() || outT.getNumElements() > kMaxFoldElements)
    return {};
  SmallVector<int64_t> s, d;
  if (!isa<IntegerType>(outT.getElementType()) ||
      !getConstantInts(getStart(), s) || !getConstantInts(getDelta(), d))
    return {};
  SmallVector<APInt> out;
  unsigned w = outT.getElementType().getIntOrFloatBitWidth();
  for (int64_t i = 0; i < outT.getDimSize(0); ++i)
    out.push_back(APInt(w, s[0] + i * d[0], /*isSigned=*/true));
  return DenseElementsAttr::get(outT, out);
}
