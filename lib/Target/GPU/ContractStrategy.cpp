//===- ContractStrategy.cpp - output tiles, operands in workgroup memory --===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Matmul, batch matmul and convs (as implicit GEMM): a loop nest
//
//   parallel (P...) { for (K...) { out[P] = combine(out[P], f(x, y)) } }
//
// where x varies with the "row" dims of P and y with the "col" dims (the
// dims both or neither vary with are "batch"). Each workgroup computes a
// tile of rows x cols of one batch point; each invocation a 4x4 block of
// it, accumulated in registers. Per step of the K nest the workgroup
// stages the tile's x and y values (whatever ops compute them from the
// buffers: loads, casts, index arithmetic of a conv window) in workgroup
// memory, once per element instead of once per use, and every invocation
// reads its rows and cols from there.
//
//===----------------------------------------------------------------------===//
#include "KernelStrategies.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;
using namespace mlir::tangram;
using ::tangram::ProgramOp;

namespace {

/// Outputs per invocation along rows and along cols.
constexpr unsigned kBlock = 4;
/// Points of the reduction nest staged per step.
constexpr unsigned kDepth = 16;

/// Whether a value can live in workgroup memory as it is (bf16 only for
/// the matrix strategy: SPIR-V has no bf16 and kernels keep it in i16).
bool stageable(Type t) {
  if (auto i = dyn_cast<IntegerType>(t))
    return i.getWidth() >= 8 && i.getWidth() <= 64;
  return t.isF16() || t.isBF16() || t.isF32() || t.isF64();
}

uint64_t bit(unsigned i) { return uint64_t(1) << i; }

} // namespace

Value mlir::tangram::cloneSlice(OpBuilder &b, Value v, IRMapping &m,
                                Block *body) {
  if (m.contains(v))
    return m.lookup(v);
  Operation *d = v.getDefiningOp();
  if (!d || d->getBlock() != body)
    return v;
  for (Value o : d->getOperands())
    cloneSlice(b, o, m, body);
  b.clone(*d, m);
  return m.lookup(v);
}

bool ElementEpilogue::match(scf::ParallelOp par, memref::StoreOp store,
                            ArrayRef<Operation *> after) {
  Value out = store.getMemRef();
  ValueRange at = store.getIndices();
  if (!after.empty() && llvm::any_of(at, [&](Value i) {
        return par.getRegion().isAncestor(i.getParentRegion()) &&
               !llvm::is_contained(par.getInductionVars(), i);
      }))
    return false;
  for (Operation *o : after) {
    if (o->getNumRegions())
      return false;
    auto ld = dyn_cast<memref::LoadOp>(o);
    auto st = dyn_cast<memref::StoreOp>(o);
    if (!ld && !st && !isMemoryEffectFree(o))
      return false;
    for (Value v : o->getOperands())
      if (isa<BaseMemRefType>(v.getType()) && v == out &&
          !((ld && ld.getIndices() == at) ||
            (st && st.getMemRef() == out && st.getIndices() == at)))
        return false;
  }
  ops.assign(after.begin(), after.end());
  // Scratch whose every user is in the loop (or frees it) need not hold
  // the sums once the epilogue has read them.
  auto alloc = out.getDefiningOp<memref::AllocOp>();
  storesElement =
      ops.empty() || !alloc ||
      llvm::any_of(alloc->getUsers(), [&](Operation *u) {
        return !isa<memref::DeallocOp>(u) && !par->isAncestor(u);
      });
  return true;
}

void ElementEpilogue::build(OpBuilder &b, IRMapping &m, memref::StoreOp store,
                            Value folded) const {
  m.map(store.getValueToStore(), folded);
  if (storesElement)
    b.clone(*store, m);
  Value out = store.getMemRef();
  for (Operation *o : ops) {
    if (auto ld = dyn_cast<memref::LoadOp>(o); ld && ld.getMemRef() == out) {
      m.map(ld.getResult(), folded);
      continue;
    }
    if (auto st = dyn_cast<memref::StoreOp>(o); st && st.getMemRef() == out) {
      folded = m.lookup(st.getValueToStore());
      if (!storesElement)
        continue;
    }
    b.clone(*o, m);
  }
}

std::optional<Contraction>
mlir::tangram::matchContraction(scf::ParallelOp par) {
  unsigned n = par.getNumLoops();
  ParallelBody parts = splitBody(par);
  memref::StoreOp init = parts.init;
  if (n < 2 || n > 16 || !parts.first)
    return std::nullopt;
  Contraction c;
  // A perfect nest of reduction loops with bounds of the host.
  for (Operation *op = parts.first; auto loop = dyn_cast<scf::ForOp>(op);) {
    if (loop.getNumResults() || c.loops.size() == 8)
      return std::nullopt;
    for (Value v :
         {loop.getLowerBound(), loop.getUpperBound(), loop.getStep()})
      if (par.getRegion().isAncestor(v.getParentRegion()))
        return std::nullopt;
    c.loops.push_back(loop);
    Block *lb = loop.getBody();
    if (!llvm::hasSingleElement(lb->without_terminator()))
      break;
    op = &lb->front();
  }
  if (c.loops.empty())
    return std::nullopt;
  Block *inner = c.loops.back().getBody();

  // What each value of the innermost body varies with: bit i for parallel
  // dim i, bit n+j for reduction loop j.
  DenseMap<Value, uint64_t> deps;
  for (auto [i, iv] : llvm::enumerate(par.getInductionVars()))
    deps[iv] = bit(i);
  for (auto [j, loop] : llvm::enumerate(c.loops))
    deps[loop.getInductionVar()] = bit(n + j);
  auto depsOf = [&](Value v) { return deps.lookup(v); };
  uint64_t parMask = bit(n) - 1;
  uint64_t redMask = (bit(c.loops.size()) - 1) << n;
  SmallVector<memref::LoadOp> loads;
  for (Operation &o : inner->without_terminator()) {
    if (o.getNumRegions())
      return std::nullopt;
    uint64_t d = 0;
    for (Value v : o.getOperands())
      d |= depsOf(v);
    for (Value r : o.getResults())
      deps[r] = d;
    if (auto st = dyn_cast<memref::StoreOp>(o)) {
      if (c.store)
        return std::nullopt;
      c.store = st;
    } else if (auto ld = dyn_cast<memref::LoadOp>(o)) {
      loads.push_back(ld);
    } else if (!isMemoryEffectFree(&o)) {
      return std::nullopt;
    }
  }
  // out[P] = combine(out[P], x): the element of every parallel point,
  // independent of the reduction.
  if (!c.store)
    return std::nullopt;
  if (!matchAccumulation(c.store, c.acc, c.combine, c.kind))
    return std::nullopt;
  std::optional<Value> initValue = initialValue(init, c.store);
  if (!initValue || c.loops.front() != parts.first)
    return std::nullopt;
  c.init = *initValue;
  if (!c.epilogue.match(par, c.store, parts.rest))
    return std::nullopt;
  uint64_t outDeps = 0;
  for (Value i : c.store.getIndices())
    outDeps |= depsOf(i);
  if (outDeps != parMask)
    return std::nullopt;

  // The operands: loads that vary with the reduction. The parallel dims
  // all of them vary with are batch; the rest split in two groups, the
  // cols holding the last parallel dim (the output's innermost, so that
  // neighbouring invocations store neighbouring elements).
  SmallVector<uint64_t> rests;
  uint64_t batch = parMask;
  for (memref::LoadOp ld : loads)
    if (ld != c.acc && (depsOf(ld.getResult()) & redMask)) {
      rests.push_back(depsOf(ld.getResult()) & parMask);
      batch &= rests.back();
    }
  if (rests.size() < 2)
    return std::nullopt;
  uint64_t rows = 0, cols = 0;
  for (uint64_t &r : rests) {
    r &= ~batch;
    if (r & bit(n - 1))
      cols |= r;
  }
  if (!cols)
    for (uint64_t r : rests)
      if (r) {
        cols = r;
        break;
      }
  for (bool grew = true; grew;) {
    grew = false;
    for (uint64_t r : rests)
      if ((r & cols) && (r & ~cols)) {
        cols |= r;
        grew = true;
      }
  }
  for (uint64_t r : rests)
    if (!(r & cols))
      rows |= r;
  if (!rows || !cols)
    return std::nullopt;
  // No buffer may be read at a point of both a row and a col: only values
  // of one side are staged.
  for (memref::LoadOp ld : loads) {
    uint64_t d = depsOf(ld.getResult());
    if (ld != c.acc && (d & rows) && (d & cols))
      return std::nullopt;
  }
  for (unsigned i = 0; i < n; ++i)
    (rows & bit(i)   ? c.rowDims
     : cols & bit(i) ? c.colDims
                     : c.batchDims)
        .push_back(i);

  // The ops that mix a row and a col value, and what they read.
  llvm::SetVector<Value> rowValues, colValues;
  for (Operation &o : inner->without_terminator()) {
    uint64_t d = o.getNumResults() ? depsOf(o.getResult(0)) : 0;
    if (&o == c.acc.getOperation() || &o == c.store.getOperation() ||
        !(d & rows) || !(d & cols))
      continue;
    c.mixOps.push_back(&o);
    for (Value v : o.getOperands()) {
      uint64_t vd = depsOf(v);
      if (v == c.acc.getResult() || ((vd & rows) && (vd & cols)))
        continue;
      if (vd & (rows | cols)) {
        if (!stageable(v.getType()) || v.getParentBlock() != inner)
          return std::nullopt;
        (vd & rows ? rowValues : colValues).insert(v);
      }
    }
  }
  if (c.mixOps.empty() || c.mixOps.back() != c.combine)
    return std::nullopt;
  c.rowValues.assign(rowValues.begin(), rowValues.end());
  c.colValues.assign(colValues.begin(), colValues.end());
  return c;
}


LogicalResult ContractionTiling::flattenSpaces() {
  if (flattened)
    return success();
  if (failed(ctx.flatten(par, c.rowDims, rows)) ||
      failed(ctx.flatten(par, c.colDims, cols)) ||
      failed(ctx.flatten(par, c.batchDims, batch)))
    return failure();
  for (scf::ForOp loop : c.loops)
    if (failed(ctx.addDim(loop, loop.getLowerBound(), loop.getUpperBound(),
                          loop.getStep(), red)))
      return failure();
  flattened = true;
  return success();
}

FailureOr<ContractionTiling::Tile>
ContractionTiling::openTileLoop(OpBuilder &b, Location loc) {
  if (failed(flattenSpaces()))
    return failure();
  ProgramBuilder &pb = ctx.pb;
  unsigned rowTiles =
      pb.binary(ProgramOp::CeilDiv, rows.total, pb.constant(tileRows));
  unsigned colTiles =
      pb.binary(ProgramOp::CeilDiv, cols.total, pb.constant(tileCols));
  unsigned tiles = pb.binary(ProgramOp::Mul, batch.total,
                             pb.binary(ProgramOp::Mul, rowTiles, colTiles));
  ctx.dispatch.grid[0] =
      pb.binary(ProgramOp::MinS, tiles, pb.constant(ctx.maxGroups));
  ctx.dispatch.grid[1] = ctx.dispatch.grid[2] = pb.constant(1);

  Type idx = b.getIndexType();
  Value bid = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  Value gdim = gpu::GridDimOp::create(b, loc, gpu::Dimension::x);
  Value colTilesV = ctx.value(colTiles, idx);
  Value rowTilesV = ctx.value(rowTiles, idx);
  auto tileLoop = scf::ForOp::create(b, loc, bid, ctx.value(tiles, idx), gdim);
  Tile tile{OpBuilder::atBlockBegin(tileLoop.getBody()), ctx.map, {}, {},
            ctx.value(rows.total, idx), ctx.value(cols.total, idx),
            ctx.value(red.total, idx)};
  OpBuilder &tb = tile.b;
  Value t = tileLoop.getInductionVar();
  Value tc = arith::RemUIOp::create(tb, loc, t, colTilesV);
  Value rest = arith::DivUIOp::create(tb, loc, t, colTilesV);
  Value tr = arith::RemUIOp::create(tb, loc, rest, rowTilesV);
  Value bt = arith::DivUIOp::create(tb, loc, rest, rowTilesV);
  for (auto [d, v] : llvm::zip(c.batchDims, ctx.delinearize(tb, loc, bt, batch)))
    tile.map.map(par.getInductionVars()[d], v);
  tile.row0 = arith::MulIOp::create(
      tb, loc, tr, arith::ConstantIndexOp::create(tb, loc, tileRows));
  tile.col0 = arith::MulIOp::create(
      tb, loc, tc, arith::ConstantIndexOp::create(tb, loc, tileCols));
  return tile;
}

void ContractionTiling::mapRows(OpBuilder &b, Location loc, IRMapping &m,
                                Value flat) {
  for (auto [d, v] : llvm::zip(c.rowDims, ctx.delinearize(b, loc, flat, rows)))
    m.map(par.getInductionVars()[d], v);
}

void ContractionTiling::mapCols(OpBuilder &b, Location loc, IRMapping &m,
                                Value flat) {
  for (auto [d, v] : llvm::zip(c.colDims, ctx.delinearize(b, loc, flat, cols)))
    m.map(par.getInductionVars()[d], v);
}

void ContractionTiling::mapReduction(OpBuilder &b, Location loc,
                                     IRMapping &m, Value k) {
  for (auto [loop, v] : llvm::zip(c.loops, ctx.delinearize(b, loc, k, red)))
    m.map(loop.getInductionVar(), v);
}

Value ContractionTiling::inProblem(OpBuilder &b, Location loc,
                                   const Tile &tile, bool isRow, Value point,
                                   Value k) {
  auto lessThan = [&](Value x, Value y) -> Value {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, y);
  };
  return arith::AndIOp::create(
      b, loc, lessThan(point, isRow ? tile.numRows : tile.numCols),
      lessThan(k, tile.depth));
}

IRMapping ContractionTiling::mapPoint(OpBuilder &b, Location loc,
                                      const Tile &tile, bool isRow,
                                      Value point, Value k) {
  IRMapping m = tile.map;
  if (isRow)
    mapRows(b, loc, m, point);
  else
    mapCols(b, loc, m, point);
  mapReduction(b, loc, m, k);
  return m;
}

void ContractionTiling::storeInitial(OpBuilder &b, Location loc,
                                     const Tile &tile, Value tid,
                                     unsigned groupSize) {
  auto cidx = [&](OpBuilder &ob, int64_t v) -> Value {
    return arith::ConstantIndexOp::create(ob, loc, v);
  };
  auto loop = scf::ForOp::create(b, loc, tid, cidx(b, tileRows * tileCols),
                                 cidx(b, groupSize));
  OpBuilder lb = OpBuilder::atBlockBegin(loop.getBody());
  Value e = loop.getInductionVar();
  Value r = arith::AddIOp::create(
      lb, loc, tile.row0, arith::DivUIOp::create(lb, loc, e, cidx(lb, tileCols)));
  Value col = arith::AddIOp::create(
      lb, loc, tile.col0, arith::RemUIOp::create(lb, loc, e, cidx(lb, tileCols)));
  // combine(init, identity) is the initial value.
  storeElement(lb, loc, tile, r, col,
               arith::getIdentityValue(c.kind, c.acc.getType(), lb, loc));
}

void ContractionTiling::storeElement(OpBuilder &b, Location loc,
                                     const Tile &tile, Value r, Value col,
                                     Value sum) {
  Value in = arith::AndIOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, r,
                            tile.numRows),
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, col,
                            tile.numCols));
  auto ifIn = scf::IfOp::create(b, loc, in, /*withElse=*/false);
  OpBuilder ib = ifIn.getThenBodyBuilder();
  IRMapping m = tile.map;
  mapRows(ib, loc, m, r);
  mapCols(ib, loc, m, col);
  Block *inner = c.loops.back().getBody();
  Value old = c.init ? m.lookup(c.init)
                     : cloneSlice(ib, c.acc.getResult(), m, inner);
  Type et = old.getType();
  bool widened = sum.getType() != et;
  if (widened)
    old = arith::ExtFOp::create(ib, loc, sum.getType(), old);
  IRMapping cm;
  bool accFirst = c.combine->getOperand(0) == c.acc.getResult();
  cm.map(c.combine->getOperand(0), accFirst ? old : sum);
  cm.map(c.combine->getOperand(1), accFirst ? sum : old);
  Operation *folded = ib.clone(*c.combine, cm);
  Value result = folded->getResult(0);
  if (widened) {
    folded->getResult(0).setType(sum.getType());
    result = arith::TruncFOp::create(ib, loc, et, result);
  }
  // The store's indices come from the body: clone their slice.
  for (Value v : c.store.getIndices())
    cloneSlice(ib, v, m, inner);
  c.epilogue.build(ib, m, c.store, result);
}

FailureOr<bool> mlir::tangram::buildContraction(KernelContext &ctx,
                                                OpBuilder &b,
                                                scf::ParallelOp par,
                                                Contraction c) {
  // Invocations as a side x side square; each computes kBlock x kBlock.
  unsigned side = 1;
  while (side * side < ctx.wg)
    side *= 2;
  if (side * side != ctx.wg || side < 2)
    return false;
  unsigned tileRows = side * kBlock, tileCols = side * kBlock;
  for (Value v : llvm::concat<Value>(c.rowValues, c.colValues))
    if (v.getType().isBF16())
      return false;
  uint64_t bytes = 0;
  for (Value v : c.rowValues)
    bytes += uint64_t(tileRows) * kDepth * v.getType().getIntOrFloatBitWidth() / 8;
  for (Value v : c.colValues)
    bytes += uint64_t(tileCols) * kDepth * v.getType().getIntOrFloatBitWidth() / 8;
  if (bytes > ctx.sharedMemoryBytes)
    return false;

  Location loc = par.getLoc();
  auto cidx = [&](OpBuilder &ob, int64_t v) -> Value {
    return arith::ConstantIndexOp::create(ob, loc, v);
  };
  Block *inner = c.loops.back().getBody();
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value tx = arith::RemUIOp::create(b, loc, tid, cidx(b, side));
  Value ty = arith::DivUIOp::create(b, loc, tid, cidx(b, side));
  // Memory space 3: workgroup memory (see RowBuilder::reduction, ReduceStrategy.cpp).
  auto sharedOf = [&](Value v, unsigned size) -> Value {
    auto t = MemRefType::get({(int64_t)size}, v.getType(), AffineMap(),
                             b.getI64IntegerAttr(3));
    return memref::AllocOp::create(b, loc, t);
  };
  SmallVector<Value> rowShared, colShared;
  for (Value v : c.rowValues)
    rowShared.push_back(sharedOf(v, tileRows * kDepth));
  for (Value v : c.colValues)
    colShared.push_back(sharedOf(v, kDepth * tileCols));

  ContractionTiling tiling(ctx, par, c, tileRows, tileCols);
  FailureOr<ContractionTiling::Tile> tile = tiling.openTileLoop(b, loc);
  if (failed(tile))
    return failure();
  OpBuilder &tb = tile->b;
  Value row0 = tile->row0, col0 = tile->col0, depth = tile->depth;

  // Nothing to fold when the reduction is empty; inside, every loop runs
  // at least once (SCF-to-SPIR-V leaves the results of a loop that runs
  // no iteration undefined).
  Value any = arith::CmpIOp::create(tb, loc, arith::CmpIPredicate::sgt, depth,
                                    cidx(tb, 0));
  auto ifAny = scf::IfOp::create(tb, loc, any, /*withElse=*/(bool)c.init);
  OpBuilder ab = ifAny.getThenBodyBuilder();
  // With an empty one, the elements still take their initial value (a
  // folded fill, tg-gpu-fold-fills).
  if (c.init) {
    OpBuilder eb = ifAny.getElseBodyBuilder();
    tiling.storeInitial(eb, loc, *tile, tid, ctx.wg);
  }
  Type et = c.acc.getType();
  SmallVector<Value> init(kBlock * kBlock,
                          arith::getIdentityValue(c.kind, et, ab, loc));
  auto kLoop = scf::ForOp::create(ab, loc, cidx(ab, 0), depth,
                                  cidx(ab, kDepth), init);
  {
    OpBuilder kb = OpBuilder::atBlockBegin(kLoop.getBody());
    Value k0 = kLoop.getInductionVar();
    // Stage the tile's values of one side: element e of the tile is
    // (e / minor, e % minor), computed where it is in range.
    auto stage = [&](ArrayRef<Value> values, ArrayRef<Value> shared,
                     bool isRows) {
      unsigned size = (isRows ? tileRows : tileCols) * kDepth;
      auto loop = scf::ForOp::create(kb, loc, tid, cidx(kb, size),
                                     cidx(kb, ctx.wg));
      OpBuilder sb(loop.getBody()->getTerminator());
      Value e = loop.getInductionVar();
      unsigned minor = isRows ? kDepth : tileCols;
      Value major = arith::DivUIOp::create(sb, loc, e, cidx(sb, minor));
      Value minorV = arith::RemUIOp::create(sb, loc, e, cidx(sb, minor));
      Value local = isRows ? major : minorV, kk = isRows ? minorV : major;
      Value point = arith::AddIOp::create(sb, loc, isRows ? row0 : col0, local);
      Value k = arith::AddIOp::create(sb, loc, k0, kk);
      Value in = tiling.inProblem(sb, loc, *tile, isRows, point, k);
      auto ifIn = scf::IfOp::create(sb, loc, in, /*withElse=*/false);
      OpBuilder ib = ifIn.getThenBodyBuilder();
      IRMapping m = tiling.mapPoint(ib, loc, *tile, isRows, point, k);
      for (auto [v, s] : llvm::zip(values, shared))
        memref::StoreOp::create(ib, loc, cloneSlice(ib, v, m, inner), s, e);
    };
    stage(c.rowValues, rowShared, /*isRows=*/true);
    stage(c.colValues, colShared, /*isRows=*/false);
    gpu::BarrierOp::create(kb, loc);

    // Fold the staged depth into the block of accumulators.
    Value left = arith::SubIOp::create(kb, loc, depth, k0);
    Value steps =
        arith::MinSIOp::create(kb, loc, left, cidx(kb, kDepth));
    auto kkLoop = scf::ForOp::create(kb, loc, cidx(kb, 0), steps, cidx(kb, 1),
                                     kLoop.getRegionIterArgs());
    {
      OpBuilder fb = OpBuilder::atBlockBegin(kkLoop.getBody());
      Value kk = kkLoop.getInductionVar();
      IRMapping m = tile->map;
      tiling.mapReduction(fb, loc, m, arith::AddIOp::create(fb, loc, k0, kk));
      auto readAll = [&](ArrayRef<Value> shared, bool isRows) {
        SmallVector<SmallVector<Value>> out(shared.size());
        for (unsigned i = 0; i < kBlock; ++i) {
          Value mine = arith::AddIOp::create(
              fb, loc, isRows ? ty : tx, cidx(fb, side * i));
          Value at =
              isRows ? arith::AddIOp::create(
                           fb, loc,
                           arith::MulIOp::create(fb, loc, mine, cidx(fb, kDepth)),
                           kk)
                     : arith::AddIOp::create(
                           fb, loc,
                           arith::MulIOp::create(fb, loc, kk,
                                                 cidx(fb, tileCols)),
                           mine);
          for (auto [f, s] : llvm::enumerate(shared))
            out[f].push_back(memref::LoadOp::create(fb, loc, s, at));
        }
        return out;
      };
      SmallVector<SmallVector<Value>> xs = readAll(rowShared, true);
      SmallVector<SmallVector<Value>> ys = readAll(colShared, false);
      SmallVector<Value> accs;
      for (unsigned i = 0; i < kBlock; ++i)
        for (unsigned j = 0; j < kBlock; ++j) {
          IRMapping mi = m;
          for (auto [f, v] : llvm::enumerate(c.rowValues))
            mi.map(v, xs[f][i]);
          for (auto [f, v] : llvm::enumerate(c.colValues))
            mi.map(v, ys[f][j]);
          mi.map(c.acc.getResult(), kkLoop.getRegionIterArgs()[i * kBlock + j]);
          for (Operation *o : c.mixOps) {
            for (Value v : o->getOperands())
              cloneSlice(fb, v, mi, inner);
            fb.clone(*o, mi);
          }
          accs.push_back(mi.lookup(c.combine->getResult(0)));
        }
      scf::YieldOp::create(fb, loc, accs);
    }
    // The staged tiles are overwritten by the next step.
    gpu::BarrierOp::create(kb, loc);
    scf::YieldOp::create(kb, loc, kkLoop.getResults());
  }

  // Fold each accumulator into its element.
  for (unsigned i = 0; i < kBlock; ++i)
    for (unsigned j = 0; j < kBlock; ++j) {
      Value r = arith::AddIOp::create(
          ab, loc, row0,
          arith::AddIOp::create(ab, loc, ty, cidx(ab, side * i)));
      Value col = arith::AddIOp::create(
          ab, loc, col0,
          arith::AddIOp::create(ab, loc, tx, cidx(ab, side * j)));
      tiling.storeElement(ab, loc, *tile, r, col,
                          kLoop.getResult(i * kBlock + j));
    }
  return true;
}
