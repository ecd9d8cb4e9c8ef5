//===- LoweringUtils.h - helpers shared by the tg lowerings -----*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// The tg -> linalg patterns are grouped by op family (elementwise,
// contractions, pooling, reductions, data movement); these helpers build the
// linalg.generic shapes they all share.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_LIB_CONVERSION_GRAPHTOLINALG_LOWERINGUTILS_H
#define TANGRAM_LIB_CONVERSION_GRAPHTOLINALG_LOWERINGUTILS_H

#include "Graph/GraphOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::tangram {

/// arith and linalg only know signless integers: tg's unsigned element types
/// become signless ones of the same width; everything else is kept.
class TGTypeConverter : public TypeConverter {
public:
  TGTypeConverter();
  RankedTensorType convertTensor(Type t) const {
    return cast<RankedTensorType>(convertType(t));
  }
};

/// A scalar body builder: block arguments in, one value out.
using ScalarFn =
    function_ref<Value(OpBuilder &b, Location loc, ValueRange args)>;
/// An index body builder: the output element's indices in, one value out.
using IndexFn =
    function_ref<Value(OpBuilder &b, Location loc, ArrayRef<Value> ivs)>;

/// True for unsigned tg integer element types (of a tensor or scalar type).
bool isUnsignedElem(Type t);

/// `tensor.empty` of `type` with `dynSizes` for its dynamic dims.
Value emptyTensor(OpBuilder &b, Location loc, RankedTensorType type,
                  ValueRange dynSizes);

/// The map from an output index to a (numpy-)broadcast operand's index:
/// trailing dims line up, static 1-dims read index 0.
AffineMap broadcastMap(RankedTensorType operand, RankedTensorType result);

/// The dynamic dims of a broadcast result, read from an operand that has the
/// dim; fails when no operand has it (the caller reports).
FailureOr<SmallVector<Value>> broadcastDynSizes(OpBuilder &b, Location loc,
                                                RankedTensorType result,
                                                ValueRange operands);

/// An all-parallel linalg.generic computing `result` elementwise from
/// numpy-broadcast `operands` (of the converted types).
FailureOr<Value> buildElementwise(OpBuilder &b, Location loc,
                                  RankedTensorType result, ValueRange operands,
                                  ScalarFn body);

/// An all-parallel linalg.generic with no inputs whose body computes each
/// element from its indices (gathers read operands with tensor.extract).
Value buildIndexed(OpBuilder &b, Location loc, RankedTensorType result,
                   ValueRange dynSizes, IndexFn body);

/// A scalar constant of element type `t` (float, integer or i1).
Value scalarConst(OpBuilder &b, Location loc, Type t, double v);
Value indexConst(OpBuilder &b, Location loc, int64_t v);

/// Converts a scalar between element types with ONNX Cast semantics.
Value castScalar(OpBuilder &b, Location loc, Value v, Type to,
                 bool fromUnsigned, bool toUnsigned, bool saturate = true);

/// Reads an integer tensor element as an index (i32/i64 indices).
Value readIndex(OpBuilder &b, Location loc, Value t, ValueRange at);

/// Keys' cubic convolution weights of the 4 taps at -1, 0, 1, 2 around a
/// point at fraction `t` in [0, 1) (of a float type), with coefficient `a`
/// (-0.75 in ONNX GridSample and Resize's default).
SmallVector<Value, 4> cubicWeights(OpBuilder &b, Location loc, Value t,
                                   double a);

/// An i64 axis from tensor data: negative counts back from `rank`. Returns
/// the wrapped axis and whether it is in [0, rank).
std::pair<Value, Value> wrapAxis(OpBuilder &b, Location loc, Value axis,
                                 int64_t rank);

/// A negative index counts from the end of a dim of size `n`.
Value wrapNegative(OpBuilder &b, Location loc, Value i, int64_t n);
/// The same for a dim of run-time size `n` (index).
Value wrapNegative(OpBuilder &b, Location loc, Value i, Value n);

/// An index from tensor data into a dim of size `n` (n > 0): negative
/// values count from the end; out of range is a run-time error (cf.assert
/// "<what>: an index is out of range") and reads index 0 meanwhile.
Value checkedIndex(OpBuilder &b, Location loc, Value i, int64_t n,
                   StringRef what);
/// The same for a dim whose size `n` (index) is known at run time.
Value checkedIndex(OpBuilder &b, Location loc, Value i, Value n,
                   StringRef what);

/// Reshapes `v` to the static type `to` (same element count): a collapse
/// and an expansion of groups of consecutive dims where it is one, a
/// `tensor.reshape` otherwise.
Value reshapeStatic(OpBuilder &b, Location loc, Value v, RankedTensorType to);

/// Dim `i` of the tensor `v` as an index: a constant when it is static.
Value dimOf(OpBuilder &b, Location loc, Value v, int64_t i);

/// x + y of index sizes: an attribute when both are constants (the
/// lowering makes arith, not affine, so no dialect beyond it is needed).
OpFoldResult addOfr(OpBuilder &b, Location loc, OpFoldResult x,
                    OpFoldResult y);

/// `tensor.empty` of `v`'s shape (run-time sizes included) with element
/// type `elem` (default: `v`'s).
Value emptyLike(OpBuilder &b, Location loc, Value v, Type elem = {});

/// The sizes of `t`'s dynamic dims, in order: `size(d)` for each dynamic d.
SmallVector<Value> dynSizesOf(RankedTensorType t,
                              function_ref<Value(int64_t)> size);

/// `v` reshaped to `to` when that is a pure collapse or expansion of dims
/// (tensor.collapse_shape / expand_shape), else failure with no IR made.
FailureOr<Value> reshapeView(OpBuilder &b, Location loc, Value v,
                             RankedTensorType to);

/// Reshapes `v` to `to`, which may have dynamic dims. A pure collapse or
/// expansion of dims becomes tensor.collapse_shape / expand_shape (views the
/// CPU and GPU pipelines see through); anything else a tensor.reshape whose
/// shape is computed at run time, the one dynamic dim (if any) taking the
/// elements the static dims leave. Fails when `to` has more than one dynamic
/// dim and no collapse/expansion relates the shapes.
FailureOr<Value> reshapeTo(OpBuilder &b, Location loc, Value v,
                           RankedTensorType to);

/// The output size of a sliding window over a run-time input size `in`
/// (index): floor or ceil((in + padSum - span) / stride) + 1 with the ONNX
/// ceil_mode rule of tg::windowOut. A window larger than the padded input is
/// a run-time error ("<what>: the input is smaller than the window").
Value windowOutSize(OpBuilder &b, Location loc, Value in, int64_t k,
                    int64_t stride, int64_t dil, int64_t padSum, bool ceilMode,
                    StringRef what);

/// Asserts at run time that `a == b` (index values), with `message`.
void assertEqual(OpBuilder &b, Location loc, Value x, Value y,
                 StringRef message);

/// Pads the spatial dims (2..) of an NC... tensor with `padValue`: `low` and
/// `high` per spatial dim; no op when they are all 0. Dynamic dims stay
/// dynamic.
Value padSpatial(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> low,
                 ArrayRef<int64_t> high, Value padValue);
/// The same with padding known only at run time (index values or attrs).
Value padSpatial(OpBuilder &b, Location loc, Value v,
                 ArrayRef<OpFoldResult> low, ArrayRef<OpFoldResult> high,
                 Value padValue);

/// Per-family pattern lists.
void populateElementwiseLowering(TGTypeConverter &tc, RewritePatternSet &p);
void populateContractionLowering(TGTypeConverter &tc, RewritePatternSet &p);
void populatePoolingLowering(TGTypeConverter &tc, RewritePatternSet &p);
void populateReductionLowering(TGTypeConverter &tc, RewritePatternSet &p);
void populateDataMovementLowering(TGTypeConverter &tc, RewritePatternSet &p);
void populateResizeLowering(TGTypeConverter &tc, RewritePatternSet &p);
void populateScatterLowering(TGTypeConverter &tc, RewritePatternSet &p);
void populateTopKLowering(TGTypeConverter &tc, RewritePatternSet &p);
void populateDynamicAxesLowering(TGTypeConverter &tc, RewritePatternSet &p);
void populateRandomLowering(TGTypeConverter &tc, RewritePatternSet &p);
void populateControlFlowLowering(TGTypeConverter &tc, RewritePatternSet &p);
void populateGridSampleLowering(TGTypeConverter &tc, RewritePatternSet &p);
void populateDataDependentLowering(TGTypeConverter &tc, RewritePatternSet &p);

/// Requires a static result shape, else a match failure naming the op.
LogicalResult requireStatic(ConversionPatternRewriter &rw, Operation *op,
                            RankedTensorType t);

} // namespace mlir::tangram

#endif // TANGRAM_LIB_CONVERSION_GRAPHTOLINALG_LOWERINGUTILS_H
