//===- MatrixContractStrategy.cpp - contractions on matrix instructions ---===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// The contract strategy on a target's matrix instruction (MatrixOps.h:
// mma.sync on NVIDIA, MFMA on AMD) for sums of products `x * y`. A
// workgroup is 2 x 2 subgroups and computes a 64 x 64 tile of one batch
// point; each subgroup a 32 x 32 block of it, as (32 / m) x (32 / n)
// instruction tiles whose accumulators stay in registers. A large static
// problem whose sides are both copied asynchronously takes 128 x 128
// tiles of 64 x 64 blocks (TilePlan, kLargeBlock). Per step of 32
// (or 16, see kDepth) along the flattened reduction nest, the workgroup
// stages the tile's x values as A [row][k] and its y values as B [col][k]
// in workgroup memory (rows padded by 16 bytes, so that the 8 rows a
// fragment load reads fall in different banks), zeros outside the
// problem, converted to the instruction's operand type; then each
// subgroup loads its fragments and multiplies.
//
// Each side has two stages (double buffering) where workgroup memory has
// room: the subgroups multiply step t's tiles in one while step t + 1's
// are staged into the other, so global loads overlap the matrix
// instructions. When both sides are copied asynchronously, up to
// kMaxStages stages keep that many steps in flight (multistage, as
// CUTLASS's sm80 kernels), in workgroup memory the launch asks for where
// the static limit is too small (CUDA's dynamic shared memory above
// 48 KiB). A side that is a plain load with k contiguous and aligned
// in memory (A of a row-major matmul, B of a transposed one) is staged by
// the target's asynchronous copies (cp.async) when it has them, straight
// from global to workgroup memory; so is a B contiguous along n (a
// row-major matmul's), into a [k][col] stage, where the hook loads B
// fragments from one (loadBKMajor). The others are fetched into registers
// before the products and stored after them. The accumulators are folded
// into the output like the scalar strategy's
// (ContractionTiling::storeElement).
//
//===----------------------------------------------------------------------===//
#include "KernelStrategies.h"
#include "tangram/Target/GPU/MatrixOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include <array>
#include <numeric>

using namespace mlir;
using namespace mlir::tangram;

namespace {

/// Subgroups per workgroup along rows and along cols.
constexpr unsigned kGrid = 2;
/// Rows (and cols) of the block each subgroup computes: kLargeBlock for a
/// problem with work enough for it (twice as many tiles as the GPU runs
/// workgroups at once), kBlock otherwise. A 64 x 64 block does four times
/// the products of a 32 x 32 one per fragment loaded and per barrier, at
/// the price of four times the accumulators and of fewer workgroups.
constexpr unsigned kBlock = 32, kLargeBlock = 64;
/// Points of the reduction nest staged per step: kDepth, or for the large
/// block the deepest of kDepth and kDepth / 2 with which two stages fit
/// (a large block never trades double buffering away: f32 operands for
/// tf32 stage 16 deep on NVIDIA).
constexpr unsigned kDepth = 32;
/// The most stages of a pipeline whose sides are both copied
/// asynchronously: steps t + 1 .. t + kMaxStages - 1 are in flight while
/// step t's products run.
constexpr unsigned kMaxStages = 4;

/// The value a side of the product reads before it is extended from a
/// narrower float in the loop body (f16 inputs of an f32 product).
Value beforeExtension(Value v, Block *body) {
  if (auto ext = v.getDefiningOp<arith::ExtFOp>())
    if (ext->getBlock() == body)
      return ext.getIn();
  return v;
}

/// The tile a contraction takes: its size, its staged rows, its stages.
struct TilePlan {
  /// Rows (and cols) of each subgroup's block, and of the workgroup's tile.
  unsigned block, tileSize;
  /// Points of the reduction nest staged per step.
  unsigned depth;
  /// Elements per row of a [point][k] stage and of a [k][point] one.
  unsigned ld, ldK;
  unsigned stages, groupSize;
  /// Workgroup memory of one stage of both sides.
  uint64_t stageBytes;
};

/// The plan for subgroup blocks of `block` rows, or none when its
/// fragments or its stage do not fit.
std::optional<TilePlan> planTile(const KernelContext &ctx, const MatrixOp &op,
                                 unsigned width, unsigned block,
                                 unsigned depth) {
  TilePlan p;
  p.block = block;
  p.tileSize = kGrid * block;
  p.depth = depth;
  // Rows of the staged tiles: `depth` elements and 16 bytes of padding
  // (tileSize elements for a k-major side: rows of k). A k-major side of
  // 32-bit elements is read 4 rows of k by 8 points at a time (tf32's B
  // fragments): 32 bytes of padding put those in different banks.
  p.ld = depth + 128 / width;
  p.ldK = p.tileSize + (width == 32 ? 256 : 128) / width;
  // Two stages of each side's tile where workgroup memory has room for
  // them, else one.
  p.stageBytes = 2ull * p.tileSize * p.ld * width / 8;
  if (block % op.m || block % op.n || depth % op.k ||
      p.stageBytes > ctx.sharedMemoryBytes)
    return std::nullopt;
  p.stages = 2 * p.stageBytes <= ctx.sharedMemoryBytes ? 2 : 1;
  p.groupSize = kGrid * kGrid * op.subgroupSize;
  if ((p.tileSize * depth) % p.groupSize)
    return std::nullopt;
  return p;
}

/// The stages of plan `p` when its sides are both copied asynchronously:
/// as many as fit, up to kMaxStages, in the static limit, or for the
/// large block in half of what a launch may ask for (so that two of its
/// workgroups, as many as its accumulators leave registers for, share a
/// multiprocessor; the small block, for problems of fewer tiles, keeps
/// the workgroups a multiprocessor holds), but no more than the steps
/// along a static reduction (or two; more would stage zeros), and never
/// fewer than `p`'s.
unsigned deepStages(const KernelContext &ctx, const TilePlan &p,
                    const IterationSpace &red) {
  uint64_t budget = ctx.sharedMemoryBytes;
  if (p.block == kLargeBlock)
    budget = std::max<uint64_t>(budget, ctx.maxSharedMemoryBytes / 2);
  uint64_t stages = std::min<uint64_t>(budget / p.stageBytes, kMaxStages);
  if (std::optional<int64_t> depth = ctx.pb.constantOf(red.total))
    stages = std::min<uint64_t>(
        stages, std::max<uint64_t>(2, llvm::divideCeil(*depth, p.depth)));
  return std::max<unsigned>(stages, p.stages);
}

/// Whether the contraction has at least twice as many `tileSize` tiles as
/// the GPU runs workgroups at once (known when its sizes are static).
bool hasWorkFor(const KernelContext &ctx, const ContractionTiling &tiling,
                unsigned tileSize) {
  std::optional<int64_t> rows = ctx.pb.constantOf(tiling.rows.total),
                         cols = ctx.pb.constantOf(tiling.cols.total),
                         batch = ctx.pb.constantOf(tiling.batch.total);
  if (!rows || !cols || !batch)
    return false;
  int64_t tiles = *batch * llvm::divideCeil(*rows, tileSize) *
                  llvm::divideCeil(*cols, tileSize);
  return tiles >= 2 * (int64_t)ctx.multiprocessors;
}

/// One side of the product and how it reaches its staged tile.
struct Side {
  /// The value staged (MatrixContraction::x or y).
  Value v;
  bool isA;
  /// Its stages in workgroup memory.
  Value tile;
  /// Elements per asynchronous copy; 0 when staged through registers.
  unsigned chunk = 0;
  /// Staged as [k][point] (B copied along n, for the hook's loadBKMajor)
  /// rather than [point][k].
  bool kMajor = false;
};

/// Elements one asynchronous copy of side `v` moves along the loop whose
/// induction variable is `along` (in `region`; flattened as `space`), or
/// 0 when it cannot: `v` must be a load of the operand type from a
/// captured buffer whose last index is `along` (the space's one dim, step
/// 1) and whose other indices do not vary with it, so that consecutive
/// points of the loop are consecutive in memory. The copy is the largest
/// the hook takes that the buffer's alignment and the loop's start allow
/// and that splits the `rows` x `run` elements of a stage evenly over the
/// workgroup.
unsigned asyncChunk(KernelContext &ctx, const MatrixOp &op, Value v, Type st,
                    Value along, Region &region, const IterationSpace &space,
                    unsigned rows, unsigned run, unsigned groupSize) {
  auto load = v.getDefiningOp<memref::LoadOp>();
  if (!load || load.getType() != st || space.trips.size() != 1 ||
      ctx.pb.constantOf(space.steps[0]) != 1)
    return 0;
  ValueRange indices = load.getIndices();
  if (indices.empty() || indices.back() != along ||
      llvm::any_of(indices.drop_back(), [&](Value i) {
        return dependsOn(i, along, region);
      }))
    return 0;
  std::optional<int64_t> aligned = ctx.rowAlignment(load.getMemRef());
  if (!aligned)
    return 0;
  int64_t start = ctx.pb.knownDivisor(space.lbs[0]);
  int64_t a = start ? std::gcd(*aligned, start) : *aligned;
  unsigned bytes = st.getIntOrFloatBitWidth() / 8;
  for (unsigned chunk = 16 / bytes; chunk >= 1; chunk /= 2)
    if (a % chunk == 0 && run % chunk == 0 &&
        (rows * (run / chunk)) % groupSize == 0 &&
        op.hasAsyncCopy(chunk * bytes))
      return chunk;
  return 0;
}

} // namespace

std::optional<MatrixContraction>
mlir::tangram::matchMatrixContraction(Contraction c,
                                      ArrayRef<const MatrixOp *> ops,
                                      StringRef precision) {
  if (ops.empty() || c.kind != arith::AtomicRMWKind::addf ||
      c.rowValues.size() != 1 || c.colValues.size() != 1 ||
      c.mixOps.size() != 2)
    return std::nullopt;
  auto mul = dyn_cast<arith::MulFOp>(c.mixOps[0]);
  Value x = c.rowValues[0], y = c.colValues[0];
  if (!mul || !((mul.getLhs() == x && mul.getRhs() == y) ||
                (mul.getLhs() == y && mul.getRhs() == x)))
    return std::nullopt;
  auto acc = dyn_cast<FloatType>(c.acc.getType());
  if (!acc || acc.getWidth() > 32)
    return std::nullopt;
  Block *inner = c.loops.back().getBody();
  MatrixContraction mc;
  mc.x = beforeExtension(x, inner);
  mc.y = beforeExtension(y, inner);
  Type t = mc.x.getType();
  if (t != mc.y.getType() || !isa<FloatType>(t))
    return std::nullopt;
  MLIRContext *ctx = t.getContext();
  auto find = [&](Type operand, bool exact) -> const MatrixOp * {
    for (const MatrixOp *op : ops)
      if (op->accumulatorType(ctx).isF32() &&
          op->operandType(ctx) == operand && op->exact() == exact)
        return op;
    return nullptr;
  };
  // f32 rounded as `precision` allows first, else the values' own type.
  if (t.isF32() && precision == "tf32")
    mc.op = find(t, /*exact=*/false);
  else if (t.isF32() && precision == "f16")
    mc.op = find(Float16Type::get(ctx), /*exact=*/true);
  else if (t.isF32() && precision == "bf16")
    mc.op = find(BFloat16Type::get(ctx), /*exact=*/true);
  if (!mc.op)
    mc.op = find(t, /*exact=*/true);
  if (mc.op)
    return mc;
  return std::nullopt;
}

FailureOr<bool> mlir::tangram::buildMatrixContraction(
    KernelContext &ctx, OpBuilder &b, scf::ParallelOp par,
    Contraction c, const MatrixContraction &mc, unsigned &groupSize) {
  const MatrixOp &op = *mc.op;
  Type st = op.operandType(b.getContext());
  Type at = op.accumulatorType(b.getContext());
  unsigned width = st.getIntOrFloatBitWidth();
  std::optional<TilePlan> small = planTile(ctx, op, width, kBlock, kDepth);
  if (!small)
    return false;
  ContractionTiling tiling(ctx, par, c, 0, 0);
  if (failed(tiling.flattenSpaces()))
    return failure();

  // How each side reaches its stage with plan `p`: copies along k where
  // the rows are k-contiguous (A of a row-major matmul, B of a transposed
  // one); else B along n (row-major B) where the hook loads B fragments
  // from [k][col]; else through registers (chunk 0).
  Block *innerBody = c.loops.back().getBody();
  auto stageSides = [&](const TilePlan &p) {
    std::array<Side, 2> sides = {Side{mc.x, /*isA=*/true, {}, 0},
                                 Side{mc.y, /*isA=*/false, {}, 0}};
    for (Side &side : sides) {
      // A value of the one reduction loop's body (a load, or not: then
      // asyncChunk says no).
      if (c.loops.size() != 1 || side.v.getParentBlock() != innerBody)
        continue;
      side.chunk = asyncChunk(ctx, op, side.v, st,
                              c.loops[0].getInductionVar(),
                              c.loops[0].getRegion(), tiling.red, p.tileSize,
                              p.depth, p.groupSize);
      if (!side.chunk && !side.isA && op.loadsBKMajor() &&
          c.colDims.size() == 1 && p.depth * p.ldK <= p.tileSize * p.ld) {
        side.chunk = asyncChunk(ctx, op, side.v, st,
                                par.getInductionVars()[c.colDims[0]],
                                par.getRegion(), tiling.cols, p.depth,
                                p.tileSize, p.groupSize);
        side.kMajor = side.chunk != 0;
      }
    }
    return sides;
  };
  // The large block where the problem has work enough for it and both
  // sides are staged by copies: a side staged through registers keeps its
  // elements live across the step's products, beside four times the
  // accumulators (on gfx942, 368 registers a lane for a 4096-cube f16
  // matmul against 202 with the small block; on sm_90, spills).
  TilePlan plan = *small;
  std::array<Side, 2> sides = stageSides(plan);
  std::optional<TilePlan> large;
  for (unsigned d : {kDepth, kDepth / 2})
    if (!large || large->stages < 2)
      large = planTile(ctx, op, width, kLargeBlock, d);
  if (large && large->stages == 2 &&
      hasWorkFor(ctx, tiling, large->tileSize)) {
    std::array<Side, 2> largeSides = stageSides(*large);
    if (largeSides[0].chunk && largeSides[1].chunk) {
      plan = *large;
      sides = largeSides;
    }
  }
  if (sides[0].chunk && sides[1].chunk)
    plan.stages = deepStages(ctx, plan, tiling.red);
  tiling.tileRows = tiling.tileCols = plan.tileSize;
  unsigned block = plan.block, tileSize = plan.tileSize, ld = plan.ld,
           ldK = plan.ldK, stages = plan.stages, tileDepth = plan.depth;
  unsigned fragRows = block / op.m, fragCols = block / op.n;
  groupSize = plan.groupSize;

  Location loc = par.getLoc();
  auto cidx = [&](OpBuilder &ob, int64_t v) -> Value {
    return arith::ConstantIndexOp::create(ob, loc, v);
  };
  Block *inner = c.loops.back().getBody();
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value lane = arith::RemUIOp::create(b, loc, tid, cidx(b, op.subgroupSize));
  Value sub = arith::DivUIOp::create(b, loc, tid, cidx(b, op.subgroupSize));
  // This subgroup's block in the tile.
  Value blockRow = arith::MulIOp::create(
      b, loc, arith::DivUIOp::create(b, loc, sub, cidx(b, kGrid)),
      cidx(b, block));
  Value blockCol = arith::MulIOp::create(
      b, loc, arith::RemUIOp::create(b, loc, sub, cidx(b, kGrid)),
      cidx(b, block));
  // Memory space 3: workgroup memory (see RowBuilder::reduction, ReduceStrategy.cpp). Stage s of a
  // side is elements [s * tileSize * ld, (s + 1) * tileSize * ld) of its
  // buffer (a k-major side uses tileDepth * ldK of them).
  auto tileType = MemRefType::get({(int64_t)(stages * tileSize * ld)}, st,
                                  AffineMap(), b.getI64IntegerAttr(3));
  for (Side &side : sides)
    side.tile = memref::AllocOp::create(b, loc, tileType);

  FailureOr<ContractionTiling::Tile> tile = tiling.openTileLoop(b, loc);
  if (failed(tile))
    return failure();
  bool anyAsync = sides[0].chunk || sides[1].chunk;
  OpBuilder &tb = tile->b;
  Value depth = tile->depth;
  // Nothing to fold when the reduction is empty, but an initial value
  // (a folded fill) to store.
  Value any = arith::CmpIOp::create(tb, loc, arith::CmpIPredicate::sgt, depth,
                                    cidx(tb, 0));
  auto ifAny = scf::IfOp::create(tb, loc, any, /*withElse=*/(bool)c.init);
  OpBuilder ab = ifAny.getThenBodyBuilder();
  if (c.init) {
    OpBuilder eb = ifAny.getElseBodyBuilder();
    tiling.storeInitial(eb, loc, *tile, tid, groupSize);
  }

  // Elements through registers: each invocation stages `perThread`
  // elements of a side per step: element e = tid + i * groupSize is
  // (point, kk), k fastest for A and the point fastest for B (each side's
  // order in memory for a row-major matmul), at point * ld + kk in its
  // stage.
  unsigned perThread = tileSize * tileDepth / groupSize;
  auto position = [&](OpBuilder &ob, unsigned i, bool isA) {
    Value e = arith::AddIOp::create(ob, loc, tid, cidx(ob, i * groupSize));
    unsigned minor = isA ? tileDepth : tileSize;
    Value major = arith::DivUIOp::create(ob, loc, e, cidx(ob, minor));
    Value minorV = arith::RemUIOp::create(ob, loc, e, cidx(ob, minor));
    return isA ? std::make_pair(major, minorV) : std::make_pair(minorV, major);
  };
  // Where (local point, kk) of `side` is in stage `stage`.
  auto offset = [&](OpBuilder &ob, const Side &side, Value stage,
                    Value local, Value kk) -> Value {
    auto mul = [&](Value x, int64_t y) -> Value {
      return arith::MulIOp::create(ob, loc, x, cidx(ob, y));
    };
    auto add = [&](Value x, Value y) -> Value {
      return arith::AddIOp::create(ob, loc, x, y);
    };
    if (side.kMajor)
      return add(mul(add(mul(stage, tileDepth), kk), ldK), local);
    return add(mul(add(mul(stage, tileSize), local), ld), kk);
  };
  // This invocation's elements of `side` at step `k0`: computed from the
  // buffers where they are in the problem, zero elsewhere, converted to
  // the operand type.
  auto fetch = [&](OpBuilder &fb, Value k0, const Side &side) {
    SmallVector<Value> values;
    for (unsigned i = 0; i < perThread; ++i) {
      auto [local, kk] = position(fb, i, side.isA);
      Value point = arith::AddIOp::create(
          fb, loc, side.isA ? tile->row0 : tile->col0, local);
      Value k = arith::AddIOp::create(fb, loc, k0, kk);
      Value in = tiling.inProblem(fb, loc, *tile, side.isA, point, k);
      auto ifIn = scf::IfOp::create(fb, loc, TypeRange{st}, in,
                                    /*withElseRegion=*/true);
      OpBuilder ib = ifIn.getThenBodyBuilder();
      IRMapping m = tiling.mapPoint(ib, loc, *tile, side.isA, point, k);
      Value x = cloneSlice(ib, side.v, m, inner);
      if (x.getType() != st)
        x = arith::TruncFOp::create(ib, loc, st, x);
      scf::YieldOp::create(ib, loc, x);
      OpBuilder eb = ifIn.getElseBodyBuilder();
      scf::YieldOp::create(
          eb, loc, Value(arith::ConstantOp::create(eb, loc, st,
                                                   eb.getFloatAttr(st, 0.0))));
      values.push_back(ifIn.getResult(0));
    }
    return values;
  };
  auto place = [&](OpBuilder &sb, ValueRange values, const Side &side,
                   Value stage) {
    for (auto [i, x] : llvm::enumerate(values)) {
      auto [local, kk] = position(sb, i, side.isA);
      memref::StoreOp::create(sb, loc, x, side.tile,
                              offset(sb, side, stage, local, kk));
    }
  };
  // Asynchronous copies: chunk q = tid + i * groupSize of `side.chunk`
  // elements is (point, kk) = (q / perRow, q % perRow * chunk) along k, or
  // (q % perRow * chunk, q / perRow) along the points of a k-major side;
  // read from where its first element is (a point or k out of the problem
  // reads the first one, and none of it: zeros).
  auto copy = [&](OpBuilder &fb, Value k0, const Side &side, Value stage) {
    unsigned run = side.kMajor ? tileSize : tileDepth;
    unsigned perRow = run / side.chunk;
    unsigned chunks = tileSize * tileDepth / side.chunk / groupSize;
    auto load = cast<memref::LoadOp>(side.v.getDefiningOp());
    Value numPoints = side.isA ? tile->numRows : tile->numCols;
    SmallVector<Value> copies;
    for (unsigned i = 0; i < chunks; ++i) {
      Value q = arith::AddIOp::create(fb, loc, tid, cidx(fb, i * groupSize));
      Value major = arith::DivUIOp::create(fb, loc, q, cidx(fb, perRow));
      Value minor = arith::MulIOp::create(
          fb, loc, arith::RemUIOp::create(fb, loc, q, cidx(fb, perRow)),
          cidx(fb, side.chunk));
      Value local = side.kMajor ? minor : major;
      Value kk = side.kMajor ? major : minor;
      Value point = arith::AddIOp::create(
          fb, loc, side.isA ? tile->row0 : tile->col0, local);
      Value k = arith::AddIOp::create(fb, loc, k0, kk);
      Value pointIn = arith::CmpIOp::create(
          fb, loc, arith::CmpIPredicate::ult, point, numPoints);
      Value kIn = arith::CmpIOp::create(fb, loc, arith::CmpIPredicate::ult, k,
                                        depth);
      Value zero = cidx(fb, 0);
      IRMapping m = tiling.mapPoint(
          fb, loc, *tile, side.isA,
          arith::SelectOp::create(fb, loc, pointIn, point, zero),
          arith::SelectOp::create(fb, loc, kIn, k, zero));
      SmallVector<Value> indices;
      for (Value index : load.getIndices())
        indices.push_back(cloneSlice(fb, index, m, inner));
      auto [src, srcIndex] =
          ctx.flatElement(fb, loc, load.getMemRef(), indices);
      // min(chunk, what is left along the run) elements are in the
      // problem, none when the row is not.
      Value left = arith::MaxSIOp::create(
          fb, loc, zero,
          arith::MinSIOp::create(
              fb, loc, cidx(fb, side.chunk),
              arith::SubIOp::create(fb, loc, side.kMajor ? numPoints : depth,
                                    side.kMajor ? point : k)));
      Value valid = arith::SelectOp::create(fb, loc, side.kMajor ? kIn : pointIn,
                                            left, zero);
      if (Value t = op.copyAsync(fb, loc, side.tile,
                                 offset(fb, side, stage, local, kk), src,
                                 srcIndex, side.chunk, valid))
        copies.push_back(t);
    }
    return copies;
  };

  // Step t is staged in stage t % stages. Two or more stages: while the
  // subgroups multiply the tiles of step t, the copies of step
  // t + stages - 1 start (into the stage step t - 1 used, which the
  // barrier ending it freed), and registers (only with two stages: a side
  // staged through registers has one step in flight) fetch step t + 1's
  // elements and store them after the products, so global loads overlap
  // the matrix instructions. One stage: step t + 1's registers are
  // fetched before the products and stored after them, its copies start
  // after them. Steps 0 .. stages - 2 are staged before the loop, each
  // step's copies a group of their own.
  bool multi = stages >= 2;
  // Steps staged ahead of the one multiplied: those the prologue stages.
  unsigned ahead = multi ? stages - 1 : 1;
  Value firstGroup;
  for (unsigned s = 0; s < ahead; ++s) {
    SmallVector<Value> copies;
    for (const Side &side : sides)
      if (side.chunk)
        llvm::append_range(copies, copy(ab, cidx(ab, s * tileDepth), side,
                                        cidx(ab, s)));
    if (anyAsync)
      firstGroup = op.commitAsync(ab, loc, copies);
  }
  for (const Side &side : sides)
    if (!side.chunk)
      place(ab, fetch(ab, cidx(ab, 0), side), side, cidx(ab, 0));
  if (!anyAsync)
    gpu::BarrierOp::create(ab, loc);
  unsigned numAccs = fragRows * fragCols;
  SmallVector<Value> init(numAccs, op.zero(ab, loc));
  auto kLoop = scf::ForOp::create(ab, loc, cidx(ab, 0), depth,
                                  cidx(ab, tileDepth), init);
  {
    OpBuilder kb = OpBuilder::atBlockBegin(kLoop.getBody());
    Value k0 = kLoop.getInductionVar();
    Value next = arith::AddIOp::create(kb, loc, k0, cidx(kb, tileDepth));
    // The stage of this step, and the stage of the step staged now (t +
    // stages - 1 by copies, t + 1 by registers: the same stage, as
    // registers go with two stages at most).
    Value cur = cidx(kb, 0), aheadStage = cur;
    if (multi) {
      Value t = arith::DivUIOp::create(kb, loc, k0, cidx(kb, tileDepth));
      cur = arith::RemUIOp::create(kb, loc, t, cidx(kb, stages));
      aheadStage = arith::RemUIOp::create(
          kb, loc, arith::AddIOp::create(kb, loc, t, cidx(kb, ahead)),
          cidx(kb, stages));
    }
    auto startCopies = [&]() {
      Value k = arith::AddIOp::create(kb, loc, k0,
                                      cidx(kb, ahead * tileDepth));
      SmallVector<Value> aheadCopies;
      for (const Side &side : sides)
        if (side.chunk)
          llvm::append_range(aheadCopies, copy(kb, k, side, aheadStage));
      return op.commitAsync(kb, loc, aheadCopies);
    };
    if (anyAsync) {
      // Step t's copies (with two or more stages, all but the newest
      // stages - 1 groups) must have landed, for every invocation.
      Value group = multi ? startCopies() : firstGroup;
      op.waitAsync(kb, loc, group, /*pending=*/multi ? stages - 1 : 0);
      gpu::BarrierOp::create(kb, loc);
    }
    SmallVector<SmallVector<Value>> fetched(2);
    for (auto [i, side] : llvm::enumerate(sides))
      if (!side.chunk)
        fetched[i] = fetch(kb, next, side);

    // Each step of the instruction's k: the subgroup's A fragments (one
    // per row of instruction tiles), B fragments (per col), products.
    const Side &bSide = sides[1];
    // The stage's first row of a [point][k] side.
    Value curRow = arith::MulIOp::create(kb, loc, cur, cidx(kb, tileSize));
    Value rowBase = arith::AddIOp::create(kb, loc, curRow, blockRow);
    // B's cols within its stage, and the stage's first k row when B is
    // k-major.
    Value colBase = blockCol, kBase = cidx(kb, 0);
    if (bSide.kMajor)
      kBase = arith::MulIOp::create(kb, loc, cur, cidx(kb, tileDepth));
    else
      colBase = arith::AddIOp::create(kb, loc, curRow, blockCol);
    SmallVector<Value> accs(kLoop.getRegionIterArgs());
    for (unsigned kk = 0; kk < tileDepth; kk += op.k) {
      SmallVector<Value> as, bs;
      for (unsigned i = 0; i < fragRows; ++i)
        as.push_back(op.loadA(
            kb, loc, sides[0].tile, ld, lane,
            arith::AddIOp::create(kb, loc, rowBase, cidx(kb, i * op.m)),
            cidx(kb, kk)));
      for (unsigned j = 0; j < fragCols; ++j) {
        Value col = arith::AddIOp::create(kb, loc, colBase, cidx(kb, j * op.n));
        bs.push_back(
            bSide.kMajor
                ? op.loadBKMajor(
                      kb, loc, bSide.tile, ldK, lane, col,
                      arith::AddIOp::create(kb, loc, kBase, cidx(kb, kk)))
                : op.loadB(kb, loc, bSide.tile, ld, lane, col, cidx(kb, kk)));
      }
      for (unsigned i = 0; i < fragRows; ++i)
        for (unsigned j = 0; j < fragCols; ++j) {
          Value &acc = accs[i * fragCols + j];
          acc = op.multiplyAccumulate(kb, loc, as[i], bs[j], acc);
        }
    }
    // One stage: every subgroup is done with it before it is overwritten.
    if (!multi)
      gpu::BarrierOp::create(kb, loc);
    for (auto [i, side] : llvm::enumerate(sides))
      if (!side.chunk)
        place(kb, fetched[i], side, aheadStage);
    if (anyAsync && !multi)
      startCopies();
    // The next step's registers are stored, and (two or more stages) this
    // step's stage is free to be overwritten by step t + stages.
    gpu::BarrierOp::create(kb, loc);
    scf::YieldOp::create(kb, loc, accs);
  }
  // The last groups (zeros past the end) land before the next tile stages
  // into the same places.
  if (anyAsync)
    op.waitAsync(ab, loc, firstGroup, /*pending=*/0);

  // Fold each accumulator element into its output element.
  for (unsigned i = 0; i < fragRows; ++i)
    for (unsigned j = 0; j < fragCols; ++j)
      for (unsigned e = 0; e < op.accumulatorElements(); ++e) {
        Value r, col;
        Value sum = op.accumulatorElement(
            ab, loc, kLoop.getResult(i * fragCols + j), lane, e, r, col);
        if (sum.getType() != at)
          return par.emitError("matrix op '")
                 << op.name() << "' gives accumulator elements of type "
                 << sum.getType() << ", not its accumulator type " << at;
        r = arith::AddIOp::create(
            ab, loc, tile->row0,
            arith::AddIOp::create(
                ab, loc, blockRow,
                arith::AddIOp::create(ab, loc, r, cidx(ab, i * op.m))));
        col = arith::AddIOp::create(
            ab, loc, tile->col0,
            arith::AddIOp::create(
                ab, loc, blockCol,
                arith::AddIOp::create(ab, loc, col, cidx(ab, j * op.n))));
        tiling.storeElement(ab, loc, *tile, r, col, sum);
      }
  return true;
}
