//===- FoldDepthwisePadding.cpp - padded depthwise inputs as interiors ----===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// A padded convolution input bufferizes to a buffer filled with zeros whose
// interior the producer then writes. For a depthwise convolution the
// microkernel can pad each small plane itself, in cache (Microkernels.c,
// tg_depthwise_body), so the whole padded tensor need not exist: the
// producer writes a plain buffer (consecutive pixels, which lets
// tg-cpu-fuse-epilogues fuse it into the convolution before it), the fill
// goes, and the call gets the padding as two numbers.
//
//===----------------------------------------------------------------------===//
#include "tangram/Target/CPU/Passes.h"
#include "CPUTransforms.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_FOLDDEPTHWISEPADDINGPASS
#include "tangram/Target/CPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;
using namespace mlir::tangram;

namespace {

/// The operand positions of tg_uk_conv2d_ngchw_gfchw_f32 (UseMicrokernels).
constexpr unsigned kInput = 0, kPadTop = 7, kPadLeft = 8;

/// True when `op` writes +0.0 to every element of `buffer` and reads
/// nothing: a linalg.fill, or a generic/map without inputs that yields it.
bool fillsWithZeros(Operation *op, Value buffer) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !linalgOp.hasPureBufferSemantics() ||
      linalgOp.getNumDpsInits() != 1 ||
      linalgOp.getDpsInitOperand(0)->get() != buffer ||
      !linalgOp.getMatchingIndexingMap(linalgOp.getDpsInitOperand(0))
           .isIdentity() ||
      linalgOp.getNumLoops() != linalgOp.getNumParallelLoops())
    return false;
  Value value;
  if (auto fill = dyn_cast<linalg::FillOp>(op)) {
    value = fill.value();
  } else {
    if (linalgOp.getNumDpsInputs() != 0 || !linalgOp.getBlock())
      return false;
    value = linalgOp.getBlock()->getTerminator()->getOperand(0);
  }
  FloatAttr attr;
  return matchPattern(value, m_Constant(&attr)) && attr.getValue().isPosZero();
}

struct FoldDepthwisePaddingPass
    : public mlir::tangram::impl::FoldDepthwisePaddingPassBase<
          FoldDepthwisePaddingPass> {
  void runOnOperation() override {
    SmallVector<func::CallOp> calls;
    getOperation().walk([&](func::CallOp call) {
      if (call.getCallee() == "tg_uk_conv2d_ngchw_gfchw_f32" &&
          isDepthwiseCall(call))
        calls.push_back(call);
    });
    for (func::CallOp call : calls)
      fold(call);
  }

  void fold(func::CallOp call) {
    // The input: cast(expand_shape(%p)), %p a local [N, C, H, W] buffer.
    auto cast = call.getOperand(kInput).getDefiningOp<memref::CastOp>();
    auto expand =
        cast ? cast.getSource().getDefiningOp<memref::ExpandShapeOp>() : nullptr;
    if (!expand || !cast->hasOneUse() || !expand->hasOneUse())
      return;
    Value padded = expand.getSrc();
    auto alloc = padded.getDefiningOp<memref::AllocOp>();
    if (!alloc || !alloc.getType().hasStaticShape() ||
        alloc.getType().getRank() != 4 || alloc->getBlock() != call->getBlock())
      return;
    APInt pt, pl;
    if (!matchPattern(call.getOperand(kPadTop), m_ConstantInt(&pt)) ||
        !matchPattern(call.getOperand(kPadLeft), m_ConstantInt(&pl)) ||
        !pt.isZero() || !pl.isZero())
      return;
    // Its uses: one zero fill of all of it, one interior view (whose
    // writers run after the fill), the convolution, frees.
    Operation *fill = nullptr;
    memref::SubViewOp interior;
    for (Operation *user : padded.getUsers()) {
      if (user == expand || isa<memref::DeallocOp>(user))
        continue;
      if (fillsWithZeros(user, padded) && !fill) {
        fill = user;
        continue;
      }
      auto view = dyn_cast<memref::SubViewOp>(user);
      if (!view || interior)
        return;
      interior = view;
    }
    if (!fill || !interior || fill->getBlock() != call->getBlock() ||
        !fill->isBeforeInBlock(call))
      return;
    // The interior: [0, 0, top, left] of size [N, C, h, w], unit strides.
    SmallVector<int64_t> offsets(interior.getStaticOffsets());
    ArrayRef<int64_t> sizes = interior.getStaticSizes();
    ArrayRef<int64_t> shape = alloc.getType().getShape();
    if (!llvm::all_of(interior.getStaticStrides(),
                      [](int64_t s) { return s == 1; }) ||
        offsets[0] != 0 || offsets[1] != 0 || sizes[0] != shape[0] ||
        sizes[1] != shape[1] || ShapedType::isDynamic(offsets[2]) ||
        ShapedType::isDynamic(offsets[3]) ||
        ShapedType::isDynamic(sizes[2]) || ShapedType::isDynamic(sizes[3]))
      return;
    // Its writers take any strided memref: linalg ops, copies.
    for (Operation *user : interior->getUsers())
      if (!isa<linalg::LinalgOp, memref::CopyOp>(user) ||
          user->getBlock() != call->getBlock() ||
          !fill->isBeforeInBlock(user) || !user->isBeforeInBlock(call))
        return;

    // A plain buffer for the interior, where the padded one was.
    OpBuilder b(alloc);
    auto plainType = MemRefType::get(sizes, alloc.getType().getElementType());
    Value plain = memref::AllocOp::create(b, alloc.getLoc(), plainType,
                                          alloc.getAlignmentAttr());
    interior.getResult().replaceAllUsesWith(plain);
    interior->erase();
    fill->erase();
    b.setInsertionPoint(expand);
    SmallVector<int64_t> plainShape(expand.getResultType().getShape());
    plainShape[3] = sizes[2];
    plainShape[4] = sizes[3];
    Value view = memref::ExpandShapeOp::create(
        b, expand.getLoc(), plainShape, plain, expand.getReassociationIndices());
    call->setOperand(kInput, memref::CastOp::create(b, cast.getLoc(),
                                                    cast.getType(), view));
    b.setInsertionPoint(call);
    call->setOperand(kPadTop, arith::ConstantIntOp::create(
                                  b, call.getLoc(), offsets[2], 64));
    call->setOperand(kPadLeft, arith::ConstantIntOp::create(
                                   b, call.getLoc(), offsets[3], 64));
    cast->erase();
    expand->erase();
    for (Operation *user : llvm::make_early_inc_range(padded.getUsers()))
      user->setOperand(0, plain); // the frees
    alloc->erase();
  }
};

} // namespace
