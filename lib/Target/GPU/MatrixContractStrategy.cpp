//===- MatrixContractStrategy.cpp - contractions on matrix instructions ---===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// The contract strategy on a target's matrix instruction (MatrixOps.h:
// mma.sync on NVIDIA, MFMA on AMD) for sums of products `x * y`. A
// workgroup is 2 x 2 subgroups and computes a 64 x 64 tile of one batch
// point; each subgroup a 32 x 32 block of it, as (32 / m) x (32 / n)
// instruction tiles whose accumulators stay in registers. Per step of 32
// along the flattened reduction nest, the workgroup stages the tile's x
// values as A [row][k] and its y values as B [col][k] in workgroup memory
// (rows padded by 16 bytes, so that the 8 rows a fragment load reads fall
// in different banks), zeros outside the problem, converted to the
// instruction's operand type; then each subgroup loads its fragments and
// multiplies. Each invocation fetches its share of the next step's
// elements into registers before the products of this one (software
// pipelining), so global loads overlap the matrix instructions. The
// accumulators are folded into the output like the scalar strategy's
// (ContractionTiling::storeElement).
//
//===----------------------------------------------------------------------===//
#include "KernelStrategies.h"
#include "tangram/Target/GPU/MatrixOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"

using namespace mlir;
using namespace mlir::tangram;

namespace {

/// Subgroups per workgroup along rows and along cols.
constexpr unsigned kGrid = 2;
/// Rows (and cols) of the block each subgroup computes.
constexpr unsigned kBlock = 32;
/// Points of the reduction nest staged per step.
constexpr unsigned kDepth = 32;

/// The value a side of the product reads before it is extended from a
/// narrower float in the loop body (f16 inputs of an f32 product).
Value beforeExtension(Value v, Block *body) {
  if (auto ext = v.getDefiningOp<arith::ExtFOp>())
    if (ext->getBlock() == body)
      return ext.getIn();
  return v;
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
  // Rows of the staged tiles: kDepth elements and 16 bytes of padding.
  unsigned ld = kDepth + 128 / width;
  unsigned tileSize = kGrid * kBlock;
  if (kBlock % op.m || kBlock % op.n || kDepth % op.k ||
      2ull * tileSize * ld * width / 8 > ctx.sharedMemoryBytes)
    return false;
  unsigned fragRows = kBlock / op.m, fragCols = kBlock / op.n;
  if ((tileSize * kDepth) % (kGrid * kGrid * op.subgroupSize))
    return false;
  groupSize = kGrid * kGrid * op.subgroupSize;

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
      cidx(b, kBlock));
  Value blockCol = arith::MulIOp::create(
      b, loc, arith::RemUIOp::create(b, loc, sub, cidx(b, kGrid)),
      cidx(b, kBlock));
  // Memory space 3: workgroup memory (see buildRowReduction).
  auto tileType = MemRefType::get({(int64_t)(tileSize * ld)}, st, AffineMap(),
                                  b.getI64IntegerAttr(3));
  Value tileA = memref::AllocOp::create(b, loc, tileType);
  Value tileB = memref::AllocOp::create(b, loc, tileType);

  ContractionTiling tiling(ctx, par, c, tileSize, tileSize);
  FailureOr<ContractionTiling::Tile> tile = tiling.openTileLoop(b, loc);
  if (failed(tile))
    return failure();
  OpBuilder &tb = tile->b;
  Value depth = tile->depth;
  // Nothing to fold when the reduction is empty.
  Value any = arith::CmpIOp::create(tb, loc, arith::CmpIPredicate::sgt, depth,
                                    cidx(tb, 0));
  auto ifAny = scf::IfOp::create(tb, loc, any, /*withElse=*/false);
  OpBuilder ab = ifAny.getThenBodyBuilder();
  // Each invocation stages `perThread` elements of each side per step:
  // element e = tid + i * groupSize is (point, kk), k fastest for A and the
  // point fastest for B (each side's order in memory for a row-major
  // matmul), at point * ld + kk in its tile.
  unsigned perThread = tileSize * kDepth / groupSize;
  auto position = [&](OpBuilder &ob, unsigned i, bool isA) {
    Value e = arith::AddIOp::create(ob, loc, tid, cidx(ob, i * groupSize));
    unsigned minor = isA ? kDepth : tileSize;
    Value major = arith::DivUIOp::create(ob, loc, e, cidx(ob, minor));
    Value minorV = arith::RemUIOp::create(ob, loc, e, cidx(ob, minor));
    return isA ? std::make_pair(major, minorV) : std::make_pair(minorV, major);
  };
  // This invocation's elements of side `v` at step `k0`: computed from the
  // buffers where they are in the problem, zero elsewhere, converted to
  // the operand type.
  auto fetch = [&](OpBuilder &fb, Value k0, Value v, bool isA) {
    SmallVector<Value> values;
    for (unsigned i = 0; i < perThread; ++i) {
      auto [local, kk] = position(fb, i, isA);
      Value point =
          arith::AddIOp::create(fb, loc, isA ? tile->row0 : tile->col0, local);
      Value k = arith::AddIOp::create(fb, loc, k0, kk);
      Value in = tiling.inProblem(fb, loc, *tile, isA, point, k);
      auto ifIn = scf::IfOp::create(fb, loc, TypeRange{st}, in,
                                    /*withElseRegion=*/true);
      OpBuilder ib = ifIn.getThenBodyBuilder();
      IRMapping m = tiling.mapPoint(ib, loc, *tile, isA, point, k);
      Value x = cloneSlice(ib, v, m, inner);
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
  auto place = [&](OpBuilder &sb, ValueRange values, Value shared,
                   bool isA) {
    for (auto [i, x] : llvm::enumerate(values)) {
      auto [local, kk] = position(sb, i, isA);
      Value at = arith::AddIOp::create(
          sb, loc, arith::MulIOp::create(sb, loc, local, cidx(sb, ld)), kk);
      memref::StoreOp::create(sb, loc, x, shared, at);
    }
  };

  // The k loop carries the accumulators and the next step's elements,
  // fetched into registers before this step's products (software
  // pipelining: the loads of step t + 1 are in flight while the subgroups
  // multiply step t's tiles).
  unsigned numAccs = fragRows * fragCols;
  SmallVector<Value> init(numAccs, op.zero(ab, loc));
  llvm::append_range(init, fetch(ab, cidx(ab, 0), mc.x, /*isA=*/true));
  llvm::append_range(init, fetch(ab, cidx(ab, 0), mc.y, /*isA=*/false));
  auto kLoop = scf::ForOp::create(ab, loc, cidx(ab, 0), depth,
                                  cidx(ab, kDepth), init);
  {
    OpBuilder kb = OpBuilder::atBlockBegin(kLoop.getBody());
    Value k0 = kLoop.getInductionVar();
    ValueRange staged = kLoop.getRegionIterArgs().drop_front(numAccs);
    place(kb, staged.take_front(perThread), tileA, /*isA=*/true);
    place(kb, staged.drop_front(perThread), tileB, /*isA=*/false);
    gpu::BarrierOp::create(kb, loc);
    Value next = arith::AddIOp::create(kb, loc, k0, cidx(kb, kDepth));
    SmallVector<Value> nextA = fetch(kb, next, mc.x, /*isA=*/true);
    SmallVector<Value> nextB = fetch(kb, next, mc.y, /*isA=*/false);

    // Each step of the instruction's k: the subgroup's A fragments (one
    // per row of instruction tiles), B fragments (per col), products.
    SmallVector<Value> accs(kLoop.getRegionIterArgs().take_front(numAccs));
    for (unsigned kk = 0; kk < kDepth; kk += op.k) {
      SmallVector<Value> as, bs;
      for (unsigned i = 0; i < fragRows; ++i)
        as.push_back(op.loadA(
            kb, loc, tileA, ld, lane,
            arith::AddIOp::create(kb, loc, blockRow, cidx(kb, i * op.m)),
            cidx(kb, kk)));
      for (unsigned j = 0; j < fragCols; ++j)
        bs.push_back(op.loadB(
            kb, loc, tileB, ld, lane,
            arith::AddIOp::create(kb, loc, blockCol, cidx(kb, j * op.n)),
            cidx(kb, kk)));
      for (unsigned i = 0; i < fragRows; ++i)
        for (unsigned j = 0; j < fragCols; ++j) {
          Value &acc = accs[i * fragCols + j];
          acc = op.multiplyAccumulate(kb, loc, as[i], bs[j], acc);
        }
    }
    // The staged tiles are overwritten by the next step.
    gpu::BarrierOp::create(kb, loc);
    llvm::append_range(accs, nextA);
    llvm::append_range(accs, nextB);
    scf::YieldOp::create(kb, loc, accs);
  }

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
