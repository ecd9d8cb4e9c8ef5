//===- Passes.td - passes of the Vulkan target ------------*- tablegen -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_TARGET_VULKAN_PASSES
#define TANGRAM_TARGET_VULKAN_PASSES

include "mlir/Pass/PassBase.td"

def VulkanAttachTargetPass : Pass<"tg-vulkan-attach-target", "ModuleOp"> {
  let summary = "Sets the SPIR-V target environment and each kernel's "
                "workgroup size, and refuses element types the device lacks";
  let description = [{
    Puts a `spirv.target_env` (SPIR-V 1.3, Vulkan, the capabilities of
    `capabilities`, 32-bit indexing happens in the conversion) on the module
    and a `spirv.entry_point_abi` with the kernel's `known_block_size` on
    each kernel. Without a target env the conversion silently assumes
    SPIR-V 1.0 with Shader only.

    An op inside a kernel that computes with an element type the
    capabilities lack (f64 without Float64, f16 without Float16 and
    StorageBuffer16BitAccess, i64 without Int64, i8/i16 without Int8/Int16
    and their storage capabilities) is an error naming the op, the type and
    the missing capability; placement asks the same question before it
    puts an op on the device.

    `capabilities` is a comma-separated list; `+Name` adds to the default
    profile, `-Name` removes from it, and a plain list replaces it.
  }];
  let options = [
    Option<"capabilities", "capabilities", "std::string", "\"\"",
           "SPIR-V capabilities of the device (e.g. -Float64)">,
  ];
  let dependentDialects = ["::mlir::spirv::SPIRVDialect",
                           "::mlir::gpu::GPUDialect"];
}

def VulkanLowerMathPass : Pass<"tg-vulkan-lower-math", "ModuleOp"> {
  let summary = "Math that GLSL.std.450 lacks, as expansions and polynomials";
  let description = [{
    GLSL has no erf, erfc, log1p, expm1, cbrt, and the SPIR-V math
    conversion has no pattern for several others (hyperbolic functions,
    powers with integer exponents, rounding variants, trunc). They are
    expanded (`math-expand-ops` patterns, trunc as a select of ceil and
    floor) or computed as f32 polynomials
    (`populateMathPolynomialApproximationPatterns`) before the conversion.
    GLSL's transcendental instructions take 16- and 32-bit floats only: on
    f64 they are computed in f32.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect"];
}

#endif // TANGRAM_TARGET_VULKAN_PASSES
