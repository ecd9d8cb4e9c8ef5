//===- GraphOps.h - tg dialect operations -----------------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_DIALECTS_GRAPH_GRAPHOPS_H
#define TANGRAM_DIALECTS_GRAPH_GRAPHOPS_H

#include "Graph/GraphDialect.h"
#include "Graph/Work.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_TYPEDEF_CLASSES
#include "Graph/GraphOpsTypes.h.inc"

namespace mlir::tangram::tg {

/// One type for two values that may flow to one place (If branches,
/// sequence elements): equal types stay; tensors of one element type join
/// dim by dim (`?` where they differ) or, with `allowUnranked`, to an
/// unranked tensor when ranks differ or one is unranked; sequences join
/// their element types. Fails otherwise.
FailureOr<Type> joinTypes(Type a, Type b, bool allowUnranked);

/// Two result type lists are compatible when they agree on element types and
/// ranks and every pair of dims is equal or has a dynamic side: shape
/// inference may make a stored type more static than the inferred one.
bool areCompatibleReturnTypes(TypeRange lhs, TypeRange rhs);

/// Numpy broadcasting of two shapes; fails on a static mismatch.
LogicalResult broadcastShapes(ArrayRef<int64_t> a, ArrayRef<int64_t> b,
                              SmallVectorImpl<int64_t> &out);

/// Result type of a broadcasting binary op (i1 elements for comparisons).
LogicalResult inferBroadcastBinary(MLIRContext *ctx,
                                   std::optional<Location> loc, Value lhs,
                                   Value rhs, bool resultIsBool,
                                   SmallVectorImpl<Type> &types);

/// Result type of a reduction over `axes` of `input`.
LogicalResult inferReduce(std::optional<Location> loc, Value input,
                          ArrayRef<int64_t> axes, bool keepdims,
                          SmallVectorImpl<Type> &types);

/// Result type of a reduction whose axes are the run-time tensor
/// `dynamicAxes` (static length k; `axes` must be empty): rank r - k, or r
/// with `keepdims`; dims are `?` but for size-1 input dims kept.
LogicalResult inferDynamicReduce(std::optional<Location> loc, Value input,
                                 Value dynamicAxes, ArrayRef<int64_t> axes,
                                 bool keepdims, SmallVectorImpl<Type> &types);

/// Output size of one spatial dim of a conv or pool window (`?` when `in`
/// or `k` is; -1 when the window is larger than the padded input).
int64_t windowOut(int64_t in, int64_t k, int64_t stride, int64_t dil,
                  int64_t padSum, bool ceilMode);

/// Checks `strides`, `pads`, `dilations` against `spatial` dims.
LogicalResult checkWindowAttrs(std::optional<Location> loc, int64_t spatial,
                               ArrayRef<int64_t> strides,
                               ArrayRef<int64_t> pads,
                               ArrayRef<int64_t> dilations);

/// Result type of a random op: the `shape` operand's values (`?` unless
/// constant) and `dtype` elements.
LogicalResult inferRandom(std::optional<Location> loc, Value shape, Type dtype,
                          SmallVectorImpl<Type> &types);

/// The values of `v` when it is a constant integer tensor.
bool getConstantInts(Value v, SmallVectorImpl<int64_t> &values);

/// The entries of a 1-D integer tensor of static length that are known at
/// compile time, `ShapedType::kDynamic` for the others: constants, and
/// through `concat` of pieces, `shape` of a tensor with static dims and
/// `cast`/`unsqueeze`/`reshape` of a known piece. Exported models build
/// shapes as Concat(Shape -> Gather, constants): [batch, seq, 4, 32] keeps
/// its 4 and 32. False when `v` is not a 1-D tensor of static length.
bool getPartialInts(Value v, SmallVectorImpl<int64_t> &values);

/// The values of `v` when it is a constant floating-point tensor.
bool getConstantFloats(Value v, SmallVectorImpl<double> &values);

/// Folds a broadcasting binary op over constant operands (and the obvious
/// identities x+0, x*1, x-0, x/1 when the result type equals x's).
OpFoldResult foldBinary(Operation *op, Attribute lhs, Attribute rhs);

} // namespace mlir::tangram::tg

#define GET_OP_CLASSES
#include "Graph/GraphOps.h.inc"

#endif // TANGRAM_DIALECTS_GRAPH_GRAPHOPS_H
