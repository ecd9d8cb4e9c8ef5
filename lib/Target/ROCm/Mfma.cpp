//===- Mfma.cpp - the matrix-core hooks of the rocm target ----------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// MFMA on gfx90a and gfx942 (MatrixOps.h), one wave of 64 lanes, 16 x 16
// output tiles; lane l holds D[4 * (l / 16) + i][l % 16] for i = 0..3 (AMD's
// matrix instruction calculator, v_mfma_f32_16x16x*). Upstream MLIR has
// amdgpu.mfma but nothing that lowers a contraction to it: this hook is
// that lowering.
//   - f16 and bf16, 16x16x16: lane l reads A[l % 16][4 * (l / 16) + 0..3]
//     and B[4 * (l / 16) + 0..3][l % 16]: four contiguous elements of the
//     k-contiguous tiles, one vector load each;
//   - f32, 16x16x4 (exact f32 products): A[l % 16][l / 16] and
//     B[l / 16][l % 16].
//
//===----------------------------------------------------------------------===//
#include "tangram/Target/GPU/MatrixOps.h"
#include "tangram/Target/ROCm/ROCmTarget.h"
#include "mlir/Dialect/AMDGPU/IR/AMDGPUDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::tangram;

namespace {

Value cidx(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

class Mfma16 : public MatrixOp {
public:
  /// `kind`: "f16", "bf16" (k = 16, four elements a lane) or "f32" (k = 4,
  /// one).
  explicit Mfma16(StringRef kind)
      : MatrixOp(16, 16, kind == "f32" ? 4 : 16, 64), kind(kind) {}
  StringRef name() const override { return fullName; }
  Type operandType(MLIRContext *ctx) const override {
    if (kind == "f16")
      return Float16Type::get(ctx);
    if (kind == "bf16")
      return BFloat16Type::get(ctx);
    return Float32Type::get(ctx);
  }
  Type accumulatorType(MLIRContext *ctx) const override {
    return Float32Type::get(ctx);
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<amdgpu::AMDGPUDialect, vector::VectorDialect>();
  }
  /// Both operands alike: row (col) first + l % 16, k k0 + (k / 4) * (l / 16).
  Value load(OpBuilder &b, Location loc, Value tile, unsigned ld, Value lane,
             Value first, Value k0) const {
    Value point = arith::AddIOp::create(
        b, loc, first, arith::RemUIOp::create(b, loc, lane, cidx(b, loc, 16)));
    unsigned perLane = k / 4;
    Value k = arith::AddIOp::create(
        b, loc, k0,
        arith::MulIOp::create(
            b, loc, arith::DivUIOp::create(b, loc, lane, cidx(b, loc, 16)),
            cidx(b, loc, perLane)));
    Value at = arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, point, cidx(b, loc, ld)), k);
    Type t = operandType(b.getContext());
    if (perLane == 1)
      return memref::LoadOp::create(b, loc, tile, ValueRange{at});
    return vector::LoadOp::create(b, loc, VectorType::get({perLane}, t), tile,
                                  ValueRange{at});
  }
  Value loadA(OpBuilder &b, Location loc, Value tile, unsigned ld, Value lane,
              Value row0, Value k0) const override {
    return load(b, loc, tile, ld, lane, row0, k0);
  }
  Value loadB(OpBuilder &b, Location loc, Value tile, unsigned ld, Value lane,
              Value col0, Value k0) const override {
    return load(b, loc, tile, ld, lane, col0, k0);
  }
  Value zero(OpBuilder &b, Location loc) const override {
    auto t = VectorType::get({4}, b.getF32Type());
    return arith::ConstantOp::create(
        b, loc, t, DenseElementsAttr::get(t, b.getF32FloatAttr(0)));
  }
  Value multiplyAccumulate(OpBuilder &b, Location loc, Value a, Value bf,
                           Value c) const override {
    return amdgpu::MFMAOp::create(b, loc, c.getType(), b.getI32IntegerAttr(m),
                                  b.getI32IntegerAttr(n),
                                  b.getI32IntegerAttr(k),
                                  b.getI32IntegerAttr(1), a, bf, c,
                                  b.getI32IntegerAttr(0),
                                  b.getI32IntegerAttr(0));
  }
  unsigned accumulatorElements() const override { return 4; }
  Value accumulatorElement(OpBuilder &b, Location loc, Value acc, Value lane,
                           unsigned i, Value &row, Value &col) const override {
    row = arith::AddIOp::create(
        b, loc,
        arith::MulIOp::create(
            b, loc, arith::DivUIOp::create(b, loc, lane, cidx(b, loc, 16)),
            cidx(b, loc, 4)),
        cidx(b, loc, i));
    col = arith::RemUIOp::create(b, loc, lane, cidx(b, loc, 16));
    return vector::ExtractOp::create(b, loc, acc, ArrayRef<int64_t>{i});
  }

private:
  std::string kind;
  std::string fullName = "mfma_f32_16x16x" + std::to_string(k) + "_" + kind;
};

} // namespace

void mlir::tangram::registerROCmMatrixOps() {
  for (StringRef kind : {"f16", "bf16", "f32"})
    registerMatrixOp(std::make_unique<Mfma16>(kind));
}
