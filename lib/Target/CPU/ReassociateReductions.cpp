//===- ReassociateReductions.cpp - vectorizable float reductions ----------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Marks the combiner of each linalg.generic reduction (an addf or mulf of
// the output's block argument and one other value) `reassoc`, so that
// LLVM's loop vectorizer may sum in vector lanes (Passes.td says why).
//
//===----------------------------------------------------------------------===//
#include "tangram/Target/CPU/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_REASSOCIATEREDUCTIONSPASS
#include "tangram/Target/CPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;

namespace {

/// Adds `reassoc` to `op`'s fast-math flags when `op` combines `acc` with
/// another value.
template <typename OpT> bool markCombiner(Operation *def, Value acc) {
  auto op = dyn_cast_or_null<OpT>(def);
  if (!op || (op.getLhs() != acc && op.getRhs() != acc))
    return false;
  op.setFastmath(op.getFastmath() | arith::FastMathFlags::reassoc);
  return true;
}

struct ReassociateReductionsPass
    : public mlir::tangram::impl::ReassociateReductionsPassBase<
          ReassociateReductionsPass> {
  void runOnOperation() override {
    getOperation().walk([](linalg::GenericOp op) {
      if (op.getNumReductionLoops() == 0)
        return;
      Block *body = op.getBody();
      auto yield = cast<linalg::YieldOp>(body->getTerminator());
      for (OpOperand &init : op.getDpsInitsMutable()) {
        Value acc = op.getMatchingBlockArgument(&init);
        if (!isa<FloatType>(acc.getType()))
          continue;
        Operation *def =
            yield.getOperand(init.getOperandNumber() - op.getNumDpsInputs())
                .getDefiningOp();
        // The combiner alone uses the accumulator, and the yield alone its
        // result (else the step reads the running value for something
        // else, whose order would show).
        if (!acc.hasOneUse() || !def || !def->hasOneUse())
          continue;
        if (!markCombiner<arith::AddFOp>(def, acc))
          markCombiner<arith::MulFOp>(def, acc);
      }
    });
  }
};
} // namespace
