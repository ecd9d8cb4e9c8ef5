//===- GPUBuildKernels.cpp - tg-gpu-build-kernels -------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// One bufferized executable -> kernels (gpu.func, one gpu.module each) and
// the host program that sizes, allocates and dispatches them. The program
// is the only host code a GPU code object has: the runtime interprets it
// (docs/BundleFormat.md, "GPU programs"), so no host compiler is needed to
// run a GPU bundle.
//
//===----------------------------------------------------------------------===//
#include "KernelStrategies.h"
#include "ProgramBuilder.h"
#include "tangram/Target/GPU/MatrixOps.h"
#include "tangram/Target/GPU/Passes.h"
#include "tangram/Transforms/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/ADT/SetVector.h"
#include <map>
#include <numeric>
#include <tuple>

namespace mlir::tangram {
#define GEN_PASS_DEF_GPUBUILDKERNELSPASS
#include "tangram/Target/GPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;
using namespace mlir::tangram;
using ::tangram::Binding;
using ::tangram::BindingKind;
using ::tangram::KernelDispatch;
using ::tangram::ProgramOp;

namespace {

/// A memref of the host code: a buffer and the strided layout of the view.
struct View {
  Binding binding;
  unsigned offset = 0;
  SmallVector<unsigned> sizes, strides;
};

/// Element bytes of a buffer (booleans take a byte).
int64_t elementBytes(Type t) {
  return std::max<int64_t>(1, (t.getIntOrFloatBitWidth() + 7) / 8);
}

/// How a kernel stores elements of type `t`: floats the GPU has no type
/// for (bf16, the 8-bit floats) as integers of their width; kernels
/// bitcast them after loading and before storing, and the pipeline
/// expands their conversions into integer arithmetic.
Type storageType(Type t) {
  if (isa<FloatType>(t) && (t.isBF16() || t.getIntOrFloatBitWidth() == 8))
    return IntegerType::get(t.getContext(), t.getIntOrFloatBitWidth());
  return t;
}

/// Rewrites an scf.parallel without reductions into nested scf.for loops
/// (parallel loops inside a kernel run sequentially per invocation).
void parallelToFor(scf::ParallelOp p) {
  OpBuilder b(p);
  IRMapping map;
  SmallVector<Value> ivs;
  for (auto [lb, ub, st] :
       llvm::zip(p.getLowerBound(), p.getUpperBound(), p.getStep())) {
    auto loop = scf::ForOp::create(b, p.getLoc(), lb, ub, st);
    ivs.push_back(loop.getInductionVar());
    b.setInsertionPoint(loop.getBody()->getTerminator());
  }
  for (auto [iv, nv] : llvm::zip(p.getInductionVars(), ivs))
    map.map(iv, nv);
  for (Operation &o : p.getBody()->without_terminator())
    b.clone(o, map);
  p.erase();
}

/// The pass's options, checked.
struct KernelOptions {
  unsigned wg = 64, maxGroups = 65535, sharedMemoryBytes = 16384,
           maxSharedMemoryBytes = 16384;
  unsigned multiprocessors = 16;
  bool reduceStrategy = true, contractStrategy = true;
  SmallVector<arith::AtomicRMWKind> subgroupReduce;
  /// The target's matrix instructions, and the precision f32 operands may
  /// be rounded to for them ("": none).
  SmallVector<const MatrixOp *> matrixOps;
  std::string precision;
};

class ExecutableSplitter {
public:
  ExecutableSplitter(ModuleOp module, func::FuncOp f,
                     const KernelOptions &options)
      : module(module), f(f), wg(options.wg), maxGroups(options.maxGroups),
        sharedMemoryBytes(options.sharedMemoryBytes),
        maxSharedMemoryBytes(options.maxSharedMemoryBytes),
        multiprocessors(options.multiprocessors),
        reduceStrategy(options.reduceStrategy),
        contractStrategy(options.contractStrategy),
        subgroupReduce(options.subgroupReduce),
        matrixOps(options.matrixOps), precision(options.precision) {}

  LogicalResult run();

private:
  ModuleOp module;
  func::FuncOp f;
  unsigned wg, maxGroups, sharedMemoryBytes, maxSharedMemoryBytes,
      multiprocessors;
  bool reduceStrategy, contractStrategy;
  ArrayRef<arith::AtomicRMWKind> subgroupReduce;
  ArrayRef<const MatrixOp *> matrixOps;
  StringRef precision;
  ProgramBuilder pb;
  DenseMap<Value, View> views;
  unsigned numKernels = 0;
  unsigned numInputs = 0;
  /// Inside a branch on a host value: when its dispatches run (0 or 1).
  std::optional<unsigned> condition;
  /// `v` where the current branch is taken, `otherwise` elsewhere.
  unsigned guarded(unsigned v, unsigned otherwise) {
    return condition ? pb.select(*condition, v, otherwise) : v;
  }
  LogicalResult visitBranch(Operation *branch);
  LogicalResult visitRegion(Region &region, unsigned taken);
  /// Elements of buffers the host knows (shape tensors built from dims,
  /// integer constants): (binding kind, index, element) -> value id.
  std::map<std::tuple<int, unsigned, int64_t>, unsigned> hostElements;

  /// The linear element a constant access of `view` reaches, if the view's
  /// layout and the indices are all constants.
  std::optional<int64_t> constantElement(const View &view,
                                         ValueRange indices) {
    std::optional<int64_t> at = pb.constantOf(view.offset);
    for (auto [i, s] : llvm::zip(indices, view.strides)) {
      APInt c;
      std::optional<int64_t> stride = pb.constantOf(s);
      if (!at || !stride || !matchPattern(i, m_ConstantInt(&c)))
        return std::nullopt;
      *at += c.getSExtValue() * *stride;
    }
    return at;
  }
  std::tuple<int, unsigned, int64_t> elementKey(const View &v, int64_t e) {
    return {static_cast<int>(v.binding.kind), v.binding.index, e};
  }
  LogicalResult visitGlobal(memref::GetGlobalOp g);

  LogicalResult mapArguments();
  LogicalResult visitHostOp(Operation &op);
  /// Ops of the body not yet in a kernel that run on the device, in order:
  /// they become one kernel of a single invocation when flushed.
  SmallVector<Operation *> pending;
  llvm::SmallPtrSet<Operation *, 16> pendingSet;
  void addPending(Operation *op) {
    pending.push_back(op);
    pendingSet.insert(op);
  }
  LogicalResult flush() {
    if (pending.empty())
      return success();
    SmallVector<Operation *> ops = std::move(pending);
    pending.clear();
    pendingSet.clear();
    return makeKernel(ops);
  }
  bool usesPending(Operation &op) {
    return llvm::any_of(op.getOperands(), [&](Value v) {
      Operation *d = v.getDefiningOp();
      return d && pendingSet.contains(d);
    });
  }
  LogicalResult makeKernel(ArrayRef<Operation *> ops);

  View identityView(Binding b, ArrayRef<unsigned> sizes) {
    View v;
    v.binding = b;
    v.offset = pb.constant(0);
    v.sizes.assign(sizes.begin(), sizes.end());
    v.strides.resize(sizes.size());
    unsigned s = pb.constant(1);
    for (int k = (int)sizes.size() - 1; k >= 0; --k) {
      v.strides[k] = s;
      s = pb.binary(ProgramOp::Mul, s, sizes[k]);
    }
    return v;
  }
  /// The id of a host value the kernel reads, or null with an error.
  std::optional<unsigned> hostValue(Operation *user, Value v) {
    std::optional<unsigned> id = pb.lookup(v);
    if (!id)
      user->emitError("a kernel needs a value the GPU program cannot compute "
                      "on the host");
    return id;
  }
};

LogicalResult ExecutableSplitter::mapArguments() {
  auto numResultsAttr = f->getAttrOfType<IntegerAttr>(kNumResultsAttr);
  if (!numResultsAttr)
    return f.emitError("expected an executable with destination results "
                       "(tg-destination-results)");
  unsigned numResults = numResultsAttr.getInt();
  unsigned numArgs = f.getNumArguments() - numResults;
  numInputs = numArgs;
  if (Attribute values = f->getAttr("tg.gpu_values"))
    if (!pb.loadValues(values))
      return f.emitError("invalid tg.gpu_values");
  auto resultDims = f->getAttrOfType<ArrayAttr>("tg.gpu_result_dims");
  auto checkValues = f->getAttrOfType<DenseI64ArrayAttr>("tg.gpu_check_values");
  auto checkMessages = f->getAttrOfType<ArrayAttr>("tg.gpu_check_messages");
  if (checkValues && checkMessages)
    for (auto [v, m] : llvm::zip(checkValues.asArrayRef(), checkMessages))
      pb.program.checks.push_back({(unsigned)v, cast<StringAttr>(m).str()});
  for (unsigned i = 0; i < f.getNumArguments(); ++i) {
    auto t = dyn_cast<MemRefType>(f.getArgument(i).getType());
    if (!t)
      return f.emitError("argument ") << i << " is not a buffer";
    SmallVector<unsigned> sizes;
    for (int64_t d = 0; d < t.getRank(); ++d)
      sizes.push_back(t.isDynamicDim(d) ? pb.dim(i, d)
                                        : pb.constant(t.getDimSize(d)));
    if (i >= numArgs) {
      unsigned j = i - numArgs;
      std::vector<unsigned> dims;
      if (resultDims && j < resultDims.size()) {
        for (int64_t id : cast<DenseI64ArrayAttr>(resultDims[j]).asArrayRef())
          dims.push_back(id);
      } else if (t.hasStaticShape()) {
        dims.assign(sizes.begin(), sizes.end());
      } else {
        return f.emitError("result ") << j << " has a run-time dim and no "
                                      << "shape formulas";
      }
      if (dims.size() != (size_t)t.getRank())
        return f.emitError("result ") << j << " has the wrong number of dims";
      pb.program.resultDims.push_back(dims);
    }
    views[f.getArgument(i)] = identityView({BindingKind::Arg, i}, sizes);
  }
  return success();
}

LogicalResult ExecutableSplitter::visitHostOp(Operation &op) {
  if (isa<func::ReturnOp, memref::DeallocOp>(op))
    return success();
  // Checks on sizes are made by the host; checks on data are dropped.
  if (auto a = dyn_cast<cf::AssertOp>(op)) {
    if (std::optional<unsigned> c = pb.lookup(a.getArg()))
      pb.program.checks.push_back({guarded(*c, pb.constant(1)),
                                   a.getMsg().str()});
    return success();
  }
  if (isa<scf::IndexSwitchOp, scf::IfOp>(op) && op.getNumResults() == 0 &&
      pb.lookup(op.getOperand(0)) && !usesPending(op))
    return visitBranch(&op);
  // A value computed by device work feeds only more device work.
  if (usesPending(op)) {
    if ((op.getNumRegions() == 0 && isMemoryEffectFree(&op)) ||
        isa<memref::StoreOp>(op)) {
      addPending(&op);
      return success();
    }
    return op.emitError("'") << op.getName() << "' needs on the host a "
                             << "value computed on the device; the op "
                             << "needs a host step";
  }
  if (isa<memref::AllocOp, memref::AllocaOp>(op)) {
    Value r = op.getResult(0);
    auto t = cast<MemRefType>(r.getType());
    if (!t.getLayout().isIdentity())
      return op.emitError("an allocation with a layout");
    SmallVector<unsigned> sizes;
    unsigned dyn = 0;
    unsigned bytes = pb.constant(elementBytes(t.getElementType()));
    for (int64_t d = 0; d < t.getRank(); ++d) {
      unsigned s;
      if (t.isDynamicDim(d)) {
        auto id = hostValue(&op, op.getOperand(dyn++));
        if (!id)
          return failure();
        s = *id;
      } else {
        s = pb.constant(t.getDimSize(d));
      }
      sizes.push_back(s);
      bytes = pb.binary(ProgramOp::Mul, bytes, s);
    }
    // A branch not taken allocates nothing (its sizes may be nonsense).
    pb.program.scratch.push_back(guarded(bytes, pb.constant(0)));
    views[r] = identityView(
        {BindingKind::Scratch, (unsigned)pb.program.scratch.size() - 1}, sizes);
    return success();
  }
  if (auto m = dyn_cast<memref::ExtractStridedMetadataOp>(op)) {
    auto it = views.find(m.getSource());
    if (it == views.end())
      return op.emitError("a view of an unknown buffer");
    View v = it->second;
    View base;
    base.binding = v.binding;
    base.offset = pb.constant(0);
    views[m.getBaseBuffer()] = base;
    pb.map(m.getOffset(), v.offset);
    for (auto [r, id] : llvm::zip(m.getSizes(), v.sizes))
      pb.map(r, id);
    for (auto [r, id] : llvm::zip(m.getStrides(), v.strides))
      pb.map(r, id);
    return success();
  }
  if (auto rc = dyn_cast<memref::ReinterpretCastOp>(op)) {
    auto it = views.find(rc.getSource());
    if (it == views.end())
      return op.emitError("a view of an unknown buffer");
    View v;
    v.binding = it->second.binding;
    auto get = [&](OpFoldResult ofr) -> std::optional<unsigned> {
      if (auto a = dyn_cast<Attribute>(ofr))
        return pb.constant(cast<IntegerAttr>(a).getInt());
      return hostValue(&op, cast<Value>(ofr));
    };
    auto off = get(rc.getMixedOffsets()[0]);
    if (!off)
      return failure();
    // Offsets are relative to the source's base buffer.
    v.offset = pb.binary(ProgramOp::Add, it->second.offset, *off);
    for (OpFoldResult s : rc.getMixedSizes()) {
      auto id = get(s);
      if (!id)
        return failure();
      v.sizes.push_back(*id);
    }
    for (OpFoldResult s : rc.getMixedStrides()) {
      auto id = get(s);
      if (!id)
        return failure();
      v.strides.push_back(*id);
    }
    views[rc.getResult()] = v;
    return success();
  }
  if (auto c = dyn_cast<memref::CastOp>(op)) {
    auto it = views.find(c.getSource());
    if (it == views.end())
      return op.emitError("a view of an unknown buffer");
    views[c.getResult()] = it->second;
    return success();
  }
  if (auto d = dyn_cast<memref::DimOp>(op)) {
    auto it = views.find(d.getSource());
    std::optional<int64_t> index = d.getConstantIndex();
    if (it == views.end() || !index)
      return op.emitError("a dim the GPU program cannot compute");
    pb.map(d.getResult(), it->second.sizes[*index]);
    return success();
  }
  if (auto g = dyn_cast<memref::GetGlobalOp>(op))
    return visitGlobal(g);
  if (auto l = dyn_cast<memref::LoadOp>(op)) {
    auto it = views.find(l.getMemRef());
    std::optional<int64_t> e;
    if (it != views.end())
      e = constantElement(it->second, l.getIndices());
    auto known = e ? hostElements.find(elementKey(it->second, *e))
                   : hostElements.end();
    if (known == hostElements.end() && it != views.end() &&
        it->second.binding.kind == BindingKind::Arg &&
        it->second.binding.index < numInputs &&
        l.getType().isIntOrIndex()) {
      // An element of an integer input: the host reads it.
      std::optional<unsigned> at = it->second.offset;
      for (auto [i, st] : llvm::zip(l.getIndices(), it->second.strides)) {
        std::optional<unsigned> iv = pb.lookup(i);
        if (!iv) {
          at.reset();
          break;
        }
        at = pb.binary(ProgramOp::Add, *at, pb.binary(ProgramOp::Mul, *iv, st));
      }
      if (at) {
        pb.map(l.getResult(), pb.load(it->second.binding.index, *at));
        return success();
      }
    }
    if (known == hostElements.end()) {
      // A load of device data feeds device work.
      addPending(&op);
      return success();
    }
    pb.map(l.getResult(), known->second);
    return success();
  }
  if (auto st = dyn_cast<memref::StoreOp>(op)) {
    // A host value stored at a constant place (a shape tensor built from
    // dims): the host remembers it, and a kernel stores it on the device.
    auto it = views.find(st.getMemRef());
    std::optional<unsigned> id = pb.lookup(st.getValueToStore());
    if (it != views.end() && id)
      if (std::optional<int64_t> e = constantElement(it->second, st.getIndices()))
        hostElements[elementKey(it->second, *e)] = *id;
    addPending(&op);
    return success();
  }
  if (auto rs = dyn_cast<memref::ReshapeOp>(op)) {
    auto src = views.find(rs.getSource());
    auto shape = views.find(rs.getShape());
    if (src == views.end() || shape == views.end())
      return op.emitError("a reshape of an unknown buffer");
    auto type = cast<MemRefType>(rs.getResult().getType());
    SmallVector<unsigned> sizes;
    for (int64_t d = 0; d < type.getRank(); ++d) {
      if (!type.isDynamicDim(d)) {
        sizes.push_back(pb.constant(type.getDimSize(d)));
        continue;
      }
      std::optional<int64_t> base = pb.constantOf(shape->second.offset);
      std::optional<int64_t> stride = pb.constantOf(shape->second.strides[0]);
      auto known = base && stride ? hostElements.find(elementKey(
                                        shape->second, *base + d * *stride))
                                  : hostElements.end();
      if (known == hostElements.end())
        return op.emitError("a reshape to a shape computed on the device; "
                            "the op needs a host step");
      sizes.push_back(known->second);
    }
    View v = identityView(src->second.binding, sizes);
    v.offset = src->second.offset;
    views[rs.getResult()] = v;
    return success();
  }
  if (pb.mapScalarOp(&op))
    return success();
  // Pure scalar ops (float constants, say) are cloned into the kernels that
  // use them.
  if (op.getNumRegions() == 0 && isMemoryEffectFree(&op))
    return success();
  if (isa<memref::SubViewOp, memref::ExpandShapeOp, memref::CollapseShapeOp>(
          op))
    return op.emitError("a view left for the host (run expand-strided-"
                        "metadata first)");
  if (auto par = dyn_cast<scf::ParallelOp>(op)) {
    if (failed(flush()))
      return failure();
    return makeKernel({&op});
  }
  addPending(&op);
  return success();
}

/// A branch on a host value without results (tg-gpu-sink-into-branches):
/// each region's work is visited under its condition, so its kernels are
/// dispatched only when the branch is taken.
LogicalResult ExecutableSplitter::visitBranch(Operation *branch) {
  if (failed(flush()))
    return failure();
  unsigned arg = *pb.lookup(branch->getOperand(0));
  if (auto sw = dyn_cast<scf::IndexSwitchOp>(branch)) {
    unsigned none = pb.constant(1);
    for (auto [value, region] : llvm::zip(sw.getCases(), sw.getCaseRegions())) {
      unsigned c = pb.constant(value);
      if (failed(visitRegion(region, pb.binary(ProgramOp::CmpEQ, arg, c))))
        return failure();
      none = pb.binary(ProgramOp::And, none,
                       pb.binary(ProgramOp::CmpNE, arg, c));
    }
    return visitRegion(sw.getDefaultRegion(), none);
  }
  auto i = cast<scf::IfOp>(branch);
  unsigned taken = pb.binary(ProgramOp::CmpNE, arg, pb.constant(0));
  if (failed(visitRegion(i.getThenRegion(), taken)))
    return failure();
  if (i.getElseRegion().empty())
    return success();
  return visitRegion(i.getElseRegion(),
                     pb.binary(ProgramOp::CmpEQ, arg, pb.constant(0)));
}

LogicalResult ExecutableSplitter::visitRegion(Region &region, unsigned taken) {
  std::optional<unsigned> outer = condition;
  condition = outer ? pb.binary(ProgramOp::And, *outer, taken) : taken;
  for (Operation &op : region.front().without_terminator())
    if (failed(visitHostOp(op)))
      return failure();
  LogicalResult result = flush();
  condition = outer;
  return result;
}

/// A constant tensor: a constant buffer of the program, and its elements
/// known to the host when they are integers.
LogicalResult ExecutableSplitter::visitGlobal(memref::GetGlobalOp g) {
  auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
      g, g.getNameAttr());
  auto init = global ? dyn_cast_or_null<DenseElementsAttr>(
                           global.getInitialValueAttr())
                     : DenseElementsAttr();
  if (!init || !global.getConstant())
    return g.emitError("a global buffer that is not a constant");
  auto type = cast<MemRefType>(g.getType());
  Type et = type.getElementType();
  if (!et.isIntOrFloat())
    return g.emitError("a constant of type ") << et;
  int64_t width = elementBytes(et);
  std::vector<uint8_t> bytes;
  auto put = [&](const APInt &v) {
    for (int64_t b = 0; b < width; ++b)
      bytes.push_back(static_cast<uint8_t>(
          v.getBitWidth() > 8 * b ? v.extractBitsAsZExtValue(
                                        std::min<int64_t>(8, v.getBitWidth() - 8 * b), 8 * b)
                                  : 0));
  };
  unsigned index = pb.program.constants.size();
  Binding b{BindingKind::Constant, index};
  SmallVector<unsigned> sizes;
  for (int64_t d : type.getShape())
    sizes.push_back(pb.constant(d));
  View v = identityView(b, sizes);
  int64_t e = 0;
  if (isa<FloatType>(et)) {
    for (APFloat f : init.getValues<APFloat>())
      put(f.bitcastToAPInt());
  } else {
    for (APInt i : init.getValues<APInt>()) {
      put(i);
      if (type.getNumElements() <= 64)
        hostElements[elementKey(v, e++)] =
            pb.constant(et.isInteger(1) ? i.getZExtValue() : i.getSExtValue());
    }
  }
  pb.program.constants.push_back(std::move(bytes));
  views[g.getResult()] = v;
  return success();
}

LogicalResult ExecutableSplitter::makeKernel(ArrayRef<Operation *> ops) {
  Operation *op = ops.front();
  MLIRContext *ctx = op->getContext();
  Location loc = op->getLoc();
  std::string name =
      (f.getSymName() + "_k" + llvm::Twine(numKernels++)).str();
  auto par = ops.size() == 1 ? dyn_cast<scf::ParallelOp>(op) : nullptr;
  if (par && par.getNumReductions())
    return op->emitError("a parallel loop with reductions");

  // What the ops read from outside: buffers become bindings, host values
  // params, pure ops are cloned in.
  llvm::SetVector<Value> captured;
  llvm::SmallPtrSet<Operation *, 16> inKernel(ops.begin(), ops.end());
  for (Operation *o : ops) {
    getUsedValuesDefinedAbove(o->getRegions(), captured);
    for (Value v : o->getOperands())
      if (!v.getDefiningOp() || !inKernel.contains(v.getDefiningOp()))
        captured.insert(v);
  }
  SmallVector<std::pair<Binding, Type>> bindings;
  DenseMap<Value, unsigned> bindingOf;
  for (Value v : captured) {
    auto mt = dyn_cast<MemRefType>(v.getType());
    if (!mt)
      continue;
    auto it = views.find(v);
    if (it == views.end())
      return op->emitError("a kernel reads a buffer the program does not know");
    Binding b = it->second.binding;
    Type et = mt.getElementType();
    unsigned k = 0;
    while (k < bindings.size() &&
           !(bindings[k].first.kind == b.kind &&
             bindings[k].first.index == b.index && bindings[k].second == et))
      ++k;
    if (k == bindings.size())
      bindings.push_back({b, et});
    bindingOf[v] = k;
  }

  // The kernel: params, then one flat buffer per binding.
  SmallVector<Type> argTypes;
  auto i32 = IntegerType::get(ctx, 32);
  argTypes.push_back(MemRefType::get({ShapedType::kDynamic}, i32));
  for (auto &[b, et] : bindings)
    argTypes.push_back(
        MemRefType::get({ShapedType::kDynamic}, storageType(et)));
  OpBuilder mb = OpBuilder::atBlockEnd(module.getBody());
  auto gm = gpu::GPUModuleOp::create(mb, loc, name);
  OpBuilder gb = OpBuilder::atBlockBegin(gm.getBody());
  auto kf = gpu::GPUFuncOp::create(gb, loc, name,
                                   FunctionType::get(ctx, argTypes, {}));
  kf->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), UnitAttr::get(ctx));
  unsigned groupSize = par ? wg : 1;
  Block &entry = kf.getBody().front();
  // Two insertion points: the head (params, cloned host scalars, buffer
  // placeholders; every op placed here comes before the body) and the body.
  OpBuilder kb = OpBuilder::atBlockEnd(&entry);
  Operation *anchor = arith::ConstantIndexOp::create(kb, loc, 0);
  auto ret = gpu::ReturnOp::create(kb, loc);
  kb.setInsertionPoint(ret);
  OpBuilder hb(anchor);

  KernelDispatch dispatch;
  dispatch.kernel = name;
  if (condition) {
    dispatch.conditional = true;
    dispatch.when = *condition;
  }
  DenseMap<std::pair<unsigned, Type>, Value> kernelValues;
  auto kernelValue = [&](unsigned id, Type t) -> Value {
    auto key = std::make_pair(id, t);
    auto it = kernelValues.find(key);
    if (it != kernelValues.end())
      return it->second;
    Value v;
    if (std::optional<int64_t> c = pb.constantOf(id)) {
      v = t.isIndex() ? (Value)arith::ConstantIndexOp::create(hb, loc, *c)
                      : (Value)arith::ConstantIntOp::create(hb, loc, t, *c);
    } else {
      auto slot = llvm::find(dispatch.params, id) - dispatch.params.begin();
      if ((size_t)slot == dispatch.params.size())
        dispatch.params.push_back(id);
      Value s = arith::ConstantIndexOp::create(hb, loc, slot);
      Value p = memref::LoadOp::create(hb, loc, entry.getArgument(0), s);
      if (t.isIndex())
        v = arith::IndexCastOp::create(hb, loc, t, p);
      else if (t.getIntOrFloatBitWidth() > 32)
        v = arith::ExtSIOp::create(hb, loc, t, p);
      else if (t.getIntOrFloatBitWidth() < 32)
        v = arith::TruncIOp::create(hb, loc, t, p);
      else
        v = p;
    }
    return kernelValues[key] = v;
  };

  IRMapping map;
  // Host scalars: values of the program, or pure ops cloned in.
  std::function<LogicalResult(Value)> materialize = [&](Value v) -> LogicalResult {
    if (map.contains(v))
      return success();
    if (std::optional<unsigned> id = pb.lookup(v)) {
      map.map(v, kernelValue(*id, v.getType()));
      return success();
    }
    Operation *def = v.getDefiningOp();
    if (!def || def->getNumRegions() || !isMemoryEffectFree(def))
      return op->emitError("a kernel needs a value the host cannot give it");
    for (Value o : def->getOperands())
      if (failed(materialize(o)))
        return failure();
    hb.clone(*def, map);
    return success();
  };
  for (Value v : captured)
    if (!isa<MemRefType>(v.getType()) && failed(materialize(v)))
      return failure();

  // Buffers: a placeholder of the original type, rewritten below.
  SmallVector<std::pair<Value, Value>> placeholders;
  DenseMap<Value, Value> placeholderFlat;
  for (auto [v, k] : bindingOf) {
    auto cast = UnrealizedConversionCastOp::create(
        hb, loc, v.getType(), entry.getArgument(1 + k));
    map.map(v, cast.getResult(0));
    placeholders.push_back({v, cast.getResult(0)});
    placeholderFlat[v] = entry.getArgument(1 + k);
  }

  // A view's linear index of `indices`: its offset plus each index times
  // its stride.
  auto linearIndex = [&](OpBuilder &ub, Location l, const View &view,
                         ValueRange indices) {
    // kernelValue inserts at the kernel head, the arithmetic at `ub`.
    Value at = kernelValue(view.offset, ub.getIndexType());
    for (auto [i, s] : llvm::zip(indices, view.strides))
      at = arith::AddIOp::create(
          ub, l, at,
          arith::MulIOp::create(ub, l, i, kernelValue(s, ub.getIndexType())));
    return at;
  };
  auto rowAlignment = [&](Value v) -> std::optional<int64_t> {
    auto it = views.find(v);
    if (!placeholderFlat.count(v) || it == views.end())
      return std::nullopt;
    const View &view = it->second;
    // Copies move the binding's elements as they are: none for buffers
    // read through a bitcast (bf16 stored as i16).
    Type flatType =
        cast<MemRefType>(placeholderFlat[v].getType()).getElementType();
    if (flatType != cast<MemRefType>(v.getType()).getElementType() ||
        view.strides.empty() || pb.constantOf(view.strides.back()) != 1)
      return std::nullopt;
    int64_t g = pb.knownDivisor(view.offset);
    for (unsigned s : ArrayRef<unsigned>(view.strides).drop_back())
      g = std::gcd(g, pb.knownDivisor(s));
    // 0: every index is 0; any alignment holds.
    return g == 0 ? int64_t(1) << 20 : g;
  };
  auto flatElement = [&](OpBuilder &ub, Location l, Value v,
                         ValueRange indices) -> std::pair<Value, Value> {
    return {placeholderFlat[v], linearIndex(ub, l, views[v], indices)};
  };

  if (par) {
    KernelContext ctx{pb,           dispatch,    kernelValue,
                      map,          wg,          maxGroups,
                      sharedMemoryBytes, maxSharedMemoryBytes,
                      subgroupReduce, rowAlignment,
                      flatElement,  multiprocessors};
    std::optional<Contraction> contraction =
        contractStrategy ? matchContraction(par) : std::nullopt;
    FailureOr<bool> built = false;
    if (contraction) {
      if (std::optional<MatrixContraction> mc =
              matchMatrixContraction(*contraction, matrixOps, precision))
        built = buildMatrixContraction(ctx, kb, par, *contraction, *mc,
                                       groupSize);
      if (succeeded(built) && !*built)
        built = buildContraction(ctx, kb, par, *contraction);
    }
    if (failed(built))
      return failure();
    // A contraction the contract strategies leave (its tiles do not fit)
    // is distributed, one element per invocation, not one per workgroup.
    bool isContraction = contraction || matchContraction(par);
    std::optional<RowProgram> row = !*built && !isContraction && reduceStrategy
                                        ? matchRowProgram(par)
                                        : std::nullopt;
    if (row) {
      if (failed(buildRowProgram(ctx, kb, par, *row)))
        return failure();
    } else if (!*built && failed(buildDistributed(ctx, kb, par))) {
      return failure();
    }
  } else {
    dispatch.grid[0] = dispatch.grid[1] = dispatch.grid[2] = pb.constant(1);
    for (Operation *o : ops)
      kb.clone(*o, map);
  }
  // The strategy may have chosen its own workgroup size.
  dispatch.workgroup[0] = groupSize;
  // Workgroup memory above the static limit is given at launch.
  uint64_t shared = workgroupMemoryBytes(kf);
  if (shared > maxSharedMemoryBytes)
    return op->emitError("a kernel needs ")
           << shared << " bytes of workgroup memory, more than the "
           << maxSharedMemoryBytes << " the target has";
  if (shared > sharedMemoryBytes) {
    dispatch.sharedBytes = shared;
    kf->setAttr(kDynamicSharedMemoryAttr,
                IntegerAttr::get(IntegerType::get(ctx, 64), shared));
  }
  kf.setKnownBlockSizeAttr(DenseI32ArrayAttr::get(
      ctx, {(int32_t)groupSize, 1, 1}));

  // Loads, stores and dims of a captured buffer go through the flat
  // binding with the view's offset and strides.
  // A cast of a buffer inside the kernel (static to dynamic dims) is the
  // same view: its uses are rewritten like the buffer's.
  SmallVector<std::tuple<Value, Value, Operation *>> work;
  for (auto [v, ph] : placeholders)
    work.push_back({v, ph, ph.getDefiningOp()});
  while (!work.empty()) {
    auto [v, ph, def] = work.pop_back_val();
    const View &view = views[v];
    Value flat = placeholderFlat[v];
    for (OpOperand &use : llvm::make_early_inc_range(ph.getUses())) {
      Operation *user = use.getOwner();
      OpBuilder ub(user);
      auto linear = [&](ValueRange indices) {
        return linearIndex(ub, user->getLoc(), view, indices);
      };
      if (auto l = dyn_cast<memref::LoadOp>(user)) {
        Value at = linear(l.getIndices());
        Value v = memref::LoadOp::create(ub, l.getLoc(), flat, at);
        if (v.getType() != l.getType())
          v = arith::BitcastOp::create(ub, l.getLoc(), l.getType(), v);
        l.replaceAllUsesWith(v);
        l.erase();
      } else if (auto s = dyn_cast<memref::StoreOp>(user)) {
        Value at = linear(s.getIndices());
        Value v = s.getValueToStore();
        Type stored = cast<MemRefType>(flat.getType()).getElementType();
        if (v.getType() != stored)
          v = arith::BitcastOp::create(ub, s.getLoc(), stored, v);
        memref::StoreOp::create(ub, s.getLoc(), v, flat, at);
        s.erase();
      } else if (auto c = dyn_cast<memref::CastOp>(user)) {
        work.push_back({v, c.getResult(), c});
      } else if (auto d = dyn_cast<memref::DimOp>(user)) {
        std::optional<int64_t> index = d.getConstantIndex();
        if (!index)
          return user->emitError("a dim of a buffer in a kernel");
        d.replaceAllUsesWith(
            kernelValue(view.sizes[*index], ub.getIndexType()));
        d.erase();
      } else {
        return user->emitError("'")
               << user->getName() << "' on a buffer inside a kernel is not "
               << "supported by the GPU pipeline yet";
      }
    }
    if (def->use_empty())
      def->erase();
    else
      work.insert(work.begin(), {v, ph, def}); // its casts go first
  }
  // A kernel cannot stop the launch: its checks are dropped.
  kf.walk([](cf::AssertOp a) { a.erase(); });
  // Parallel loops nested in the kernel run sequentially per invocation.
  SmallVector<scf::ParallelOp> inner;
  kf.walk([&](scf::ParallelOp p) { inner.push_back(p); });
  for (scf::ParallelOp p : llvm::reverse(inner)) {
    if (p.getNumReductions())
      return p->emitError("a parallel loop with reductions");
    parallelToFor(p);
  }

  anchor->erase();
  for (auto &[b, et] : bindings)
    dispatch.bindings.push_back(b);
  pb.program.kernels.push_back(std::move(dispatch));
  return success();
}

LogicalResult ExecutableSplitter::run() {
  if (failed(mapArguments()))
    return failure();
  Block &body = f.getBody().front();
  for (Operation &op : body)
    if (failed(visitHostOp(op)))
      return failure();
  if (failed(flush()))
    return failure();
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body))) {
    if (isa<func::ReturnOp>(op))
      continue;
    op.dropAllUses();
    op.erase();
  }
  for (StringRef a : {"tg.gpu_values", "tg.gpu_result_dims",
                      "tg.gpu_check_values", "tg.gpu_check_messages"})
    f->removeAttr(a);
  f->setAttr(kGPUProgramAttr,
             StringAttr::get(f.getContext(),
                             ::tangram::serializeGPUProgram(pb.program)));
  return success();
}

struct GPUBuildKernelsPass
    : public mlir::tangram::impl::GPUBuildKernelsPassBase<GPUBuildKernelsPass> {
  using GPUBuildKernelsPassBase::GPUBuildKernelsPassBase;
  void getDependentDialects(DialectRegistry &registry) const override {
    GPUBuildKernelsPassBase::getDependentDialects(registry);
    // Only the dialects of the hooks this compile uses: another target's
    // (NVVM in a ROCm compile) would change what its conversions apply.
    for (const std::string &name : matrixOps)
      if (const MatrixOp *op = lookupMatrixOp(name))
        op->getDependentDialects(registry);
  }
  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (workgroupSize == 0 || maxWorkgroups == 0 || multiprocessors == 0) {
      module.emitError(
          "workgroup-size, max-workgroups and multiprocessors must be positive");
      return signalPassFailure();
    }
    KernelOptions options;
    options.wg = workgroupSize;
    options.maxGroups = maxWorkgroups;
    options.sharedMemoryBytes = sharedMemoryBytes;
    options.maxSharedMemoryBytes =
        std::max<unsigned>(sharedMemoryBytes, maxSharedMemoryBytes);
    options.multiprocessors = multiprocessors;
    options.reduceStrategy = reduceStrategy;
    options.contractStrategy = contractStrategy;
    for (const std::string &k : subgroupReduce) {
      std::optional<arith::AtomicRMWKind> kind =
          arith::symbolizeAtomicRMWKind(k);
      if (!kind) {
        module.emitError("unknown reduction kind '") << k << "' in "
                                                     << "subgroup-reduce";
        return signalPassFailure();
      }
      options.subgroupReduce.push_back(*kind);
    }
    for (const std::string &name : matrixOps) {
      const MatrixOp *op = lookupMatrixOp(name);
      if (!op) {
        module.emitError("unknown matrix op '") << name << "' in matrix-ops";
        return signalPassFailure();
      }
      options.matrixOps.push_back(op);
    }
    if (!llvm::is_contained({"", "tf32", "f16", "bf16"}, precision)) {
      module.emitError("unknown precision '")
          << precision << "' (expected tf32, f16 or bf16)";
      return signalPassFailure();
    }
    options.precision = precision;
    module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                    UnitAttr::get(&getContext()));
    SmallVector<func::FuncOp> executables;
    for (auto f : module.getOps<func::FuncOp>())
      if (!f.isExternal() && f->hasAttr(kNumResultsAttr))
        executables.push_back(f);
    for (func::FuncOp f : executables) {
      if (!f.getBody().hasOneBlock()) {
        f.emitError("expected an executable with one block");
        return signalPassFailure();
      }
      if (failed(ExecutableSplitter(module, f, options).run()))
        return signalPassFailure();
    }
  }
};

} // namespace
