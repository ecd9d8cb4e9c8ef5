//===- CPUTransforms.h - C++ steps of the CPU pipeline ----------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_LIB_TARGET_CPU_CPUTRANSFORMS_H
#define TANGRAM_LIB_TARGET_CPU_CPUTRANSFORMS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include <string>

namespace mlir::tangram {

/// True if `op` is a contraction tg-cpu-use-microkernels turns into a call
/// (on tensors or buffers): interchanging it first would hide it.
bool hasMicrokernel(linalg::LinalgOp op);

/// True when `call` (a tg_uk_conv2d_* microkernel call) is a depthwise
/// convolution: one input and one output channel per group. Its microkernel
/// pads its input plane by plane itself and runs epilogues on whole rows or
/// planes.
bool isDepthwiseCall(func::CallOp call);

/// True when `v` is the constant +0.0 (the padding and zero fill the
/// microkernels can drop).
bool isPositiveZero(Value v);

/// True when `v` is the constant -infinity (the identity of a maximum: a
/// max pooling's padding and fill).
bool isNegativeInfinity(Value v);

/// The buffer `v` is a view of: an allocation or an argument (BufferUses.cpp).
Value bufferRoot(Value v);

/// True when `v` names every element of `root`: the root itself, or a
/// reshape or cast of a value that does.
bool coversRoot(Value v, Value root);

/// True when `op` or an op nested in it has an operand that is a view of
/// the buffer `root`.
bool namesBuffer(Operation *op, Value root);

/// How an op uses a buffer.
enum class BufferUse { None, Reads, Writes };

/// How `op` uses the buffer `root`: its effects on views of it count; an op
/// that says nothing of its effects (a call, a loop) writes every buffer it
/// or its nested ops name.
BufferUse bufferUse(Operation *op, Value root);

/// The module attribute in which tg-cpu-pack-weights records the weights
/// it chose a packed layout for: an array of {export, arg, kind, params,
/// size} (the CPU backend turns it into CodeObject::weightLayouts).
inline constexpr const char *kWeightLayoutsAttr = "tg.weight_layouts";

/// The layout kind of a GEMM's A operand packed into register panels
/// (Microkernels/Layout.h); params: rows, depth, groups, m, k.
inline constexpr const char *kGemmPanelsLayout = "gemm-a-panels";

/// The layout kind of a GEMM's B operand packed into register panels;
/// params: columns, depth, k, n, and the view's s0, s1 and offset.
inline constexpr const char *kGemmBPanelsLayout = "gemm-b-panels";

/// The layout kind of a convolution's weight packed as blocks of output
/// channels for the channel-vector convolution (Microkernels/Layout.h);
/// params: vl, blocks (per register tile), f, c, kh, kw.
inline constexpr const char *kConvChannelBlocksLayout = "conv-channel-blocks";

} // namespace mlir::tangram

#endif // TANGRAM_LIB_TARGET_CPU_CPUTRANSFORMS_H
