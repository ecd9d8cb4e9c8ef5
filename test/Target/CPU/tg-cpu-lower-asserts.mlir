// RUN: tangram-opt %s -tg-cpu-lower-asserts -split-input-file | FileCheck %s

// A failed check reports its message (an LLVM global string) and goes on.
// CHECK: llvm.mlir.global internal constant @tg_assert_0("shape mismatch\00")
// CHECK-LABEL: func.func @check
// CHECK-SAME: (%[[OK:.*]]: i1)
// CHECK: %[[T:.*]] = arith.constant true
// CHECK: %[[BAD:.*]] = arith.xori %[[OK]], %[[T]] : i1
// CHECK: scf.if %[[BAD]] {
// CHECK: %[[MSG:.*]] = llvm.mlir.addressof @tg_assert_0 : !llvm.ptr
// CHECK: func.call @tg_uk_report_error(%[[MSG]]) : (!llvm.ptr) -> ()
// CHECK-NOT: cf.assert
// CHECK: func.func private @tg_uk_report_error(!llvm.ptr)
func.func @check(%ok: i1) {
  cf.assert %ok, "shape mismatch"
  return
}

// -----

// Without asserts nothing is added.
// CHECK-LABEL: func.func @none
// CHECK-NOT: tg_uk_report_error
func.func @none() {
  return
}
