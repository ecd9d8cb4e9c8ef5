//===- SignalOps.td - tg Fourier transforms and audio ops --*- tablegen -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Spectral ops of audio and signal models. Complex values are real tensors
// whose last dim is 2 (real, imaginary), as in ONNX. Included by
// GraphOps.td; type inference is in SignalOps.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_GRAPH_SIGNAL_OPS
#define TANGRAM_GRAPH_SIGNAL_OPS

def TG_DFTOp : TG_Op<"dft", [Pure, AttrSizedOperandSegments]> {
  let summary = "discrete Fourier transform along one axis";
  let description = [{
    ONNX DFT on a real (`... x 1`) or complex (`... x 2`) input along
    `axis` (never the last, complex dim). `dft_length` (a 0-D or 1-element
    integer) zero-pads or truncates the signal; `onesided` keeps the
    `n/2 + 1` non-redundant bins of a real input; `inverse` computes the
    inverse transform (scaled by 1/n). The result is complex. An axis known
    only at run time comes as the operand `axis(...)` (ONNX's rule: negative
    counts from the end of the input, whose last dim is the complex one)
    and the `axis` attribute is then 0.

    Example:
    ```mlir
    %y = tg.dft %x {axis = 1 : i64} : tensor<1x10x1xf32> -> tensor<1x10x2xf32>
    %z = tg.dft %x axis(%a : tensor<i64>) {axis = 0 : i64}
        : tensor<1x10x10x1xf32> -> tensor<1x10x10x2xf32>
    ```
  }];
  let arguments = (ins TG_FloatTensor:$input,
                       Optional<TG_IndexTensor>:$dft_length,
                       Optional<TG_IndexTensor>:$dynamic_axis,
                       I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "false">:$inverse,
                       DefaultValuedAttr<BoolAttr, "false">:$onesided);
  let results = (outs TG_FloatTensor:$output);
  let assemblyFormat = [{
    $input (`length` `(` $dft_length^ `:` type($dft_length) `)`)?
    (`axis` `(` $dynamic_axis^ `:` type($dynamic_axis) `)`)?
    attr-dict `:` type($input) `->` type($output)
  }];
}

def TG_STFTOp : TG_Op<"stft", [Pure, AttrSizedOperandSegments]> {
  let summary = "short-time Fourier transform";
  let description = [{
    ONNX STFT on a `B x L x 1` (real) or `B x L x 2` (complex) signal:
    frames of `frame_length` (or the `window` length) taken every
    `frame_step` samples, multiplied by `window` when given, each
    transformed by a DFT. The result is `B x frames x bins x 2` with
    `frames = (L - frame_length) / frame_step + 1` and `bins` the frame
    length, or `frame_length / 2 + 1` when `onesided`.

    Example:
    ```mlir
    %y = tg.stft %s, %step length(%n : tensor<i64>) {onesided = true}
        : (tensor<1x128x1xf32>, tensor<i64>) -> tensor<1x?x?x2xf32>
    ```
  }];
  let arguments = (ins TG_FloatTensor:$signal, TG_IndexTensor:$frame_step,
                       Optional<TG_FloatTensor>:$window,
                       Optional<TG_IndexTensor>:$frame_length,
                       DefaultValuedAttr<BoolAttr, "true">:$onesided);
  let results = (outs TG_FloatTensor:$output);
  let assemblyFormat = [{
    $signal `,` $frame_step (`window` `(` $window^ `:` type($window) `)`)?
    (`length` `(` $frame_length^ `:` type($frame_length) `)`)?
    attr-dict `:` `(` type($signal) `,` type($frame_step) `)` `->` type($output)
  }];
}

def TG_MelWeightMatrixOp : TG_Op<"mel_weight_matrix", [Pure]> {
  let summary = "the triangular mel filter bank of a spectrogram";
  let description = [{
    ONNX MelWeightMatrix: a `(dft_length / 2 + 1) x num_mel_bins` matrix
    that maps the bins of a one-sided spectrum of `sample_rate` Hz to
    `num_mel_bins` mel bands spaced evenly between `lower_edge_hertz` and
    `upper_edge_hertz`. All operands are 0-D; dims are `?` unless they are
    constants. The element type is the `output_datatype`.

    Example:
    ```mlir
    %m = tg.mel_weight_matrix %bins, %len, %rate, %lo, %hi {output_datatype = f32}
        : (tensor<i32>, tensor<i32>, tensor<i32>, tensor<f32>, tensor<f32>) -> tensor<?x?xf32>
    ```
  }];
  let arguments = (ins TG_IndexTensor:$num_mel_bins, TG_IndexTensor:$dft_length,
                       TG_IndexTensor:$sample_rate,
                       TG_FloatTensor:$lower_edge_hertz,
                       TG_FloatTensor:$upper_edge_hertz,
                       TypeAttr:$output_datatype);
  let results = (outs TG_NumTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

#endif // TANGRAM_GRAPH_SIGNAL_OPS
