//===- FoldPadding.cpp - padded microkernel inputs as interiors -----------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// A padded convolution or pooling input bufferizes to a buffer filled with
// the padding value whose interior the producer then writes. A depthwise
// convolution's microkernel can pad each small plane itself, in cache
// (Microkernels.c, tg_depthwise_body), and the pooling microkernel reads
// the padding as its identity without copying anything (tg_pool), so the
// whole padded tensor need not exist: the producer writes a plain buffer
// (consecutive pixels, which lets tg-cpu-fuse-epilogues fuse it into the
// convolution before it), the fill goes, and the call gets the padding as
// two numbers.
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
#define GEN_PASS_DEF_FOLDPADDINGPASS
#include "tangram/Target/CPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;
using namespace mlir::tangram;

namespace {

/// A call whose input the pass may pass as an interior: the operand
/// positions of the input and of the top and left padding, whether the call
/// sees the rank-4 buffer through an expand_shape (a depthwise
/// convolution's rank-5 view), and the padding value the fill must write.
struct PaddedCall {
  unsigned input, padTop, padLeft;
  bool expanded;
  bool negativeInfinity; /* else +0.0 */
};

/// The calls whose padding the microkernels take (UseMicrokernels.cpp): a
/// depthwise convolution (zeros) and a max (-inf) or sum (zeros) pooling.
std::optional<PaddedCall> paddedCall(func::CallOp call) {
  if (call.getCallee() == "tg_uk_conv2d_ngchw_gfchw_f32" &&
      isDepthwiseCall(call))
    return PaddedCall{0, 7, 8, true, false};
  APInt sum;
  if (call.getCallee() == "tg_uk_pool2d_nchw_f32" &&
      matchPattern(call.getOperand(10), m_ConstantInt(&sum)))
    return PaddedCall{0, 8, 9, false, sum.isZero()};
  return std::nullopt;
}

/// True when `op` writes the padding value to every element of `buffer`
/// and reads nothing: a linalg.fill, or a generic/map without inputs that
/// yields it.
bool fillsWith(Operation *op, Value buffer, bool negativeInfinity) {
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
  return negativeInfinity ? isNegativeInfinity(value) : isPositiveZero(value);
}

struct FoldPaddingPass
    : public mlir::tangram::impl::FoldPaddingPassBase<FoldPaddingPass> {
  void runOnOperation() override {
    SmallVector<std::pair<func::CallOp, PaddedCall>> calls;
    getOperation().walk([&](func::CallOp call) {
      if (auto p = paddedCall(call))
        calls.emplace_back(call, *p);
    });
    for (auto &[call, p] : calls)
      fold(call, p);
  }

  void fold(func::CallOp call, const PaddedCall &p) {
    // The input: cast(%p) or cast(expand_shape(%p)), %p a local
    // [N, C, H, W] buffer.
    auto cast = call.getOperand(p.input).getDefiningOp<memref::CastOp>();
    if (!cast || !cast->hasOneUse())
      return;
    memref::ExpandShapeOp expand;
    Value padded = cast.getSource();
    if (p.expanded) {
      expand = padded.getDefiningOp<memref::ExpandShapeOp>();
      if (!expand || !expand->hasOneUse())
        return;
      padded = expand.getSrc();
    }
    Operation *reader = expand ? expand.getOperation() : cast.getOperation();
    auto alloc = padded.getDefiningOp<memref::AllocOp>();
    if (!alloc || !alloc.getType().hasStaticShape() ||
        alloc.getType().getRank() != 4 || alloc->getBlock() != call->getBlock())
      return;
    APInt pt, pl;
    if (!matchPattern(call.getOperand(p.padTop), m_ConstantInt(&pt)) ||
        !matchPattern(call.getOperand(p.padLeft), m_ConstantInt(&pl)) ||
        !pt.isZero() || !pl.isZero())
      return;
    // Its uses: one fill of all of it with the padding value, one interior
    // view (whose writers run after the fill), the call, frees.
    Operation *fill = nullptr;
    memref::SubViewOp interior;
    for (Operation *user : padded.getUsers()) {
      if (user == reader || isa<memref::DeallocOp>(user))
        continue;
      if (fillsWith(user, padded, p.negativeInfinity) && !fill) {
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
    b.setInsertionPoint(reader);
    Value view = plain;
    if (expand) {
      SmallVector<int64_t> plainShape(expand.getResultType().getShape());
      plainShape[3] = sizes[2];
      plainShape[4] = sizes[3];
      view = memref::ExpandShapeOp::create(b, expand.getLoc(), plainShape,
                                           plain,
                                           expand.getReassociationIndices());
    }
    call->setOperand(p.input, memref::CastOp::create(b, cast.getLoc(),
                                                     cast.getType(), view));
    b.setInsertionPoint(call);
    call->setOperand(p.padTop, arith::ConstantIntOp::create(
                                   b, call.getLoc(), offsets[2], 64));
    call->setOperand(p.padLeft, arith::ConstantIntOp::create(
                                    b, call.getLoc(), offsets[3], 64));
    cast->erase();
    if (expand)
      expand->erase();
    for (Operation *user : llvm::make_early_inc_range(padded.getUsers()))
      user->setOperand(0, plain); // the frees
    alloc->erase();
  }
};

} // namespace
