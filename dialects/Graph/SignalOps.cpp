//===- SignalOps.cpp - type inference of Fourier transform ops ------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Result types of the ops in SignalOps.td. Lengths given as operand values
// are known only when those operands are constants.
//
//===----------------------------------------------------------------------===//
#include "InferenceUtils.h"

using namespace mlir;
using namespace mlir::tangram::tg;
using namespace mlir::tangram::tg::detail;

/// The value of a one-element integer operand: nullopt when it is not a
/// constant, failure when it holds more than one element.
static FailureOr<std::optional<int64_t>> scalarOperand(OptLoc loc, Value v,
                                                       StringRef what) {
  if (failed(checkOneValue(loc, v, what)))
    return failure();
  SmallVector<int64_t> vals;
  if (!getConstantInts(v, vals))
    return std::optional<int64_t>();
  return std::optional<int64_t>(vals[0]);
}

/// The number of bins of a length-`n` transform.
static int64_t bins(int64_t n, bool onesided) {
  return ShapedType::isDynamic(n) || !onesided ? n : n / 2 + 1;
}

LogicalResult DFTOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                      Adaptor adaptor, TypeList &types) {
  auto x = tensorOf(adaptor.getInput());
  int64_t rank = x.getRank();
  int64_t last = rank ? x.getDimSize(rank - 1) : 0;
  if (rank < 2 || (!ShapedType::isDynamic(last) && last != 1 && last != 2))
    return emitOptionalError(loc, "input must be a real (... x 1) or complex "
                                  "(... x 2) signal of rank >= 2");
  std::optional<int64_t> length;
  if (Value l = adaptor.getDftLength()) {
    auto v = scalarOperand(loc, l, "dft_length");
    if (failed(v))
      return failure();
    if (*v && **v <= 0)
      return emitOptionalError(loc, "dft_length must be positive");
    length = v->value_or(kDyn);
  }
  bool resizes = length || adaptor.getOnesided();
  SmallVector<int64_t> shape(x.getShape());
  shape.back() = 2;
  if (Value a = adaptor.getDynamicAxis()) {
    if (failed(scalarOperand(loc, a, "axis")))
      return failure();
    if (adaptor.getAxis() != 0)
      return emitOptionalError(loc,
                               "a run-time axis needs the axis attribute 0");
    // Any signal dim may be the transformed one.
    if (resizes)
      for (int64_t i = 0; i < rank - 1; ++i)
        shape[i] = kDyn;
    types.push_back(x.clone(shape));
    return success();
  }
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis >= rank - 1)
    return emitOptionalError(loc, "axis must be a signal dim in [0, ", rank - 1,
                             ")");
  shape[axis] =
      bins(length.value_or(x.getDimSize(axis)), adaptor.getOnesided());
  types.push_back(x.clone(shape));
  return success();
}

LogicalResult STFTOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                       Adaptor adaptor, TypeList &types) {
  auto x = tensorOf(adaptor.getSignal());
  if (x.getRank() != 3 || (!ShapedType::isDynamic(x.getDimSize(2)) &&
                           x.getDimSize(2) != 1 && x.getDimSize(2) != 2))
    return emitOptionalError(loc, "signal must be B x L x 1 or B x L x 2");
  auto step = scalarOperand(loc, adaptor.getFrameStep(), "frame_step");
  if (failed(step))
    return failure();
  if (*step && **step <= 0)
    return emitOptionalError(loc, "frame_step must be positive");
  int64_t frame = kDyn;
  if (Value w = adaptor.getWindow()) {
    auto wt = tensorOf(w);
    if (wt.getRank() != 1 || wt.getElementType() != x.getElementType())
      return emitOptionalError(loc, "window must be 1-D of the signal's type");
    frame = wt.getDimSize(0);
  }
  if (Value l = adaptor.getFrameLength()) {
    auto v = scalarOperand(loc, l, "frame_length");
    if (failed(v))
      return failure();
    if (*v) {
      if (**v <= 0)
        return emitOptionalError(loc, "frame_length must be positive");
      if (!ShapedType::isDynamic(frame) && frame != **v)
        return emitOptionalError(loc, "frame_length differs from the window "
                                      "length");
      frame = **v;
    }
  } else if (!adaptor.getWindow()) {
    return emitOptionalError(loc, "needs a window or a frame_length");
  }
  int64_t len = x.getDimSize(1), frames = kDyn;
  if (*step && !ShapedType::isDynamic(frame) && !ShapedType::isDynamic(len)) {
    if (frame > len)
      return emitOptionalError(loc, "frame_length exceeds the signal length");
    frames = (len - frame) / **step + 1;
  }
  types.push_back(x.clone(
      {x.getDimSize(0), frames, bins(frame, adaptor.getOnesided()), 2}));
  return success();
}

LogicalResult MelWeightMatrixOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                                  Adaptor adaptor,
                                                  TypeList &types) {
  auto mel = scalarOperand(loc, adaptor.getNumMelBins(), "num_mel_bins");
  auto len = scalarOperand(loc, adaptor.getDftLength(), "dft_length");
  if (failed(mel) || failed(len) ||
      failed(scalarOperand(loc, adaptor.getSampleRate(), "sample_rate")))
    return failure();
  for (Value v : {adaptor.getLowerEdgeHertz(), adaptor.getUpperEdgeHertz()})
    if (tensorOf(v).getNumElements() != 1)
      return emitOptionalError(loc, "the edge frequencies must hold one value");
  Type elem = adaptor.getOutputDatatype();
  if (!isa<FloatType, IntegerType>(elem))
    return emitOptionalError(loc, "output_datatype must be a number type");
  if ((*mel && **mel <= 0) || (*len && **len <= 0))
    return emitOptionalError(loc,
                             "num_mel_bins and dft_length must be positive");
  types.push_back(RankedTensorType::get(
      {*len ? **len / 2 + 1 : kDyn, mel->value_or(kDyn)}, elem));
  return success();
}
