//===- PackWeights.cpp - convolution weights packed at compile time -------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// The GEMM microkernel reads a convolution's weight as register panels
// (Microkernels/Layout.h). Packed on first use, the panels are a second
// copy of every weight for as long as the code object is loaded, and the
// original's pages stay resident too. Choosing the packed layout here, for
// weights that nothing else reads, lets the driver store the weight packed
// in the bundle: one copy, no packing at run time.
//
//===----------------------------------------------------------------------===//
#include "tangram/Target/CPU/Passes.h"
#include "CPUTransforms.h"
#include "WeightPacking.h"
#include "tangram/Transforms/Passes.h"
#include "Microkernels/Layout.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_PACKWEIGHTSPASS
#include "tangram/Target/CPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;
using namespace mlir::tangram;

namespace {

/// The weight operand of every microkernel that can read a packed weight.
constexpr unsigned kWeightOperand = 1;

/// The operand holding the weight's kind (TG_WEIGHT_*) of a call that can
/// read a packed weight, and the kind it must hold now: a convolution's
/// model weight (its A), a matmul's B.
std::optional<std::pair<unsigned, int64_t>> weightKindOperand(func::CallOp call) {
  StringRef callee = call.getCallee();
  if (callee.starts_with("tg_uk_conv2d_"))
    return std::make_pair(9u, int64_t(TG_WEIGHT_MODEL));
  if (callee == "tg_uk_matmul_f32")
    return std::make_pair(3u, int64_t(TG_WEIGHT_ACTIVATION));
  return std::nullopt;
}

/// Collects the uses of `v`, through casts, reshapes and transposes (views
/// of the same buffer: the calls' operand types say how they address it),
/// into `views` and `calls`. False when one of them is anything else, or a
/// call that cannot read it packed.
bool collectUses(Value v, SmallVectorImpl<Operation *> &views,
                 SmallVectorImpl<func::CallOp> &calls) {
  for (OpOperand &use : v.getUses()) {
    Operation *user = use.getOwner();
    if (isa<memref::CastOp, memref::ExpandShapeOp, memref::CollapseShapeOp,
            memref::TransposeOp>(user)) {
      views.push_back(user);
      if (!collectUses(user->getResult(0), views, calls))
        return false;
      continue;
    }
    auto call = dyn_cast<func::CallOp>(user);
    auto kindOperand = call ? weightKindOperand(call) : std::nullopt;
    IntegerAttr kind;
    if (!kindOperand || use.getOperandNumber() != kWeightOperand ||
        call.getNumOperands() <= kindOperand->first ||
        !matchPattern(call.getOperand(kindOperand->first),
                      m_Constant(&kind)) ||
        kind.getInt() != kindOperand->second)
      return false;
    calls.push_back(call);
  }
  return true;
}

/// The static type of the weight view `call` reads (the operand before its
/// cast to the microkernel's dynamic form), with static strides and
/// offset, or null.
MemRefType staticWeightType(func::CallOp call) {
  auto cast = call.getOperand(kWeightOperand).getDefiningOp<memref::CastOp>();
  if (!cast)
    return {};
  auto type = dyn_cast<MemRefType>(cast.getSource().getType());
  if (!type || !type.hasStaticShape() || !type.getElementType().isF32())
    return {};
  auto [strides, offset] = type.getStridesAndOffset();
  if (ShapedType::isDynamic(offset) ||
      llvm::any_of(strides, ShapedType::isDynamic))
    return {};
  return type;
}

/// The packed layout one call wants for its weight, read through `type`:
/// its kind, params (Layout.h's names in WeightPacking.h), packed size and
/// the sizes the microkernel is given. Nothing when it would not read it
/// packed.
struct Layout {
  StringRef kind;
  SmallVector<int64_t> params;
  int64_t size = 0;
  SmallVector<int64_t> sizes;
  /// The weight-kind operand the calls get (TG_WEIGHT_*).
  int64_t weightKind = TG_WEIGHT_PREPACKED;
  bool operator==(const Layout &o) const {
    return kind == o.kind && params == o.params && sizes == o.sizes;
  }
};

/// The constant integer operand `i` of `call`, if it is one.
std::optional<int64_t> constantOperand(func::CallOp call, unsigned i) {
  IntegerAttr value;
  if (i >= call.getNumOperands() ||
      !matchPattern(call.getOperand(i), m_Constant(&value)))
    return std::nullopt;
  return value.getInt();
}

/// The channel-blocks layout for the weight of a one-group convolution
/// (shape `s`: [F, C, KH, KW], or [1, F, C, KH, KW]) that the microkernels
/// run with output channels in lanes (Layout.h's tg_cv_tile_pixels, the
/// rule they apply at run time), or nothing. That needs the output's sizes
/// and unit columns, and the strides, known here.
std::optional<Layout> channelBlocksLayout(func::CallOp call,
                                          ArrayRef<int64_t> s, int64_t vl) {
  unsigned g = s.size() == 5 ? 1 : 0;
  if (g && s[0] != 1)
    return std::nullopt;
  auto cast = call.getOperand(2).getDefiningOp<memref::CastOp>();
  auto out = cast ? dyn_cast<MemRefType>(cast.getSource().getType())
                  : MemRefType();
  std::optional<int64_t> sh = constantOperand(call, 3),
                         sw = constantOperand(call, 4);
  if (!out || out.getRank() != int64_t(s.size()) || !sh || !sw)
    return std::nullopt;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(out.getStridesAndOffset(strides, offset)) ||
      strides.back() != 1)
    return std::nullopt;
  ArrayRef<int64_t> o = out.getShape();
  int64_t oh = o[o.size() - 2], ow = o.back();
  if (ShapedType::isDynamic(oh) || ShapedType::isDynamic(ow))
    return std::nullopt;
  int64_t f = s[g], c = s[g + 1], kh = s[g + 2], kw = s[g + 3];
  // Whether the output's rows are consecutive decides how a 1x1 stride-1
  // convolution runs; the microkernels see the same strides at run time,
  // unless this one is not known here.
  int64_t rowStride = strides[strides.size() - 2];
  if (kh * kw == 1 && *sh == 1 && *sw == 1 && ShapedType::isDynamic(rowStride))
    return std::nullopt;
  int64_t p = tg_cv_tile_pixels(vl, c, f, kh, kw, oh, ow, *sh, *sw,
                                rowStride == ow);
  if (!p)
    return std::nullopt;
  int64_t blocks = tg_cv_tile_blocks(vl, p);
  Layout l{kConvChannelBlocksLayout,
           {vl, blocks, f, c, kh, kw},
           tg_cv_packed_size(vl, p, c, f, kh, kw),
           SmallVector<int64_t>(s)};
  l.weightKind = TG_WEIGHT_CHANNEL_BLOCKS;
  return l;
}

std::optional<Layout> layoutFor(func::CallOp call, MemRefType type,
                                int64_t rows, int64_t columns, int64_t depth) {
  ArrayRef<int64_t> s = type.getShape();
  auto [strides, offset] = type.getStridesAndOffset();
  if (call.getCallee() == "tg_uk_matmul_f32") {
    // B[k][n] at offset + k * s0 + n * s1 of the weight, any strides.
    if (s.size() != 2)
      return std::nullopt;
    return Layout{kGemmBPanelsLayout,
                  {columns, depth, s[0], s[1], strides[0], strides[1], offset},
                  packedGemmBPanelsSize(s[0], s[1], columns),
                  SmallVector<int64_t>(s)};
  }
  // A convolution's weight, [F, C, KH, KW] or [G, F, C, KH, KW], read as
  // `groups` row-major F x (C * KH * KW) matrices: only a contiguous one,
  // and only when the microkernel packs it (at least rows / 2 output
  // channels per group: the few-row GEMM and the depthwise path read the
  // weight as it is).
  if ((s.size() != 4 && s.size() != 5) || offset != 0 ||
      strides != computeStrides(s))
    return std::nullopt;
  // A large enough window or output: output channels in lanes.
  if (auto blocks = channelBlocksLayout(call, s, columns / 2))
    return blocks;
  unsigned g = s.size() == 5 ? 1 : 0;
  int64_t groups = g ? s[0] : 1, m = s[g], k = s[g + 1] * s[g + 2] * s[g + 3];
  if (m < rows / 2 || k < 1 || (m == 1 && s[g + 1] == 1))
    return std::nullopt;
  return Layout{kGemmPanelsLayout,
                {rows, depth, groups, m, k},
                packedGemmPanelsSize(groups, m, k, rows),
                SmallVector<int64_t>(s)};
}

struct PackWeightsPass
    : public mlir::tangram::impl::PackWeightsPassBase<PackWeightsPass> {
  using PackWeightsPassBase::PackWeightsPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (rows < 1 || columns < 1 || depth < 1) {
      module.emitError(
          "tg-cpu-pack-weights: rows, columns and depth must be positive");
      return signalPassFailure();
    }
    SmallVector<Attribute> records;
    if (auto old = module->getAttrOfType<ArrayAttr>(kWeightLayoutsAttr))
      records.append(old.begin(), old.end());
    // An executable's shape function (tg-destination-results) takes its
    // leading arguments (the inputs, without the result buffers) and is
    // given the same buffers: an argument is packed in both or in neither.
    for (auto fn : module.getOps<func::FuncOp>()) {
      if (fn.isExternal() || fn->hasAttr(kShapeFunctionAttr))
        continue;
      SmallVector<func::FuncOp> group{fn};
      if (auto shapes = module.lookupSymbol<func::FuncOp>(
              shapeFunctionName(fn.getSymName()))) {
        if (shapes.isExternal() ||
            shapes.getNumArguments() > fn.getNumArguments())
          continue; // not the companion this pass knows how to keep in step
        group.push_back(shapes);
      }
      for (unsigned i = 0; i < fn.getNumArguments(); ++i)
        if (auto record = packArgument(group, i))
          records.push_back(record);
    }
    if (!records.empty())
      module->setAttr(kWeightLayoutsAttr,
                      ArrayAttr::get(module.getContext(), records));
  }

  /// Packs argument `index` of the functions of `group` (an executable,
  /// then its shape function) if it is a model weight that only microkernel
  /// calls read, all in one packed layout; the record of that layout, or
  /// null.
  DictionaryAttr packArgument(ArrayRef<func::FuncOp> group, unsigned index) {
    func::FuncOp fn = group.front();
    auto argType = dyn_cast<MemRefType>(fn.getArgument(index).getType());
    if (!fn.getArgAttr(index, "tg.is_weight") || !argType ||
        !argType.hasStaticShape() || !argType.getLayout().isIdentity() ||
        !argType.getElementType().isF32())
      return {};
    // The functions of the group that take the argument.
    SmallVector<func::FuncOp> takers;
    for (func::FuncOp f : group)
      if (index < f.getNumArguments())
        takers.push_back(f);
    SmallVector<Operation *> views;
    SmallVector<func::CallOp> calls;
    for (func::FuncOp f : takers) {
      BlockArgument arg = f.getArgument(index);
      if (arg.getType() != argType || !collectUses(arg, views, calls))
        return {};
    }
    if (calls.empty())
      return {};
    std::optional<Layout> layout;
    for (func::CallOp call : calls) {
      MemRefType type = staticWeightType(call);
      std::optional<Layout> wanted =
          type ? layoutFor(call, type, rows, columns, depth) : std::nullopt;
      if (!wanted || (layout && !(*layout == *wanted)))
        return {};
      layout = wanted;
    }

    // The argument becomes the packed buffer; each call reads it through
    // a view with the operand's sizes (the microkernel takes them from it).
    MLIRContext *ctx = fn.getContext();
    auto f32 = Float32Type::get(ctx);
    for (func::FuncOp f : takers) {
      BlockArgument arg = f.getArgument(index);
      arg.setType(MemRefType::get({layout->size}, f32));
      SmallVector<Type> inputs(f.getBody().front().getArgumentTypes());
      f.setType(FunctionType::get(ctx, inputs, f.getResultTypes()));
      if (llvm::none_of(calls, [&](func::CallOp call) {
            return call->getParentOfType<func::FuncOp>() == f;
          }))
        continue;
      OpBuilder b = OpBuilder::atBlockBegin(&f.getBody().front());
      Value view = memref::ReinterpretCastOp::create(
          b, arg.getLoc(), MemRefType::get(layout->sizes, f32), arg,
          /*offset=*/0, layout->sizes, computeStrides(layout->sizes));
      for (func::CallOp call : calls) {
        if (call->getParentOfType<func::FuncOp>() != f)
          continue;
        b.setInsertionPoint(call);
        Value operand = call.getOperand(kWeightOperand);
        call.setOperand(kWeightOperand,
                        memref::CastOp::create(b, call.getLoc(),
                                               operand.getType(), view));
        call.setOperand(weightKindOperand(call)->first,
                        arith::ConstantIntOp::create(b, call.getLoc(),
                                                     layout->weightKind, 64));
      }
    }
    // The old views read the argument as the unpacked weight: all dead now.
    for (Operation *op : llvm::reverse(views))
      op->erase();

    Builder attrs(ctx);
    return attrs.getDictionaryAttr({
        attrs.getNamedAttr("export", attrs.getStringAttr(fn.getSymName())),
        attrs.getNamedAttr("arg", attrs.getI64IntegerAttr(index)),
        attrs.getNamedAttr("kind", attrs.getStringAttr(layout->kind)),
        attrs.getNamedAttr("params", attrs.getI64ArrayAttr(layout->params)),
        attrs.getNamedAttr("size", attrs.getI64IntegerAttr(layout->size)),
    });
  }
};

} // namespace
