//===- GraphDialect.h - the tg dialect --------------------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_DIALECTS_GRAPH_GRAPHDIALECT_H
#define TANGRAM_DIALECTS_GRAPH_GRAPHDIALECT_H

#include "mlir/IR/Dialect.h"

#include "Graph/GraphOpsDialect.h.inc"

#endif // TANGRAM_DIALECTS_GRAPH_GRAPHDIALECT_H
