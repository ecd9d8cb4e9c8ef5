//===- GraphDialect.cpp - the tg dialect ----------------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "Graph/GraphDialect.h"
#include "Graph/GraphOps.h"

using namespace mlir;
using namespace mlir::tangram::tg;

#include "Graph/GraphOpsDialect.cpp.inc"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

#define GET_TYPEDEF_CLASSES
#include "Graph/GraphOpsTypes.cpp.inc"

void TGDialect::initialize() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "Graph/GraphOpsTypes.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "Graph/GraphOps.cpp.inc"
      >();
}

/// Folders return attributes; they become `tg.constant` ops.
Operation *TGDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                          Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, type, elements);
}
