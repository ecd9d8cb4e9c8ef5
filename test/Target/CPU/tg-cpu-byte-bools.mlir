// RUN: tangram-opt %s -split-input-file -tg-cpu-byte-bools | FileCheck %s

// A bool load reads the byte and truncates it.
// CHECK-LABEL: llvm.func @load_bool
// CHECK: %[[W:.*]] = llvm.load %{{.*}} {alignment = 1 : i64} : !llvm.ptr -> i8
// CHECK: %[[B:.*]] = llvm.trunc %[[W]] : i8 to i1
// CHECK: llvm.return %[[B]] : i1
llvm.func @load_bool(%p: !llvm.ptr) -> i1 {
  %b = llvm.load %p {alignment = 1 : i64} : !llvm.ptr -> i1
  llvm.return %b : i1
}

// -----

// A bool store widens the value to a byte; volatility is kept.
// CHECK-LABEL: llvm.func @store_bool
// CHECK: %[[W:.*]] = llvm.zext %{{.*}} : i1 to i8
// CHECK: llvm.store volatile %[[W]], %{{.*}} : i8, !llvm.ptr
// CHECK-NOT: : i1, !llvm.ptr
llvm.func @store_bool(%b: i1, %p: !llvm.ptr) {
  llvm.store volatile %b, %p : i1, !llvm.ptr
  llvm.return
}

// -----

// Other loads and stores, and vectors of bools, stay as they are.
// CHECK-LABEL: llvm.func @others
// CHECK: llvm.load %{{.*}} : !llvm.ptr -> f32
// CHECK: llvm.load %{{.*}} : !llvm.ptr -> i8
// CHECK: llvm.load %{{.*}} : !llvm.ptr -> vector<8xi1>
// CHECK: llvm.store %{{.*}}, %{{.*}} : f32, !llvm.ptr
// CHECK-NOT: llvm.trunc
// CHECK-NOT: llvm.zext
llvm.func @others(%p: !llvm.ptr) {
  %f = llvm.load %p : !llvm.ptr -> f32
  %i = llvm.load %p : !llvm.ptr -> i8
  %v = llvm.load %p : !llvm.ptr -> vector<8xi1>
  llvm.store %f, %p : f32, !llvm.ptr
  llvm.return
}
