//===- ScheduleOps.cpp - tg.launch verification ---------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "Graph/GraphOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace mlir;
using namespace mlir::tangram::tg;

/// The callee must be a function of this module on the launch's device,
/// taking and returning exactly the launch's types.
LogicalResult LaunchOp::verifySymbolUses(SymbolTableCollection &symbols) {
  auto fn = symbols.lookupNearestSymbolFrom<FunctionOpInterface>(
      *this, getCalleeAttr());
  if (!fn)
    return emitOpError("'") << getCallee() << "' is not a function";
  auto device = fn->getAttrOfType<StringAttr>("tg.device");
  if (!device || device.getValue() != getDevice())
    return emitOpError("'") << getCallee() << "' is not an executable of device '"
                            << getDevice() << "'";
  if (TypeRange(fn.getArgumentTypes()) != TypeRange(getArgs().getTypes()) ||
      TypeRange(fn.getResultTypes()) != TypeRange(getResults().getTypes()))
    return emitOpError("types do not match '") << getCallee() << "'";
  return success();
}
