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

/// Operand positions of the tg_uk_conv2d_* microkernels (Microkernels.c).
constexpr unsigned kWeightOperand = 1;
constexpr unsigned kWeightKindOperand = 9;

/// Collects the uses of `v`, through casts and reshapes (which keep a
/// contiguous buffer's row-major order), into `views` and `calls`. False
/// when one of them is anything else, or a convolution call that does not
/// take it as a model weight.
bool collectConvUses(Value v, SmallVectorImpl<Operation *> &views,
                     SmallVectorImpl<func::CallOp> &calls) {
  for (OpOperand &use : v.getUses()) {
    Operation *user = use.getOwner();
    if (isa<memref::CastOp, memref::ExpandShapeOp, memref::CollapseShapeOp>(
            user)) {
      views.push_back(user);
      if (!collectConvUses(user->getResult(0), views, calls))
        return false;
      continue;
    }
    auto call = dyn_cast<func::CallOp>(user);
    IntegerAttr kind;
    if (!call || !call.getCallee().starts_with("tg_uk_conv2d_") ||
        use.getOperandNumber() != kWeightOperand ||
        call.getNumOperands() <= kWeightKindOperand ||
        !matchPattern(call.getOperand(kWeightKindOperand), m_Constant(&kind)) ||
        kind.getInt() != TG_WEIGHT_MODEL)
      return false;
    calls.push_back(call);
  }
  return true;
}

/// The static, contiguous row-major type of the weight `call` reads (the
/// operand before its cast to the microkernel's dynamic form), or null.
MemRefType staticWeightType(func::CallOp call) {
  auto cast = call.getOperand(kWeightOperand).getDefiningOp<memref::CastOp>();
  if (!cast)
    return {};
  auto type = dyn_cast<MemRefType>(cast.getSource().getType());
  if (!type || !type.hasStaticShape() || !type.getElementType().isF32() ||
      (type.getRank() != 4 && type.getRank() != 5))
    return {};
  if (!type.getLayout().isIdentity()) {
    auto [strides, offset] = type.getStridesAndOffset();
    if (offset != 0 || strides != computeStrides(type.getShape()))
      return {};
  }
  return type;
}

/// What one weight's packed layout is: `groups` M x K matrices.
struct PanelShape {
  MemRefType type; // the weight as the calls read it
  int64_t groups, m, k;
};

/// The panel shape of weight type `type` ([F, C, KH, KW] or
/// [G, F, C, KH, KW]), or nothing when the microkernel would not pack it
/// (fewer than rows / 2 output channels per group: the few-row GEMM or the
/// depthwise path read the weight as it is).
std::optional<PanelShape> panelShape(MemRefType type, int64_t rows) {
  ArrayRef<int64_t> s = type.getShape();
  unsigned g = s.size() == 5 ? 1 : 0;
  PanelShape p{type, g ? s[0] : 1, s[g], s[g + 1] * s[g + 2] * s[g + 3]};
  if (p.m < rows / 2 || p.k < 1 || (p.m == 1 && s[g + 1] == 1))
    return std::nullopt;
  return p;
}

struct PackWeightsPass
    : public mlir::tangram::impl::PackWeightsPassBase<PackWeightsPass> {
  using PackWeightsPassBase::PackWeightsPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (rows < 1 || depth < 1) {
      module.emitError("tg-cpu-pack-weights: rows and depth must be positive");
      return signalPassFailure();
    }
    SmallVector<Attribute> records;
    if (auto old = module->getAttrOfType<ArrayAttr>(kWeightLayoutsAttr))
      records.append(old.begin(), old.end());
    for (auto fn : module.getOps<func::FuncOp>()) {
      if (fn.isExternal())
        continue;
      for (BlockArgument arg : fn.getArguments())
        if (auto record = packArgument(fn, arg))
          records.push_back(record);
    }
    if (!records.empty())
      module->setAttr(kWeightLayoutsAttr,
                      ArrayAttr::get(module.getContext(), records));
  }

  /// Packs `arg` if it is a model weight read only as one convolution
  /// weight shape; the record of its layout, or null.
  DictionaryAttr packArgument(func::FuncOp fn, BlockArgument arg) {
    unsigned index = arg.getArgNumber();
    auto argType = dyn_cast<MemRefType>(arg.getType());
    if (!fn.getArgAttr(index, "tg.is_weight") || !argType ||
        !argType.hasStaticShape() || !argType.getLayout().isIdentity() ||
        !argType.getElementType().isF32())
      return {};
    SmallVector<Operation *> views;
    SmallVector<func::CallOp> calls;
    if (!collectConvUses(arg, views, calls) || calls.empty())
      return {};
    std::optional<PanelShape> shape;
    for (func::CallOp call : calls) {
      MemRefType type = staticWeightType(call);
      if (!type || type.getNumElements() != argType.getNumElements() ||
          (shape && shape->type != type))
        return {};
      shape = panelShape(type, rows);
      if (!shape)
        return {};
    }

    // The argument becomes the packed buffer; each call reads it through
    // a view with the weight's sizes (the microkernel takes them from it).
    MLIRContext *ctx = fn.getContext();
    int64_t size = packedGemmPanelsSize(shape->groups, shape->m, shape->k, rows);
    auto packedType = MemRefType::get({size}, Float32Type::get(ctx));
    arg.setType(packedType);
    OpBuilder b = OpBuilder::atBlockBegin(&fn.getBody().front());
    Location loc = arg.getLoc();
    ArrayRef<int64_t> sizes = shape->type.getShape();
    Value view = memref::ReinterpretCastOp::create(
        b, loc, MemRefType::get(sizes, Float32Type::get(ctx)), arg,
        /*offset=*/0, sizes, computeStrides(sizes));
    for (func::CallOp call : calls) {
      b.setInsertionPoint(call);
      Value operand = call.getOperand(kWeightOperand);
      call.setOperand(kWeightOperand,
                      memref::CastOp::create(b, call.getLoc(),
                                             operand.getType(), view));
      call.setOperand(kWeightKindOperand,
                      arith::ConstantIntOp::create(b, call.getLoc(),
                                                   TG_WEIGHT_PREPACKED, 64));
    }
    // The old views read the argument as the unpacked weight: all dead now.
    for (Operation *op : llvm::reverse(views))
      op->erase();
    SmallVector<Type> inputs(fn.getBody().front().getArgumentTypes());
    fn.setType(FunctionType::get(ctx, inputs, fn.getResultTypes()));

    Builder attrs(ctx);
    return attrs.getDictionaryAttr({
        attrs.getNamedAttr("export", attrs.getStringAttr(fn.getSymName())),
        attrs.getNamedAttr("arg", attrs.getI64IntegerAttr(index)),
        attrs.getNamedAttr("kind", attrs.getStringAttr(kGemmPanelsLayout)),
        attrs.getNamedAttr(
            "params", attrs.getI64ArrayAttr({rows, depth, shape->groups,
                                             shape->m, shape->k})),
        attrs.getNamedAttr("size", attrs.getI64IntegerAttr(size)),
    });
  }
};

} // namespace
