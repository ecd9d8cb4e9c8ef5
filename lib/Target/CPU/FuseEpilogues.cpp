//===- FuseEpilogues.cpp - elementwise ops into microkernel calls ---------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// A convolution or matmul is usually followed by an elementwise op on its
// result: bias, folded batch norm, activation, residual add. As a loop of
// its own, that op reads the whole result back from memory and writes it
// again; fused, the microkernel applies it to each block of results while
// the block is in cache. The op's body is compiled into a function of the
// code object that loops over a run of points (Microkernels/Epilogue.h),
// whose address the call gets with the op's operands (addresses and
// strides, built at run time) in its epilogue descriptor.
//
//===----------------------------------------------------------------------===//
#include "tangram/Target/CPU/Passes.h"
#include "CPUTransforms.h"
#include "Microkernels/Epilogue.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/bit.h"
#include <cmath>

namespace mlir::tangram {
#define GEN_PASS_DEF_FUSEEPILOGUESPASS
#include "tangram/Target/CPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;
using namespace mlir::tangram;

namespace {

/// The logical index (b, c, y, x: Epilogue.h) of each dim of a microkernel's
/// output, by entry point; empty for other functions. A grouped
/// convolution's g and f together make c.
SmallVector<int> outputLogicalDims(StringRef callee) {
  if (callee == "tg_uk_matmul_f32")
    return {1, 3};
  if (callee == "tg_uk_batch_matmul_f32")
    return {0, 1, 3};
  if (callee == "tg_uk_conv2d_nchw_fchw_f32")
    return {0, 1, 2, 3};
  if (callee == "tg_uk_conv2d_ngchw_gfchw_f32")
    return {0, 1, 1, 2, 3};
  return {};
}

bool isUnitDim(Value v, int64_t d) {
  return cast<MemRefType>(v.getType()).getDimSize(d) == 1;
}

/// For `v`, the output `c` or a reshape of it, the logical dim of each of
/// v's dims: -1 for a dim of size 1, which needs none. Fails when a dim of
/// v would mix two logical dims.
std::optional<SmallVector<int>> logicalDims(Value v, Value c,
                                            ArrayRef<int> cDims) {
  SmallVector<int> dims;
  if (v == c) {
    for (auto [d, l] : llvm::enumerate(cDims))
      dims.push_back(isUnitDim(c, d) ? -1 : l);
    return dims;
  }
  if (auto cast = v.getDefiningOp<memref::CastOp>())
    return logicalDims(cast.getSource(), c, cDims);
  if (auto collapse = v.getDefiningOp<memref::CollapseShapeOp>()) {
    auto src = logicalDims(collapse.getSrc(), c, cDims);
    if (!src)
      return std::nullopt;
    // A group of one logical dim's dims (a grouped convolution's g and f,
    // in that order) makes that dim.
    for (const ReassociationIndices &group :
         collapse.getReassociationIndices()) {
      int l = -1;
      for (int64_t d : group) {
        if ((*src)[d] < 0)
          continue;
        if (l >= 0 && l != (*src)[d])
          return std::nullopt;
        l = (*src)[d];
      }
      dims.push_back(isUnitDim(v, dims.size()) ? -1 : l);
    }
    return dims;
  }
  if (auto expand = v.getDefiningOp<memref::ExpandShapeOp>()) {
    auto src = logicalDims(expand.getSrc(), c, cDims);
    if (!src)
      return std::nullopt;
    for (auto [s, group] :
         llvm::enumerate(expand.getReassociationIndices())) {
      bool placed = false;
      for (int64_t d : group) {
        if (isUnitDim(v, d)) {
          dims.push_back(-1);
          continue;
        }
        if (placed || (*src)[s] < 0)
          return std::nullopt; // a dim split in two
        placed = true;
        dims.push_back((*src)[s]);
      }
    }
    return dims;
  }
  return std::nullopt;
}

/// True when the body of `op` can be cloned into an epilogue function:
/// scalar arith and math ops, and constants from outside.
bool clonableBody(linalg::LinalgOp op) {
  Block *body = op.getBlock();
  for (Operation &o : body->without_terminator()) {
    if (!isa<arith::ArithDialect, math::MathDialect>(o.getDialect()) ||
        o.getNumRegions() != 0)
      return false;
    for (Value v : o.getOperands()) {
      if (isa<ShapedType>(v.getType()))
        return false;
      if (v.getParentBlock() != body && !matchPattern(v, m_Constant()))
        return false;
    }
  }
  Value yielded = body->getTerminator()->getOperand(0);
  return yielded.getParentBlock() == body || matchPattern(yielded, m_Constant());
}

/// A fusable elementwise op after a microkernel call.
struct Candidate {
  linalg::LinalgOp op;
  OpOperand *acc;                 // the input that reads the call's output
  SmallVector<OpOperand *> reads; // the other inputs the body reads
  SmallVector<int> loopDims;      // the logical dim of each loop (-1: none)
};

/// The elementwise op that reads the output `c` of `call` first, if it can
/// run as the call's epilogue.
std::optional<Candidate> findEpilogue(func::CallOp call, Value c,
                                      ArrayRef<int> cDims) {
  Value root = bufferRoot(c);
  Operation *next = call->getNextNode();
  while (next && bufferUse(next, root) == BufferUse::None)
    next = next->getNextNode();
  auto op = dyn_cast_or_null<linalg::LinalgOp>(next);
  if (!op || !op.hasPureBufferSemantics() || op.getNumDpsInits() != 1 ||
      op.getNumLoops() != op.getNumParallelLoops() || !op.getBlock())
    return std::nullopt;
  for (Value v : op->getOperands())
    if (!getElementTypeOrSelf(v.getType()).isF32())
      return std::nullopt;
  Candidate cand{op, nullptr, {}, {}};
  SmallVector<OpOperand *> others;
  for (OpOperand *in : op.getDpsInputOperands()) {
    if (!op.getMatchingIndexingMap(in).isProjectedPermutation())
      return std::nullopt;
    if (bufferRoot(in->get()) != root) {
      others.push_back(in);
      continue;
    }
    if (cand.acc || !op.getMatchingIndexingMap(in).isIdentity())
      return std::nullopt; // reads the output twice, or transposed
    cand.acc = in;
  }
  if (!cand.acc)
    return std::nullopt;
  std::optional<SmallVector<int>> dims =
      logicalDims(cand.acc->get(), c, cDims);
  if (!dims)
    return std::nullopt;
  for (int l = 0; l < 4; ++l)
    if (llvm::count(*dims, l) > 1)
      return std::nullopt;
  cand.loopDims = *dims;

  // The output: written once per point, its old contents unread. Written
  // in place of the contraction's output only as the very same view.
  OpOperand *out = op.getDpsInitOperand(0);
  AffineMap outMap = op.getMatchingIndexingMap(out);
  if (!outMap.isPermutation() ||
      !op.getBlock()->getArgument(out->getOperandNumber()).use_empty())
    return std::nullopt;
  Value outRoot = bufferRoot(out->get());
  if (outRoot == root && (out->get() != cand.acc->get() || !outMap.isIdentity()))
    return std::nullopt;
  // The contraction reads its inputs while the epilogue writes.
  Value aRoot = bufferRoot(call.getOperand(0));
  Value bRoot = bufferRoot(call.getOperand(1));
  if (outRoot == aRoot || outRoot == bRoot)
    return std::nullopt;
  for (OpOperand *in : others) {
    // An input that is the output is read where it is written, only.
    if (bufferRoot(in->get()) == outRoot &&
        (in->get() != out->get() || op.getMatchingIndexingMap(in) != outMap))
      return std::nullopt;
    if (!op.getBlock()->getArgument(in->getOperandNumber()).use_empty())
      cand.reads.push_back(in);
  }
  // The call moves down to the op: nothing in between may write what it
  // reads (frees of its inputs move below the op).
  for (Operation *o = call->getNextNode(); o != op; o = o->getNextNode())
    if (!isa<memref::DeallocOp>(o) &&
        (bufferUse(o, aRoot) == BufferUse::Writes ||
         bufferUse(o, bRoot) == BufferUse::Writes))
      return std::nullopt;
  if (!clonableBody(op))
    return std::nullopt;
  return cand;
}

/// The stride of view `v` along logical dim `l` when its type tells it (0
/// when v is broadcast along l), else nullopt.
std::optional<int64_t> staticStride(const Candidate &cand, OpOperand *v,
                                    int l) {
  auto type = cast<MemRefType>(v->get().getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)))
    return std::nullopt;
  int64_t stride = 0;
  linalg::LinalgOp op = cand.op;
  AffineMap map = op.getMatchingIndexingMap(v);
  for (auto [j, e] : llvm::enumerate(map.getResults())) {
    if (cand.loopDims[cast<AffineDimExpr>(e).getPosition()] != l)
      continue;
    if (ShapedType::isDynamic(strides[j]))
      return std::nullopt;
    stride += strides[j];
  }
  return stride;
}

/// Compiles the op of `cand` into an epilogue function (Epilogue.h's
/// tg_epi_fn) at the end of `module`: loops over a block of channels, rows
/// and columns that load the result and the inputs, run the op's body and
/// store. The views' addresses and strides come from the descriptor (or
/// from their types, when static). `inPlace`: the output is the
/// contraction's result, so it is read there (one address, which lets LLVM
/// vectorize without overlap checks).
LLVM::LLVMFuncOp buildEpilogueFunction(ModuleOp module, const Candidate &cand,
                                       bool inPlace) {
  linalg::LinalgOp op = cand.op;
  Location loc = op.getLoc();
  MLIRContext *ctx = module.getContext();
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  Type ptr = LLVM::LLVMPointerType::get(ctx);
  Type i64 = b.getI64Type(), f32 = b.getF32Type();
  SmallVector<Type> params{ptr, ptr};
  params.append(10, i64);
  auto fnType =
      LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), params);
  std::string name;
  for (int n = 0; name.empty() || module.lookupSymbol(name); ++n)
    name = "tg_epilogue_" + std::to_string(n);
  auto fn = LLVM::LLVMFuncOp::create(b, loc, name, fnType,
                                     LLVM::Linkage::Internal);
  // Wide vectors where the host has them (LLVM prefers 256 bits on
  // AVX-512 hosts): EfficientNet's SiLU epilogues ran 6% faster in all.
  fn.setPassthroughAttr(b.getArrayAttr({b.getArrayAttr(
      {b.getStringAttr("prefer-vector-width"), b.getStringAttr("512")})}));
  Block *entry = fn.addEntryBlock(b);
  b.setInsertionPointToStart(entry);
  auto arg = [&](unsigned i) -> Value { return entry->getArgument(i); };
  // Arguments: desc, acc, acc's strides (c, y, x), b, c0, nc, y0, ny, x0, nx.
  Value desc = arg(0), acc = arg(1);
  Value first[4] = {arg(5), arg(6), arg(8), arg(10)};
  auto constant = [&](int64_t v) {
    return arith::ConstantIntOp::create(b, loc, v, 64);
  };
  auto word = [&](int64_t k) -> Value {
    Value at = LLVM::GEPOp::create(b, loc, ptr, i64, desc,
                                   ArrayRef<LLVM::GEPArg>{int32_t(k)});
    return LLVM::LoadOp::create(b, loc, i64, at);
  };
  auto offset = [&](Value base, Value index, Value stride) -> Value {
    Value n = arith::MulIOp::create(b, loc, index, stride);
    return LLVM::GEPOp::create(b, loc, ptr, f32, base,
                               ArrayRef<LLVM::GEPArg>{n});
  };
  // Each view's element (b, c0, y0, x0), and its strides along c, y, x.
  OpOperand *out = op.getDpsInitOperand(0);
  SmallVector<OpOperand *> views{out};
  views.append(cand.reads.begin(), cand.reads.end());
  SmallVector<Value> bases;
  SmallVector<std::array<Value, 3>> strides;
  for (auto [v, view] : llvm::enumerate(views)) {
    int64_t at = TG_EPI_HEADER + TG_EPI_VIEW * int64_t(v);
    Value base = LLVM::IntToPtrOp::create(b, loc, ptr, word(at));
    std::array<Value, 3> s;
    for (int l = 0; l < 4; ++l) {
      std::optional<int64_t> known = staticStride(cand, view, l);
      Value stride = known ? constant(*known) : word(at + 1 + l);
      base = offset(base, first[l], stride);
      if (l > 0)
        s[l - 1] = stride;
    }
    bases.push_back(base);
    strides.push_back(s);
  }
  // Constants the body uses from outside it.
  IRMapping mapping;
  Block *body = op.getBlock();
  for (Operation &o : body->getOperations())
    for (Value v : o.getOperands())
      if (v.getParentBlock() != body && !mapping.contains(v))
        mapping.map(v, b.clone(*v.getDefiningOp())->getResult(0));
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  // Loops over c, y, x; each view's address advances by its strides.
  SmallVector<Value> rows(bases);
  Value accRow = acc;
  for (int l = 0; l < 3; ++l) {
    Value extent = arith::IndexCastOp::create(b, loc, b.getIndexType(),
                                              arg(7 + 2 * l));
    auto loop = scf::ForOp::create(b, loc, zero, extent, one);
    b.setInsertionPointToStart(loop.getBody());
    Value i = arith::IndexCastOp::create(b, loc, i64, loop.getInductionVar());
    for (auto [v, row] : llvm::enumerate(rows))
      row = offset(row, i, strides[v][l]);
    accRow = offset(accRow, i, arg(2 + l));
  }
  Value outAddress = rows[0];
  Value result = inPlace ? outAddress : accRow;
  mapping.map(body->getArgument(cand.acc->getOperandNumber()),
              LLVM::LoadOp::create(b, loc, f32, result));
  for (auto [k, in] : llvm::enumerate(cand.reads)) {
    // An input read where the output is written: the very same address.
    bool isOut = bufferRoot(in->get()) == bufferRoot(out->get());
    mapping.map(body->getArgument(in->getOperandNumber()),
                LLVM::LoadOp::create(b, loc, f32,
                                     isOut ? outAddress : rows[k + 1]));
  }
  for (Operation &o : body->without_terminator())
    b.clone(o, mapping);
  Value yielded = mapping.lookupOrDefault(body->getTerminator()->getOperand(0));
  LLVM::StoreOp::create(b, loc, yielded, outAddress);
  b.setInsertionPointToEnd(entry);
  LLVM::ReturnOp::create(b, loc, ValueRange{});
  return fn;
}

/// The register form of Epilogue.h: act(x + bias[c]) with a residual
/// (flags TG_EPI_BIAS | TG_EPI_RESIDUAL[_FIRST] | TG_EPI_ACT_*, the bias's
/// and the residual's views, the clip bounds).
struct RegisterForm {
  int64_t flags = 0;
  /// The op only writes x elsewhere (a concat's copy): a form once the
  /// kernel stores to the op's output (TG_EPI_TO_OUTPUT alone).
  bool copy = false;
  int64_t biasView = 0, residualView = -1;
  float lo = 0, hi = 0;
};

/// The float constant `v`, if it is one.
std::optional<float> floatConstant(Value v) {
  FloatAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) || !attr.getType().isF32())
    return std::nullopt;
  return attr.getValue().convertToFloat();
}

/// `cand`'s op as a register form, when its body is exactly an optional
/// [minimumf(] maximumf(sum, lo) [, hi)] of a sum x + bias, (x + bias) + r,
/// x + (r + bias) or x + r, with bias an input broadcast over b, y and x
/// and r one read as the output is written; flags 0 otherwise. A kernel
/// applies the activation as compares and selects, which are maximumf's
/// and minimumf's results unless a bound is a zero of the wrong sign or
/// NaN: those are left to the function.
RegisterForm registerForm(const Candidate &cand) {
  linalg::LinalgOp op = cand.op;
  Block *body = op.getBlock();
  Value x = body->getArgument(cand.acc->getOperandNumber());
  Value v = body->getTerminator()->getOperand(0);
  RegisterForm form;
  unsigned matched = 0;
  if (auto mn = v.getDefiningOp<arith::MinimumFOp>()) {
    std::optional<float> hi = floatConstant(mn.getRhs());
    auto mx = mn.getLhs().getDefiningOp<arith::MaximumFOp>();
    if (!hi || !mx || std::isnan(*hi) || *hi == 0.0f)
      return {};
    form.hi = *hi;
    form.flags |= TG_EPI_ACT_CLIP;
    v = mn.getLhs();
    ++matched;
  }
  if (auto mx = v.getDefiningOp<arith::MaximumFOp>()) {
    std::optional<float> lo = floatConstant(mx.getRhs());
    if (!lo || std::isnan(*lo) || (*lo == 0.0f && std::signbit(*lo)))
      return {};
    form.lo = *lo;
    if (!(form.flags & TG_EPI_ACT_CLIP))
      form.flags |= TG_EPI_ACT_RELU;
    v = mx.getLhs();
    ++matched;
  }
  // The sum: x + bias, (x + bias) + r, x + (r + bias) or x + r.
  auto viewOf = [&](Value value) -> std::optional<unsigned> {
    auto arg = dyn_cast<BlockArgument>(value);
    if (!arg || arg.getOwner() != body)
      return std::nullopt;
    for (auto [k, in] : llvm::enumerate(cand.reads))
      if (in->getOperandNumber() == arg.getArgNumber())
        return unsigned(k);
    return std::nullopt;
  };
  auto isBias = [&](Value value) {
    std::optional<unsigned> k = viewOf(value);
    if (!k)
      return false;
    for (int l : {0, 2, 3})
      if (staticStride(cand, cand.reads[*k], l) != std::optional<int64_t>(0))
        return false;
    form.biasView = int64_t(*k) + 1;
    return true;
  };
  // A residual: read as the output is written (identity map), from a
  // buffer the contraction does not write (it may be the output: an input
  // that is the output is read where it is written, findEpilogue).
  auto isResidual = [&](Value value) {
    std::optional<unsigned> k = viewOf(value);
    if (!k)
      return false;
    OpOperand *in = cand.reads[*k];
    if (!op.getMatchingIndexingMap(in).isIdentity() ||
        bufferRoot(in->get()) == bufferRoot(cand.acc->get()))
      return false;
    form.residualView = int64_t(*k) + 1;
    return true;
  };
  // `sum` is add(x, other) in either order: other, or null.
  auto addTo = [&](Value sum, Value of) -> Value {
    auto add = sum.getDefiningOp<arith::AddFOp>();
    if (!add)
      return {};
    if (add.getLhs() == of)
      return add.getRhs();
    if (add.getRhs() == of)
      return add.getLhs();
    return {};
  };
  // x + 0, a bias folded to zeros (a conv whose bias was initialized so):
  // x itself when the zero is -0, or when an activation of lower bound
  // +0 or more follows (only x = -0 changes, to +0, which the bound
  // makes +0 or the bound either way).
  if (Value other = addTo(v, x)) {
    std::optional<float> c = floatConstant(other);
    bool boundNonNegative =
        (form.flags & (TG_EPI_ACT_RELU | TG_EPI_ACT_CLIP)) &&
        !std::signbit(form.lo);
    if (c && *c == 0.0f && (std::signbit(*c) || boundNonNegative)) {
      ++matched;
      v = x;
    }
  }
  if (auto add = v.getDefiningOp<arith::AddFOp>()) {
    ++matched;
    Value other = addTo(v, x);
    if (other && isBias(other)) {
      form.flags |= TG_EPI_BIAS; // x + bias
    } else if (other && isResidual(other)) {
      form.flags |= TG_EPI_RESIDUAL; // x + r
    } else if (auto inner = other ? other.getDefiningOp<arith::AddFOp>()
                                  : arith::AddFOp()) {
      // x + (r + bias)
      ++matched;
      if (!(isResidual(inner.getLhs()) && isBias(inner.getRhs())) &&
          !(isResidual(inner.getRhs()) && isBias(inner.getLhs())))
        return {};
      form.flags |= TG_EPI_BIAS | TG_EPI_RESIDUAL_FIRST;
    } else {
      // (x + bias) + r
      Value lhs = add.getLhs(), rhs = add.getRhs();
      Value xb = addTo(lhs, x) ? lhs : rhs, r = xb == lhs ? rhs : lhs;
      Value bias = addTo(xb, x);
      if (!bias || !isBias(bias) || !isResidual(r))
        return {};
      ++matched;
      form.flags |= TG_EPI_BIAS | TG_EPI_RESIDUAL;
    }
    v = x;
  }
  if (v == x && body->without_terminator().empty()) {
    form.copy = true;
    return form;
  }
  if (v != x || matched == 0 ||
      matched != llvm::range_size(body->without_terminator()))
    return {};
  return form;
}

/// Builds the descriptor of Epilogue.h for `fn` at b's insertion point,
/// with `form`'s words when it has one.
Value buildDescriptor(OpBuilder &b, Location loc, const Candidate &cand,
                      LLVM::LLVMFuncOp fn, const RegisterForm &form) {
  linalg::LinalgOp op = cand.op;
  SmallVector<OpOperand *> views{op.getDpsInitOperand(0)};
  views.append(cand.reads.begin(), cand.reads.end());
  int64_t size = TG_EPI_HEADER + TG_EPI_VIEW * int64_t(views.size()) +
                 (form.flags ? TG_EPI_FORM_WORDS : 0);
  auto type = MemRefType::get({size}, b.getI64Type());
  Value desc = memref::AllocaOp::create(b, loc, type);
  int64_t at = 0;
  auto store = [&](Value word) {
    if (word.getType().isIndex())
      word = arith::IndexCastOp::create(b, loc, b.getI64Type(), word);
    Value pos = arith::ConstantIndexOp::create(b, loc, at++);
    memref::StoreOp::create(b, loc, word, desc, pos);
  };
  Value address = LLVM::AddressOfOp::create(b, loc, fn);
  store(LLVM::PtrToIntOp::create(b, loc, b.getI64Type(), address));
  store(arith::ConstantIntOp::create(b, loc, views.size(), 64));
  for (OpOperand *view : views) {
    Value v = view->get();
    AffineMap map = op.getMatchingIndexingMap(view);
    auto md = memref::ExtractStridedMetadataOp::create(b, loc, v);
    Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, v);
    Value bytes = arith::MulIOp::create(
        b, loc, md.getOffset(), arith::ConstantIndexOp::create(b, loc, 4));
    store(arith::AddIOp::create(b, loc, base, bytes));
    // A logical dim's stride: that of the operand's dim its loop indexes.
    for (int l = 0; l < 4; ++l) {
      Value stride = arith::ConstantIndexOp::create(b, loc, 0);
      for (auto [j, e] : llvm::enumerate(map.getResults())) {
        unsigned loop = cast<AffineDimExpr>(e).getPosition();
        if (cand.loopDims[loop] == l)
          stride = arith::AddIOp::create(b, loc, stride, md.getStrides()[j]);
      }
      store(stride);
    }
  }
  if (form.flags) {
    auto bits = [](float f) { return int64_t(llvm::bit_cast<int32_t>(f)); };
    for (int64_t word : {form.flags, form.biasView, form.residualView,
                         bits(form.lo), bits(form.hi)})
      store(arith::ConstantIntOp::create(b, loc, word, 64));
  }
  return memref::CastOp::create(
      b, loc, MemRefType::get({ShapedType::kDynamic}, b.getI64Type()), desc);
}

/// True when the operand `v` of `call` is the constant `value`.
bool isConstant(Value v, int64_t value) {
  APInt attr;
  return matchPattern(v, m_ConstantInt(&attr)) && attr == value;
}

/// True when `first` writes every element of the buffer `root` without
/// reading it: a linalg op of parallel loops whose output is a view of all
/// of `root` with an identity map, which reads it neither as an input nor
/// in its payload (a fill, a copy into it, an elementwise op's result).
bool overwritesWithoutReading(Operation *first, Value root) {
  auto lop = dyn_cast<linalg::LinalgOp>(first);
  if (!lop || !lop.hasPureBufferSemantics() || lop.getNumDpsInits() != 1 ||
      lop.getNumLoops() != lop.getNumParallelLoops())
    return false;
  OpOperand *init = lop.getDpsInitOperand(0);
  if (!coversRoot(init->get(), root) ||
      !lop.getMatchingIndexingMap(init).isIdentity() ||
      lop.payloadUsesValueFromOperand(init))
    return false;
  return llvm::none_of(lop.getDpsInputOperands(), [&](OpOperand *in) {
    return bufferRoot(in->get()) == root;
  });
}

/// True when nothing but `op` reads the results `call` leaves in the buffer
/// `root` (an allocation): every use of it, through views, is `call`,
/// `op`, a dealloc, an op before `call` in its block, or an op after `op`
/// in its block of which the first overwrites all of it without reading
/// it. Bufferization
/// reuses a buffer once it is dead for a later result (MobileNetV2's stem
/// conv's output for a depthwise conv's two layers on): requiring no other
/// use at all kept those calls from storing to the op's output.
bool resultsOnlyFor(Value root, func::CallOp call, Operation *op) {
  // A function's argument is read after it returns.
  Block *block = op->getBlock();
  if (call->getBlock() != block || !root.getDefiningOp<memref::AllocOp>())
    return false;
  Operation *firstAfter = nullptr;
  SmallVector<Value> work{root};
  while (!work.empty()) {
    Value v = work.pop_back_val();
    for (Operation *user : v.getUsers()) {
      if (user == call || user == op || isa<memref::DeallocOp>(user))
        continue;
      if (isa<memref::CastOp, memref::CollapseShapeOp, memref::ExpandShapeOp>(
              user)) {
        work.push_back(user->getResult(0));
        continue;
      }
      Operation *at = block->findAncestorOpInBlock(*user);
      if (!at || at == op || at == call.getOperation())
        return false;
      if (at->isBeforeInBlock(call))
        continue;
      if (at->isBeforeInBlock(op))
        return false;
      if (!firstAfter || at->isBeforeInBlock(firstAfter))
        firstAfter = at;
    }
  }
  return !firstAfter || overwritesWithoutReading(firstAfter, root);
}

/// A view of the epilogue's output shaped as the call's output `c`, if
/// the microkernel can write there directly: the output is not needed
/// apart (it is a local buffer only the two use, and started as zeros, so
/// the contraction does not read it), the epilogue reads no input from the
/// target (the contraction would overwrite it first: an in-place residual
/// add). (A GEMM-based convolution's epilogue output has consecutive pixels,
/// see paysOff, so the GEMM can write it as one matrix.)
Value redirectTarget(OpBuilder &b, func::CallOp call, Value c,
                     const Candidate &cand) {
  linalg::LinalgOp op = cand.op;
  OpOperand *out = op.getDpsInitOperand(0);
  Value root = bufferRoot(c);
  if (bufferRoot(out->get()) == root || !root.getDefiningOp<memref::AllocOp>() ||
      !isConstant(call.getOperand(call.getNumOperands() - 2), 1) ||
      !op.getMatchingIndexingMap(out).isIdentity() ||
      !resultsOnlyFor(root, call, op) ||
      llvm::any_of(cand.reads, [&](OpOperand *in) {
        return bufferRoot(in->get()) == bufferRoot(out->get());
      }))
    return {};
  auto cType = cast<MemRefType>(c.getType());
  auto outType = cast<MemRefType>(out->get().getType());
  Value target;
  if (cand.acc->get() == c) {
    if (outType.getShape() != cType.getShape())
      return {};
    target = out->get();
  } else if (auto collapse =
                 cand.acc->get().getDefiningOp<memref::CollapseShapeOp>()) {
    if (collapse.getSrc() != c)
      return {};
    FailureOr<MemRefType> expanded = memref::ExpandShapeOp::computeExpandedType(
        outType, cType.getShape(), collapse.getReassociationIndices());
    if (failed(expanded))
      return {};
    target = memref::ExpandShapeOp::create(
        b, call.getLoc(), *expanded, out->get(),
        collapse.getReassociationIndices());
  } else {
    return {};
  }
  return target;
}

/// True when the output of `cand`'s op has consecutive pixels (x stride 1,
/// y stride the row's width), as its type tells.
bool hasConsecutivePixels(const Candidate &cand) {
  linalg::LinalgOp op = cand.op;
  OpOperand *out = op.getDpsInitOperand(0);
  std::optional<int64_t> y = staticStride(cand, out, 2);
  std::optional<int64_t> x = staticStride(cand, out, 3);
  std::optional<int64_t> width;
  for (auto [loop, l] : llvm::enumerate(cand.loopDims))
    if (l == 3)
      width = op.getStaticLoopRanges()[loop];
  if (!width)
    width = 1; // no x dim: one pixel per row
  return y && x && *x == 1 && !ShapedType::isDynamic(*width) &&
         *y == *width;
}

/// True when the microkernel computes convolution `call` on "wide" rows
/// (Microkernels.c, tg_conv_wide: stride 1, a window wider or taller than
/// one pixel), so that it runs the epilogue on whole output planes.
bool isWideConvCall(func::CallOp call) {
  auto weight = call.getOperand(1).getDefiningOp<memref::CastOp>();
  auto type = weight ? dyn_cast<MemRefType>(weight.getSource().getType())
                     : MemRefType();
  if (!type || !isConstant(call.getOperand(3), 1) ||
      !isConstant(call.getOperand(4), 1))
    return false;
  int64_t kh = type.getDimSize(type.getRank() - 2),
          kw = type.getDimSize(type.getRank() - 1);
  return (!ShapedType::isDynamic(kh) && kh > 1) ||
         (!ShapedType::isDynamic(kw) && kw > 1);
}

/// Whether fusing pays, as measured (docs/benchmarks/cpu_zoo.md): a GEMM
/// runs the epilogue on panels of NR columns of its output, in cache; when
/// the op's output is strided by pixel rows (the interior of a padded
/// buffer), those panels break into pieces of rows too small for the loop,
/// and a separate pass over the output was faster on MobileNetV2 and
/// MNASNet. Depthwise convolutions (a row, a plane or a block of planes at
/// a time), wide convolutions (a plane at a time) and matmuls (no pixel
/// rows) always pay.
bool paysOff(func::CallOp call, const Candidate &cand) {
  if (!call.getCallee().starts_with("tg_uk_conv") || isDepthwiseCall(call) ||
      isWideConvCall(call))
    return true;
  return hasConsecutivePixels(cand);
}

struct FuseEpiloguesPass
    : public mlir::tangram::impl::FuseEpiloguesPassBase<FuseEpiloguesPass> {
  void runOnOperation() override {
    SmallVector<func::CallOp> calls;
    getOperation().walk([&](func::CallOp call) {
      if (!outputLogicalDims(call.getCallee()).empty())
        calls.push_back(call);
    });
    for (func::CallOp call : calls)
      fuse(call);
  }

  void fuse(func::CallOp call) {
    // Only a call without an epilogue (UseMicrokernels.cpp's empty one).
    unsigned descIndex = call.getNumOperands() - 1;
    auto none = call.getOperand(descIndex).getDefiningOp<memref::CastOp>();
    auto alloca =
        none ? none.getSource().getDefiningOp<memref::AllocaOp>() : nullptr;
    if (!alloca || alloca.getType().getNumElements() != 0)
      return;
    auto cCast = call.getOperand(2).getDefiningOp<memref::CastOp>();
    if (!cCast)
      return;
    Value c = cCast.getSource();
    std::optional<Candidate> cand =
        findEpilogue(call, c, outputLogicalDims(call.getCallee()));
    if (!cand)
      return;
    if (!paysOff(call, *cand))
      return;
    linalg::LinalgOp op = cand->op;
    // The call moves to the op's place; frees in between move below it.
    for (Operation *o = call->getNextNode(); o != op;) {
      Operation *next = o->getNextNode();
      if (isa<memref::DeallocOp>(o))
        o->moveAfter(op);
      o = next;
    }
    call->moveBefore(op);
    OpBuilder b(call);
    Value target = redirectTarget(b, call, c, *cand);
    if (target)
      call->setOperand(2, memref::CastOp::create(b, call.getLoc(),
                                                 cCast.getType(), target));
    bool inPlace = target || bufferRoot(op.getDpsInitOperand(0)->get()) ==
                                 bufferRoot(c);
    LLVM::LLVMFuncOp fn =
        buildEpilogueFunction(getOperation(), *cand, inPlace);
    // The register form: where the kernel's stores are the op's, or to the
    // op's output view when nothing else reads the contraction's buffer
    // (then only its partial sums), as a plain view of the result.
    RegisterForm form = registerForm(*cand);
    if ((form.flags || form.copy) && !inPlace) {
      if (op.getMatchingIndexingMap(op.getDpsInitOperand(0)).isIdentity() &&
          resultsOnlyFor(bufferRoot(c), call, op))
        form.flags |= TG_EPI_TO_OUTPUT;
      else
        form = RegisterForm();
    }
    call->setOperand(descIndex,
                     buildDescriptor(b, op.getLoc(), *cand, fn, form));
    if (none->use_empty()) {
      none->erase();
      alloca->erase();
    }
    op->erase();
    if (!target)
      return;
    // The contraction's own buffer: its views nothing uses now go, and the
    // buffer with its frees when nothing else uses it (a later result that
    // bufferization put there keeps it).
    Value root = bufferRoot(c);
    SmallVector<Operation *> views;
    SmallVector<Value> work{root};
    while (!work.empty()) {
      Value v = work.pop_back_val();
      for (Operation *user : v.getUsers())
        if (isa<memref::CastOp, memref::CollapseShapeOp,
                memref::ExpandShapeOp>(user)) {
          views.push_back(user);
          work.push_back(user->getResult(0));
        }
    }
    for (Operation *o : llvm::reverse(views))
      if (o->use_empty())
        o->erase();
    if (llvm::all_of(root.getUsers(),
                     [](Operation *u) { return isa<memref::DeallocOp>(u); })) {
      for (Operation *u : llvm::make_early_inc_range(root.getUsers()))
        u->erase();
      root.getDefiningOp()->erase();
    }
  }
};

} // namespace
