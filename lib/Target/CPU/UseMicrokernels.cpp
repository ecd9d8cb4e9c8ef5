//===- UseMicrokernels.cpp - f32 contractions as microkernel calls --------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Loops from convert-linalg-to-loops are scalar and single-threaded; a packed,
// register-blocked GEMM is an order of magnitude faster. Rather than building
// that from tiling and vectorization passes, the CPU backend calls hand-tuned
// C kernels (Microkernels/Microkernels.c) that are linked into the code object
// as bitcode and optimized for the host with the rest of the code, the way
// IREE's ukernels work.
//
//===----------------------------------------------------------------------===//
#include "tangram/Target/CPU/Passes.h"
#include "CPUTransforms.h"
#include "Microkernels/Layout.h"
#include "mlir/Analysis/FlatLinearValueConstraints.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_USEMICROKERNELSPASS
#include "tangram/Target/CPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;
using namespace mlir::tangram;

namespace {

/// A memref of `rank` f32 with every size, stride and the offset dynamic:
/// the form the microkernels take (func-to-llvm unpacks it to
/// allocated, aligned, offset, sizes, strides).
MemRefType dynamicStrided(MLIRContext *ctx, int64_t rank) {
  SmallVector<int64_t> shape(rank, ShapedType::kDynamic);
  SmallVector<int64_t> strides(rank, ShapedType::kDynamic);
  auto layout =
      StridedLayoutAttr::get(ctx, ShapedType::kDynamic, strides);
  return MemRefType::get(shape, Float32Type::get(ctx), layout);
}

/// True when `v` is an f32 memref of `rank` whose layout is strided (a cast
/// to the dynamic strided form is then valid).
bool isStridedF32(Value v, int64_t rank) {
  auto t = dyn_cast<MemRefType>(v.getType());
  return t && t.getRank() == rank && t.getElementType().isF32() &&
         t.isStrided();
}

/// The microkernel of `op` and the rank of its operands, or "" if none.
std::pair<StringRef, int64_t> microkernelFor(linalg::LinalgOp op) {
  if (auto mm = dyn_cast<linalg::MatmulOp>(op.getOperation()))
    return {mm.hasUserDefinedMaps() ? "" : "tg_uk_matmul_f32", 2};
  if (auto bmm = dyn_cast<linalg::BatchMatmulOp>(op.getOperation()))
    return {bmm.hasUserDefinedMaps() ? "" : "tg_uk_batch_matmul_f32", 3};
  if (isa<linalg::Conv2DNchwFchwOp>(op.getOperation()))
    return {"tg_uk_conv2d_nchw_fchw_f32", 4};
  if (isa<linalg::Conv2DNgchwGfchwOp>(op.getOperation()))
    return {"tg_uk_conv2d_ngchw_gfchw_f32", 5};
  return {"", 0};
}

/// The i64 values of a convolution's strides then dilations attribute.
SmallVector<int64_t> convParams(linalg::LinalgOp op) {
  SmallVector<int64_t> out;
  for (StringRef name : {"strides", "dilations"}) {
    auto attr = op->getAttrOfType<DenseIntElementsAttr>(name);
    if (!attr) {
      out.append(2, 1);
      continue;
    }
    for (const APInt &v : attr.getValues<APInt>())
      out.push_back(v.getSExtValue());
  }
  return out;
}

/// If `v` is a local buffer whose last write before `user` is a
/// linalg.transpose of all of it, which nothing but `user` reads (before
/// `user`, and after it until the buffer is written whole again or freed),
/// from a source nothing writes in between, returns that transpose: the
/// microkernels read strided operands, so a transposed view of the source
/// can replace the copy. Bufferization may have one buffer take several
/// such transposes (a weight per layer) in turn.
linalg::TransposeOp foldableTranspose(Value v, Operation *user) {
  auto alloc = v.getDefiningOp<memref::AllocOp>();
  // In the user's block: past its end the buffer is dead.
  if (!alloc || alloc->getBlock() != user->getBlock())
    return {};
  // An op that names the buffer without reading or writing it, other than
  // a view (whose readers name the buffer too), passes it on (a yield, a
  // return): a read.
  auto readsOrPasses = [&](Operation *op) {
    BufferUse use = bufferUse(op, alloc);
    if (use == BufferUse::None && namesBuffer(op, alloc) &&
        !isa<ViewLikeOpInterface>(op))
      return BufferUse::Reads;
    return use;
  };
  linalg::TransposeOp transpose;
  for (Operation *op = user->getPrevNode(); op && !transpose;
       op = op->getPrevNode()) {
    BufferUse use = readsOrPasses(op);
    if (use == BufferUse::None)
      continue;
    transpose = dyn_cast<linalg::TransposeOp>(op);
    if (use == BufferUse::Reads || !transpose || transpose.getInit() != v)
      return {};
  }
  if (!transpose)
    return {};
  for (Operation *op = user->getNextNode(); op; op = op->getNextNode()) {
    BufferUse use = readsOrPasses(op);
    if (use == BufferUse::None)
      continue;
    auto rewrite = dyn_cast<linalg::TransposeOp>(op);
    bool freed = isa<memref::DeallocOp>(op);
    if (use == BufferUse::Writes && (freed || (rewrite && rewrite.getInit() == v &&
                                               bufferRoot(rewrite.getInput()) != alloc)))
      break;
    return {};
  }
  Value src = bufferRoot(transpose.getInput());
  for (Operation *op = transpose->getNextNode(); op != user;
       op = op->getNextNode())
    if (bufferUse(op, src) == BufferUse::Writes)
      return {};
  return transpose;
}

/// True when `v` is a view of a function argument marked `tg.is_weight` (a
/// model weight: OutlineExecutables.cpp): the microkernels then keep its
/// packed form across runs.
bool isModelWeight(Value v) {
  auto arg = dyn_cast<BlockArgument>(bufferRoot(v));
  if (!arg)
    return false;
  auto fn = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp());
  return fn && arg.getOwner() == &fn.getBody().front() &&
         fn.getArgAttr(arg.getArgNumber(), "tg.is_weight");
}

/// The private declaration of microkernel `name` with type `type` in
/// `module`, made if missing; an error at `user` (the op to be replaced)
/// if the name is taken otherwise.
FailureOr<func::FuncOp> declareMicrokernel(ModuleOp module, StringRef name,
                                           FunctionType type,
                                           Operation *user) {
  if (auto fn = module.lookupSymbol<func::FuncOp>(name)) {
    if (fn.getFunctionType() == type)
      return fn;
    return user->emitError("symbol '") << name
                                        << "' is taken by another function";
  }
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  auto fn = func::FuncOp::create(b, module.getLoc(), name, type);
  fn.setPrivate();
  return fn;
}

} // namespace

bool mlir::tangram::isPositiveZero(Value v) {
  FloatAttr attr;
  return matchPattern(v, m_Constant(&attr)) && attr.getValue().isPosZero();
}

bool mlir::tangram::isNegativeInfinity(Value v) {
  FloatAttr attr;
  return matchPattern(v, m_Constant(&attr)) && attr.getValue().isInfinity() &&
         attr.getValue().isNegative();
}

namespace {

/// True when the buffer `c` holds the constant `isValue` accepts everywhere
/// just before `at`: the last op of the block before `at` that writes c's
/// buffer is a fill with it, or a copy from a buffer that holds it then, of
/// all of c. Sets `dead` to that op when the microkernel's writes make it
/// redundant: it writes exactly c's elements and nothing reads them before
/// `at`. (Tensor CSE merges equal filled inits, which bufferization then
/// copies.)
bool holdsConstant(Operation *at, Value c, function_ref<bool(Value)> isValue,
                   Operation *&dead) {
  dead = nullptr;
  Value root = bufferRoot(c);
  bool read = false;
  for (Operation *op = at->getPrevNode(); op; op = op->getPrevNode()) {
    if (llvm::is_contained(op->getResults(), root))
      return false; // the allocation: nothing written yet
    BufferUse t = bufferUse(op, root);
    if (t == BufferUse::None)
      continue;
    if (t == BufferUse::Reads) {
      read = true;
      continue;
    }
    Value target;
    if (auto fill = dyn_cast<linalg::FillOp>(op)) {
      if (!fill.hasPureBufferSemantics() || !isValue(fill.value()))
        return false;
      target = fill.output();
    } else if (auto copy = dyn_cast<memref::CopyOp>(op)) {
      Operation *sourceWriter;
      if (bufferRoot(copy.getSource()) == root ||
          !holdsConstant(op, copy.getSource(), isValue, sourceWriter))
        return false;
      target = copy.getTarget();
    } else {
      return false;
    }
    bool all = coversRoot(target, root);
    if (target != c && !all)
      return false;
    if (!read && (target == c || coversRoot(c, root)))
      dead = op;
    return true;
  }
  return false;
}

/// `e` as coefficients of d0..d(n-1) when it is a sum of dims times
/// constants (no constant term, no div or mod), else nothing.
std::optional<SmallVector<int64_t>> linearDims(AffineExpr e, unsigned n) {
  SmallVector<int64_t> flat; // [dims, symbols, locals, constant]
  if (failed(getFlattenedAffineExpr(e, n, 0, &flat)) ||
      flat.size() != n + 1 || flat.back() != 0)
    return std::nullopt;
  flat.pop_back();
  return flat;
}

/// A 2-D pooling window reduction as PoolingLowering.cpp writes it: loops
/// n, c, y, x (parallel) and ky, kx (reduction) in any order (the loops may
/// have been interchanged), input (n, c, y * SH + ky * DH, x * SW + kx * DW),
/// a shape-only window (ky, kx), output (n, c, y, x), and a body that is
/// maximumf or addf of the output and the input. Its parameters (KH, KW,
/// SH, SW, DH, DW, sum) or nothing.
std::optional<SmallVector<int64_t>> poolParams(linalg::GenericOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || op.getNumLoops() != 6)
    return std::nullopt;
  Value in = op.getDpsInputs()[0], window = op.getDpsInputs()[1],
        out = op.getDpsInits()[0];
  auto windowType = dyn_cast<MemRefType>(window.getType());
  if (!isStridedF32(in, 4) || !isStridedF32(out, 4) || !windowType ||
      windowType.getRank() != 2 || !windowType.hasStaticShape())
    return std::nullopt;
  // The loop of each of n, c, y, x (the output's dims) and ky, kx.
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  SmallVector<unsigned> loop;
  for (AffineMap m : {maps[2], maps[1]})
    for (AffineExpr e : m.getResults()) {
      auto d = dyn_cast<AffineDimExpr>(e);
      if (!d)
        return std::nullopt;
      loop.push_back(d.getPosition());
    }
  auto iters = op.getIteratorTypesArray();
  for (unsigned i = 0; i < 6; ++i)
    if (llvm::count(loop, loop[i]) != 1 ||
        iters[loop[i]] != (i < 4 ? utils::IteratorType::parallel
                                 : utils::IteratorType::reduction))
      return std::nullopt;
  AffineMap inMap = maps[0];
  if (inMap.getNumResults() != 4 ||
      inMap.getResult(0) != getAffineDimExpr(loop[0], op.getContext()) ||
      inMap.getResult(1) != getAffineDimExpr(loop[1], op.getContext()))
    return std::nullopt;
  SmallVector<int64_t> params(windowType.getShape());
  int64_t strides[2], dilations[2];
  for (unsigned i = 0; i < 2; ++i) {
    auto c = linearDims(inMap.getResult(2 + i), 6);
    if (!c)
      return std::nullopt;
    unsigned spatial = loop[2 + i], tap = loop[4 + i];
    for (unsigned d = 0; d < 6; ++d)
      if (d != spatial && d != tap && (*c)[d] != 0)
        return std::nullopt;
    strides[i] = (*c)[spatial];
    dilations[i] = (*c)[tap];
    if (strides[i] < 1 || dilations[i] < 1)
      return std::nullopt;
  }
  params.append({strides[0], strides[1], dilations[0], dilations[1]});
  Block &body = op.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  if (body.getOperations().size() != 2 || yield.getNumOperands() != 1)
    return std::nullopt;
  Operation *combine = yield.getOperand(0).getDefiningOp();
  if (!combine || !isa<arith::MaximumFOp, arith::AddFOp>(combine))
    return std::nullopt;
  Value a = body.getArgument(0), o = body.getArgument(2);
  if (!((combine->getOperand(0) == a && combine->getOperand(1) == o) ||
        (combine->getOperand(0) == o && combine->getOperand(1) == a)))
    return std::nullopt;
  params.push_back(isa<arith::AddFOp>(combine) ? 1 : 0);
  return params;
}

/// Replaces pooling window reductions with tg_uk_pool2d_nchw_f32 calls.
LogicalResult usePoolMicrokernels(ModuleOp module) {
  MLIRContext *ctx = module.getContext();
  SmallVector<std::pair<linalg::GenericOp, SmallVector<int64_t>>> pools;
  module.walk([&](linalg::GenericOp op) {
    if (auto params = poolParams(op))
      pools.emplace_back(op, *params);
  });
  if (pools.empty())
    return success();
  OpBuilder b(ctx);
  MemRefType argType = dynamicStrided(ctx, 4);
  SmallVector<Type> argTypes(2, argType);
  argTypes.append(10, b.getI64Type());
  FailureOr<func::FuncOp> fn = declareMicrokernel(
      module, "tg_uk_pool2d_nchw_f32", b.getFunctionType(argTypes, {}),
      pools.front().first);
  if (failed(fn))
    return failure();
  for (auto &[op, params] : pools) {
    Location loc = op.getLoc();
    // A max pool's output filled with -inf just before is only written
    // (its fill goes); a sum keeps its fill (+0.0 + x is not x for -0.0).
    Operation *deadInit = nullptr;
    bool init = params.back() == 0 &&
                holdsConstant(op, op.getDpsInits()[0], isNegativeInfinity,
                              deadInit);
    b.setInsertionPoint(op);
    SmallVector<Value> args{
        memref::CastOp::create(b, loc, argType, op.getDpsInputs()[0]),
        memref::CastOp::create(b, loc, argType, op.getDpsInits()[0])};
    // The input is already padded (tg-cpu-fold-padding may pass its
    // interior and the top and left padding instead).
    params.insert(params.begin() + 6, {0, 0});
    params.push_back(init ? 1 : 0);
    for (int64_t p : params)
      args.push_back(arith::ConstantIntOp::create(b, loc, p, 64));
    func::CallOp::create(b, loc, *fn, args);
    op->erase();
    if (init && deadInit)
      deadInit->erase();
  }
  return success();
}

} // namespace

bool mlir::tangram::isDepthwiseCall(func::CallOp call) {
  Value w = call.getOperand(1);
  if (auto cast = w.getDefiningOp<memref::CastOp>())
    w = cast.getSource();
  auto type = dyn_cast<MemRefType>(w.getType());
  return type && call.getCallee().starts_with("tg_uk_conv") &&
         type.getRank() == 5 && type.getDimSize(1) == 1 &&
         type.getDimSize(2) == 1;
}

bool mlir::tangram::hasMicrokernel(linalg::LinalgOp op) {
  return !microkernelFor(op).first.empty() &&
         llvm::all_of(op->getOperands(), [](Value v) {
           return getElementTypeOrSelf(v.getType()).isF32();
         });
}

namespace {

struct UseMicrokernelsPass
    : public mlir::tangram::impl::UseMicrokernelsPassBase<
          UseMicrokernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = module.getContext();
    SmallVector<linalg::LinalgOp> ops;
    module.walk([&](linalg::LinalgOp op) {
      auto [name, rank] = microkernelFor(op);
      if (name.empty() || !op.hasPureBufferSemantics())
        return;
      int64_t r = rank; // structured bindings cannot be captured in C++17
      if (llvm::all_of(op->getOperands(),
                       [&](Value v) { return isStridedF32(v, r); }))
        ops.push_back(op);
    });
    OpBuilder b(ctx);
    for (linalg::LinalgOp op : ops) {
      auto [name, rank] = microkernelFor(op);
      Location loc = op.getLoc();
      MemRefType argType = dynamicStrided(ctx, rank);
      bool isConv = rank >= 4;
      SmallVector<Type> argTypes(3, argType);
      argTypes.append(isConv ? 8 : 2, b.getI64Type());
      auto epilogueType = MemRefType::get({ShapedType::kDynamic}, b.getI64Type());
      argTypes.push_back(epilogueType);
      FailureOr<func::FuncOp> fn =
          declareMicrokernel(module, name, b.getFunctionType(argTypes, {}), op);
      if (failed(fn))
        return signalPassFailure();
      Operation *deadInit;
      bool cZero =
          holdsConstant(op, op.getDpsInits()[0], isPositiveZero, deadInit);
      b.setInsertionPoint(op);
      SmallVector<Value> args;
      DenseMap<Value, Value> folded; // an operand passed twice folds once
      for (OpOperand &operand : op->getOpOperands()) {
        Value v = operand.get();
        bool input = op.isDpsInput(&operand);
        if (Value view = input ? folded.lookup(v) : Value()) {
          v = view;
        } else if (!isConv && input &&
                   llvm::none_of(op.getDpsInits(), [&](Value init) {
                     return bufferRoot(init) == bufferRoot(v);
                   })) {
          if (linalg::TransposeOp t = foldableTranspose(v, op)) {
            auto perm = AffineMapAttr::get(AffineMap::getPermutationMap(
                t.getPermutation(), ctx));
            Value view = memref::TransposeOp::create(b, loc, t.getInput(), perm);
            folded[v] = view;
            v = view;
            t->erase();
          }
        }
        args.push_back(memref::CastOp::create(b, loc, argType, v));
      }
      if (isConv) {
        for (int64_t p : convParams(op))
          args.push_back(arith::ConstantIntOp::create(b, loc, p, 64));
        // The input is already padded (tg-cpu-fold-padding may
        // pass its interior and these two instead).
        for (int i = 0; i < 2; ++i)
          args.push_back(arith::ConstantIntOp::create(b, loc, 0, 64));
        args.push_back(arith::ConstantIntOp::create(
            b, loc,
            isModelWeight(op->getOperand(1)) ? TG_WEIGHT_MODEL
                                             : TG_WEIGHT_ACTIVATION,
            64));
      } else {
        // B's kind: tg-cpu-pack-weights may pack a model weight.
        args.push_back(
            arith::ConstantIntOp::create(b, loc, TG_WEIGHT_ACTIVATION, 64));
      }
      args.push_back(arith::ConstantIntOp::create(b, loc, cZero ? 1 : 0, 64));
      // No epilogue yet (tg-cpu-fuse-epilogues may add one): an empty
      // descriptor (Microkernels/Epilogue.h).
      Value none = memref::AllocaOp::create(
          b, loc, MemRefType::get({0}, b.getI64Type()));
      args.push_back(memref::CastOp::create(b, loc, epilogueType, none));
      func::CallOp::create(b, loc, *fn, args);
      op->erase();
      // The microkernel writes every element of the output: a fill or copy
      // of zeros into it that nothing else reads is dropped.
      if (deadInit)
        deadInit->erase();
    }
    if (failed(usePoolMicrokernels(module)))
      signalPassFailure();
  }
};

} // namespace
