//===- MmaSync.cpp - the tensor-core hooks of the cuda target -------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// mma.sync on sm_80 and later (MatrixOps.h), one warp of 32 lanes; lane l
// is in group g = l / 4 at t = l % 4 (the PTX ISA's "Matrix fragments for
// mma.m16n8k16 / m16n8k8"):
//   - f16 and bf16, m16n8k16: A and B fragments come from workgroup memory
//     by ldmatrix (x4 for A's four 8x8 quarters, x2 for B's two halves
//     along k, no transpose from k-contiguous tiles; .trans for a B
//     staged [k][col]);
//   - tf32, m16n8k8 (f32 operands, rounded): a0 = A[g][t], a1 = A[g+8][t],
//     a2 = A[g][t+4], a3 = A[g+8][t+4], b0 = B[t][g], b1 = B[t+4][g],
//     loaded one by one (B from [col][k], or from [k][col]);
//   - the f32 accumulator: c0, c1 = D[g][2t, 2t+1], c2, c3 = D[g+8][...].
// f16 and tf32 are nvgpu.mma.sync; bf16, which nvgpu does not take, is
// nvvm.mma.sync on the fragments as 32-bit registers. Tiles whose rows
// are contiguous and aligned in global memory are staged by cp.async
// (nvgpu.device_async_copy), the rest through registers.
//
//===----------------------------------------------------------------------===//
#include "tangram/Target/CUDA/CUDATarget.h"
#include "tangram/Target/GPU/MatrixOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::tangram;

namespace {

Value cidx(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}
Value add(OpBuilder &b, Location loc, Value x, Value y) {
  return arith::AddIOp::create(b, loc, x, y);
}
Value mul(OpBuilder &b, Location loc, Value x, int64_t y) {
  return arith::MulIOp::create(b, loc, x, cidx(b, loc, y));
}
Value div(OpBuilder &b, Location loc, Value x, int64_t y) {
  return arith::DivUIOp::create(b, loc, x, cidx(b, loc, y));
}
Value rem(OpBuilder &b, Location loc, Value x, int64_t y) {
  return arith::RemUIOp::create(b, loc, x, cidx(b, loc, y));
}
/// tile[row * ld + k].
Value at(OpBuilder &b, Location loc, Value row, unsigned ld, Value k) {
  return add(b, loc, mul(b, loc, row, ld), k);
}

/// What the three instructions share: the f32 accumulator, 2 x 2 values.
class MmaSync : public MatrixOp {
public:
  using MatrixOp::MatrixOp;
  Type accumulatorType(MLIRContext *ctx) const override {
    return Float32Type::get(ctx);
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<nvgpu::NVGPUDialect, NVVM::NVVMDialect,
                    LLVM::LLVMDialect, vector::VectorDialect>();
  }
  Value zero(OpBuilder &b, Location loc) const override {
    auto t = VectorType::get({2, 2}, b.getF32Type());
    return arith::ConstantOp::create(
        b, loc, t, DenseElementsAttr::get(t, b.getF32FloatAttr(0)));
  }
  /// cp.async (sm_80): 4, 8 or 16 bytes per copy, zero-filled past the
  /// source bytes it is given; 16-byte copies bypass L1 (.cg), since a
  /// staged tile is read once from global memory.
  bool hasAsyncCopy(unsigned bytes) const override {
    return bytes == 4 || bytes == 8 || bytes == 16;
  }
  Value copyAsync(OpBuilder &b, Location loc, Value dst, Value dstIndex,
                  Value src, Value srcIndex, unsigned elements,
                  Value valid) const override {
    unsigned bytes =
        elements * cast<MemRefType>(dst.getType()).getElementTypeBitWidth() /
        8;
    return nvgpu::DeviceAsyncCopyOp::create(
        b, loc, dst, ValueRange{dstIndex}, src, ValueRange{srcIndex},
        b.getIndexAttr(elements), valid,
        bytes == 16 ? b.getUnitAttr() : UnitAttr());
  }
  Value commitAsync(OpBuilder &b, Location loc,
                    ValueRange copies) const override {
    return nvgpu::DeviceAsyncCreateGroupOp::create(b, loc, copies);
  }
  void waitAsync(OpBuilder &b, Location loc, Value group,
                 unsigned pending) const override {
    nvgpu::DeviceAsyncWaitOp::create(b, loc, group,
                                     b.getI32IntegerAttr(pending));
  }
  unsigned accumulatorElements() const override { return 4; }
  Value accumulatorElement(OpBuilder &b, Location loc, Value acc, Value lane,
                           unsigned i, Value &row, Value &col) const override {
    row = add(b, loc, div(b, loc, lane, 4), cidx(b, loc, (i / 2) * 8));
    col = add(b, loc, mul(b, loc, rem(b, loc, lane, 4), 2),
              cidx(b, loc, i % 2));
    return vector::ExtractOp::create(b, loc, acc,
                                     ArrayRef<int64_t>{i / 2, i % 2});
  }
};

/// m16n8k16 with 16-bit operands: fragments by ldmatrix.
class MmaSync16 : public MmaSync {
public:
  MmaSync16(bool bf16) : MmaSync(16, 8, 16, 32), bf16(bf16) {}
  StringRef name() const override {
    return bf16 ? "mma_sync_m16n8k16_bf16" : "mma_sync_m16n8k16_f16";
  }
  Type operandType(MLIRContext *ctx) const override {
    return bf16 ? (Type)BFloat16Type::get(ctx) : Float16Type::get(ctx);
  }
  Value loadA(OpBuilder &b, Location loc, Value tile, unsigned ld, Value lane,
              Value row0, Value k0) const override {
    // Lanes 8j..8j+7 address the rows of quarter j: rows 0-15 at k 0,
    // then at k 8.
    Value row = add(b, loc, row0, rem(b, loc, lane, 16));
    Value k = add(b, loc, k0, mul(b, loc, div(b, loc, lane, 16), 8));
    auto t = VectorType::get({4, 2}, operandType(b.getContext()));
    return nvgpu::LdMatrixOp::create(b, loc, t, tile,
                                     ValueRange{at(b, loc, row, ld, k)},
                                     /*transpose=*/false, /*numTiles=*/4);
  }
  Value loadB(OpBuilder &b, Location loc, Value tile, unsigned ld, Value lane,
              Value col0, Value k0) const override {
    // Lanes 0-7 address cols 0-7 at k 0, lanes 8-15 at k 8 (the others'
    // addresses are not read).
    Value col = add(b, loc, col0, rem(b, loc, lane, 8));
    Value k = add(b, loc, k0, mul(b, loc, rem(b, loc, div(b, loc, lane, 8), 2), 8));
    auto t = VectorType::get({2, 2}, operandType(b.getContext()));
    return nvgpu::LdMatrixOp::create(b, loc, t, tile,
                                     ValueRange{at(b, loc, col, ld, k)},
                                     /*transpose=*/false, /*numTiles=*/2);
  }
  bool loadsBKMajor() const override { return true; }
  Value loadBKMajor(OpBuilder &b, Location loc, Value tile, unsigned ld,
                    Value lane, Value col0, Value k0) const override {
    // From [k][col]: lanes 0-15 address rows k0 to k0 + 15 at col0 (the
    // two 8x8 halves along k), transposed so that each lane gets the
    // fragment the [col][k] load gives.
    Value k = add(b, loc, k0, rem(b, loc, lane, 16));
    auto t = VectorType::get({2, 2}, operandType(b.getContext()));
    return nvgpu::LdMatrixOp::create(b, loc, t, tile,
                                     ValueRange{at(b, loc, k, ld, col0)},
                                     /*transpose=*/true, /*numTiles=*/2);
  }
  Value multiplyAccumulate(OpBuilder &b, Location loc, Value a, Value bf,
                           Value c) const override {
    if (!bf16)
      return nvgpu::MmaSyncOp::create(b, loc, a, bf, c,
                                      ArrayRef<int64_t>{16, 8, 16});
    // nvvm.mma.sync takes bf16 pairs as 32-bit registers and returns a
    // struct of the four f32s.
    auto regs = [&](Value v, unsigned n) {
      SmallVector<Value> out;
      for (unsigned i = 0; i < n; ++i) {
        Value pair = vector::ExtractOp::create(b, loc, v, ArrayRef<int64_t>{i});
        Value word = vector::BitCastOp::create(
            b, loc, VectorType::get({1}, b.getI32Type()), pair);
        out.push_back(
            vector::ExtractOp::create(b, loc, word, ArrayRef<int64_t>{0}));
      }
      return out;
    };
    SmallVector<Value> cs;
    for (int64_t i = 0; i < 4; ++i)
      cs.push_back(vector::ExtractOp::create(b, loc, c,
                                             ArrayRef<int64_t>{i / 2, i % 2}));
    Type f32 = b.getF32Type();
    auto result = LLVM::LLVMStructType::getLiteral(b.getContext(),
                                                   {f32, f32, f32, f32});
    Value d = NVVM::MmaOp::create(
        b, loc, result, regs(a, 4), regs(bf, 2), cs,
        ArrayRef<int64_t>{16, 8, 16}, std::nullopt, std::nullopt,
        std::array<NVVM::MMATypes, 2>{NVVM::MMATypes::bf16,
                                      NVVM::MMATypes::bf16},
        std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                       NVVM::MMALayout::col});
    Value out = zero(b, loc);
    for (int64_t i = 0; i < 4; ++i)
      out = vector::InsertOp::create(
          b, loc, LLVM::ExtractValueOp::create(b, loc, d, i), out,
          ArrayRef<int64_t>{i / 2, i % 2});
    return out;
  }

private:
  bool bf16;
};

/// m16n8k8 on f32 operands rounded to tf32.
class MmaSyncTF32 : public MmaSync {
public:
  MmaSyncTF32() : MmaSync(16, 8, 8, 32) {}
  StringRef name() const override { return "mma_sync_m16n8k8_tf32"; }
  Type operandType(MLIRContext *ctx) const override {
    return Float32Type::get(ctx);
  }
  bool exact() const override { return false; }
  /// Elements (first + r[i], k0 + t + c[i]) of `tile` as a vector<n x 1>:
  /// of a [point][k] tile, or of a [k][point] one when `kMajor`.
  Value gather(OpBuilder &b, Location loc, Value tile, unsigned ld,
               Value lane, Value first, Value k0, ArrayRef<unsigned> r,
               ArrayRef<unsigned> c, bool kMajor = false) const {
    Value g = add(b, loc, first, div(b, loc, lane, 4));
    Value k = add(b, loc, k0, rem(b, loc, lane, 4));
    SmallVector<Value> xs;
    for (auto [ri, ci] : llvm::zip(r, c)) {
      Value point = add(b, loc, g, cidx(b, loc, ri));
      Value kc = add(b, loc, k, cidx(b, loc, ci));
      xs.push_back(memref::LoadOp::create(
          b, loc, tile,
          ValueRange{kMajor ? at(b, loc, kc, ld, point)
                            : at(b, loc, point, ld, kc)}));
    }
    auto t = VectorType::get({(int64_t)xs.size(), 1}, b.getF32Type());
    Value v = arith::ConstantOp::create(
        b, loc, t, DenseElementsAttr::get(t, b.getF32FloatAttr(0)));
    for (auto [i, x] : llvm::enumerate(xs))
      v = vector::InsertOp::create(b, loc, x, v,
                                   ArrayRef<int64_t>{(int64_t)i, 0});
    return v;
  }
  Value loadA(OpBuilder &b, Location loc, Value tile, unsigned ld, Value lane,
              Value row0, Value k0) const override {
    return gather(b, loc, tile, ld, lane, row0, k0, {0, 8, 0, 8}, {0, 0, 4, 4});
  }
  Value loadB(OpBuilder &b, Location loc, Value tile, unsigned ld, Value lane,
              Value col0, Value k0) const override {
    return gather(b, loc, tile, ld, lane, col0, k0, {0, 0}, {0, 4});
  }
  /// b0 = B[t][g], b1 = B[t + 4][g] from [k][col]: a row-major f32 B is
  /// then copied along n by cp.async.
  bool loadsBKMajor() const override { return true; }
  Value loadBKMajor(OpBuilder &b, Location loc, Value tile, unsigned ld,
                    Value lane, Value col0, Value k0) const override {
    return gather(b, loc, tile, ld, lane, col0, k0, {0, 0}, {0, 4},
                  /*kMajor=*/true);
  }
  Value multiplyAccumulate(OpBuilder &b, Location loc, Value a, Value bf,
                           Value c) const override {
    return nvgpu::MmaSyncOp::create(b, loc, a, bf, c,
                                    ArrayRef<int64_t>{16, 8, 8},
                                    /*tf32Enabled=*/true);
  }
};

} // namespace

void mlir::tangram::registerCUDAMatrixOps() {
  registerMatrixOp(std::make_unique<MmaSync16>(/*bf16=*/false));
  registerMatrixOp(std::make_unique<MmaSync16>(/*bf16=*/true));
  registerMatrixOp(std::make_unique<MmaSyncTF32>());
}
