// RUN: tangram-opt %s -split-input-file -tg-gpu-simplify-sizes -allow-unregistered-dialect | FileCheck %s

// A Reshape to [B * 197, ...] by a shape value torch computed: its 0 entry
// copies the input's dim, which is 0 only when B * 197 is, and its -1 entry
// is never a size. What is left is the batch's index times 197.
// CHECK-LABEL: func.func @reshape_batch
// CHECK-SAME: %[[X:[a-z0-9]+]]: memref<?x197x384xf32>
// CHECK-DAG: %[[C197:.*]] = arith.constant 197 : index
// CHECK-DAG: %[[D:.*]] = memref.dim %[[X]]
// CHECK-NOT: arith.select
// CHECK-NOT: arith.cmpi
// CHECK: %[[R:.*]] = arith.muli %[[D]], %[[C197]] : index
// CHECK: return %[[R]]
func.func @reshape_batch(%x: memref<?x197x384xf32>) -> index {
  %c0 = arith.constant 0 : index
  %c0_i64 = arith.constant 0 : i64
  %cm1 = arith.constant -1 : i64
  %c197 = arith.constant 197 : i64
  %c1 = arith.constant 1 : i64
  %d = memref.dim %x, %c0 : memref<?x197x384xf32>
  %b = arith.index_cast %d : index to i64
  %n = arith.muli %b, %c197 : i64
  %z = arith.cmpi eq, %n, %c0_i64 : i64
  %s = arith.select %z, %b, %n : i64
  %m = arith.cmpi eq, %s, %cm1 : i64
  %r = arith.select %m, %c1, %s : i64
  %rows = arith.index_cast %r : i64 to index
  return %rows : index
}

// -----

// A 0 entry that copies a dim which is not 0 with the size stays a select.
// CHECK-LABEL: func.func @zero_copies_other_dim
// CHECK: arith.cmpi eq
// CHECK: arith.select
func.func @zero_copies_other_dim(%x: memref<?x197x384xf32>) -> i64 {
  %c0 = arith.constant 0 : index
  %c0_i64 = arith.constant 0 : i64
  %c197 = arith.constant 197 : i64
  %d = memref.dim %x, %c0 : memref<?x197x384xf32>
  %b = arith.index_cast %d : index to i64
  %n = arith.muli %b, %c197 : i64
  %z = arith.cmpi eq, %n, %c0_i64 : i64
  %s = arith.select %z, %c197, %n : i64
  return %s : i64
}

// -----

// A buffer with two run-time dims bounds neither (the other may be 0), so
// B * 6 may wrap to -1 as far as the ranges know: the comparison stays.
// CHECK-LABEL: func.func @two_dynamic_dims
// CHECK: arith.cmpi eq
func.func @two_dynamic_dims(%x: memref<?x?xf32>) -> i1 {
  %c0 = arith.constant 0 : index
  %cm1 = arith.constant -1 : i64
  %c6 = arith.constant 6 : i64
  %d = memref.dim %x, %c0 : memref<?x?xf32>
  %b = arith.index_cast %d : index to i64
  %n = arith.muli %b, %c6 : i64
  %m = arith.cmpi eq, %n, %cm1 : i64
  return %m : i1
}

// -----

// A floor division of a size (lowered to selects on its sign) is a plain
// division, and a division of a multiple by a divisor of its factor is a
// product.
// CHECK-LABEL: func.func @divisions
// CHECK-SAME: %[[X:[a-z0-9]+]]: memref<?x64xf32>
// CHECK-DAG: %[[C6:.*]] = arith.constant 6 : index
// CHECK-DAG: %[[C7:.*]] = arith.constant 7 : index
// CHECK-DAG: %[[D:.*]] = memref.dim %[[X]]
// CHECK-NOT: arith.select
// CHECK: %[[F:.*]] = arith.divsi %[[D]], %[[C7]] : index
// CHECK: %[[N:.*]] = arith.muli %[[D]], %{{.*}} : index
// CHECK: %[[P:.*]] = arith.muli %[[D]], %[[C6]] : index
// CHECK: %[[Q:.*]] = arith.divsi %[[N]], %[[C7]] : index
// CHECK: return %[[F]], %[[P]], %[[Q]]
func.func @divisions(%x: memref<?x64xf32>) -> (index, index, index) {
  %c0 = arith.constant 0 : index
  %cm1 = arith.constant -1 : index
  %c7 = arith.constant 7 : index
  %c64 = arith.constant 64 : index
  %c384 = arith.constant 384 : index
  %d = memref.dim %x, %c0 : memref<?x64xf32>
  %neg = arith.cmpi slt, %d, %c0 : index
  %flip = arith.subi %cm1, %d : index
  %a = arith.select %neg, %flip, %d : index
  %q = arith.divsi %a, %c7 : index
  %back = arith.subi %cm1, %q : index
  %floor = arith.select %neg, %back, %q : index
  %n = arith.muli %d, %c384 : index
  %p = arith.divsi %n, %c64 : index
  %r = arith.divsi %n, %c7 : index
  return %floor, %p, %r : index, index, index
}

// -----

// A check moves up to just after its condition, and each use it then
// dominates of a condition it asserts (here one side of an andi) is true.
// CHECK-LABEL: func.func @checked_condition
// CHECK-SAME: %[[X:[a-z0-9]+]]: memref<?x8xf32>, %[[Y:[a-z0-9]+]]: memref<?xf32>
// CHECK-DAG: %[[D:.*]] = memref.dim %[[X]]
// CHECK-DAG: %[[E:.*]] = memref.dim %[[Y]]
// CHECK: %[[OK:.*]] = arith.cmpi sle, %[[E]], %[[D]]
// CHECK: %[[BIG:.*]] = arith.cmpi sgt, %[[D]]
// CHECK: %[[BOTH:.*]] = arith.andi %[[OK]], %[[BIG]]
// CHECK-NEXT: cf.assert %[[BOTH]], "first"
// CHECK-NOT: arith.select
// CHECK: memref.alloc(%[[E]])
// CHECK: return %[[E]]
func.func @checked_condition(%x: memref<?x8xf32>, %y: memref<?xf32>) -> index {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %d = memref.dim %x, %c0 : memref<?x8xf32>
  %e = memref.dim %y, %c0 : memref<?xf32>
  %ok = arith.cmpi sle, %e, %d : index
  %big = arith.cmpi sgt, %d, %c1 : index
  %both = arith.andi %ok, %big : i1
  %n = arith.select %ok, %e, %c1 : index
  %a = memref.alloc(%n) : memref<?xf32>
  "test.use"(%a) : (memref<?xf32>) -> ()
  cf.assert %both, "first"
  return %n : index
}

// -----

// Checks keep their order: the second one's condition comes first, but it
// moves no higher than the check before it. A use the check does not
// dominate keeps the condition.
// CHECK-LABEL: func.func @check_order
// CHECK: %[[LATE:.*]] = arith.cmpi sgt
// CHECK: "test.use"(%[[LATE]])
// CHECK: cf.assert %{{.*}}, "first"
// CHECK-NEXT: cf.assert %[[LATE]], "second"
func.func @check_order(%x: memref<?xf32>, %y: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %d = memref.dim %x, %c0 : memref<?xf32>
  %e = memref.dim %y, %c0 : memref<?xf32>
  %late = arith.cmpi sgt, %e, %c1 : index
  "test.use"(%late) : (i1) -> ()
  %first = arith.cmpi sgt, %d, %c1 : index
  cf.assert %first, "first"
  cf.assert %late, "second"
  return
}

// -----

// A Reshape of [B, 197, 384] to [B * 197, 384] whose 0 entry copies the
// input's 197: when B * 197 == 0, the check after it compares 197 * 384
// elements with B * 75648 = 0, so where the check holds the 0 entry was
// not taken, and the size is B * 197.
// CHECK-LABEL: func.func @check_rules_out_zero_entry
// CHECK-SAME: %[[X:[a-z0-9]+]]: memref<?x197x384xf32>
// CHECK: %[[D:.*]] = memref.dim %[[X]]
// CHECK: cf.assert
// CHECK: %[[R:.*]] = arith.muli %[[D]], %{{.*}} : index
// CHECK-NOT: arith.select
// CHECK: return %[[R]]
func.func @check_rules_out_zero_entry(%x: memref<?x197x384xf32>) -> index {
  %c0 = arith.constant 0 : index
  %c0_i64 = arith.constant 0 : i64
  %c197 = arith.constant 197 : i64
  %c384 = arith.constant 384 : i64
  %c75648 = arith.constant 75648 : i64
  %d = memref.dim %x, %c0 : memref<?x197x384xf32>
  %b = arith.index_cast %d : index to i64
  %n = arith.muli %b, %c197 : i64
  %z = arith.cmpi eq, %n, %c0_i64 : i64
  %s = arith.select %z, %c197, %n : i64
  %have = arith.muli %b, %c75648 : i64
  %want = arith.muli %s, %c384 : i64
  %fits = arith.cmpi eq, %want, %have : i64
  cf.assert %fits, "Reshape: the shape tensor does not fit the input's element count"
  %rows = arith.index_cast %s : i64 to index
  return %rows : index
}

// -----

// Without the check, B == 0 takes the 0 entry: the select stays.
// CHECK-LABEL: func.func @zero_entry_unchecked
// CHECK: arith.select
func.func @zero_entry_unchecked(%x: memref<?x197x384xf32>) -> index {
  %c0 = arith.constant 0 : index
  %c0_i64 = arith.constant 0 : i64
  %c197 = arith.constant 197 : i64
  %d = memref.dim %x, %c0 : memref<?x197x384xf32>
  %b = arith.index_cast %d : index to i64
  %n = arith.muli %b, %c197 : i64
  %z = arith.cmpi eq, %n, %c0_i64 : i64
  %s = arith.select %z, %c197, %n : i64
  %rows = arith.index_cast %s : i64 to index
  return %rows : index
}

// -----

// After a check that two sizes are equal, the later-defined one's uses
// take the earlier one: both loops run to %n. The check stays.
// CHECK-LABEL: func.func @asserted_equal
// CHECK-SAME: %[[A:[a-z0-9]+]]: memref<?xf32>, %[[B:[a-z0-9]+]]: memref<?xf32>
// CHECK: %[[N:.*]] = memref.dim %[[A]]
// CHECK: %[[M:.*]] = memref.dim %[[B]]
// CHECK: %[[EQ:.*]] = arith.cmpi eq, %[[N]], %[[M]]
// CHECK: cf.assert %[[EQ]]
// CHECK: scf.parallel {{.*}} to (%[[N]])
// CHECK: scf.parallel {{.*}} to (%[[N]])
func.func @asserted_equal(%a: memref<?xf32>, %b: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %a, %c0 : memref<?xf32>
  %m = memref.dim %b, %c0 : memref<?xf32>
  %eq = arith.cmpi eq, %n, %m : index
  cf.assert %eq, "Broadcast: dims disagree"
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    %x = memref.load %a[%i] : memref<?xf32>
    memref.store %x, %b[%i] : memref<?xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%m) step (%c1) {
    %x = memref.load %b[%i] : memref<?xf32>
    memref.store %x, %a[%i] : memref<?xf32>
    scf.reduce
  }
  return
}

// -----

// A size checked against a constant is that constant.
// CHECK-LABEL: func.func @asserted_constant
// CHECK: %[[C4:.*]] = arith.constant 4 : index
// CHECK: cf.assert
// CHECK: scf.parallel {{.*}} to (%[[C4]])
func.func @asserted_constant(%a: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %n = memref.dim %a, %c0 : memref<?xf32>
  %eq = arith.cmpi eq, %n, %c4 : index
  cf.assert %eq, "Reshape: the input's element count does not fit the shape"
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    %x = memref.load %a[%i] : memref<?xf32>
    %y = arith.addf %x, %x : f32
    memref.store %y, %a[%i] : memref<?xf32>
    scf.reduce
  }
  return
}

// -----

// A check on data (an element of a buffer) is not one the host makes
// before a launch: nothing is replaced.
// CHECK-LABEL: func.func @asserted_data
// CHECK-SAME: %[[A:[a-z0-9]+]]: memref<?xf32>, %[[I:[a-z0-9]+]]: memref<1xindex>
// CHECK: %[[X:.*]] = memref.load %[[I]]
// CHECK: scf.parallel {{.*}} to (%[[X]])
func.func @asserted_data(%a: memref<?xf32>, %idx: memref<1xindex>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %a, %c0 : memref<?xf32>
  %x = memref.load %idx[%c0] : memref<1xindex>
  %eq = arith.cmpi eq, %n, %x : index
  cf.assert %eq, "data"
  scf.parallel (%i) = (%c0) to (%x) step (%c1) {
    %v = memref.load %a[%i] : memref<?xf32>
    memref.store %v, %a[%i] : memref<?xf32>
    scf.reduce
  }
  return
}

// -----

// Sizes computed through long chains (a conv's output size after a dozen
// convs) are still sizes the host computes: the later one takes the
// earlier one.
// CHECK-LABEL: func.func @asserted_long_chain
// CHECK: %[[N:.*]] = arith.muli %{{.*}}, %{{.*}} : index
// CHECK: scf.parallel {{.*}} to (%[[N]])
func.func @asserted_long_chain(%a: memref<?xf32>, %b: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %d = memref.dim %a, %c0 : memref<?xf32>
  %n = arith.muli %d, %c2 : index
  %m0 = memref.dim %b, %c0 : memref<?xf32>
  %n0 = arith.divui %m0, %c2 : index
  %n1 = arith.addi %n0, %c1 : index
  %n2 = arith.addi %n1, %c1 : index
  %n3 = arith.addi %n2, %c1 : index
  %n4 = arith.addi %n3, %c1 : index
  %n5 = arith.addi %n4, %c1 : index
  %n6 = arith.addi %n5, %c1 : index
  %n7 = arith.addi %n6, %c1 : index
  %n8 = arith.addi %n7, %c1 : index
  %n9 = arith.addi %n8, %c1 : index
  %n10 = arith.addi %n9, %c1 : index
  %n11 = arith.addi %n10, %c1 : index
  %n12 = arith.addi %n11, %c1 : index
  %n13 = arith.addi %n12, %c1 : index
  %n14 = arith.addi %n13, %c1 : index
  %n15 = arith.addi %n14, %c1 : index
  %n16 = arith.addi %n15, %c1 : index
  %n17 = arith.addi %n16, %c1 : index
  %n18 = arith.addi %n17, %c1 : index
  %n19 = arith.addi %n18, %c1 : index
  %n20 = arith.addi %n19, %c1 : index
  %n21 = arith.addi %n20, %c1 : index
  %n22 = arith.addi %n21, %c1 : index
  %n23 = arith.addi %n22, %c1 : index
  %n24 = arith.addi %n23, %c1 : index
  %eq = arith.cmpi eq, %n, %n24 : index
  cf.assert %eq, "Broadcast: dims disagree"
  scf.parallel (%i) = (%c0) to (%n24) step (%c1) {
    %x = memref.load %b[%i] : memref<?xf32>
    memref.store %x, %a[%i] : memref<?xf32>
    scf.reduce
  }
  return
}

// -----

// On the host an index_cast from i64 moves into the arithmetic; in a
// kernel's loop it stays (a kernel's index may be 32 bits, and a division
// does not commute with a truncation).
// CHECK-LABEL: func.func @casts_on_host_only
// CHECK-SAME: %[[A:[a-z0-9]+]]: i64, %[[B:[a-z0-9]+]]: i64
// CHECK-DAG: %[[AI:.*]] = arith.index_cast %[[A]] : i64 to index
// CHECK-DAG: %[[BI:.*]] = arith.index_cast %[[B]] : i64 to index
// CHECK: %[[N:.*]] = arith.divsi %[[AI]], %[[BI]] : index
// CHECK: scf.parallel {{.*}} to (%[[N]])
// CHECK: %[[Q:.*]] = arith.divsi %[[A]], %[[B]] : i64
// CHECK: arith.index_cast %[[Q]] : i64 to index
func.func @casts_on_host_only(%a: i64, %b: i64, %out: memref<?xindex>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %q = arith.divsi %a, %b : i64
  %n = arith.index_cast %q : i64 to index
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    %k = arith.divsi %a, %b : i64
    %j = arith.index_cast %k : i64 to index
    memref.store %j, %out[%i] : memref<?xindex>
    scf.reduce
  }
  return
}

// -----

// On tensors, before bufferization: a dim of a function argument is bounded
// like a buffer's, and the Reshape's i64 size is used by a from_elements
// (no index_cast after the check): where the check holds, the select is
// its chosen value. (Its own use by the check stays.)
// CHECK-LABEL: func.func @tensor_reshape_size
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<?x197x384xf32>
// CHECK: %[[D:.*]] = tensor.dim %[[X]]
// CHECK: %[[B:.*]] = arith.index_cast %[[D]] : index to i64
// CHECK: %[[N:.*]] = arith.muli %[[B]], %{{.*}} : i64
// CHECK: cf.assert
// CHECK: %[[S:.*]] = tensor.from_elements %[[N]], %{{.*}} : tensor<2xi64>
// CHECK: return %[[S]]
func.func @tensor_reshape_size(%x: tensor<?x197x384xf32>) -> tensor<2xi64> {
  %c0 = arith.constant 0 : index
  %c0_i64 = arith.constant 0 : i64
  %c197 = arith.constant 197 : i64
  %c384 = arith.constant 384 : i64
  %c75648 = arith.constant 75648 : i64
  %d = tensor.dim %x, %c0 : tensor<?x197x384xf32>
  %b = arith.index_cast %d : index to i64
  %n = arith.muli %b, %c197 : i64
  %z = arith.cmpi eq, %n, %c0_i64 : i64
  %s = arith.select %z, %c197, %n : i64
  %have = arith.muli %b, %c75648 : i64
  %want = arith.muli %s, %c384 : i64
  %fits = arith.cmpi eq, %want, %have : i64
  cf.assert %fits, "Reshape: the shape tensor does not fit the input's element count"
  %shape = tensor.from_elements %s, %c384 : tensor<2xi64>
  return %shape : tensor<2xi64>
}

// -----

// A Reshape's 0 entry copies the input's dim, here a Slice's length: the
// sequence clamped to [0, 128], which is 0 when the sequence is. So the
// select is the sequence.
// CHECK-LABEL: func.func @zero_copies_clamp
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<?x?xi64>
// CHECK: %[[D:.*]] = tensor.dim %[[X]]
// CHECK: %[[S:.*]] = arith.index_cast %[[D]] : index to i64
// CHECK-NOT: arith.select
// CHECK: return %[[S]]
func.func @zero_copies_clamp(%x: tensor<?x?xi64>) -> i64 {
  %c1 = arith.constant 1 : index
  %c0_i64 = arith.constant 0 : i64
  %c128 = arith.constant 128 : i64
  %d = tensor.dim %x, %c1 : tensor<?x?xi64>
  %s = arith.index_cast %d : index to i64
  %lo = arith.maxsi %s, %c0_i64 : i64
  %hi = arith.minsi %lo, %c128 : i64
  %len = arith.maxsi %hi, %c0_i64 : i64
  %z = arith.cmpi eq, %s, %c0_i64 : i64
  %r = arith.select %z, %len, %s : i64
  return %r : i64
}

// -----

// A clamp to bounds that do not hold 0 (at least 1) is not 0 when the
// sequence is: the select stays.
// CHECK-LABEL: func.func @zero_copies_clamp_above_zero
// CHECK: arith.select
func.func @zero_copies_clamp_above_zero(%x: tensor<?x?xi64>) -> i64 {
  %c1 = arith.constant 1 : index
  %c0_i64 = arith.constant 0 : i64
  %c1_i64 = arith.constant 1 : i64
  %d = tensor.dim %x, %c1 : tensor<?x?xi64>
  %s = arith.index_cast %d : index to i64
  %len = arith.maxsi %s, %c1_i64 : i64
  %z = arith.cmpi eq, %s, %c0_i64 : i64
  %r = arith.select %z, %len, %s : i64
  return %r : i64
}

// -----

// One size computed with and without an overflow flag (a view's `nsw`
// product and a Reshape's) is one value: the flag is dropped and CSE
// merges them.
// CHECK-LABEL: func.func @overflow_flags
// CHECK: %[[N:.*]] = arith.muli %{{.*}}, %{{.*}} : index
// CHECK-NOT: arith.muli
// CHECK: return %[[N]], %[[N]]
func.func @overflow_flags(%x: memref<?x6xf32>) -> (index, index) {
  %c0 = arith.constant 0 : index
  %c6 = arith.constant 6 : index
  %d = memref.dim %x, %c0 : memref<?x6xf32>
  %a = arith.muli %d, %c6 overflow<nsw> : index
  %b = arith.muli %d, %c6 : index
  return %a, %b : index, index
}
