// RUN: tangram-opt %s -tg-cpu-shrink-buffer-lifetimes -split-input-file | FileCheck %s

// A chain of layers: each buffer is allocated just before the op that
// first writes it and freed just after the op that last reads it, so %b
// can reuse what %a held only once %a is dead.
// CHECK-LABEL: func.func @chain
// CHECK: %[[A:.*]] = memref.alloc() : memref<64xf32>
// CHECK-NEXT: call @produce(%[[A]])
// CHECK-NEXT: %[[B:.*]] = memref.alloc() : memref<64xf32>
// CHECK-NEXT: call @step(%[[A]], %[[B]])
// CHECK-NEXT: memref.dealloc %[[A]]
// CHECK-NEXT: %[[C:.*]] = memref.alloc() : memref<64xf32>
// CHECK-NEXT: call @step(%[[B]], %[[C]])
// CHECK-NEXT: memref.dealloc %[[B]]
// CHECK-NEXT: call @step(%[[C]], %[[OUT:.*]])
// CHECK-NEXT: memref.dealloc %[[C]]
// CHECK-NEXT: return
func.func private @produce(memref<64xf32>)
func.func private @step(memref<64xf32>, memref<64xf32>)
func.func @chain(%out: memref<64xf32>) {
  %a = memref.alloc() : memref<64xf32>
  %b = memref.alloc() : memref<64xf32>
  %c = memref.alloc() : memref<64xf32>
  call @produce(%a) : (memref<64xf32>) -> ()
  call @step(%a, %b) : (memref<64xf32>, memref<64xf32>) -> ()
  call @step(%b, %c) : (memref<64xf32>, memref<64xf32>) -> ()
  call @step(%c, %out) : (memref<64xf32>, memref<64xf32>) -> ()
  memref.dealloc %a : memref<64xf32>
  memref.dealloc %b : memref<64xf32>
  memref.dealloc %c : memref<64xf32>
  return
}

// -----

// Views of the buffer keep it alive: the free follows the last use of a
// subview of a cast of it; a use inside a loop keeps it alive to the
// loop's end. A dynamically sized buffer moves below the op that defines
// nothing it needs.
// CHECK-LABEL: func.func @views
// CHECK: call @other
// CHECK-NEXT: %[[A:.*]] = memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK-NEXT: scf.for
// CHECK: memref.store
// CHECK: }
// CHECK: call @use
// CHECK-NEXT: memref.dealloc %[[A]]
// CHECK-NEXT: call @other
// CHECK-NEXT: return
func.func private @use(memref<4xf32, strided<[1], offset: 2>>)
func.func private @other()
func.func @views(%n: index, %v: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %a = memref.alloc(%n) : memref<?xf32>
  call @other() : () -> ()
  scf.for %i = %c0 to %n step %c1 {
    memref.store %v, %a[%i] : memref<?xf32>
  }
  %s = memref.cast %a : memref<?xf32> to memref<8xf32>
  %t = memref.subview %s[2] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1], offset: 2>>
  call @use(%t) : (memref<4xf32, strided<[1], offset: 2>>) -> ()
  call @other() : () -> ()
  memref.dealloc %a : memref<?xf32>
  return
}

// -----

// A buffer whose address leaves the memref types is not moved: its free
// stays where it was.
// CHECK-LABEL: func.func @escapes
// CHECK: memref.alloc
// CHECK-NEXT: memref.extract_aligned_pointer_as_index
// CHECK-NEXT: call @other
// CHECK-NEXT: call @address
// CHECK-NEXT: memref.dealloc
// CHECK-NEXT: return
func.func private @other()
func.func private @address(index)
func.func @escapes() {
  %a = memref.alloc() : memref<64xf32>
  %p = memref.extract_aligned_pointer_as_index %a : memref<64xf32> -> index
  call @other() : () -> ()
  call @address(%p) : (index) -> ()
  memref.dealloc %a : memref<64xf32>
  return
}

// -----

// A buffer used in another block, or freed twice (through an alias), is
// left as it is.
// CHECK-LABEL: func.func @not_followed
// CHECK: memref.alloc
// CHECK-NEXT: memref.alloc
// CHECK-NEXT: call @other
// CHECK-NEXT: cf.br ^bb1
// CHECK: ^bb1:
// CHECK-NEXT: call @fill(%{{.*}})
// CHECK-NEXT: memref.dealloc
// CHECK-NEXT: call @fill(%{{.*}})
// CHECK-NEXT: call @other
// CHECK-NEXT: memref.cast
// CHECK-NEXT: memref.dealloc
// CHECK-NEXT: memref.dealloc
func.func private @other()
func.func private @fill(memref<64xf32>)
func.func @not_followed() {
  %a = memref.alloc() : memref<64xf32>
  %b = memref.alloc() : memref<64xf32>
  call @other() : () -> ()
  cf.br ^bb1
^bb1:
  call @fill(%a) : (memref<64xf32>) -> ()
  memref.dealloc %a : memref<64xf32>
  call @fill(%b) : (memref<64xf32>) -> ()
  call @other() : () -> ()
  %c = memref.cast %b : memref<64xf32> to memref<64xf32>
  memref.dealloc %b : memref<64xf32>
  memref.dealloc %c : memref<64xf32>
  return
}

// -----

// A buffer yielded out of a region lives as long as the region op's
// result: the free follows the result's last use (ONNX If returning a
// buffer that its branch made).
// CHECK-LABEL: func.func @yielded
// CHECK: %[[A:.*]] = memref.alloc
// CHECK: %[[R:.*]] = scf.if
// CHECK: call @other
// CHECK-NEXT: call @fill(%[[R]])
// CHECK-NEXT: memref.dealloc %[[A]]
// CHECK-NEXT: return
func.func private @other()
func.func private @fill(memref<64xf32>)
func.func @yielded(%c: i1, %b: memref<64xf32>) {
  %a = memref.alloc() : memref<64xf32>
  call @fill(%a) : (memref<64xf32>) -> ()
  %r = scf.if %c -> memref<64xf32> {
    scf.yield %a : memref<64xf32>
  } else {
    scf.yield %b : memref<64xf32>
  }
  call @other() : () -> ()
  call @fill(%r) : (memref<64xf32>) -> ()
  memref.dealloc %a : memref<64xf32>
  return
}
