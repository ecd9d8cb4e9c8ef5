//===- CPUBackend.cpp - the host CPU as a TargetBackend -------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// linalg on tensors -> LLVM dialect (buildCPULoweringPipeline) -> LLVM IR
// with the `tangram_entry` wrapper -> an x86-64 shared object linked in
// process by lld (CPUCodegen.cpp).
//
//===----------------------------------------------------------------------===//
#include "tangram/Target/CPU/CPUTarget.h"
#include "tangram/Target/TargetBackend.h"
#include "CPUTransforms.h"
#include "WeightPacking.h"
#include "llvm/IR/LLVMContext.h"
#include <cstring>

using namespace mlir;
using namespace mlir::tangram;

namespace {
class CPUBackend : public TargetBackend {
  static CPUOptions cpuOptions(const TargetOptions &o) {
    CPUOptions c;
    c.optLevel = o.optLevel;
    return c;
  }

  std::unique_ptr<llvm::Module> translate(ModuleOp module,
                                          ArrayRef<ExportInfo> exports,
                                          const TargetOptions &o,
                                          llvm::LLVMContext &ctx,
                                          std::string &error) const {
    module->removeAttr(kWeightLayoutsAttr);
    return translateToLLVMIR(module, ctx, exports, cpuOptions(o), error);
  }

  /// The weights tg-cpu-pack-weights chose a packed layout for, by export.
  static bool readWeightLayouts(ModuleOp module, ArrayRef<ExportInfo> exports,
                                std::vector<WeightLayout> &out,
                                std::string &error) {
    auto records = module->getAttrOfType<ArrayAttr>(kWeightLayoutsAttr);
    if (!records)
      return true;
    for (Attribute r : records) {
      auto d = dyn_cast<DictionaryAttr>(r);
      auto fn = d ? d.getAs<StringAttr>("export") : StringAttr();
      auto arg = d ? d.getAs<IntegerAttr>("arg") : IntegerAttr();
      auto kind = d ? d.getAs<StringAttr>("kind") : StringAttr();
      auto params = d ? d.getAs<ArrayAttr>("params") : ArrayAttr();
      auto size = d ? d.getAs<IntegerAttr>("size") : IntegerAttr();
      const ExportInfo *x =
          fn ? llvm::find_if(exports,
                             [&](const ExportInfo &e) {
                               return e.name == fn.getValue();
                             })
             : exports.end();
      if (!arg || !kind || !params || !size || x == exports.end()) {
        error = "malformed " + std::string(kWeightLayoutsAttr) + " record";
        return false;
      }
      WeightLayout layout;
      layout.exportIndex = x - exports.begin();
      layout.arg = arg.getInt();
      layout.kind = kind.getValue().str();
      for (Attribute p : params)
        layout.params.push_back(cast<IntegerAttr>(p).getInt());
      layout.numElements = size.getInt();
      out.push_back(std::move(layout));
    }
    return true;
  }

public:
  StringRef name() const override { return "cpu"; }
  void registerDialects(DialectRegistry &registry) const override {
    registerCPUTargetDialects(registry);
  }
  /// Every float and integer type the lowering knows: the CPU computes f16,
  /// bf16 and 8-bit floats through f32, and has f64.
  bool supportsElementType(Type t) const override {
    return isa<FloatType, IntegerType, IndexType>(t);
  }
  const TargetInfo &info() const override { return cpuTargetInfo(); }
  void prepareExport(func::FuncOp executable) const override {
    executable->setAttr("llvm.emit_c_interface",
                        UnitAttr::get(executable.getContext()));
  }
  void buildPipeline(OpPassManager &pm, const TargetOptions &o) const override {
    buildCPULoweringPipeline(pm, cpuOptions(o));
  }
  DeviceInfo device(const TargetOptions &o) const override {
    return {"cpu", cpuTriple(), cpuFeatures(cpuOptions(o))};
  }
  bool serialize(ModuleOp module, ArrayRef<ExportInfo> exports,
                 const TargetOptions &o, CodeObject &out,
                 std::string &error) const override {
    if (!readWeightLayouts(module, exports, out.weightLayouts, error))
      return false;
    llvm::LLVMContext ctx;
    auto llvmModule = translate(module, exports, o, ctx, error);
    if (!llvmModule)
      return false;
    out.format = "elf-shared-object";
    out.bytes = buildSharedLibrary(*llvmModule, cpuOptions(o), error);
    return !out.bytes.empty();
  }
  /// Packs a weight into the microkernels' GEMM panels: a convolution's
  /// (A) or a matmul's (B, through its view's strides); or a convolution's
  /// into channel blocks.
  bool layOutWeight(const WeightLayout &layout, ::tangram::DType dtype,
                    const std::vector<int64_t> &shape, ArrayRef<char> data,
                    std::vector<char> &out,
                    std::string &error) const override {
    if (layout.kind == kConvChannelBlocksLayout)
      return layOutChannelBlocks(layout, dtype, shape, data, out, error);
    bool isA = layout.kind == kGemmPanelsLayout;
    if (!isA && layout.kind != kGemmBPanelsLayout)
      return TargetBackend::layOutWeight(layout, dtype, shape, data, out,
                                         error);
    int64_t elements = 1;
    for (int64_t d : shape)
      elements *= d;
    // A: rows, depth, groups, m, k; B: columns, depth, k, n, s0, s1, offset.
    const std::vector<int64_t> &p = layout.params;
    bool fits = dtype == ::tangram::DType::F32 &&
                data.size() == size_t(elements) * sizeof(float) &&
                p.size() == (isA ? 5u : 7u) && p[0] > 0 && p[1] > 0;
    if (fits && isA)
      fits = p[2] * p[3] * p[4] == elements &&
             packedGemmPanelsSize(p[2], p[3], p[4], p[0]) == layout.numElements;
    if (fits && !isA) {
      // Every element the view addresses lies inside the weight.
      int64_t last = p[6] + (p[2] - 1) * p[4] + (p[3] - 1) * p[5];
      fits = p[2] > 0 && p[3] > 0 && p[4] >= 0 && p[5] >= 0 && p[6] >= 0 &&
             last < elements &&
             packedGemmBPanelsSize(p[2], p[3], p[0]) == layout.numElements;
    }
    return packInto(fits, data, elements, out, error,
                    [&](const std::vector<float> &weights) {
                      return isA ? packGemmPanels(weights, p[2], p[3], p[4],
                                                  p[0], p[1])
                                 : packGemmBPanels(weights, p[2], p[3], p[4],
                                                   p[5], p[6], p[0], p[1]);
                    });
  }
  /// `data`'s f32 elements laid out by `pack` into `out` when `fits`, else
  /// the one error.
  template <typename Pack>
  static bool packInto(bool fits, ArrayRef<char> data, int64_t elements,
                       std::vector<char> &out, std::string &error,
                       Pack pack) {
    if (!fits) {
      error = "a weight does not fit the packed layout chosen for it";
      return false;
    }
    std::vector<float> weights(elements);
    std::memcpy(weights.data(), data.data(), data.size());
    std::vector<float> packed = pack(weights);
    out.resize(packed.size() * sizeof(float));
    std::memcpy(out.data(), packed.data(), out.size());
    return true;
  }
  /// params: vl, blocks, f, c, kh, kw (WeightPacking.h).
  static bool layOutChannelBlocks(const WeightLayout &layout,
                                  ::tangram::DType dtype,
                                  const std::vector<int64_t> &shape,
                                  ArrayRef<char> data, std::vector<char> &out,
                                  std::string &error) {
    const std::vector<int64_t> &p = layout.params;
    int64_t elements = 1;
    for (int64_t d : shape)
      elements *= d;
    bool fits = dtype == ::tangram::DType::F32 && p.size() == 6u &&
                data.size() == size_t(elements) * sizeof(float) &&
                llvm::all_of(p, [](int64_t v) { return v > 0; }) &&
                p[2] * p[3] * p[4] * p[5] == elements;
    if (fits) {
      int64_t k = p[3] * p[4] * p[5], tile = p[0] * p[1];
      fits = (p[2] + tile - 1) / tile * tile * k == layout.numElements;
    }
    return packInto(fits, data, elements, out, error,
                    [&](const std::vector<float> &weights) {
                      return packConvChannelBlocks(weights, p[2], p[3], p[4],
                                                   p[5], p[0], p[1]);
                    });
  }
  bool printLowered(ModuleOp module, ArrayRef<ExportInfo> exports,
                    const TargetOptions &o, llvm::raw_ostream &os,
                    std::string &error) const override {
    llvm::LLVMContext ctx;
    auto llvmModule = translate(module, exports, o, ctx, error);
    if (!llvmModule)
      return false;
    llvmModule->print(os, nullptr);
    return true;
  }
};
} // namespace

std::unique_ptr<TargetBackend> mlir::tangram::createCPUTarget() {
  return std::make_unique<CPUBackend>();
}
