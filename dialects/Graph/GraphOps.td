//===- GraphOps.td - tg dialect operations ---------------*- tablegen -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Ops are grouped by shape rule (elementwise, broadcasting binary, reduction,
// data movement, ...). Each group shares one type-inference function in
// ShapeInference.cpp; the inferred types double as the verifier, because
// InferTypeOpInterface checks that stored result types are compatible with
// the inferred ones.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_GRAPH_OPS
#define TANGRAM_GRAPH_OPS

include "GraphDialect.td"
include "GraphTypes.td"
include "mlir/IR/OpBase.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "WorkInterface.td"

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

def TG_FloatElem : AnyTypeOf<[F16, BF16, F32, F64]>;
/// 4-bit integers (ONNX INT4/UINT4) are unpacked, one per element.
def TG_IntElem : AnyTypeOf<[I<4>, I8, I16, I32, I64, UI<4>, UI8, UI16, UI32, UI64]>;
def TG_NumElem : AnyTypeOf<[TG_FloatElem, TG_IntElem]>;
/// 8-bit floats are storage types: they are cast to and from and moved, not
/// computed with.
def TG_Float8Elem : AnyTypeOf<[F8E4M3FN, F8E4M3FNUZ, F8E5M2, F8E5M2FNUZ]>;
def TG_AnyElem : AnyTypeOf<[TG_NumElem, I1, TG_Float8Elem]>;

def TG_Tensor : RankedTensorOf<[TG_AnyElem]>;
def TG_NumTensor : RankedTensorOf<[TG_NumElem]>;
def TG_FloatTensor : RankedTensorOf<[TG_FloatElem]>;
def TG_IntTensor : RankedTensorOf<[TG_IntElem]>;
def TG_BoolTensor : RankedTensorOf<[I1]>;
def TG_IndexTensor : RankedTensorOf<[I32, I64]>;
/// Quantized values: integers or 8-bit floats.
def TG_QuantTensor : RankedTensorOf<[TG_IntElem, TG_Float8Elem]>;
def TG_I64Tensor : RankedTensorOf<[I64]>;
def TG_NumOrBoolTensor : RankedTensorOf<[TG_NumElem, I1]>;

//===----------------------------------------------------------------------===//
// Base classes
//===----------------------------------------------------------------------===//

/// Result types are inferred by `inferReturnTypes`; a stored type may be more
/// static than the inferred one (shape inference refines `?` dims).
def TG_InferType : InferTypeOpAdaptorBase<[{
  static bool isCompatibleReturnTypes(::mlir::TypeRange l, ::mlir::TypeRange r) {
    return ::mlir::tangram::tg::areCompatibleReturnTypes(l, r);
  }
}]>;

/// Every op reports its work (WorkInterface.td) for placement's cost model.
class TG_Op<string mnemonic, list<Trait> traits = []>
    : Op<TG_Dialect, mnemonic,
         !listconcat(traits, [TG_InferType, TG_WorkOpInterface])>;

/// `y = f(x)` elementwise: the result has the operand's type.
class TG_UnaryOp<string mnemonic, Type T, string fn, list<Trait> traits = []>
    : TG_Op<mnemonic, !listconcat(traits, [Pure])> {
  let summary = "elementwise " # fn;
  let description = "Computes `" # fn # "` of every element.\n\n"
    # "Example:\n```mlir\n%y = tg." # mnemonic # " %x : tensor<2x?xf32>\n```";
  let arguments = (ins T:$input);
  let results = (outs T:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(::mlir::MLIRContext *,
        std::optional<::mlir::Location>, Adaptor adaptor,
        ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      types.push_back(adaptor.getInput().getType());
      return ::mlir::success();
    }
  }];
}

/// Numpy-broadcasting binary op whose result element type is `resultElem`
/// (empty: the operands' element type).
class TG_BinaryOp<string mnemonic, Type T, string fn, string resultElem = "",
                  list<Trait> traits = []>
    : TG_Op<mnemonic, !listconcat(traits, [Pure])> {
  let summary = "elementwise " # fn # " with numpy broadcasting";
  let description = "Computes `" # fn # "` elementwise after broadcasting "
    # "both operands to a common shape (numpy rules). Both operands have the "
    # "same element type.\n\nExample:\n```mlir\n%z = tg." # mnemonic
    # " %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3x"
    # !if(!eq(resultElem, ""), "f32", "i1") # ">\n```";
  let arguments = (ins T:$lhs, T:$rhs);
  let results = (outs TG_Tensor:$output);
  let assemblyFormat =
    "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(::mlir::MLIRContext *ctx,
        std::optional<::mlir::Location> loc, Adaptor adaptor,
        ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      return ::mlir::tangram::tg::inferBroadcastBinary(ctx, loc,
          adaptor.getLhs(), adaptor.getRhs(), }] # !if(!eq(resultElem, ""),
          "/*resultIsBool=*/false", "/*resultIsBool=*/true") # [{, types);
    }
    ::mlir::OpFoldResult $cppClass::fold(FoldAdaptor adaptor) {
      return ::mlir::tangram::tg::foldBinary(*this, adaptor.getLhs(),
                                             adaptor.getRhs());
    }
  }];
}

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

def TG_ConstantOp : TG_Op<"constant", [ConstantLike, Pure]> {
  let summary = "a constant tensor";
  let description = [{
    Holds a tensor value. Weights imported from a model use `dense_resource`
    blobs so that printing the IR elides them; small integer tensors (shapes,
    axes) are plain `dense` attributes so that they fold.

    Example:
    ```mlir
    %c = tg.constant dense<[1, 2]> : tensor<2xi64>
    %w = tg.constant dense_resource<conv1.weight> : tensor<64x3x7x7xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs TG_Tensor:$output);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise unary
//===----------------------------------------------------------------------===//

def TG_AbsOp : TG_UnaryOp<"abs", TG_NumTensor, "|x|"> { let hasFolder = 1; }
def TG_NegOp : TG_UnaryOp<"neg", TG_NumTensor, "-x"> { let hasFolder = 1; }
def TG_SignOp : TG_UnaryOp<"sign", TG_NumTensor, "sign(x)">;
def TG_ReluOp : TG_UnaryOp<"relu", TG_NumTensor, "max(x, 0)">;
def TG_ExpOp : TG_UnaryOp<"exp", TG_FloatTensor, "e^x">;
def TG_LogOp : TG_UnaryOp<"log", TG_FloatTensor, "ln(x)">;
def TG_SqrtOp : TG_UnaryOp<"sqrt", TG_FloatTensor, "sqrt(x)">;
def TG_ReciprocalOp : TG_UnaryOp<"reciprocal", TG_FloatTensor, "1/x">;
def TG_FloorOp : TG_UnaryOp<"floor", TG_FloatTensor, "floor(x)">;
def TG_CeilOp : TG_UnaryOp<"ceil", TG_FloatTensor, "ceil(x)">;
def TG_RoundOp : TG_UnaryOp<"round", TG_FloatTensor, "round half to even">;
def TG_SinOp : TG_UnaryOp<"sin", TG_FloatTensor, "sin(x)">;
def TG_CosOp : TG_UnaryOp<"cos", TG_FloatTensor, "cos(x)">;
def TG_TanOp : TG_UnaryOp<"tan", TG_FloatTensor, "tan(x)">;
def TG_AsinOp : TG_UnaryOp<"asin", TG_FloatTensor, "asin(x)">;
def TG_AcosOp : TG_UnaryOp<"acos", TG_FloatTensor, "acos(x)">;
def TG_AtanOp : TG_UnaryOp<"atan", TG_FloatTensor, "atan(x)">;
def TG_SinhOp : TG_UnaryOp<"sinh", TG_FloatTensor, "sinh(x)">;
def TG_CoshOp : TG_UnaryOp<"cosh", TG_FloatTensor, "cosh(x)">;
def TG_AsinhOp : TG_UnaryOp<"asinh", TG_FloatTensor, "asinh(x)">;
def TG_AcoshOp : TG_UnaryOp<"acosh", TG_FloatTensor, "acosh(x)">;
def TG_AtanhOp : TG_UnaryOp<"atanh", TG_FloatTensor, "atanh(x)">;
def TG_ErfOp : TG_UnaryOp<"erf", TG_FloatTensor, "erf(x)">;
def TG_SigmoidOp : TG_UnaryOp<"sigmoid", TG_FloatTensor, "1/(1+e^-x)">;
def TG_TanhOp : TG_UnaryOp<"tanh", TG_FloatTensor, "tanh(x)">;
def TG_SoftplusOp : TG_UnaryOp<"softplus", TG_FloatTensor, "ln(1+e^x)">;
def TG_SoftsignOp : TG_UnaryOp<"softsign", TG_FloatTensor, "x/(1+|x|)">;
def TG_MishOp : TG_UnaryOp<"mish", TG_FloatTensor, "x*tanh(softplus(x))">;
def TG_HardSwishOp : TG_UnaryOp<"hard_swish", TG_FloatTensor,
                                "x*max(0, min(1, x/6 + 1/2))">;
def TG_NotOp : TG_UnaryOp<"not", TG_BoolTensor, "logical not">;
def TG_BitwiseNotOp : TG_UnaryOp<"bitwise_not", TG_IntTensor, "~x">;

/// Unary activations with float parameters (ONNX defaults).
def TG_LeakyReluOp : TG_UnaryOp<"leaky_relu", TG_FloatTensor,
                                "x >= 0 ? x : alpha*x"> {
  let arguments = (ins TG_FloatTensor:$input,
                       DefaultValuedAttr<F32Attr, "0.01">:$alpha);
}
def TG_EluOp : TG_UnaryOp<"elu", TG_FloatTensor,
                          "x >= 0 ? x : alpha*(e^x - 1)"> {
  let arguments = (ins TG_FloatTensor:$input,
                       DefaultValuedAttr<F32Attr, "1.0">:$alpha);
}
def TG_CeluOp : TG_UnaryOp<"celu", TG_FloatTensor,
                           "max(0,x) + min(0, alpha*(e^(x/alpha) - 1))"> {
  let arguments = (ins TG_FloatTensor:$input,
                       DefaultValuedAttr<F32Attr, "1.0">:$alpha);
}
def TG_SeluOp : TG_UnaryOp<"selu", TG_FloatTensor,
                           "gamma*(x > 0 ? x : alpha*(e^x - 1))"> {
  let arguments = (ins TG_FloatTensor:$input,
      DefaultValuedAttr<F32Attr, "1.67326319217681884765625">:$alpha,
      DefaultValuedAttr<F32Attr, "1.05070102214813232421875">:$gamma);
}
def TG_HardSigmoidOp : TG_UnaryOp<"hard_sigmoid", TG_FloatTensor,
                                  "max(0, min(1, alpha*x + beta))"> {
  let arguments = (ins TG_FloatTensor:$input,
                       DefaultValuedAttr<F32Attr, "0.2">:$alpha,
                       DefaultValuedAttr<F32Attr, "0.5">:$beta);
}
def TG_ThresholdedReluOp : TG_UnaryOp<"thresholded_relu", TG_FloatTensor,
                                      "x > alpha ? x : 0"> {
  let arguments = (ins TG_FloatTensor:$input,
                       DefaultValuedAttr<F32Attr, "1.0">:$alpha);
}
def TG_ShrinkOp : TG_UnaryOp<"shrink", TG_NumTensor,
    "x < -lambd ? x + bias : (x > lambd ? x - bias : 0)"> {
  let arguments = (ins TG_NumTensor:$input,
                       DefaultValuedAttr<F32Attr, "0.0">:$bias,
                       DefaultValuedAttr<F32Attr, "0.5">:$lambd);
}
def TG_GeluOp : TG_UnaryOp<"gelu", TG_FloatTensor,
    "x/2*(1+erf(x/sqrt(2))), or the tanh approximation"> {
  let arguments = (ins TG_FloatTensor:$input,
                       DefaultValuedAttr<BoolAttr, "false">:$tanh_approximation);
}

/// Float → bool classification ops.
class TG_ClassifyOp<string mnemonic, string fn>
    : TG_Op<mnemonic, [Pure, SameOperandsAndResultShape]> {
  let summary = "elementwise " # fn # " test";
  let description = "True where the element is " # fn # ".\n\nExample:\n"
    # "```mlir\n%m = tg." # mnemonic # " %x : tensor<4xf32> -> tensor<4xi1>\n```";
  let results = (outs TG_BoolTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(::mlir::MLIRContext *ctx,
        std::optional<::mlir::Location>, Adaptor adaptor,
        ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      auto t = ::llvm::cast<::mlir::RankedTensorType>(adaptor.getInput().getType());
      types.push_back(t.clone(::mlir::IntegerType::get(ctx, 1)));
      return ::mlir::success();
    }
  }];
}
def TG_IsNaNOp : TG_ClassifyOp<"is_nan", "NaN"> {
  let arguments = (ins TG_FloatTensor:$input);
}
def TG_IsInfOp : TG_ClassifyOp<"is_inf", "infinite (of the selected signs)"> {
  let arguments = (ins TG_FloatTensor:$input,
                       DefaultValuedAttr<BoolAttr, "true">:$detect_negative,
                       DefaultValuedAttr<BoolAttr, "true">:$detect_positive);
}

//===----------------------------------------------------------------------===//
// Elementwise binary (broadcasting)
//===----------------------------------------------------------------------===//

def TG_AddOp : TG_BinaryOp<"add", TG_NumTensor, "x + y", "", [Commutative]>;
def TG_SubOp : TG_BinaryOp<"sub", TG_NumTensor, "x - y">;
def TG_MulOp : TG_BinaryOp<"mul", TG_NumTensor, "x * y", "", [Commutative]>;
def TG_DivOp : TG_BinaryOp<"div", TG_NumTensor,
                           "x / y (integers truncate toward zero)">;
def TG_PowOp : TG_BinaryOp<"pow", TG_NumTensor, "x ^ y">;
def TG_MaxOp : TG_BinaryOp<"max", TG_NumTensor, "max(x, y)", "", [Commutative]>;
def TG_MinOp : TG_BinaryOp<"min", TG_NumTensor, "min(x, y)", "", [Commutative]>;
def TG_PReluOp : TG_BinaryOp<"prelu", TG_NumTensor, "x < 0 ? y*x : x">;
def TG_ModOp : TG_BinaryOp<"mod", TG_NumTensor,
    "x mod y: sign of y (fmod = false, integers only) or of x (fmod = true)"> {
  let arguments = (ins TG_NumTensor:$lhs, TG_NumTensor:$rhs,
                       DefaultValuedAttr<BoolAttr, "false">:$fmod);
}
def TG_BitShiftOp : TG_BinaryOp<"bit_shift", TG_IntTensor,
                                "x << y (left) or x >> y (right, logical)"> {
  let arguments = (ins TG_IntTensor:$lhs, TG_IntTensor:$rhs,
                       DefaultValuedAttr<BoolAttr, "true">:$left);
}
def TG_BitwiseAndOp : TG_BinaryOp<"bitwise_and", TG_IntTensor, "x & y", "", [Commutative]>;
def TG_BitwiseOrOp : TG_BinaryOp<"bitwise_or", TG_IntTensor, "x | y", "", [Commutative]>;
def TG_BitwiseXorOp : TG_BinaryOp<"bitwise_xor", TG_IntTensor, "x ^ y", "", [Commutative]>;
def TG_AndOp : TG_BinaryOp<"and", TG_BoolTensor, "x and y", "", [Commutative]>;
def TG_OrOp : TG_BinaryOp<"or", TG_BoolTensor, "x or y", "", [Commutative]>;
def TG_XorOp : TG_BinaryOp<"xor", TG_BoolTensor, "x xor y", "", [Commutative]>;
def TG_EqualOp : TG_BinaryOp<"equal", TG_Tensor, "x == y", "i1", [Commutative]>;
def TG_LessOp : TG_BinaryOp<"less", TG_NumTensor, "x < y", "i1">;
def TG_LessEqualOp : TG_BinaryOp<"less_equal", TG_NumTensor, "x <= y", "i1">;
def TG_GreaterOp : TG_BinaryOp<"greater", TG_NumTensor, "x > y", "i1">;
def TG_GreaterEqualOp : TG_BinaryOp<"greater_equal", TG_NumTensor, "x >= y", "i1">;

def TG_SelectOp : TG_Op<"select", [Pure]> {
  let summary = "elementwise choice between two tensors (ONNX Where)";
  let description = [{
    `cond ? x : y` after broadcasting all three operands.

    Example:
    ```mlir
    %z = tg.select %c, %x, %y : (tensor<4xi1>, tensor<4xf32>, tensor<1xf32>) -> tensor<4xf32>
    ```
  }];
  let arguments = (ins TG_BoolTensor:$cond, TG_Tensor:$x, TG_Tensor:$y);
  let results = (outs TG_Tensor:$output);
  let assemblyFormat = "$cond `,` $x `,` $y attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def TG_CastOp : TG_Op<"cast", [Pure, SameOperandsAndResultShape]> {
  let summary = "elementwise conversion to another element type";
  let description = [{
    Converts every element to `to`. Float → integer truncates toward zero;
    anything → i1 is `x != 0`; integers are read as signed unless unsigned.
    Floats round to nearest even. To an 8-bit float with `saturate` (the
    default), values beyond the largest finite one (infinities included)
    become it; without, they become infinity or NaN as the format has them.

    Example:
    ```mlir
    %y = tg.cast %x {to = f16} : tensor<4xf32> -> tensor<4xf16>
    ```
  }];
  let arguments = (ins TG_Tensor:$input, TypeAttr:$to,
                       DefaultValuedAttr<BoolAttr, "true">:$saturate);
  let results = (outs TG_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Linear algebra, convolution, pooling, normalization
//===----------------------------------------------------------------------===//

def TG_MatMulOp : TG_Op<"matmul", [Pure]> {
  let summary = "matrix product with numpy semantics (batch broadcasting)";
  let description = [{
    Numpy `matmul`: 1-D operands are promoted to matrices and the added
    dimension is removed from the result; leading (batch) dims broadcast.

    Example:
    ```mlir
    %y = tg.matmul %a, %b : (tensor<8x128x64xf32>, tensor<64x32xf32>) -> tensor<8x128x32xf32>
    ```
  }];
  let arguments = (ins TG_NumTensor:$lhs, TG_NumTensor:$rhs);
  let results = (outs TG_NumTensor:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
}

def TG_ConvOp : TG_Op<"conv", [Pure]> {
  let summary = "N-d grouped, strided, dilated convolution (NC... layout)";
  let description = [{
    ONNX Conv with explicit padding: `pads` holds the begin pads of every
    spatial dim followed by the end pads. `bias`, when present, has one
    value per output channel.

    Example:
    ```mlir
    %y = tg.conv %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 3, 3, 3, 3>,
        dilations = array<i64: 1, 1>, group = 1 : i64}
        : (tensor<1x3x224x224xf32>, tensor<64x3x7x7xf32>, tensor<64xf32>) -> tensor<1x64x112x112xf32>
    ```
  }];
  let arguments = (ins TG_FloatTensor:$input, TG_FloatTensor:$weight,
                       Optional<TG_FloatTensor>:$bias,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations,
                       DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs TG_FloatTensor:$output);
  let assemblyFormat = "$input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)";
}

def TG_ConvTransposeOp : TG_Op<"conv_transpose", [Pure]> {
  let summary = "N-d transposed convolution (NC... layout)";
  let description = [{
    ONNX ConvTranspose with explicit `pads` and `output_padding` (the
    importer resolves `output_shape` and `auto_pad`). Weight layout is
    `C_in x C_out/group x k...`. Output size per spatial dim:
    `stride*(in-1) + output_padding + (k-1)*dilation + 1 - pad_begin - pad_end`.

    Example:
    ```mlir
    %y = tg.conv_transpose %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>,
        dilations = array<i64: 1, 1>, output_padding = array<i64: 0, 0>, group = 1 : i64}
        : (tensor<1x8x4x4xf32>, tensor<8x4x2x2xf32>) -> tensor<1x4x8x8xf32>
    ```
  }];
  let arguments = (ins TG_FloatTensor:$input, TG_FloatTensor:$weight,
                       Optional<TG_FloatTensor>:$bias,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$output_padding,
                       DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs TG_FloatTensor:$output);
  let assemblyFormat = "$input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)";
}

class TG_PoolOp<string mnemonic, string what> : TG_Op<mnemonic, [Pure]> {
  let summary = "N-d " # what # " pooling (NC... layout)";
  let description = "Pools windows of `kernel_shape` with explicit `pads` "
    # "(begins then ends), `strides` and `dilations`; `ceil_mode` rounds the "
    # "output size up.\n\nExample:\n```mlir\n%y = tg." # mnemonic
    # " %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>,\n"
    # "    pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}\n"
    # "    : tensor<1x64x112x112xf32> -> tensor<1x64x56x56xf32>\n```";
  let results = (outs TG_NumTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}
def TG_MaxPoolOp : TG_PoolOp<"max_pool", "max"> {
  let arguments = (ins TG_NumTensor:$input, DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations,
                       DefaultValuedAttr<BoolAttr, "false">:$ceil_mode);
}
def TG_AvgPoolOp : TG_PoolOp<"avg_pool", "average"> {
  let arguments = (ins TG_FloatTensor:$input, DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations,
                       DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
                       DefaultValuedAttr<BoolAttr, "false">:$count_include_pad);
}
def TG_LpPoolOp : TG_PoolOp<"lp_pool", "Lp-norm"> {
  let arguments = (ins TG_FloatTensor:$input, DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations,
                       DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
                       DefaultValuedAttr<I64Attr, "2">:$p);
}

def TG_BatchNormOp : TG_Op<"batch_norm", [Pure]> {
  let summary = "inference batch normalization over dim 1";
  let description = [{
    `y = (x - mean) / sqrt(var + epsilon) * scale + bias`, with the four
    per-channel operands of shape `C` applied along dim 1.

    Example:
    ```mlir
    %y = tg.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-05 : f32}
        : (tensor<1x64x8x8xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<1x64x8x8xf32>
    ```
  }];
  let arguments = (ins TG_FloatTensor:$input, TG_FloatTensor:$scale,
                       TG_FloatTensor:$bias, TG_FloatTensor:$mean,
                       TG_FloatTensor:$variance,
                       DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon);
  let results = (outs TG_FloatTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def TG_InstanceNormOp : TG_Op<"instance_norm", [Pure]> {
  let summary = "instance normalization (per sample and channel)";
  let description = [{
    Normalizes each (n, c) slice over the spatial dims, then applies the
    per-channel `scale` and `bias`.

    Example:
    ```mlir
    %y = tg.instance_norm %x, %s, %b {epsilon = 1.0e-05 : f32}
        : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x4xf32>
    ```
  }];
  let arguments = (ins TG_FloatTensor:$input, TG_FloatTensor:$scale,
                       TG_FloatTensor:$bias,
                       DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon);
  let results = (outs TG_FloatTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def TG_GroupNormOp : TG_Op<"group_norm", [Pure]> {
  let summary = "group normalization";
  let description = [{
    Splits the channels (dim 1) into `num_groups` groups, normalizes each
    (n, group) over its channels and spatial dims, then applies the
    per-channel `scale` and `bias` (shape `C`).

    Example:
    ```mlir
    %y = tg.group_norm %x, %s, %b {num_groups = 2 : i64, epsilon = 1.0e-05 : f32}
        : (tensor<1x4x8xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8xf32>
    ```
  }];
  let arguments = (ins TG_FloatTensor:$input, TG_FloatTensor:$scale,
                       TG_FloatTensor:$bias, I64Attr:$num_groups,
                       DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon);
  let results = (outs TG_FloatTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def TG_LayerNormOp : TG_Op<"layer_norm", [Pure]> {
  let summary = "layer normalization over the trailing dims from `axis`";
  let description = [{
    Normalizes over dims `axis..rank-1` to zero mean and unit variance, then
    multiplies by `scale` and adds `bias` (both broadcast to those dims).

    Example:
    ```mlir
    %y = tg.layer_norm %x, %g, %b {axis = 2 : i64, epsilon = 1.0e-05 : f32}
        : (tensor<1x128x768xf32>, tensor<768xf32>, tensor<768xf32>) -> tensor<1x128x768xf32>
    ```
  }];
  let arguments = (ins TG_FloatTensor:$input, TG_FloatTensor:$scale,
                       TG_FloatTensor:$bias, I64Attr:$axis,
                       DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon);
  let results = (outs TG_FloatTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def TG_LRNOp : TG_Op<"lrn", [Pure]> {
  let summary = "local response normalization across channels";
  let description = [{
    `y = x / (bias + alpha/size * sum(x^2 over size neighbouring channels))^beta`.

    Example:
    ```mlir
    %y = tg.lrn %x {size = 3 : i64} : tensor<1x8x4x4xf32>
    ```
  }];
  let arguments = (ins TG_FloatTensor:$input, I64Attr:$size,
                       DefaultValuedAttr<F32Attr, "1.0e-4">:$alpha,
                       DefaultValuedAttr<F32Attr, "0.75">:$beta,
                       DefaultValuedAttr<F32Attr, "1.0">:$bias);
  let results = (outs TG_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

class TG_AxisOp<string mnemonic, string fn>
    : TG_Op<mnemonic, [Pure]> {
  let summary = fn # " along one axis";
  let description = "Computes " # fn # " along `axis` (non-negative).\n\n"
    # "Example:\n```mlir\n%y = tg." # mnemonic
    # " %x {axis = 1 : i64} : tensor<2x10xf32>\n```";
  let arguments = (ins TG_FloatTensor:$input, I64Attr:$axis);
  let results = (outs TG_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}
def TG_SoftmaxOp : TG_AxisOp<"softmax", "softmax">;
def TG_LogSoftmaxOp : TG_AxisOp<"log_softmax", "log of softmax">;
def TG_HardmaxOp : TG_AxisOp<"hardmax", "one-hot of the first maximum">;

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

class TG_ReduceOp<string mnemonic, string fn, Type T = TG_NumTensor>
    : TG_Op<mnemonic, [Pure]> {
  let summary = "reduction: " # fn;
  let description = "Reduces the dims listed in `axes` (sorted, "
    # "non-negative, unique; empty means none) with " # fn # ". With "
    # "`keepdims` the reduced dims stay with size 1. When the axes are only "
    # "known at run time they come as the 1-D i64 operand `axes(...)` "
    # "instead (ONNX semantics: negative values count from the end; the "
    # "`axes` attribute is then empty, the result dims are `?` but for "
    # "input dims of size 1, and axes out of range or repeated are a "
    # "run-time error).\n\nExample:\n```mlir\n"
    # "%y = tg." # mnemonic # " %x {axes = array<i64: 1>, keepdims = true}"
    # " : tensor<2x3xf32> -> tensor<2x1xf32>\n"
    # "%z = tg." # mnemonic # " %x axes(%a : tensor<1xi64>) {axes = array<i64>,"
    # " keepdims = false} : tensor<2x3xf32> -> tensor<?xf32>\n```";
  let arguments = (ins T:$input, Optional<TG_I64Tensor>:$dynamic_axes,
                       DenseI64ArrayAttr:$axes,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims);
  let results = (outs T:$output);
  let assemblyFormat = [{
    $input (`axes` `(` $dynamic_axes^ `:` type($dynamic_axes) `)`)? attr-dict
    `:` type($input) `->` type($output)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$input, "::llvm::ArrayRef<int64_t>":$axes,
                   "bool":$keepdims), [{
      build($_builder, $_state, input, ::mlir::Value(), axes, keepdims);
    }]>
  ];
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(::mlir::MLIRContext *ctx,
        std::optional<::mlir::Location> loc, Adaptor adaptor,
        ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      if (adaptor.getDynamicAxes())
        return ::mlir::tangram::tg::inferDynamicReduce(loc, adaptor.getInput(),
            adaptor.getDynamicAxes(), adaptor.getAxes(), adaptor.getKeepdims(),
            types);
      return ::mlir::tangram::tg::inferReduce(loc, adaptor.getInput(),
          adaptor.getAxes(), adaptor.getKeepdims(), types);
    }
  }];
}
def TG_ReduceSumOp : TG_ReduceOp<"reduce_sum", "sum">;
def TG_ReduceMeanOp : TG_ReduceOp<"reduce_mean", "mean">;
/// On i1 max is `or` and min is `and` (ONNX allows bool since opset 20).
def TG_ReduceMaxOp : TG_ReduceOp<"reduce_max", "max", TG_NumOrBoolTensor>;
def TG_ReduceMinOp : TG_ReduceOp<"reduce_min", "min", TG_NumOrBoolTensor>;
def TG_ReduceProdOp : TG_ReduceOp<"reduce_prod", "product">;
def TG_ReduceL1Op : TG_ReduceOp<"reduce_l1", "sum of |x|">;
def TG_ReduceL2Op : TG_ReduceOp<"reduce_l2", "sqrt of sum of x^2">;
def TG_ReduceSumSquareOp : TG_ReduceOp<"reduce_sum_square", "sum of x^2">;
def TG_ReduceLogSumOp : TG_ReduceOp<"reduce_log_sum", "log of sum", TG_FloatTensor>;
def TG_ReduceLogSumExpOp : TG_ReduceOp<"reduce_log_sum_exp", "log of sum of e^x", TG_FloatTensor>;

class TG_ArgOp<string mnemonic, string fn> : TG_Op<mnemonic, [Pure]> {
  let summary = "index of the " # fn # " along an axis";
  let description = "Returns i64 indices of the " # fn # " along `axis`; "
    # "ties give the first index, or the last with `select_last_index`.\n\n"
    # "Example:\n```mlir\n%i = tg." # mnemonic # " %x {axis = 1 : i64, "
    # "keepdims = false} : tensor<2x3xf32> -> tensor<2xi64>\n```";
  let arguments = (ins TG_NumTensor:$input, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims,
                       DefaultValuedAttr<BoolAttr, "false">:$select_last_index);
  let results = (outs TG_I64Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}
def TG_ArgMaxOp : TG_ArgOp<"argmax", "maximum">;
def TG_ArgMinOp : TG_ArgOp<"argmin", "minimum">;

def TG_CumSumOp : TG_Op<"cumsum", [Pure]> {
  let summary = "cumulative sum along an axis";
  let description = [{
    Running sum along `axis`; `exclusive` leaves out the current element,
    `reverse` runs from the end. An axis known only at run time comes as the
    one-element operand `axis(...)` (negative counts from the end; out of
    range is a run-time error), and the `axis` attribute is then 0.

    Example:
    ```mlir
    %y = tg.cumsum %x {axis = 0 : i64} : tensor<5xf32>
    %z = tg.cumsum %x axis(%a : tensor<i64>) {axis = 0 : i64} : tensor<5xf32>
    ```
  }];
  let arguments = (ins TG_NumTensor:$input, Optional<TG_IndexTensor>:$dynamic_axis,
                       I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "false">:$exclusive,
                       DefaultValuedAttr<BoolAttr, "false">:$reverse);
  let results = (outs TG_NumTensor:$output);
  let assemblyFormat = [{
    $input (`axis` `(` $dynamic_axis^ `:` type($dynamic_axis) `)`)? attr-dict
    `:` type($input)
  }];
  let hasVerifier = 1;
}

def TG_TopKOp : TG_Op<"topk", [Pure]> {
  let summary = "the k largest (or smallest) elements along an axis";
  let description = [{
    Returns values and i64 indices of the `k` largest (`largest`) or smallest
    elements along `axis`, sorted when `sorted` is set. `k` is a 1-element
    i64 tensor; when it is not a constant the axis dim of the results is `?`.

    Example:
    ```mlir
    %v, %i = tg.topk %x, %k {axis = 1 : i64}
        : (tensor<3x4xf32>, tensor<1xi64>) -> (tensor<3x2xf32>, tensor<3x2xi64>)
    ```
  }];
  let arguments = (ins TG_NumTensor:$input, TG_I64Tensor:$k, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$largest,
                       DefaultValuedAttr<BoolAttr, "true">:$sorted);
  let results = (outs TG_NumTensor:$values, TG_I64Tensor:$indices);
  let assemblyFormat = "$input `,` $k attr-dict `:` functional-type(operands, results)";
}

def TG_UniqueOp : TG_Op<"unique", [Pure]> {
  let summary = "the distinct elements (or slices along an axis) of a tensor";
  let description = [{
    ONNX Unique: `output` holds the distinct elements of the flattened
    input, or the distinct slices along `axis`, sorted ascending when
    `sorted` is set and in order of first occurrence otherwise; `indices`
    gives the first occurrence of each, `inverse_indices` the position in
    `output` of every input element (or slice), `counts` how often each
    occurs. Their lengths depend on the data.

    Example:
    ```mlir
    %y, %i, %v, %c = tg.unique %x {sorted = true}
        : (tensor<6xf32>) -> (tensor<?xf32>, tensor<?xi64>, tensor<6xi64>, tensor<?xi64>)
    ```
  }];
  let arguments = (ins TG_NumTensor:$input, OptionalAttr<I64Attr>:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$sorted);
  let results = (outs TG_NumTensor:$output, TG_I64Tensor:$indices,
                      TG_I64Tensor:$inverse_indices, TG_I64Tensor:$counts);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def TG_DetOp : TG_Op<"det", [Pure]> {
  let summary = "determinants of a batch of square matrices";
  let description = [{
    The determinant of each `M x M` matrix in the last two dims; the result
    has the batch dims.

    Example:
    ```mlir
    %d = tg.det %x : tensor<3x2x2xf32> -> tensor<3xf32>
    ```
  }];
  let arguments = (ins TG_FloatTensor:$input);
  let results = (outs TG_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def TG_EinsumOp : TG_Op<"einsum", [Pure]> {
  let summary = "Einstein summation";
  let description = [{
    Sums products of the inputs over the indices that the explicit or
    implicit output of `equation` leaves out (no ellipsis).

    Example:
    ```mlir
    %y = tg.einsum %a, %b {equation = "ij,jk->ik"}
        : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
    ```
  }];
  let arguments = (ins Variadic<TG_NumTensor>:$inputs, StrAttr:$equation);
  let results = (outs TG_NumTensor:$output);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Data movement and shapes
//===----------------------------------------------------------------------===//

def TG_TransposeOp : TG_Op<"transpose", [Pure]> {
  let summary = "permutes dimensions";
  let description = [{
    Result dim `i` is input dim `perm[i]`.

    Example:
    ```mlir
    %y = tg.transpose %x {perm = array<i64: 0, 2, 1>} : tensor<1x2x3xf32> -> tensor<1x3x2xf32>
    ```
  }];
  let arguments = (ins TG_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs TG_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasFolder = 1;
}

def TG_ReshapeOp : TG_Op<"reshape", [Pure]> {
  let summary = "reshapes to the shape held by a 1-D i64 tensor";
  let description = [{
    ONNX Reshape: a `0` in `shape` copies the input dim (unless `allowzero`)
    and one `-1` takes what is left. When `shape` is not a constant the
    result dims are `?`.

    Example:
    ```mlir
    %s = tg.constant dense<[1, -1]> : tensor<2xi64>
    %y = tg.reshape %x, %s : (tensor<1x512x1x1xf32>, tensor<2xi64>) -> tensor<1x512xf32>
    ```
  }];
  let arguments = (ins TG_Tensor:$input, TG_I64Tensor:$shape,
                       DefaultValuedAttr<BoolAttr, "false">:$allowzero);
  let results = (outs TG_Tensor:$output);
  let assemblyFormat = "$input `,` $shape attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def TG_FlattenOp : TG_Op<"flatten", [Pure]> {
  let summary = "flattens to a matrix at `axis`";
  let description = [{
    Result is 2-D: the product of dims before `axis` by the product of the rest.

    Example:
    ```mlir
    %y = tg.flatten %x {axis = 1 : i64} : tensor<1x512x1x1xf32> -> tensor<1x512xf32>
    ```
  }];
  let arguments = (ins TG_Tensor:$input, I64Attr:$axis);
  let results = (outs TG_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def TG_SqueezeOp : TG_Op<"squeeze", [Pure]> {
  let summary = "removes size-1 dims";
  let description = [{
    Removes the dims listed in `axes` (each must be 1 or `?`). Axes known
    only at run time come as the 1-D operand `axes(...)` (static length k;
    negative counts from the end; each listed dim must be 1 at run time)
    with an empty `axes` attribute; the result then has rank r - k and `?`
    dims.

    Example:
    ```mlir
    %y = tg.squeeze %x {axes = array<i64: 0>} : tensor<1x3xf32> -> tensor<3xf32>
    %z = tg.squeeze %x axes(%a : tensor<1xi64>) {axes = array<i64>} : tensor<1x3xf32> -> tensor<?xf32>
    ```
  }];
  let arguments = (ins TG_Tensor:$input, Optional<TG_I64Tensor>:$dynamic_axes,
                       DenseI64ArrayAttr:$axes);
  let results = (outs TG_Tensor:$output);
  let assemblyFormat = [{
    $input (`axes` `(` $dynamic_axes^ `:` type($dynamic_axes) `)`)? attr-dict
    `:` type($input) `->` type($output)
  }];
  let hasFolder = 1;
}

def TG_UnsqueezeOp : TG_Op<"unsqueeze", [Pure]> {
  let summary = "inserts size-1 dims";
  let description = [{
    Inserts size-1 dims at the result positions in `axes`. Axes known only
    at run time come as the 1-D operand `axes(...)` (static length k;
    negative counts from the end of the result) with an empty `axes`
    attribute; the result then has rank r + k and `?` dims.

    Example:
    ```mlir
    %y = tg.unsqueeze %x {axes = array<i64: 0, 2>} : tensor<3xf32> -> tensor<1x3x1xf32>
    %z = tg.unsqueeze %x axes(%a : tensor<1xi64>) {axes = array<i64>} : tensor<3xf32> -> tensor<?x?xf32>
    ```
  }];
  let arguments = (ins TG_Tensor:$input, Optional<TG_I64Tensor>:$dynamic_axes,
                       DenseI64ArrayAttr:$axes);
  let results = (outs TG_Tensor:$output);
  let assemblyFormat = [{
    $input (`axes` `(` $dynamic_axes^ `:` type($dynamic_axes) `)`)? attr-dict
    `:` type($input) `->` type($output)
  }];
  let hasFolder = 1;
}

def TG_ExpandOp : TG_Op<"expand", [Pure]> {
  let summary = "broadcasts to a shape held by a 1-D i64 tensor";
  let description = [{
    The result shape is the numpy broadcast of the input shape and `shape`.

    Example:
    ```mlir
    %y = tg.expand %x, %s : (tensor<3x1xf32>, tensor<2xi64>) -> tensor<3x4xf32>
    ```
  }];
  let arguments = (ins TG_Tensor:$input, TG_I64Tensor:$shape);
  let results = (outs TG_Tensor:$output);
  let assemblyFormat = "$input `,` $shape attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def TG_ConcatOp : TG_Op<"concat", [Pure]> {
  let summary = "concatenates tensors along an axis";
  let description = [{
    All inputs share rank, element type and every dim but `axis`.

    Example:
    ```mlir
    %y = tg.concat %a, %b {axis = 0 : i64} : (tensor<2xi64>, tensor<1xi64>) -> tensor<3xi64>
    ```
  }];
  let arguments = (ins Variadic<TG_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs TG_Tensor:$output);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def TG_SplitOp : TG_Op<"split", [Pure]> {
  let summary = "splits a tensor along an axis into pieces of given sizes";
  let description = [{
    Result `i` takes `sizes[i]` elements of `axis`; the sizes add up to the
    axis dim when it is static. Sizes known only at run time come as the
    1-D operand `sizes(...)` with one element per result (non-negative and
    adding up to the axis dim at run time) and an empty `sizes` attribute;
    the results' axis dims are then `?`.

    Example:
    ```mlir
    %a, %b = tg.split %x {axis = 0 : i64, sizes = array<i64: 2, 4>}
        : tensor<6xf32> -> (tensor<2xf32>, tensor<4xf32>)
    %c, %d = tg.split %x sizes(%s : tensor<2xi64>) {axis = 0 : i64, sizes = array<i64>}
        : tensor<6xf32> -> (tensor<?xf32>, tensor<?xf32>)
    ```
  }];
  let arguments = (ins TG_Tensor:$input, Optional<TG_I64Tensor>:$dynamic_sizes,
                       I64Attr:$axis, DenseI64ArrayAttr:$sizes);
  let results = (outs Variadic<TG_Tensor>:$outputs);
  let assemblyFormat = [{
    $input (`sizes` `(` $dynamic_sizes^ `:` type($dynamic_sizes) `)`)? attr-dict
    `:` type($input) `->` type($outputs)
  }];
}

def TG_SliceOp : TG_Op<"slice", [Pure]> {
  let summary = "strided slice (ONNX Slice)";
  let description = [{
    `starts`, `ends`, `axes`, `steps` are 1-D i64 tensors of equal length
    with ONNX semantics (negative values count from the end, out-of-range
    values clamp). When they are constants the result shape is known.

    Example:
    ```mlir
    %y = tg.slice %x, %starts, %ends, %axes, %steps
        : (tensor<20x10xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<3x10xf32>
    ```
  }];
  let arguments = (ins TG_Tensor:$input, TG_IndexTensor:$starts,
                       TG_IndexTensor:$ends, TG_IndexTensor:$axes,
                       TG_IndexTensor:$steps);
  let results = (outs TG_Tensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def TG_GatherOp : TG_Op<"gather", [Pure]> {
  let summary = "gathers slices along an axis (ONNX Gather)";
  let description = [{
    Result shape: `data.shape[:axis] + indices.shape + data.shape[axis+1:]`.
    Negative indices count from the end.

    Example:
    ```mlir
    %e = tg.gather %table, %ids {axis = 0 : i64}
        : (tensor<1000x128xf32>, tensor<1x16xi64>) -> tensor<1x16x128xf32>
    ```
  }];
  let arguments = (ins TG_Tensor:$data, TG_IndexTensor:$indices, I64Attr:$axis);
  let results = (outs TG_Tensor:$output);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def TG_GatherElementsOp : TG_Op<"gather_elements", [Pure]> {
  let summary = "gathers single elements along an axis";
  let description = [{
    `out[i][j] = data[indices[i][j]][j]` for `axis = 0`; the result has the
    shape of `indices`.

    Example:
    ```mlir
    %y = tg.gather_elements %x, %i {axis = 1 : i64}
        : (tensor<2x2xf32>, tensor<2x2xi64>) -> tensor<2x2xf32>
    ```
  }];
  let arguments = (ins TG_Tensor:$data, TG_IndexTensor:$indices, I64Attr:$axis);
  let results = (outs TG_Tensor:$output);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
}

def TG_GatherNDOp : TG_Op<"gather_nd", [Pure]> {
  let summary = "gathers slices addressed by index tuples (ONNX GatherND)";
  let description = [{
    The last dim of `indices` holds tuples into the dims of `data` that
    follow the first `batch_dims` dims.

    Example:
    ```mlir
    %y = tg.gather_nd %x, %i : (tensor<2x2xf32>, tensor<2x2xi64>) -> tensor<2xf32>
    ```
  }];
  let arguments = (ins TG_Tensor:$data, TG_I64Tensor:$indices,
                       DefaultValuedAttr<I64Attr, "0">:$batch_dims);
  let results = (outs TG_Tensor:$output);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
}

def TG_ScatterElementsOp : TG_Op<"scatter_elements", [Pure]> {
  let summary = "writes updates at per-element indices along an axis";
  let description = [{
    A copy of `data` with `updates` written (or combined with `reduction`:
    none, add, mul, max, min) at `indices` along `axis`.

    Example:
    ```mlir
    %y = tg.scatter_elements %x, %i, %u {axis = 0 : i64, reduction = "none"}
        : (tensor<3x3xf32>, tensor<2x3xi64>, tensor<2x3xf32>) -> tensor<3x3xf32>
    ```
  }];
  let arguments = (ins TG_Tensor:$data, TG_IndexTensor:$indices,
                       TG_Tensor:$updates, I64Attr:$axis,
                       DefaultValuedAttr<StrAttr, "\"none\"">:$reduction);
  let results = (outs TG_Tensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def TG_ScatterNDOp : TG_Op<"scatter_nd", [Pure]> {
  let summary = "writes slices addressed by index tuples (ONNX ScatterND)";
  let description = [{
    A copy of `data` with `updates` written (or combined with `reduction`)
    at the tuples held in the last dim of `indices`.

    Example:
    ```mlir
    %y = tg.scatter_nd %x, %i, %u {reduction = "none"}
        : (tensor<8xf32>, tensor<4x1xi64>, tensor<4xf32>) -> tensor<8xf32>
    ```
  }];
  let arguments = (ins TG_Tensor:$data, TG_I64Tensor:$indices,
                       TG_Tensor:$updates,
                       DefaultValuedAttr<StrAttr, "\"none\"">:$reduction);
  let results = (outs TG_Tensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def TG_PadOp : TG_Op<"pad", [Pure]> {
  let summary = "pads with a constant, or by reflecting, replicating or wrapping";
  let description = [{
    `pads` is a 1-D i64 tensor with the begin pads of every dim then the end
    pads (negative values crop). `mode` is `constant`, `reflect`, `edge` or
    `wrap`; `value` (a 0-D or 1-element tensor) fills in constant mode.

    Example:
    ```mlir
    %y = tg.pad %x, %pads, %v {mode = "constant"}
        : (tensor<3x2xf32>, tensor<4xi64>, tensor<f32>) -> tensor<3x4xf32>
    ```
  }];
  let arguments = (ins TG_Tensor:$input, TG_I64Tensor:$pads,
                       TG_Tensor:$value,
                       DefaultValuedAttr<StrAttr, "\"constant\"">:$mode);
  let results = (outs TG_Tensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def TG_TileOp : TG_Op<"tile", [Pure]> {
  let summary = "repeats a tensor along each dim";
  let description = [{
    Dim `i` of the result is `input.dim(i) * repeats[i]`.

    Example:
    ```mlir
    %y = tg.tile %x, %r : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<4x3xf32>
    ```
  }];
  let arguments = (ins TG_Tensor:$input, TG_I64Tensor:$repeats);
  let results = (outs TG_Tensor:$output);
  let assemblyFormat = "$input `,` $repeats attr-dict `:` functional-type(operands, results)";
}

def TG_ShapeOp : TG_Op<"shape", [Pure]> {
  let summary = "the shape of a tensor as a 1-D i64 tensor";
  let description = [{
    Returns dims `start..end` (Python slice rules) of the operand's shape.
    Folds to a constant when those dims are static.

    Example:
    ```mlir
    %s = tg.shape %x {start = 0 : i64, end = 2 : i64} : tensor<1x?x4xf32> -> tensor<2xi64>
    ```
  }];
  let arguments = (ins TG_Tensor:$input, I64Attr:$start, I64Attr:$end);
  let results = (outs TG_I64Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasFolder = 1;
}

def TG_SizeOp : TG_Op<"size", [Pure]> {
  let summary = "the number of elements of a tensor, as an i64 scalar";
  let description = [{
    Folds to a constant when the operand shape is static.

    Example:
    ```mlir
    %n = tg.size %x : tensor<2x3xf32> -> tensor<i64>
    ```
  }];
  let arguments = (ins TG_Tensor:$input);
  let results = (outs TG_I64Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasFolder = 1;
}

def TG_ConstantOfShapeOp : TG_Op<"constant_of_shape", [Pure]> {
  let summary = "a tensor of a given shape filled with one value";
  let description = [{
    `shape` is a 1-D i64 tensor; `value` is a 1-element tensor attribute
    whose element type is the result's.

    Example:
    ```mlir
    %z = tg.constant_of_shape %s {value = dense<0.0> : tensor<1xf32>}
        : (tensor<2xi64>) -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins TG_I64Tensor:$shape, ElementsAttr:$value);
  let results = (outs TG_Tensor:$output);
  let assemblyFormat = "$shape attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def TG_RangeOp : TG_Op<"range", [Pure]> {
  let summary = "a 1-D sequence start, start+delta, ... below limit";
  let description = [{
    Operands are scalars (0-D tensors) of one numeric type. The length is
    `max(ceil((limit - start) / delta), 0)`, known when all three are constants.

    Example:
    ```mlir
    %r = tg.range %a, %b, %d : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
    ```
  }];
  let arguments = (ins TG_NumTensor:$start, TG_NumTensor:$limit,
                       TG_NumTensor:$delta);
  let results = (outs TG_NumTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def TG_ResizeOp : TG_Op<"resize", [Pure]> {
  let summary = "resizes spatial dims by interpolation (ONNX Resize)";
  let description = [{
    The output size is given by `sizes` (1-D i64, one per dim) or, when it is
    an empty tensor, by `floor(input dim * scales)`. `mode` is `nearest`,
    `linear` or `cubic`; the coordinate transformation and nearest rounding
    modes are those of ONNX.

    Example:
    ```mlir
    %y = tg.resize %x, %scales, %sizes {mode = "nearest"}
        : (tensor<1x1x2x2xf32>, tensor<4xf32>, tensor<0xi64>) -> tensor<1x1x4x4xf32>
    ```
  }];
  let arguments = (ins TG_NumTensor:$input, TG_FloatTensor:$scales,
                       TG_I64Tensor:$sizes,
                       DefaultValuedAttr<StrAttr, "\"nearest\"">:$mode,
                       DefaultValuedAttr<StrAttr, "\"half_pixel\"">:$coordinate_transformation_mode,
                       DefaultValuedAttr<StrAttr, "\"round_prefer_floor\"">:$nearest_mode,
                       DefaultValuedAttr<F32Attr, "-0.75">:$cubic_coeff_a,
                       DefaultValuedAttr<BoolAttr, "false">:$exclude_outside,
                       DefaultValuedAttr<F32Attr, "0.0">:$extrapolation_value);
  let results = (outs TG_NumTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

class TG_BlockOp<string mnemonic, string what> : TG_Op<mnemonic, [Pure]> {
  let summary = "moves " # what;
  let description = "Rearranges blocks of `blocksize` x `blocksize` "
    # what # " (NCHW).\n\nExample:\n```mlir\n%y = tg." # mnemonic
    # " %x {blocksize = 2 : i64} : tensor<1x8x2x3xf32> -> tensor<1x2x4x6xf32>\n```";
  let results = (outs TG_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}
def TG_DepthToSpaceOp : TG_BlockOp<"depth_to_space", "channel data into space"> {
  let arguments = (ins TG_Tensor:$input, I64Attr:$blocksize,
                       DefaultValuedAttr<BoolAttr, "false">:$crd_mode);
}
def TG_SpaceToDepthOp : TG_BlockOp<"space_to_depth", "spatial data into channels"> {
  let arguments = (ins TG_Tensor:$input, I64Attr:$blocksize);
}

def TG_OneHotOp : TG_Op<"one_hot", [Pure]> {
  let summary = "one-hot encoding";
  let description = [{
    Inserts a dim of size `depth` (a constant scalar) at `axis`; the element
    at the index is `values[1]`, the others `values[0]`.

    Example:
    ```mlir
    %y = tg.one_hot %i, %d, %v {axis = 1 : i64}
        : (tensor<3xi64>, tensor<i64>, tensor<2xf32>) -> tensor<3x10xf32>
    ```
  }];
  let arguments = (ins TG_NumTensor:$indices, TG_NumTensor:$depth,
                       TG_Tensor:$values, I64Attr:$axis);
  let results = (outs TG_Tensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def TG_TriluOp : TG_Op<"trilu", [Pure]> {
  let summary = "keeps the upper or lower triangle of the last two dims";
  let description = [{
    Zeroes elements below (`upper`) or above the `k`-th diagonal; `k` is an
    i64 scalar tensor.

    Example:
    ```mlir
    %y = tg.trilu %x, %k {upper = true} : (tensor<4x5xf32>, tensor<i64>) -> tensor<4x5xf32>
    ```
  }];
  let arguments = (ins TG_Tensor:$input, TG_I64Tensor:$k,
                       DefaultValuedAttr<BoolAttr, "true">:$upper);
  let results = (outs TG_Tensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def TG_EyeLikeOp : TG_Op<"eye_like", [Pure]> {
  let summary = "a 2-D identity-like matrix";
  let description = [{
    Ones on the `k`-th diagonal, zeros elsewhere; the shape is the input's,
    the element type is `dtype`.

    Example:
    ```mlir
    %y = tg.eye_like %x {k = 0 : i64, dtype = f32} : tensor<3x4xi32> -> tensor<3x4xf32>
    ```
  }];
  let arguments = (ins TG_Tensor:$input, DefaultValuedAttr<I64Attr, "0">:$k,
                       TypeAttr:$dtype);
  let results = (outs TG_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def TG_NonZeroOp : TG_Op<"nonzero", [Pure]> {
  let summary = "indices of the non-zero elements";
  let description = [{
    Returns an i64 tensor of shape `rank x ?`: one column per non-zero
    element, in row-major order. The number of columns depends on the data.

    Example:
    ```mlir
    %i = tg.nonzero %x : tensor<2x2xf32> -> tensor<2x?xi64>
    ```
  }];
  let arguments = (ins TG_Tensor:$input);
  let results = (outs TG_I64Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def TG_CompressOp : TG_Op<"compress", [Pure]> {
  let summary = "keeps the slices selected by a boolean vector";
  let description = [{
    Keeps the slices along `axis` where `condition` is true (flattening the
    input first when `axis` is absent). The kept count depends on the data.

    Example:
    ```mlir
    %y = tg.compress %x, %c {axis = 0 : i64} : (tensor<3x2xf32>, tensor<3xi1>) -> tensor<?x2xf32>
    ```
  }];
  let arguments = (ins TG_Tensor:$input, TG_BoolTensor:$condition,
                       OptionalAttr<I64Attr>:$axis);
  let results = (outs TG_Tensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def TG_ReverseSequenceOp : TG_Op<"reverse_sequence", [Pure]> {
  let summary = "reverses the first `seq_lens[b]` elements of each batch entry";
  let description = [{
    Along `time_axis`, for every index `b` of `batch_axis`.

    Example:
    ```mlir
    %y = tg.reverse_sequence %x, %l {batch_axis = 1 : i64, time_axis = 0 : i64}
        : (tensor<4x4xf32>, tensor<4xi64>) -> tensor<4x4xf32>
    ```
  }];
  let arguments = (ins TG_Tensor:$input, TG_I64Tensor:$seq_lens,
                       I64Attr:$batch_axis, I64Attr:$time_axis);
  let results = (outs TG_Tensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def TG_DequantizeLinearOp : TG_Op<"dequantize_linear", [Pure]> {
  let summary = "(x - zero_point) * scale";
  let description = [{
    Per-tensor (`scale` 0-D or 1 element) or per-axis (`scale` 1-D along
    `axis`) dequantization. `zero_point` has the input's element type, an
    integer or an 8-bit float.

    Example:
    ```mlir
    %y = tg.dequantize_linear %q, %s, %z {axis = 1 : i64}
        : (tensor<4xui8>, tensor<f32>, tensor<ui8>) -> tensor<4xf32>
    ```
  }];
  let arguments = (ins TG_QuantTensor:$input, TG_FloatTensor:$scale,
                       TG_QuantTensor:$zero_point,
                       DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs TG_FloatTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def TG_QuantizeLinearOp : TG_Op<"quantize_linear", [Pure]> {
  let summary = "saturate(round(x / scale) + zero_point)";
  let description = [{
    Rounds half to even and saturates to the range of `zero_point`'s type,
    which is also the result element type. To an 8-bit float the result is
    `x / scale + zero_point` converted (rounding to nearest even), saturated
    to the largest finite value when `saturate` is set (the default).

    Example:
    ```mlir
    %q = tg.quantize_linear %x, %s, %z {axis = 1 : i64}
        : (tensor<4xf32>, tensor<f32>, tensor<ui8>) -> tensor<4xui8>
    ```
  }];
  let arguments = (ins TG_FloatTensor:$input, TG_FloatTensor:$scale,
                       TG_QuantTensor:$zero_point,
                       DefaultValuedAttr<I64Attr, "1">:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$saturate);
  let results = (outs TG_QuantTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

include "VisionOps.td"
include "SignalOps.td"
include "RandomOps.td"
include "SequenceOps.td"
include "ControlFlowOps.td"
include "ScheduleOps.td"

#endif // TANGRAM_GRAPH_OPS
