// RUN: tangram-opt %s -split-input-file --pass-pipeline='builtin.module(gpu.module(tg-gpu-extern-dynamic-shared-memory))' | FileCheck %s

// The zero-size global of gpu.dynamic_shared_memory becomes external;
// globals with a size, or in another address space, stay.
// (test/Target/CUDA/large-tiles.onnxtxt checks the PTX: an `.extern
// .shared` array.)
// CHECK-LABEL: gpu.module @m
// CHECK: llvm.mlir.global external @__dynamic_shmem__0() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<0 x i8>
// CHECK: llvm.mlir.global internal @wg() {addr_space = 3 : i32} : !llvm.array<16 x i8>
// CHECK: llvm.mlir.global internal @private() {addr_space = 1 : i32} : !llvm.array<0 x i8>
gpu.module @m {
  llvm.mlir.global internal @__dynamic_shmem__0() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<0 x i8>
  llvm.mlir.global internal @wg() {addr_space = 3 : i32} : !llvm.array<16 x i8>
  llvm.mlir.global internal @private() {addr_space = 1 : i32} : !llvm.array<0 x i8>
}


// -----

// A zero-size global with a value is not memory given at launch.
// CHECK-LABEL: gpu.module @valued
// CHECK: llvm.mlir.global internal @__dynamic_shmem__0(dense<> : tensor<0xi8>) {addr_space = 3 : i32} : !llvm.array<0 x i8>
gpu.module @valued {
  llvm.mlir.global internal @__dynamic_shmem__0(dense<> : tensor<0xi8>) {addr_space = 3 : i32} : !llvm.array<0 x i8>
}
