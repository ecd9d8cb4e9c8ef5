//===- RandomOps.td - tg random number ops ------------------*- tablegen -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Random tensors (ONNX RandomUniform/RandomNormal and their -Like forms;
// Bernoulli and training-mode Dropout are built from them). They are not
// Pure: two draws must not be merged. Included by GraphOps.td; type
// inference is in RandomOps.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_GRAPH_RANDOM_OPS
#define TANGRAM_GRAPH_RANDOM_OPS

class TG_RandomOp<string mnemonic, string what, string a, string b,
                  string ad, string bd>
    : TG_Op<mnemonic, [DeclareOpInterfaceMethods<MemoryEffectsOpInterface>]> {
  let summary = "a tensor of " # what # " random values";
  let description = "Draws independent " # what # " values (parameters `"
    # a # "` and `" # b # "`) of element type `dtype` into a tensor whose "
    # "shape is the 1-D i64 `shape` (dims are `?` unless it is a constant). "
    # "With `seed` the values are a function of the seed and the element "
    # "position; without it each run draws new values.\n\nExample:\n"
    # "```mlir\n%r = tg." # mnemonic # " %s {dtype = f32, " # a # " = " # ad
    # " : f32, " # b # " = " # bd # " : f32, seed = 1.0 : f32}\n"
    # "    : tensor<2xi64> -> tensor<3x4xf32>\n```";
  let results = (outs TG_FloatTensor:$output);
  let assemblyFormat = "$shape attr-dict `:` type($shape) `->` type($output)";
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(::mlir::MLIRContext *,
        std::optional<::mlir::Location> loc, Adaptor adaptor,
        ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      return ::mlir::tangram::tg::inferRandom(loc, adaptor.getShape(),
                                              adaptor.getDtype(), types);
    }
    void $cppClass::getEffects(::llvm::SmallVectorImpl<
        ::mlir::SideEffects::EffectInstance<::mlir::MemoryEffects::Effect>>
        &effects) {
      // A draw reads and advances generator state: never CSE'd or hoisted.
      effects.emplace_back(::mlir::MemoryEffects::Read::get());
      effects.emplace_back(::mlir::MemoryEffects::Write::get());
    }
  }];
}

def TG_RandomUniformOp : TG_RandomOp<"random_uniform", "uniform",
                                     "low", "high", "0.0", "1.0"> {
  let arguments = (ins TG_I64Tensor:$shape, TypeAttr:$dtype, F32Attr:$low,
                       F32Attr:$high, OptionalAttr<F32Attr>:$seed);
}
def TG_RandomNormalOp : TG_RandomOp<"random_normal", "normal",
                                    "mean", "scale", "0.0", "1.0"> {
  let arguments = (ins TG_I64Tensor:$shape, TypeAttr:$dtype, F32Attr:$mean,
                       F32Attr:$scale, OptionalAttr<F32Attr>:$seed);
}

#endif // TANGRAM_GRAPH_RANDOM_OPS
