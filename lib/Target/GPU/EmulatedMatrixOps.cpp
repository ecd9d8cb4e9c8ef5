//===- EmulatedMatrixOps.cpp - matrix-op hooks of plain loads and FMAs ----===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// "emulated_f16_4x4x4": a 4x4x4 matrix op on f16 operands over 16
// lanes in which lane l holds D[l / 4][l % 4] and computes it alone from
// A's row l / 4 and B's col l % 4 (four elements each, from workgroup
// memory), accumulating in f32. No lane needs another's data, so it runs
// on any device: a Vulkan device given `matrix-op=NAME` runs the shared
// matrix strategy (tiles, staging, zero padding, fragment offsets, the
// fold into the output) for real, which is how tests check that strategy
// on a machine without tensor cores. Its "asynchronous" copies are plain
// loads and stores made at once, so that the strategy's staging by copies
// (chunks along k, zeros past the problem) runs here too.
//
//===----------------------------------------------------------------------===//
#include "tangram/Target/GPU/MatrixOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::tangram;

namespace {

class EmulatedMatrixOp : public MatrixOp {
public:
  EmulatedMatrixOp() : MatrixOp(4, 4, 4, 16) {}
  StringRef name() const override { return "emulated_f16_4x4x4"; }
  Type operandType(MLIRContext *ctx) const override {
    return Float16Type::get(ctx);
  }
  Type accumulatorType(MLIRContext *ctx) const override {
    return Float32Type::get(ctx);
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<vector::VectorDialect, scf::SCFDialect>();
  }
  /// Row (col) `first + lane / 4` (`lane % 4`), k [k0, k0 + 4), from a
  /// [point][k] tile, or a [k][point] one when `kMajor`.
  Value load(OpBuilder &b, Location loc, Value tile, unsigned ld, Value lane,
             Value first, Value k0, bool isA, bool kMajor = false) const {
    auto cidx = [&](int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    Value mine = isA ? (Value)arith::DivUIOp::create(b, loc, lane, cidx(4))
                     : (Value)arith::RemUIOp::create(b, loc, lane, cidx(4));
    Value point = arith::AddIOp::create(b, loc, first, mine);
    SmallVector<Value> xs;
    for (int64_t i = 0; i < 4; ++i) {
      Value k = arith::AddIOp::create(b, loc, k0, cidx(i));
      Value row = kMajor ? k : point, col = kMajor ? point : k;
      xs.push_back(memref::LoadOp::create(
          b, loc, tile,
          ValueRange{arith::AddIOp::create(
              b, loc, arith::MulIOp::create(b, loc, row, cidx(ld)), col)}));
    }
    return vector::FromElementsOp::create(
        b, loc, VectorType::get({4}, operandType(b.getContext())), xs);
  }
  Value loadA(OpBuilder &b, Location loc, Value tile, unsigned ld, Value lane,
              Value row0, Value k0) const override {
    return load(b, loc, tile, ld, lane, row0, k0, /*isA=*/true);
  }
  Value loadB(OpBuilder &b, Location loc, Value tile, unsigned ld, Value lane,
              Value col0, Value k0) const override {
    return load(b, loc, tile, ld, lane, col0, k0, /*isA=*/false);
  }
  bool loadsBKMajor() const override { return true; }
  Value loadBKMajor(OpBuilder &b, Location loc, Value tile, unsigned ld,
                    Value lane, Value col0, Value k0) const override {
    return load(b, loc, tile, ld, lane, col0, k0, /*isA=*/false,
                /*kMajor=*/true);
  }
  Value zero(OpBuilder &b, Location loc) const override {
    return arith::ConstantOp::create(b, loc, b.getF32Type(),
                                     b.getF32FloatAttr(0));
  }
  Value multiplyAccumulate(OpBuilder &b, Location loc, Value a, Value bf,
                           Value c) const override {
    for (int64_t i = 0; i < 4; ++i) {
      Value x = vector::ExtractOp::create(b, loc, a, ArrayRef<int64_t>{i});
      Value y = vector::ExtractOp::create(b, loc, bf, ArrayRef<int64_t>{i});
      x = arith::ExtFOp::create(b, loc, b.getF32Type(), x);
      y = arith::ExtFOp::create(b, loc, b.getF32Type(), y);
      c = arith::AddFOp::create(b, loc, c, arith::MulFOp::create(b, loc, x, y));
    }
    return c;
  }
  /// Copies of 1 to 8 elements, made at once by plain loads and stores,
  /// so that tests run the strategy's asynchronous staging (chunks, zero
  /// fill, stages, waits) on any device.
  bool hasAsyncCopy(unsigned bytes) const override {
    return bytes >= 2 && bytes <= 16;
  }
  Value copyAsync(OpBuilder &b, Location loc, Value dst, Value dstIndex,
                  Value src, Value srcIndex, unsigned elements,
                  Value valid) const override {
    Type t = operandType(b.getContext());
    for (unsigned i = 0; i < elements; ++i) {
      Value at = arith::ConstantIndexOp::create(b, loc, i);
      Value in = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, at,
                                       valid);
      auto ifIn = scf::IfOp::create(b, loc, TypeRange{t}, in,
                                    /*withElseRegion=*/true);
      OpBuilder ib = ifIn.getThenBodyBuilder();
      scf::YieldOp::create(
          ib, loc,
          Value(memref::LoadOp::create(
              ib, loc, src,
              ValueRange{arith::AddIOp::create(ib, loc, srcIndex, at)})));
      OpBuilder eb = ifIn.getElseBodyBuilder();
      scf::YieldOp::create(eb, loc,
                           Value(arith::ConstantOp::create(
                               eb, loc, t, eb.getFloatAttr(t, 0.0))));
      memref::StoreOp::create(
          b, loc, ifIn.getResult(0), dst,
          ValueRange{arith::AddIOp::create(b, loc, dstIndex, at)});
    }
    return Value();
  }
  Value commitAsync(OpBuilder &, Location, ValueRange) const override {
    return Value();
  }
  void waitAsync(OpBuilder &, Location, Value, unsigned) const override {}
  unsigned accumulatorElements() const override { return 1; }
  Value accumulatorElement(OpBuilder &b, Location loc, Value acc, Value lane,
                           unsigned, Value &row, Value &col) const override {
    Value four = arith::ConstantIndexOp::create(b, loc, 4);
    row = arith::DivUIOp::create(b, loc, lane, four);
    col = arith::RemUIOp::create(b, loc, lane, four);
    return acc;
  }
};

} // namespace

void mlir::tangram::registerEmulatedMatrixOps() {
  registerMatrixOp(std::make_unique<EmulatedMatrixOp>());
}
