//===- GPUResultShapes.cpp - tg-gpu-result-shapes -------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "ProgramBuilder.h"
#include "tangram/Target/GPU/Passes.h"
#include "tangram/Transforms/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_GPURESULTSHAPESPASS
#include "tangram/Target/GPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;
using namespace mlir::tangram;
using ::tangram::ProgramOp;

namespace {

/// Dim `d` of a result of a branch on a host value (the cases of a
/// reduction over axes given as an input): a select over the branches of
/// their static dims.
std::optional<unsigned> branchDim(Value v, int64_t d, ProgramBuilder &pb) {
  auto r = dyn_cast<OpResult>(v);
  if (!r)
    return std::nullopt;
  Operation *branch = r.getOwner();
  auto staticDim = [&](Region &region) -> std::optional<unsigned> {
    Value y = region.front().getTerminator()->getOperand(r.getResultNumber());
    while (auto c = y.getDefiningOp<tensor::CastOp>())
      if (cast<RankedTensorType>(y.getType()).isDynamicDim(d))
        y = c.getSource();
      else
        break;
    auto t = dyn_cast<RankedTensorType>(y.getType());
    if (!t || t.isDynamicDim(d))
      return std::nullopt;
    return pb.constant(t.getDimSize(d));
  };
  if (auto sw = dyn_cast<scf::IndexSwitchOp>(branch)) {
    std::optional<unsigned> arg = pb.lookup(sw.getArg());
    std::optional<unsigned> result = staticDim(sw.getDefaultRegion());
    if (!arg || !result)
      return std::nullopt;
    for (auto [value, region] : llvm::zip(sw.getCases(), sw.getCaseRegions())) {
      std::optional<unsigned> dim = staticDim(region);
      if (!dim)
        return std::nullopt;
      result = pb.select(pb.binary(ProgramOp::CmpEQ, *arg, pb.constant(value)),
                         *dim, *result);
    }
    return result;
  }
  if (auto i = dyn_cast<scf::IfOp>(branch)) {
    std::optional<unsigned> cond = pb.lookup(i.getCondition());
    if (!cond || i.getElseRegion().empty())
      return std::nullopt;
    std::optional<unsigned> a = staticDim(i.getThenRegion());
    std::optional<unsigned> b = staticDim(i.getElseRegion());
    if (!a || !b)
      return std::nullopt;
    return pb.select(*cond, *a, *b);
  }
  return std::nullopt;
}

/// The elements of the small static integer tensors a function builds from
/// scalars of the host (a Concat of Shape slices that a Resize takes as its
/// sizes): one SSA scalar per element, row-major, null where unknown.
class SmallTensors {
public:
  using Elements = SmallVector<Value>;

  const Elements *lookup(Value v) const {
    auto it = elements.find(v);
    return it == elements.end() ? nullptr : &it->second;
  }

  /// Records the elements of `op`'s result; false when `op` is not a
  /// tensor op this follows.
  bool map(Operation &op) {
    if (op.getNumResults() != 1)
      return false;
    auto t = dyn_cast<RankedTensorType>(op.getResult(0).getType());
    if (!t || !t.hasStaticShape() || !t.getElementType().isIntOrIndex() ||
        t.getNumElements() > kMaxElements)
      return false;
    Elements out(t.getNumElements());
    if (isa<tensor::EmptyOp>(op)) {
    } else if (auto fe = dyn_cast<tensor::FromElementsOp>(op)) {
      for (auto [k, e] : llvm::enumerate(fe.getElements()))
        out[k] = e;
    } else if (isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp,
                   tensor::CastOp>(op)) {
      // Row-major order is kept.
      const Elements *in = lookup(op.getOperand(0));
      if (!in)
        return false;
      out = *in;
    } else if (auto c = dyn_cast<arith::ConstantOp>(op)) {
      // Constant elements (a Concat's -1 or 1, an Expand's ones), each
      // made a scalar constant (unused ones are erased later).
      auto dense = dyn_cast<DenseIntElementsAttr>(c.getValue());
      if (!dense)
        return false;
      OpBuilder b(&op);
      for (auto [k, v] : llvm::enumerate(dense.getValues<APInt>()))
        out[k] = arith::ConstantOp::create(
            b, op.getLoc(), IntegerAttr::get(t.getElementType(), v));
    } else if (auto f = dyn_cast<linalg::FillOp>(op)) {
      if (!f.hasPureTensorSemantics())
        return false;
      out.assign(out.size(), f.getInputs()[0]);
    } else if (auto g = dyn_cast<linalg::GenericOp>(op)) {
      auto yield = cast<linalg::YieldOp>(g.getBody()->getTerminator());
      if (g.getNumDpsInputs() == 0 && g.getBody()->getOperations().size() > 1) {
        if (!gather(g, out))
          return false;
      } else if (g.getNumDpsInputs() == 0) {
        // A broadcast of one scalar of the host into the tensor.
        Value v = yield.getOperand(0);
        if (v.getParentBlock() == g.getBody())
          return false;
        out.assign(out.size(), v);
      } else if (!elementwise(g, out)) {
        return false;
      }
    } else if (auto tr = dyn_cast<linalg::TransposeOp>(op)) {
      // out[c] = in[c'] with c'[perm[d]] = c[d] (torch's pads, transposed
      // into ONNX's order).
      const Elements *in = lookup(tr.getInput());
      if (!in || !tr.hasPureTensorSemantics())
        return false;
      ArrayRef<int64_t> inShape =
          cast<RankedTensorType>(tr.getInput().getType()).getShape();
      SmallVector<int64_t> c(t.getRank()), from(t.getRank());
      for (int64_t k = 0; k < t.getNumElements(); ++k) {
        for (int64_t d = t.getRank() - 1, rest = k; d >= 0; --d) {
          c[d] = rest % t.getDimSize(d);
          rest /= t.getDimSize(d);
        }
        for (auto [d, p] : llvm::enumerate(tr.getPermutation()))
          from[p] = c[d];
        int64_t linear = 0;
        for (auto [i, size] : llvm::zip(from, inShape))
          linear = linear * size + i;
        out[k] = (*in)[linear];
      }
    } else if (auto x = dyn_cast<tensor::ExtractSliceOp>(op)) {
      const Elements *in = lookup(x.getSource());
      if (!in || x.getSourceType().getRank() != t.getRank() ||
          !forEachInSlice(x.getSourceType().getShape(), x.getStaticOffsets(),
                          x.getStaticSizes(), x.getStaticStrides(),
                          [&](int64_t whole, int64_t part) {
                            out[part] = (*in)[whole];
                          }))
        return false;
    } else if (auto x = dyn_cast<tensor::InsertSliceOp>(op)) {
      const Elements *src = lookup(x.getSource());
      const Elements *dest = lookup(x.getDest());
      if (!src || !dest)
        return false;
      out = *dest;
      if (x.getSourceType().getRank() != t.getRank() ||
          !forEachInSlice(t.getShape(), x.getStaticOffsets(),
                          x.getStaticSizes(), x.getStaticStrides(),
                          [&](int64_t whole, int64_t part) {
                            out[whole] = (*src)[part];
                          }))
        return false;
    } else {
      return false;
    }
    elements[op.getResult(0)] = std::move(out);
    return true;
  }

private:
  /// Larger tensors are data, not sizes.
  static constexpr int64_t kMaxElements = 64;

  /// An elementwise generic over small tensors whose elements are known
  /// (an Expand's shape: Where(Equal(shape, -1), 1, shape)), or over rank-0
  /// ones (Shape arithmetic): its body's scalar ops, cloned once per
  /// element before it, on those elements.
  bool elementwise(linalg::GenericOp g, Elements &out) {
    if (!g.hasPureTensorSemantics() ||
        g.getNumLoops() != g.getNumParallelLoops() ||
        llvm::any_of(g.getDpsInitsMutable(), [&](OpOperand &init) {
          return g.payloadUsesValueFromOperand(&init) ||
                 !g.getMatchingIndexingMap(&init).isIdentity();
        }))
      return false;
    for (Operation &o : g.getBody()->without_terminator())
      if (o.getNumRegions() || isa<linalg::IndexOp>(o) ||
          !isMemoryEffectFree(&o))
        return false;
    // Each input's elements, in the output's order.
    SmallVector<const Elements *> ins;
    for (OpOperand *in : g.getDpsInputOperands()) {
      auto it = dyn_cast<RankedTensorType>(in->get().getType());
      if (!it) {
        ins.push_back(nullptr);
        continue;
      }
      const Elements *e = lookup(in->get());
      AffineMap map = g.getMatchingIndexingMap(in);
      if (!e || !(map.isIdentity() || it.getRank() == 0) ||
          llvm::any_of(*e, [](Value v) { return !v; }))
        return false;
      ins.push_back(e);
    }
    OpBuilder b(g);
    auto yield = cast<linalg::YieldOp>(g.getBody()->getTerminator());
    for (size_t k = 0; k < out.size(); ++k) {
      IRMapping m;
      for (auto [i, in] : llvm::enumerate(g.getDpsInputOperands())) {
        Value arg = g.getBody()->getArgument(i);
        m.map(arg, !ins[i] ? in->get()
                   : ins[i]->size() == 1 ? (*ins[i])[0]
                                         : (*ins[i])[k]);
      }
      for (Operation &o : g.getBody()->without_terminator())
        b.clone(o, m);
      out[k] = m.lookupOrDefault(yield.getOperand(0));
    }
    return true;
  }

  /// A generic with no inputs that reads each element from a small tensor
  /// at indices computed from its own (a Slice with a negative step, which
  /// torch's pad arithmetic uses to reverse its [dims, 2] pads): per
  /// element, the body's index arithmetic folded with the element's
  /// indices, its read looked up.
  bool gather(linalg::GenericOp g, Elements &out) {
    if (!g.hasPureTensorSemantics() || g.getNumDpsInputs() != 0 ||
        g.getNumDpsInits() != 1 ||
        g.payloadUsesValueFromOperand(g.getDpsInitOperand(0)) ||
        !g.getMatchingIndexingMap(g.getDpsInitOperand(0)).isIdentity())
      return false;
    auto t = cast<RankedTensorType>(g.getResult(0).getType());
    auto yield = cast<linalg::YieldOp>(g.getBody()->getTerminator());
    Builder b(g.getContext());
    SmallVector<int64_t> c(t.getRank());
    for (int64_t k = 0; k < t.getNumElements(); ++k) {
      for (int64_t d = t.getRank() - 1, rest = k; d >= 0; --d) {
        c[d] = rest % t.getDimSize(d);
        rest /= t.getDimSize(d);
      }
      // The constant each body value folds to; the element read.
      DenseMap<Value, Attribute> known;
      Value read;
      for (Operation &o : g.getBody()->without_terminator()) {
        if (auto ix = dyn_cast<linalg::IndexOp>(o)) {
          known[ix.getResult()] = b.getIndexAttr(c[ix.getDim()]);
          continue;
        }
        if (auto x = dyn_cast<tensor::ExtractOp>(o)) {
          const Elements *in = lookup(x.getTensor());
          auto st = cast<RankedTensorType>(x.getTensor().getType());
          if (!in || !st.hasStaticShape())
            return false;
          int64_t linear = 0;
          for (auto [d, index] : llvm::enumerate(x.getIndices())) {
            auto i = dyn_cast_or_null<IntegerAttr>(known.lookup(index));
            if (!i && !matchPattern(index, m_Constant(&i)))
              return false;
            if (i.getInt() < 0 || i.getInt() >= st.getDimSize(d))
              return false;
            linear = linear * st.getDimSize(d) + i.getInt();
          }
          read = (*in)[linear];
          if (!read || x.getResult() != yield.getOperand(0))
            return false;
          continue;
        }
        // Index arithmetic on the element's indices and constants.
        SmallVector<Attribute> operands;
        for (Value v : o.getOperands()) {
          Attribute a = known.lookup(v);
          if (!a && !matchPattern(v, m_Constant(&a)))
            return false;
          operands.push_back(a);
        }
        SmallVector<OpFoldResult> folded;
        if (o.getNumResults() != 1 || failed(o.fold(operands, folded)) ||
            folded.size() != 1)
          return false;
        // A fold to an operand (3 - 0) gives that operand's constant.
        Attribute a = dyn_cast<Attribute>(folded[0]);
        if (!a) {
          Value v = cast<Value>(folded[0]);
          a = known.lookup(v);
          if (!a && !matchPattern(v, m_Constant(&a)))
            return false;
        }
        known[o.getResult(0)] = a;
      }
      if (!read)
        return false;
      out[k] = read;
    }
    return true;
  }

  /// Calls `each(whole, part)` for each element of the slice at static
  /// `offsets`, `sizes` and `strides` of a tensor of `shape`: its
  /// row-major position in the tensor and in the slice.
  static bool forEachInSlice(ArrayRef<int64_t> shape, ArrayRef<int64_t> offsets,
                             ArrayRef<int64_t> sizes, ArrayRef<int64_t> strides,
                             function_ref<void(int64_t, int64_t)> each) {
    for (ArrayRef<int64_t> a : {offsets, sizes, strides})
      if (llvm::any_of(a, ShapedType::isDynamic))
        return false;
    int64_t count = 1, total = 1;
    for (int64_t s : sizes)
      count *= s;
    for (int64_t s : shape)
      total *= s;
    SmallVector<int64_t> at(sizes.size(), 0);
    for (int64_t k = 0; k < count; ++k) {
      int64_t linear = 0;
      for (size_t d = 0; d < shape.size(); ++d)
        linear = linear * shape[d] + offsets[d] + at[d] * strides[d];
      if (linear < 0 || linear >= total)
        return false;
      each(linear, k);
      for (int64_t d = static_cast<int64_t>(sizes.size()) - 1; d >= 0; --d) {
        if (++at[d] < sizes[d])
          break;
        at[d] = 0;
      }
    }
    return true;
  }

  llvm::DenseMap<Value, Elements> elements;
};

/// Replaces each `tensor.extract` at constant indices of such a tensor with
/// its scalar, so that the sizes computed from it are formulas of the host
/// (upstream folds an extract of `from_elements`, not of the slices and
/// broadcasts around it).
void foldSmallTensorReads(func::FuncOp f) {
  SmallTensors small;
  for (Operation &op : llvm::make_early_inc_range(f.getBody().front())) {
    if (small.map(op))
      continue;
    auto x = dyn_cast<tensor::ExtractOp>(op);
    const SmallTensors::Elements *e = x ? small.lookup(x.getTensor()) : nullptr;
    if (!e)
      continue;
    auto t = cast<RankedTensorType>(x.getTensor().getType());
    int64_t linear = 0;
    bool known = true;
    for (auto [k, index] : llvm::enumerate(x.getIndices())) {
      std::optional<int64_t> i = getConstantIntValue(index);
      known &= i && *i >= 0 && *i < t.getDimSize(k);
      linear = linear * t.getDimSize(k) + (i ? *i : 0);
    }
    Value v = known ? (*e)[linear] : Value();
    if (v && v.getType() == x.getType())
      x.replaceAllUsesWith(v);
  }
}

/// The formulas of `sf`'s result dims and of its checks on sizes, or an
/// error naming the op that makes a dim depend on data the host lacks.
LogicalResult buildFormulas(func::FuncOp sf, ProgramBuilder &pb,
                            SmallVector<int64_t> &dims,
                            SmallVector<::tangram::ProgramCheck> &checks) {
  // What the returned dims are computed from must be computable; the
  // checks are made when their conditions are.
  llvm::SmallPtrSet<Operation *, 16> needed;
  SmallVector<Value> work(sf.getBody().front().getTerminator()->getOperands());
  while (!work.empty()) {
    Operation *def = work.pop_back_val().getDefiningOp();
    if (!def || !needed.insert(def).second || isa<tensor::DimOp>(def))
      continue;
    work.append(def->operand_begin(), def->operand_end());
  }
  auto dataError = [&](Operation &op) {
    return op.emitError("a result size of this executable depends on '")
           << op.getName() << "', which a GPU program cannot compute; the op "
           << "needs a host step";
  };
  for (Operation &op : sf.getBody().front()) {
    if (auto d = dyn_cast<tensor::DimOp>(op)) {
      auto arg = dyn_cast<BlockArgument>(d.getSource());
      std::optional<int64_t> index = d.getConstantIndex();
      std::optional<unsigned> id;
      if (arg && index)
        id = pb.dim(arg.getArgNumber(), *index);
      else if (index)
        id = branchDim(d.getSource(), *index, pb);
      if (id)
        pb.map(d.getResult(), *id);
      else if (needed.contains(&op))
        return dataError(op);
      continue;
    }
    if (auto x = dyn_cast<tensor::ExtractOp>(op)) {
      // An element of an integer input (axes, pads, a shape): the host
      // reads it.
      auto arg = dyn_cast<BlockArgument>(x.getTensor());
      auto t = cast<RankedTensorType>(x.getTensor().getType());
      std::optional<unsigned> at;
      if (arg && t.getElementType().isIntOrIndex()) {
        at = pb.constant(0);
        unsigned stride = pb.constant(1);
        for (int64_t k = t.getRank() - 1; k >= 0 && at; --k) {
          std::optional<unsigned> i = pb.lookup(x.getIndices()[k]);
          if (!i) {
            at.reset();
            break;
          }
          at = pb.binary(ProgramOp::Add, *at,
                         pb.binary(ProgramOp::Mul, *i, stride));
          unsigned size = t.isDynamicDim(k)
                              ? pb.dim(arg.getArgNumber(), k)
                              : pb.constant(t.getDimSize(k));
          stride = pb.binary(ProgramOp::Mul, stride, size);
        }
      }
      if (at)
        pb.map(x.getResult(), pb.load(arg.getArgNumber(), *at));
      else if (needed.contains(&op))
        return dataError(op);
      continue;
    }
    if (auto fe = dyn_cast<tensor::FromElementsOp>(op)) {
      if (!needed.contains(&op))
        continue;
      for (Value e : fe.getElements()) {
        std::optional<unsigned> id = pb.lookup(e);
        if (!id)
          return op.emitError("a result dim is not a formula of input dims");
        dims.push_back(*id);
      }
      continue;
    }
    if (auto a = dyn_cast<cf::AssertOp>(op)) {
      if (std::optional<unsigned> c = pb.lookup(a.getArg()))
        checks.push_back({*c, a.getMsg().str()});
      continue;
    }
    if (isa<func::ReturnOp>(op) || pb.mapScalarOp(&op) || !needed.contains(&op))
      continue;
    // A tensor holds sizes; the read of one the host cannot follow is what
    // the error names.
    if (op.getNumResults() && llvm::all_of(op.getResultTypes(), [](Type t) {
          return isa<RankedTensorType>(t);
        }))
      continue;
    return dataError(op);
  }
  return success();
}

struct GPUResultShapesPass
    : public mlir::tangram::impl::GPUResultShapesPassBase<GPUResultShapesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> shapeFns;
    for (auto f : module.getOps<func::FuncOp>()) {
      if (!f.isExternal())
        foldSmallTensorReads(f);
      if (f->hasAttr(kShapeFunctionAttr))
        shapeFns.push_back(f);
    }
    for (func::FuncOp sf : shapeFns) {
      StringRef name = sf.getSymName();
      auto f = module.lookupSymbol<func::FuncOp>(
          name.drop_back(StringRef("_shapes").size()));
      auto numResults = f ? f->getAttrOfType<IntegerAttr>(kNumResultsAttr)
                          : IntegerAttr();
      if (!numResults) {
        sf.emitError("a shape function without its executable");
        return signalPassFailure();
      }
      ProgramBuilder pb;
      SmallVector<int64_t> dims;
      SmallVector<::tangram::ProgramCheck> checks;
      if (failed(buildFormulas(sf, pb, dims, checks)))
        return signalPassFailure();
      // Split the flat dim list by result rank.
      SmallVector<Attribute> perResult;
      unsigned firstResult = f.getNumArguments() - numResults.getInt();
      size_t at = 0;
      for (unsigned j = firstResult; j < f.getNumArguments(); ++j) {
        auto t = cast<MemRefType>(f.getArgument(j).getType());
        if (at + t.getRank() > dims.size()) {
          sf.emitError("the shape function returns too few dims");
          return signalPassFailure();
        }
        perResult.push_back(DenseI64ArrayAttr::get(
            &getContext(), ArrayRef<int64_t>(dims).slice(at, t.getRank())));
        at += t.getRank();
      }
      f->setAttr("tg.gpu_values", pb.valuesAttr(&getContext()));
      f->setAttr("tg.gpu_result_dims", ArrayAttr::get(&getContext(), perResult));
      SmallVector<int64_t> checkValues;
      SmallVector<Attribute> checkMessages;
      for (const ::tangram::ProgramCheck &c : checks) {
        checkValues.push_back(c.value);
        checkMessages.push_back(StringAttr::get(&getContext(), c.message));
      }
      f->setAttr("tg.gpu_check_values",
                 DenseI64ArrayAttr::get(&getContext(), checkValues));
      f->setAttr("tg.gpu_check_messages",
                 ArrayAttr::get(&getContext(), checkMessages));
      sf.erase();
    }
  }
};

} // namespace
