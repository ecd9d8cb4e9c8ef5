//===- Work.cpp - the default work of tg ops ------------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Counts are estimates at the precision a roofline needs: the dominant term
// of each op class. Contractions count a multiply-add per output element and
// reduced point; windows count one op per window point; transcendental
// elementwise math counts a handful of ops per element; shape-only ops
// (reshape and its kin, which lower to views) move nothing.
//
//===----------------------------------------------------------------------===//
#include "Graph/GraphOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringMap.h"

#include "Graph/WorkInterface.cpp.inc"

using namespace mlir;
using namespace mlir::tangram::tg;

double mlir::tangram::tg::numElements(Type type, int64_t dynamicDim) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped || !shaped.hasRank())
    return 1;
  double n = 1;
  for (int64_t d : shaped.getShape())
    n *= ShapedType::isDynamic(d) ? double(dynamicDim) : double(d);
  return n;
}

double mlir::tangram::tg::numBytes(Type type, int64_t dynamicDim) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped)
    return 0;
  Type elem = shaped.getElementType();
  unsigned bits = elem.isIntOrFloat() ? elem.getIntOrFloatBitWidth() : 64;
  if (auto complex = dyn_cast<ComplexType>(elem))
    bits = 2 * complex.getElementType().getIntOrFloatBitWidth();
  return numElements(type, dynamicDim) * double((bits + 7) / 8);
}

namespace {

/// The element type an op computes in: its first floating-point operand or
/// result, else its first numeric one.
Type computeTypeOf(Operation *op) {
  Type fallback;
  auto consider = [&](Type t) -> Type {
    auto shaped = dyn_cast<ShapedType>(t);
    if (!shaped)
      return {};
    Type e = shaped.getElementType();
    if (isa<FloatType>(e))
      return e;
    if (!fallback && e.isIntOrFloat())
      fallback = e;
    return {};
  };
  for (Type t : op->getOperandTypes())
    if (Type f = consider(t))
      return f;
  for (Type t : op->getResultTypes())
    if (Type f = consider(t))
      return f;
  return fallback;
}

/// Size of dim `i` of `v`'s type (`dynamicDim` when unknown).
double dimOf(Value v, int64_t i, int64_t dynamicDim) {
  auto t = dyn_cast<ShapedType>(v.getType());
  if (!t || !t.hasRank() || i < 0 || i >= t.getRank() ||
      t.isDynamicDim(i))
    return double(dynamicDim);
  return double(t.getDimSize(i));
}

/// Product of dims [from, rank) of `v`'s type.
double trailing(Value v, int64_t from, int64_t dynamicDim) {
  auto t = dyn_cast<ShapedType>(v.getType());
  double n = 1;
  if (t && t.hasRank())
    for (int64_t i = from; i < t.getRank(); ++i)
      n *= dimOf(v, i, dynamicDim);
  return n;
}

/// Ops per element of elementwise math that is not one add or compare:
/// transcendental functions are polynomial evaluations.
double elementwiseOps(Operation *op) {
  static const llvm::StringMap<double> costs = {
      {"tg.exp", 8},    {"tg.log", 8},      {"tg.sin", 10},
      {"tg.cos", 10},   {"tg.tan", 14},     {"tg.asin", 14},
      {"tg.acos", 14},  {"tg.atan", 14},    {"tg.sinh", 12},
      {"tg.cosh", 12},  {"tg.asinh", 14},   {"tg.acosh", 14},
      {"tg.atanh", 14}, {"tg.erf", 12},     {"tg.sigmoid", 10},
      {"tg.tanh", 10},  {"tg.softplus", 16}, {"tg.softsign", 3},
      {"tg.mish", 26},  {"tg.gelu", 14},    {"tg.elu", 9},
      {"tg.celu", 9},   {"tg.selu", 10},    {"tg.pow", 16},
      {"tg.sqrt", 4},   {"tg.reciprocal", 4}, {"tg.div", 4},
      {"tg.hard_swish", 4}, {"tg.hard_sigmoid", 3}, {"tg.mod", 4}};
  auto it = costs.find(op->getName().getStringRef());
  return it == costs.end() ? 1.0 : it->second;
}

/// The einsum's multiply-adds: the product of every index's extent.
double einsumPoints(EinsumOp op, int64_t dynamicDim) {
  StringRef equation = op.getEquation();
  StringRef lhs = equation.split("->").first;
  SmallVector<StringRef> terms;
  lhs.split(terms, ',');
  llvm::StringMap<double> extent;
  for (auto [term, input] : llvm::zip(terms, op.getInputs())) {
    int64_t dim = 0;
    for (char c : term.trim()) {
      if (c == '.')
        continue; // broadcast dims are counted through the output
      if (std::isalpha(static_cast<unsigned char>(c)))
        extent[StringRef(&c, 1)] = dimOf(input, dim++, dynamicDim);
    }
  }
  double points = 1;
  for (auto &e : extent)
    points *= e.second;
  return std::max(points, numElements(op.getType(), dynamicDim));
}

} // namespace

OpWork mlir::tangram::tg::estimateWork(Operation *op, int64_t dynamicDim) {
  OpWork w;
  w.computeType = computeTypeOf(op);
  for (Value v : op->getOperands())
    w.bytesRead += numBytes(v.getType(), dynamicDim);
  for (Type t : op->getResultTypes())
    w.bytesWritten += numBytes(t, dynamicDim);
  double out = 0;
  for (Type t : op->getResultTypes())
    out += numElements(t, dynamicDim);
  double in = op->getNumOperands() ? numElements(op->getOperand(0).getType(),
                                                 dynamicDim)
                                   : 0;

  // Nothing runs: folded at compile time or a view of its operand.
  if (isa<ConstantOp, ShapeOp, SizeOp>(op))
    return OpWork{0, {}, 0, 0, false, ""};
  if (isa<ReshapeOp, FlattenOp, SqueezeOp, UnsqueezeOp>(op))
    return OpWork{0, {}, 0, 0, false, ""};

  if (auto mm = dyn_cast<MatMulOp>(op)) {
    auto lhs = cast<ShapedType>(mm.getLhs().getType());
    double k = dimOf(mm.getLhs(), lhs.getRank() - 1, dynamicDim);
    w.flops = 2 * out * k;
    w.contraction = true;
    w.kind = "gemm";
  } else if (auto conv = dyn_cast<ConvOp>(op)) {
    // Per output element: a dot product over (C/group) x window.
    w.flops = 2 * out * trailing(conv.getWeight(), 1, dynamicDim);
    w.contraction = true;
    // One input channel per group: a depthwise conv, memory-bound. An
    // ungrouped 1x1 conv is a matrix product of the weights and the pixels
    // (the CPU runs it as one GEMM), so it runs at a GEMM's rate.
    auto weight = cast<ShapedType>(conv.getWeight().getType());
    bool pointwise = conv.getGroup() == 1 && weight.getRank() > 2 &&
                     llvm::all_of(weight.getShape().drop_front(2),
                                  [](int64_t k) { return k == 1; });
    w.kind = dimOf(conv.getWeight(), 1, dynamicDim) == 1 && conv.getGroup() > 1
                 ? "depthwise"
             : pointwise ? "gemm"
                         : "conv";
  } else if (auto conv = dyn_cast<DeformConvOp>(op)) {
    // The conv, plus a bilinear sample per input point it reads.
    w.flops = 10 * out * trailing(conv.getWeight(), 1, dynamicDim);
    w.contraction = true;
    w.kind = "conv";
  } else if (auto conv = dyn_cast<ConvTransposeOp>(op)) {
    // Each input element scatters into (C_out/group) x window outputs.
    w.flops = 2 * in * trailing(conv.getWeight(), 1, dynamicDim);
    w.contraction = true;
    w.kind = "conv";
  } else if (auto einsum = dyn_cast<EinsumOp>(op)) {
    w.flops = 2 * einsumPoints(einsum, dynamicDim);
    w.contraction = true;
    w.kind = "gemm";
  } else if (auto pool = dyn_cast<MaxPoolOp>(op)) {
    double window = 1;
    for (int64_t k : pool.getKernelShape())
      window *= double(k);
    w.flops = out * window;
  } else if (auto pool = dyn_cast<AvgPoolOp>(op)) {
    double window = 1;
    for (int64_t k : pool.getKernelShape())
      window *= double(k);
    w.flops = out * window;
  } else if (auto pool = dyn_cast<LpPoolOp>(op)) {
    double window = 1;
    for (int64_t k : pool.getKernelShape())
      window *= double(k);
    w.flops = 3 * out * window;
  } else if (isa<ReduceSumOp, ReduceMeanOp, ReduceMaxOp, ReduceMinOp,
                 ReduceProdOp, ReduceL1Op, ArgMaxOp, ArgMinOp, CumSumOp>(op)) {
    w.flops = in;
  } else if (isa<ReduceL2Op, ReduceSumSquareOp, ReduceLogSumOp,
                 ReduceLogSumExpOp>(op)) {
    w.flops = (isa<ReduceLogSumExpOp>(op) ? 10 : 2) * in;
  } else if (isa<SoftmaxOp, LogSoftmaxOp>(op)) {
    w.flops = 12 * in; // max, exp, sum, divide
  } else if (isa<LayerNormOp, GroupNormOp, InstanceNormOp, LRNOp>(op)) {
    w.flops = 8 * in; // mean, variance, scale and shift
  } else if (isa<BatchNormOp>(op)) {
    w.flops = 2 * in;
    w.elementwise = true;
  } else if (isa<TransposeOp, ExpandOp, ConcatOp, SplitOp, SliceOp, GatherOp,
                 GatherElementsOp, GatherNDOp, ScatterElementsOp, ScatterNDOp,
                 PadOp, TileOp, DepthToSpaceOp, SpaceToDepthOp, ResizeOp,
                 ConstantOfShapeOp, RangeOp, EyeLikeOp, TriluOp, OneHotOp,
                 ReverseSequenceOp>(op)) {
    w.flops = 0; // data movement: its bytes are its cost
    if (isa<ResizeOp>(op))
      w.flops = 8 * out; // interpolation weights
  } else if (auto det = dyn_cast<DetOp>(op)) {
    auto t = cast<ShapedType>(det.getInput().getType());
    double n = dimOf(det.getInput(), t.getRank() - 1, dynamicDim);
    w.flops = 2.0 / 3.0 * n * n * n * std::max(1.0, out);
  } else if (isa<DFTOp, STFTOp>(op)) {
    // The reference DFT is a dense transform: n^2 per signal.
    auto t = cast<ShapedType>(op->getOperand(0).getType());
    double n = t.hasRank() && t.getRank() > 1
                   ? dimOf(op->getOperand(0), 1, dynamicDim)
                   : 1;
    w.flops = 8 * out * n;
  } else {
    // Elementwise or per-output-element work.
    w.flops = std::max(out, in) * elementwiseOps(op);
    w.elementwise = op->getNumResults() == 1 &&
                    llvm::all_of(op->getOperandTypes(), [&](Type t) {
                      return numElements(t, dynamicDim) <= out;
                    });
  }
  return w;
}
