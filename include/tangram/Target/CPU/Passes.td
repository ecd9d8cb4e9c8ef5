//===- Passes.td - passes of the CPU backend --------------*- tablegen -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_TARGET_CPU_PASSES
#define TANGRAM_TARGET_CPU_PASSES

include "mlir/Pass/PassBase.td"

def FuseElementwisePass : Pass<"tg-cpu-fuse-elementwise", "func::FuncOp"> {
  let summary = "Fuses elementwise linalg.generics, keeping reshape views";
  let description = [{
    Fuses a `linalg.generic` producer into its single elementwise consumer,
    as upstream's `linalg-fuse-elementwise-ops` does, but does not fold
    `tensor.expand_shape`/`collapse_shape` into generics by expansion: the
    views the lowering made (a batch folded into a matmul's rows, attention
    heads) stay views, and each generic keeps the rank it was built with,
    so its outermost loop is the one the thread pool splits.

    Before:
    ```mlir
    %e = linalg.generic {...} ins(%x : tensor<4x8xf32>) outs(...)  // exp
    %y = linalg.generic {...} ins(%e, %b : ...) outs(...)           // add
    %v = tensor.expand_shape %y [[0, 1], [2]] ... into tensor<1x4x8xf32>
    ```
    After:
    ```mlir
    %y = linalg.generic {...} ins(%x, %b : ...) outs(...)           // exp + add
    %v = tensor.expand_shape %y [[0, 1], [2]] ... into tensor<1x4x8xf32>
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def InterchangeContractionsPass
    : Pass<"tg-cpu-interchange-contractions", "ModuleOp"> {
  let summary = "Puts a contraction's loop over the output's contiguous dim "
                "innermost";
  let description = [{
    Contractions on tensors that no microkernel takes (grouped N-d convs,
    broadcasting matmuls, einsums) are rewritten as generics whose innermost
    loop walks the output's last dim, so it is a unit-stride parallel loop
    that LLVM vectorizes (i-k-j order for a matmul) instead of a reduction.
    Named ops with a microkernel are left for `tg-cpu-use-microkernels`.
    A reduction that reads every input it walks along that input's
    contiguous dim (a LayerNorm's variance, fused with the row's mean;
    softmax's sum of exponentials) stays innermost: moved out, its loads
    went down columns, gathered 16 rows per vector.

    Before (loops m, n, k; the output [m, n] is written along n):
    ```mlir
    linalg.generic {indexing_maps = [(m, n, k) -> (m, k), (m, n, k) -> (k, n),
                                     (m, n, k) -> (m, n)],
                    iterator_types = ["parallel", "parallel", "reduction"]}
    ```
    After (loops m, k, n):
    ```mlir
    linalg.generic {indexing_maps = [(m, k, n) -> (m, k), (m, k, n) -> (k, n),
                                     (m, k, n) -> (m, n)],
                    iterator_types = ["parallel", "reduction", "parallel"]}
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def FreshResultsPass : Pass<"tg-cpu-fresh-results", "ModuleOp"> {
  let summary = "Makes every buffer a public function returns its own";
  let description = [{
    After bufferization a public function that still returns memrefs (a
    shape function, see tg-destination-results; executables write into
    caller-allocated buffers and return nothing) may return a view of an
    argument or of a global; the runtime frees what such a function
    returns, so each returned memref that is not a fresh `memref.alloc` is
    copied into one (with its run-time sizes).

    Before:
    ```mlir
    func.func @main(%a: memref<4xf32>) -> memref<4xf32> {
      return %a : memref<4xf32>
    }
    ```
    After:
    ```mlir
    func.func @main(%a: memref<4xf32>) -> memref<4xf32> {
      %0 = memref.alloc() : memref<4xf32>
      linalg.copy ins(%a : memref<4xf32>) outs(%0 : memref<4xf32>)
      return %0 : memref<4xf32>
    }
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::memref::MemRefDialect"];
}

def WriteIntoCopiesPass : Pass<"tg-cpu-write-into-copies", "ModuleOp"> {
  let summary = "Lets an elementwise generic write where its result is "
                "copied to";
  let description = [{
    Padding an activation for the next convolution bufferizes to a generic
    that writes the activation (bias, activation function) and a copy of it
    into the interior of the padded buffer. When the generic overwrites the
    copied buffer whole (all loops parallel, identity map, its old contents
    unread), nothing reads that buffer between the two or after the copy
    (it is allocated in the block and only freed), and nothing writes the
    generic's inputs in between, the generic moves to the copy's place and
    writes the copy's target: one pass over memory instead of two.

    Before:
    ```mlir
    linalg.generic {...} ins(%c, %bias : ...) outs(%a : memref<1x8x4x4xf32>)
    %in = memref.subview %p[0, 0, 1, 1] [1, 8, 4, 4] [1, 1, 1, 1]
    linalg.copy ins(%a : memref<1x8x4x4xf32>) outs(%in : ...)
    memref.dealloc %a : memref<1x8x4x4xf32>
    ```
    After:
    ```mlir
    %in = memref.subview %p[0, 0, 1, 1] [1, 8, 4, 4] [1, 1, 1, 1]
    linalg.generic {...} ins(%c, %bias : ...) outs(%in : ...)
    memref.dealloc %a : memref<1x8x4x4xf32>
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def HoistBroadcastMathPass : Pass<"tg-cpu-hoist-broadcast-math", "ModuleOp"> {
  let summary = "Computes costly math that varies along fewer loops than an "
                "elementwise op once per point of those loops";
  let description = [{
    On buffers: in an elementwise `linalg.generic` (all loops parallel), a
    value of the body that involves a costly op (`math` dialect ops,
    `arith.divf`), depends on only some of the loops (through the indexing
    maps of the inputs it reads; a loop of size 1 does not count, static
    sizes only), and feeds an op that depends on more, is computed by a new
    generic over just its loops into a new buffer, which the op then reads
    (with a projecting map) in its place. Squeeze-and-excitation's
    `x * sigmoid(s)` then evaluates the sigmoid once per channel instead of
    once per pixel; LLVM cannot hoist it itself, since it cannot tell that
    the store to `x` leaves `s` alone.

    Before:
    ```mlir
    linalg.generic {indexing_maps = [(n, c, h, w) -> (n, c, 0, 0),
                                     (n, c, h, w) -> (n, c, h, w), ...]}
        ins(%s, %x : memref<1x96x1x1xf32>, memref<1x96x56x56xf32>) outs(%x : ...) {
      %e = math.exp ... %s ...   // sigmoid(s)
      %y = arith.mulf %g, %xv : f32
    ```
    After:
    ```mlir
    %t = memref.alloc() : memref<1x96xf32>
    linalg.generic {...} ins(%s : ...) outs(%t : memref<1x96xf32>)  // sigmoid(s)
    linalg.generic {...} ins(%s, %x, %t : ...) outs(%x : ...)        // x * t
    memref.dealloc %t : memref<1x96xf32>
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::memref::MemRefDialect"];
}

def StridedCopiesPass : Pass<"tg-cpu-strided-copies", "ModuleOp"> {
  let summary = "Turns memref.copy between strided layouts into linalg.copy";
  let description = [{
    A `memref.copy` whose source or target has a non-identity layout lowers
    to a call of MLIR's runtime helper `memrefCopy`, which code objects do
    not ship: such copies become `linalg.copy`, which lowers to loops.

    Before:
    ```mlir
    memref.copy %a, %b : memref<4x4xf32, strided<[8, 1]>> to memref<4x4xf32>
    ```
    After:
    ```mlir
    linalg.copy ins(%a : memref<4x4xf32, strided<[8, 1]>>) outs(%b : memref<4x4xf32>)
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def UseMicrokernelsPass : Pass<"tg-cpu-use-microkernels", "ModuleOp"> {
  let summary = "Replaces bufferized f32 matmuls, convolutions and 2-D "
                "pooling windows with calls to the CPU microkernels";
  let description = [{
    On buffers, every f32 `linalg.matmul`, `linalg.batch_matmul` (default
    indexing maps), `linalg.conv_2d_nchw_fchw` and
    `linalg.conv_2d_ngchw_gfchw` becomes a call to the matching function of
    `lib/Target/CPU/Microkernels/Microkernels.c`, which the CPU backend
    links into the code object as LLVM bitcode: a packed, register-blocked,
    multi-threaded GEMM (convolutions pack their input as im2col on the
    fly; depthwise convolutions use a direct loop). The call has the op's
    exact semantics (the output is accumulated into), so the op's operands
    are passed unchanged, cast to fully dynamic strided memrefs. Other
    element types and ops with user-defined maps stay as they are. A
    matmul operand that is a local buffer whose last write is a
    `linalg.transpose` of all of it, read by nothing else (bufferization
    may have one buffer take each layer's transposed weight in turn), is
    passed as a `memref.transpose` view of the source instead, and the
    copy goes.

    A 2-D max or sum pooling window reduction, as the pooling lowering
    writes it (a `linalg.generic` over n, c, y, x and the window's ky, kx in
    any loop order, reading the input at y * SH + ky * DH, x * SW + kx * DW,
    whose body is `maximumf` or `addf` of the output and the input), becomes
    a call to `tg_uk_pool2d_nchw_f32` (window, strides, dilations, max or
    sum, and whether the output holds -inf: then a max pool writes it
    without reading it, and the fill goes).

    Before:
    ```mlir
    linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x16xf32>)
                  outs(%c : memref<4x16xf32>)
    ```
    After:
    ```mlir
    %0 = memref.cast %a : memref<4x8xf32> to memref<?x?xf32, strided<[?, ?], offset: ?>>
    ...
    call @tg_uk_matmul_f32(%0, %1, %2, %b_kind, %c_zero, %epilogue) : (...) -> ()
    ```
  }];
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect"];
}

def FoldPaddingPass : Pass<"tg-cpu-fold-padding", "ModuleOp"> {
  let summary = "Passes a depthwise convolution's or a pooling's padded "
                "input as its interior and two pad amounts";
  let description = [{
    After `tg-cpu-use-microkernels`: a depthwise convolution (one input and
    one output channel per group) or a 2-D pooling call whose input is a
    local buffer that is filled whole with the padding value (+0.0; -inf
    for a max pooling), then written only through one interior view
    (offsets [0, 0, top, left], unit strides, by linalg ops or copies), and
    read only by the call, gets a plain buffer of the interior's shape
    instead: the writers write it, the fill goes, and the call gets `top`
    and `left` as its padding arguments. The depthwise microkernel pads
    each plane in a small buffer that stays in cache; the pooling one reads
    the padding as its identity. The padded tensor, its fill, and the
    strided writes into it are gone, and the writer (the previous
    convolution's epilogue) now has consecutive pixels, which
    `tg-cpu-fuse-epilogues` (run next) needs to fuse it.

    Before:
    ```mlir
    %p = memref.alloc() : memref<1x8x10x10xf32>
    linalg.fill ins(%zero : f32) outs(%p : memref<1x8x10x10xf32>)
    %in = memref.subview %p[0, 0, 1, 1] [1, 8, 8, 8] [1, 1, 1, 1] : ...
    linalg.generic {...} ins(...) outs(%in : ...)
    %e = memref.expand_shape %p [[0], [1, 2], [3], [4]] ...
    call @tg_uk_conv2d_ngchw_gfchw_f32(%e', %w, %o, ..., %c0, %c0, ...)
    ```
    After:
    ```mlir
    %q = memref.alloc() : memref<1x8x8x8xf32>
    linalg.generic {...} ins(...) outs(%q : memref<1x8x8x8xf32>)
    %e = memref.expand_shape %q [[0], [1, 2], [3], [4]] ...
    call @tg_uk_conv2d_ngchw_gfchw_f32(%e', %w, %o, ..., %c1, %c1, ...)
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect"];
}

def PackWeightsPass : Pass<"tg-cpu-pack-weights", "ModuleOp"> {
  let summary = "Chooses the packed GEMM layout for model weights, "
                "packed at compile time into the bundle";
  let description = [{
    After `tg-cpu-use-microkernels`: the GEMM microkernel reads its operands
    as register panels (`Microkernels/Layout.h`). A convolution's weight (A)
    is packed on first use and kept when it reaches the packed GEMM (its
    groups have at least `rows / 2` output channels, so not depthwise); a
    matmul's B is read in place or packed on every call. When the weight is
    an executable argument marked `tg.is_weight` whose only uses (through
    casts, reshapes and transposes) are such operands wanting the same
    layout, this pass chooses the packed layout for it instead: the
    argument becomes a 1-D buffer of the packed size, each call gets it
    reinterpreted with the operand's sizes and weight kind 2
    (`TG_WEIGHT_PREPACKED`: a convolution's `w_const`, a matmul's
    `b_kind`), and the module's `tg.weight_layouts` array records the
    choice: `{export, arg, kind, params, size}`, with kind `gemm-a-panels`
    (params `[rows, depth, groups, m, k]`) or `gemm-b-panels` (params
    `[columns, depth, k, n, s0, s1, offset]`: B[k][n] is the weight's
    element `offset + k * s0 + n * s1`, so a transposed view packs as
    well). The CPU backend hands the records to the compiler driver, which
    stores the weight in the bundle packed (`packGemmPanels`,
    `packGemmBPanels`): the run-time copy and the original layout's pages
    are then gone, and B's panels are read as one contiguous stream instead
    of rows a weight's pitch apart.

    A one-group convolution that the microkernels run with output channels
    in vector lanes (`Layout.h`'s `tg_cv_tile_pixels`, from the weight's,
    the output's static sizes and the strides: windows larger than 1x1,
    1x1 ones on small planes) gets kind `conv-channel-blocks` instead
    (params `[vl, blocks, f, c, kh, kw]`, `vl = columns / 2`: blocks of VL
    output channels, each K = C * KH * KW rows of VL floats;
    `packConvChannelBlocks`) and weight kind 3
    (`TG_WEIGHT_CHANNEL_BLOCKS`).

    `rows` and `columns` must be the register tile of the microkernels the
    code object links (8 x 32 with AVX-512, 6 x 16 without:
    `microkernelRows`, `microkernelColumns`), `depth` their `TG_KC`; the
    pipeline sets them from the target's features.

    Before:
    ```mlir
    func.func @f(%x: memref<1x16x8x8xf32>, %w: memref<32x16x3x3xf32> {tg.is_weight}, ...) {
      %wc = memref.cast %w : memref<32x16x3x3xf32> to memref<?x?x?x?xf32, strided<...>>
      call @tg_uk_conv2d_nchw_fchw_f32(%xc, %wc, %oc, ..., %c1 /*w_const*/, ...)
    ```
    After:
    ```mlir
    func.func @f(%x: memref<1x16x8x8xf32>, %w: memref<4608xf32> {tg.is_weight}, ...) {
      %v = memref.reinterpret_cast %w to offset: [0], sizes: [32, 16, 3, 3], strides: [144, 9, 3, 1]
      %wc = memref.cast %v : ... to memref<?x?x?x?xf32, strided<...>>
      call @tg_uk_conv2d_nchw_fchw_f32(%xc, %wc, %oc, ..., %c2 /*w_const*/, ...)
    ```
  }];
  let options = [
    Option<"rows", "rows", "int64_t", /*default=*/"8",
           "Register rows (TG_MR) of the linked microkernels">,
    Option<"columns", "columns", "int64_t", /*default=*/"32",
           "Register columns (TG_NR) of the linked microkernels">,
    Option<"depth", "depth", "int64_t", /*default=*/"128",
           "Columns per packed chunk (TG_KC) of the linked microkernels">
  ];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect"];
}

def FuseEpiloguesPass : Pass<"tg-cpu-fuse-epilogues", "ModuleOp"> {
  let summary = "Runs the elementwise op after a microkernel call inside it";
  let description = [{
    After `tg-cpu-use-microkernels`: when the next op that touches a
    microkernel's output is an elementwise op (all loops parallel) that
    reads it with an identity map, writes each point of its own output
    once, and whose body holds only scalar `arith` and `math` ops (and
    constants from outside), the op goes and its body becomes a function
    of the code object (`tg_epilogue_N`, the `tg_epi_fn` of
    `Microkernels/Epilogue.h`): a loop over a run of points that loads the
    result and the op's inputs and stores the op's value. The call gets the
    function's address and the op's operands (addresses and strides,
    stored at run time) in its epilogue descriptor, and calls it on each
    block of final results while the block is in cache: bias, folded batch
    norm, activations and residual adds cost no pass over memory of their
    own.

    The call moves down to the op's place, so nothing in between may write
    the call's inputs, and the op's output may not be one of them. When
    the contraction's own output is a local buffer used by nothing else and
    started as zeros (`c_zero`), and the op reads no input from its output,
    the microkernel writes the op's output directly and the buffer goes
    (for a GEMM-based convolution only when the output's pixels are
    consecutive).

    Before:
    ```mlir
    call @tg_uk_matmul_f32(%a, %b, %c, %c1_i64, %none) : (...) -> ()
    linalg.generic {...} ins(%c0, %bias : memref<4x16xf32>, memref<16xf32>)
        outs(%d : memref<4x16xf32>) {
    ^bb0(%x: f32, %y: f32, %o: f32):
      %s = arith.addf %x, %y : f32
      %r = arith.maximumf %s, %zero : f32
      linalg.yield %r : f32
    }
    ```
    After:
    ```mlir
    %desc = memref.alloca() : memref<12xi64>
    ...   // @tg_epilogue_0's address, then %d's and %bias's
    call @tg_uk_matmul_f32(%a, %b, %d, %c1_i64, %desc) : (...) -> ()
    ...
    llvm.func internal @tg_epilogue_0(%desc: !llvm.ptr, %acc: !llvm.ptr,
        %as: i64, %b: i64, %c: i64, %y: i64, %x0: i64, %len: i64) {
      ...
      scf.for %i = %c0 to %n step %c1 {  // load, add, max, store
      ...
    }
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::scf::SCFDialect"];
}

def ParallelizeLoopsPass : Pass<"tg-cpu-parallelize-loops", "ModuleOp"> {
  let summary = "Runs the outermost parallel loops of functions on the "
                "runtime's thread pool";
  let description = [{
    Every `scf.parallel` without reductions that sits directly in a function
    body and does enough work (`min-work` loop iterations times ops, counted
    through nested loops with static trip counts; dynamic trip counts count
    as large) is outlined: its body, over a range `[begin, end)` of its
    first dimension of extent > 1, becomes `func.func private @tg_par_body_<N>(begin,
    end, captures...)`, and the loop becomes a call of the external
    `@tg_par_launch_<N>(count, captures...)`. The CPU backend defines each
    launcher in LLVM IR: it stores the captures in a frame and hands a
    trampoline to the runtime's parallel-for (`tangram_set_parallel_for`,
    docs/BundleFormat.md), which splits `[0, count)` over its threads.
    Constants are cloned into the body rather than captured.

    Before:
    ```mlir
    scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c64) step (%c1, %c1) {
      %v = memref.load %a[%i, %j] : memref<64x64xf32>
      memref.store %v, %b[%i, %j] : memref<64x64xf32>
    }
    ```
    After:
    ```mlir
    func.call @tg_par_launch_0(%c64, %a, %b) : (index, memref<64x64xf32>, memref<64x64xf32>) -> ()
    ...
    func.func private @tg_par_body_0(%begin: index, %end: index, %a: memref<64x64xf32>, %b: memref<64x64xf32>) {
      scf.parallel (%i, %j) = (%begin, %c0) to (%end, %c64) step (%c1, %c1) { ... }
      return
    }
    ```
  }];
  let options = [
    Option<"minWork", "min-work", "int64_t", /*default=*/"131072",
           "Loops estimated to do less work than this stay serial">
  ];
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::affine::AffineDialect"];
}

def ReassociateReductionsPass
    : Pass<"tg-cpu-reassociate-reductions", "ModuleOp"> {
  let summary = "Lets LLVM vectorize a reduction's float sums and products";
  let description = [{
    A reduction over a tensor's innermost dim (LayerNorm's mean and
    variance, softmax's sum, ReduceSum/ReduceMean, ReduceProd) lowers to a
    loop that adds one element per step into one accumulator. Float
    addition is not associative, so LLVM keeps that order: one add per
    element, each waiting for the previous one (4 cycles on x86), instead
    of 16 lanes of partial sums. This pass gives the combiner of each
    `linalg.generic` reduction (`addf` or `mulf` of the output's value
    and the step's) the `reassoc` fast-math flag, which lets LLVM's loop
    vectorizer split it into lanes. The sum is then taken in another
    order, as onnxruntime and every other ML compiler take it: results may
    differ in the last bits (the relative error of a sum of n terms is
    still at most about n ulp). Min and max reductions are left as they
    are: marking them made no difference (LLVM 22 keeps a row maximum
    scalar, about 6 cycles per element, which is still to be done).

    ```mlir
    ^bb0(%in: f32, %acc: f32):
      %s = arith.addf %in, %acc : f32   // -> arith.addf ... fastmath<reassoc>
      linalg.yield %s : f32
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect"];
}

def CollapseContiguousDimsPass
    : Pass<"tg-cpu-collapse-contiguous-dims", "ModuleOp"> {
  let summary = "Runs a linalg op's contiguous trailing dims as one loop";
  let description = [{
    An elementwise `linalg.generic` on buffers (a channel shuffle's
    transposed copy, a squeeze-excitation scale, an activation) or a plain
    reduction (a global pool) lowers to one loop per dim. Over small
    planes (7x7, 14x14, 28x28) LLVM unrolls the short innermost loop fully
    and vectorizes across an outer dim instead, with gathers and scatters:
    ShuffleNet's shuffles and the squeeze-excitation blocks of
    MobileNetV3, EfficientNet and RegNet spent their time in them. This
    pass finds the longest run of trailing loops of one iterator type that
    every operand holds contiguously (consecutive, in order, in each
    indexing map, and with strides that let the buffer be viewed as one
    dim: a padded copy's interior rows are not) and collapses it into one
    loop over `memref.collapse_shape` views, which LLVM vectorizes with
    plain loads and stores. An input read through constant indices of
    unit dims (a [1, C, 1, 1] scale read as (n, c, 0, 0)) is first viewed
    without them. Named elementwise ops, copies, transposes and broadcasts
    become generics to be collapsed; contractions and convolutions are
    left alone.

    ```mlir
    linalg.generic {indexing_maps = [(c, h, w) -> (c, h, w), ...],
                    iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x : memref<116x14x14xf32>) ...
    // -> the same over memref<116x196xf32> views: loops (c, hw)
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::memref::MemRefDialect"];
}

def ByteBoolsPass : Pass<"tg-cpu-byte-bools", "ModuleOp"> {
  let summary = "Loads and stores bools as bytes, so that LLVM vectorizes "
                "loops over them";
  let description = [{
    A bool tensor (a comparison's result, an attention mask cast to bool)
    is a buffer of one byte per element, which the memref lowering reads
    and writes as LLVM `i1` values. LLVM's loop vectorizer takes a type
    whose size (1 bit) differs from its size in memory (8 bits) as
    irregular and scalarizes its loads and stores: a `where(mask, x,
    -inf)` over attention scores loaded the mask byte by byte and built
    each vector's mask bit by bit (8% of bert_like's time on one thread).
    This pass, run on the LLVM dialect, rewrites each scalar `i1` load as
    an `i8` load and a `trunc`, and each `i1` store as a `zext` and an
    `i8` store: the same bytes, in a type the vectorizer loads 16 or 64 at
    a time.

    ```mlir
    %b = llvm.load %p : !llvm.ptr -> i1
    // -> %w = llvm.load %p : !llvm.ptr -> i8
    //    %b = llvm.trunc %w : i8 to i1
    ```
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def ApproximateMathPass : Pass<"tg-cpu-approximate-math", "ModuleOp"> {
  let summary = "Replaces f32 exp, log, tanh and erf with inline polynomial "
                "approximations";
  let description = [{
    libm's scalar calls cost a call per element and block vectorization of
    the loops around them (softmax, GELU, log-softmax). Upstream MLIR's
    polynomial approximations of `math.exp`, `math.expm1`, `math.log`,
    `math.log1p`, `math.log2`, `math.tanh` and `math.erf` on f32 are a few
    ulp accurate, handle infinities and NaN, and are plain arithmetic that
    LLVM vectorizes. Other element types keep their libm calls. Which ops
    are approximated is the CPU TargetInfo's answer (`approximatesMath`,
    include/tangram/Target/TargetInfo.h).
  }];
  let dependentDialects = ["::mlir::math::MathDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::vector::VectorDialect"];
}

def ExpandFloat8Pass : Pass<"tg-cpu-expand-float8", "ModuleOp"> {
  let summary = "Writes conversions to and from 8-bit floats as integer "
                "arithmetic";
  let description = [{
    LLVM has no 8-bit float types (the LLVM type converter stores them as
    i8), so `arith.extf` from and `arith.truncf` to f8E4M3FN, f8E4M3FNUZ,
    f8E5M2 and f8E5M2FNUZ become bit manipulation on i32 around
    `arith.bitcast`s, and scalar `arith.constant`s of those types become i8
    constants. Truncation rounds to nearest even; values beyond the largest
    finite one become infinity (E5M2) or NaN (the others), as APFloat does;
    FNUZ formats have no negative zero. Conversions between other types go
    through f32.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

def ExpandBF16Pass : Pass<"tg-cpu-expand-bf16", "ModuleOp"> {
  let summary = "Writes conversions between f32 and bf16 as integer "
                "arithmetic";
  let description = [{
    LLVM lowers an `fptrunc` to `bfloat` on an x86 CPU without AVX512-BF16
    to a call of `__truncsfbf2`, which Debian 12's libgcc (GCC 12) lacks, so
    a code object with one failed to load ("undefined symbol"). MLIR's bf16
    expansion (`arith::populateExpandBFloat16Patterns`) writes
    `arith.truncf` f32 -> bf16 (round to nearest even, NaN kept quiet) and
    `arith.extf` bf16 -> f32 (a shift) on the bits instead. It runs after
    `arith-emulate-unsupported-floats`, which leaves only such conversions.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def ShrinkBufferLifetimesPass : Pass<"tg-cpu-shrink-buffer-lifetimes", "ModuleOp"> {
  let summary = "Allocates each buffer at its first use and frees it after its last";
  let description = [{
    The upstream deallocation pipeline frees a function's buffers where
    their block ends, and bufferization allocates them early: a model's
    schedule is one block, so every intermediate buffer lived for the whole
    run (resnet50: 58 MB in 61 buffers), and each layer wrote its output
    into memory no cache held. This pass moves each `memref.alloc` down to
    just before the first op of its block that uses the buffer or any
    memref made from it (views, casts, a call's memref results), and its
    `memref.dealloc` up to just after the last one, so that an allocation
    reuses memory that the layers just before it wrote. A buffer whose
    address leaves the memref type system
    (`memref.extract_aligned_pointer_as_index`, an unrealized cast), that is
    used outside its block, or that is freed more than once is left as it
    is.

    ```mlir
    %a = memref.alloc() : memref<64xf32>
    %b = memref.alloc() : memref<64xf32>   // moved down to before @second
    call @first(%a) : (memref<64xf32>) -> ()
    call @second(%a, %b) : (memref<64xf32>, memref<64xf32>) -> ()
    memref.dealloc %a : memref<64xf32>     // moved up to after @second
    ```
  }];
  let dependentDialects = ["memref::MemRefDialect"];
}

def LowerAssertsPass : Pass<"tg-cpu-lower-asserts", "ModuleOp"> {
  let summary = "Turns cf.assert into run-time error reports";
  let description = [{
    Lowerings check what only run time can know (a shape given as a tensor
    value, for instance) with `cf.assert` and carry on with safe values.
    Upstream lowers a failed assert to abort(), which would kill the process
    that runs the model. Instead, the report is the CPU TargetInfo's
    (`emitErrorReport`, include/tangram/Target/TargetInfo.h): a failed
    check calls the microkernels'
    `tg_uk_report_error` with the assert's message (an LLVM global string);
    the code object keeps the first message and the runtime reads it with
    `tangram_take_error` after the run, failing it with that message
    (docs/BundleFormat.md).

    ```mlir
    cf.assert %ok, "Reshape: the shape does not match the element count"
    ```
    becomes
    ```mlir
    %bad = arith.xori %ok, %true : i1
    scf.if %bad {
      %msg = llvm.mlir.addressof @tg_assert_0 : !llvm.ptr
      ...
      func.call @tg_uk_report_error(%p) : (!llvm.ptr) -> ()
    }
    ```
  }];
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::LLVM::LLVMDialect"];
}

#endif // TANGRAM_TARGET_CPU_PASSES
