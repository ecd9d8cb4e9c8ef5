//===- Manifest.h - The JSON manifest of a .tgb bundle ----------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// The in-memory form of a bundle manifest (docs/BundleFormat.md), its JSON
// serialization, and the checks the reader runs on it. Every id in the JSON
// equals the entry's position in its array, so the structs refer to each
// other by index.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_BUNDLE_MANIFEST_H
#define TANGRAM_BUNDLE_MANIFEST_H

#include "tangram/Bundle/DType.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tangram {

/// The fixed 64-byte header, little endian.
constexpr char kBundleMagic[8] = {'T', 'G', 'B', 'U', 'N', 'D', 'L', 'E'};
/// Format 2 added the checksums (docs/BundleFormat.md); 1.x files are
/// refused with "recompile".
constexpr uint32_t kBundleVersionMajor = 2;
constexpr uint32_t kBundleVersionMinor = 0;
constexpr uint64_t kBundleHeaderSize = 64;
/// Every section, and every weight inside a weights section, starts at a
/// multiple of this, so the runtime can hand out aligned pointers into the
/// read-only mapping.
constexpr uint64_t kBundleMinAlignment = 64;
/// The manifest versions this reader understands. Version 3 adds
/// `shared_bytes` to kernel dispatches (memory a launch gives a kernel): a
/// reader of version 2 would launch such a kernel without it. The writer
/// writes the oldest version that holds the manifest, so that a bundle
/// that needs nothing newer still loads in an older runtime.
constexpr int64_t kManifestMinVersion = 2;
constexpr int64_t kManifestVersion = 3;

/// A model input or output; -1 dims are dynamic.
struct TensorDesc {
  std::string name;
  DType dtype = DType::F32;
  Shape shape;
  /// Per dim, the model's symbolic name of a dynamic dim (ONNX dim_param,
  /// e.g. "batch") or "" (static or unnamed); empty when no dim is named.
  /// Dims of the same name must agree across all inputs at run time.
  std::vector<std::string> dimNames;
  /// Per dim, the largest size the model allows for a dynamic dim (a
  /// position table's length, say) or -1; empty when no dim is bounded.
  std::vector<int64_t> dimMax;
};

struct DeviceDesc {
  /// The compile's name for the device ("cpu0"), from its device list;
  /// may be empty.
  std::string name;
  /// "cpu" today; the reader accepts any kind, the runtime needs a driver.
  std::string kind;
  std::string target;
  std::string features;
};

struct SectionDesc {
  /// "code" or "weights" (others are carried but unused).
  std::string kind;
  uint64_t offset = 0;
  uint64_t size = 0;
  uint64_t alignment = kBundleMinAlignment;
  /// CRC32 of the section's bytes (Checksum.h).
  uint32_t crc32 = 0;
};

/// One index value of a GPU export's program: an input dim, a constant, or
/// integer arithmetic on earlier values (docs/BundleFormat.md, "GPU
/// programs").
/// Comparisons give 0 or 1; And/Or/Xor/Shl are bitwise; Select is `a ? b : c`;
/// Load reads element `b` (a value id) of argument buffer `a`, an integer
/// tensor the host has (a shape or an axes input).
enum class ProgramOp { Const, Dim, Add, Sub, Mul, DivS, FloorDiv, CeilDiv,
                       RemS, MinS, MaxS, CmpEQ, CmpNE, CmpLT, CmpLE, CmpGT,
                       CmpGE, And, Or, Xor, Select, Load, Shl };
struct ProgramValue {
  ProgramOp op = ProgramOp::Const;
  /// Const: the value. Dim and Load: the buffer (args, then results).
  /// Else: the first operand's value id.
  int64_t a = 0;
  /// Dim: the dim. Load and binary ops: the second operand's value id.
  int64_t b = 0;
  /// Select: the third operand's value id.
  int64_t c = 0;
};

/// A check the host makes before dispatching (an input too small for a
/// window, say): the launch fails with `message` when `value` is 0.
struct ProgramCheck {
  unsigned value = 0;
  std::string message;
};

/// A buffer a kernel binds: one of the export's args and results (in that
/// order), a scratch buffer of the launch, or one of the program's
/// constants.
enum class BindingKind { Arg, Scratch, Constant };
struct Binding {
  BindingKind kind = BindingKind::Arg;
  unsigned index = 0;
};

/// One dispatch of a compute kernel: `grid` workgroups (value ids) of
/// `workgroup` invocations. Binding 0 is a buffer of 32-bit `params` (value
/// ids); bindings 1.. are `bindings`.
struct KernelDispatch {
  std::string kernel;
  unsigned workgroup[3] = {1, 1, 1};
  unsigned grid[3] = {0, 0, 0};
  std::vector<unsigned> params;
  std::vector<Binding> bindings;
  /// When `conditional`, the dispatch runs only if value `when` is not 0
  /// (the case of a branch on a host value).
  bool conditional = false;
  unsigned when = 0;
  /// Workgroup memory the launch gives the kernel (bytes; CUDA's dynamic
  /// shared memory), beyond what the kernel declares itself: 0 for most.
  unsigned sharedBytes = 0;
};

/// What a GPU export does when launched: its values are evaluated in order
/// from the args' dims, the checks are made, the results are allocated with `resultDims`,
/// the `scratch` buffers (byte sizes) are allocated, and the kernels are
/// dispatched in order, each seeing the writes of the ones before.
struct GPUProgram {
  std::vector<ProgramValue> values;
  std::vector<std::vector<unsigned>> resultDims;
  std::vector<ProgramCheck> checks;
  std::vector<unsigned> scratch;
  /// Constant tensors the kernels read (small: large ones are weights),
  /// as raw little-endian bytes.
  std::vector<std::vector<uint8_t>> constants;
  std::vector<KernelDispatch> kernels;
};

/// One function a code object exports: for the cpu, the symbol
/// `void name(void **args, int64_t *results)`.
struct ExportDesc {
  std::string name;
  /// How many buffers a launch of it reads and writes.
  unsigned args = 0;
  unsigned results = 0;
  /// The host function that computes the result dims before a launch, when
  /// a result has a run-time dim ("" when every result shape is static).
  std::string shapes;
  /// GPU code objects: the dispatches a launch runs (empty otherwise).
  bool hasProgram = false;
  GPUProgram program{};
};

struct CodeObjectDesc {
  unsigned device = 0;
  /// "elf-shared-object" for the cpu device, "spirv" for vulkan.
  std::string format;
  unsigned section = 0;
  /// At least one; launches name one by its index.
  std::vector<ExportDesc> exports;
  /// What the device must have to load it (SPIR-V capabilities such as
  /// "Float64", and extensions); the device refuses what it lacks.
  std::vector<std::string> requires_{};
};

/// A weight; offset and size are relative to its (weights) section.
struct WeightDesc {
  std::string name;
  DType dtype = DType::F32;
  Shape shape;
  unsigned section = 0;
  uint64_t offset = 0;
  uint64_t size = 0;
};

enum class BufferKind { Input, Output, Weight, Intermediate };

/// A value the schedule moves around: a model input/output, a weight, or an
/// intermediate (whose dtype and shape the manifest states).
struct BufferDesc {
  BufferKind kind = BufferKind::Input;
  /// Index into inputs, outputs or weights; unused for intermediates.
  unsigned index = 0;
  unsigned device = 0;
  /// For intermediates: read from the manifest. For the others: filled in by
  /// checkManifest from the input, output or weight the buffer names.
  DType dtype = DType::F32;
  Shape shape;
};

enum class StepOp { Launch, Transfer };

struct ScheduleStep {
  StepOp op = StepOp::Launch;
  /// Launch: the device, code object and export, and buffer ids in ABI
  /// order.
  unsigned device = 0;
  unsigned codeObject = 0;
  unsigned exportIndex = 0;
  std::vector<unsigned> args;
  std::vector<unsigned> results;
  /// Transfer: copies buffer `src` into buffer `dst` (another device).
  unsigned src = 0;
  unsigned dst = 0;
};

/// Another schedule of the same model, for when a device of the main one is
/// absent at run time (`tangram-compile --fallback`): its own buffers and
/// steps over the manifest's devices, code objects and weights. The runtime
/// runs the first plan, main or fallback, whose devices are all present.
struct FallbackPlan {
  std::vector<BufferDesc> buffers;
  std::vector<ScheduleStep> schedule;
};

struct Manifest {
  std::string model;
  std::string producer;
  std::vector<TensorDesc> inputs;
  std::vector<TensorDesc> outputs;
  std::vector<DeviceDesc> devices;
  std::vector<SectionDesc> sections;
  std::vector<CodeObjectDesc> codeObjects;
  std::vector<WeightDesc> weights;
  std::vector<BufferDesc> buffers;
  std::vector<ScheduleStep> schedule;
  /// Tried in order when the main schedule cannot run; usually empty.
  std::vector<FallbackPlan> fallbacks;
};

/// The devices a schedule (its buffers and steps) uses, in increasing order.
std::vector<unsigned> planDevices(const std::vector<BufferDesc> &buffers,
                                  const std::vector<ScheduleStep> &schedule);

const char *bufferKindName(BufferKind kind);

/// A tensor's dims as "[batch,3,?,224]": symbolic names where the manifest
/// has them, "?" for unnamed dynamic dims.
std::string formatDims(const TensorDesc &t);

/// The manifest as JSON text (one object, keys in schema order).
std::string serializeManifest(const Manifest &manifest);

/// Parses JSON text into `manifest`, checking the presence and type of every
/// field and that ids equal positions. References are checked separately by
/// checkManifest. On failure returns false with a message in `error` that
/// names the offending field, e.g. "manifest: sections[1].offset: expected a
/// non-negative integer".
bool parseManifest(std::string_view json, Manifest &manifest,
                   std::string &error);

/// A GPU program as JSON (the "program" of an export), and back; the
/// parser checks every reference against `numBuffers` (args + results).
std::string serializeGPUProgram(const GPUProgram &program);
bool parseGPUProgram(std::string_view json, unsigned numBuffers,
                     unsigned numResults, GPUProgram &program,
                     std::string &error);

/// Where the manifest lies in the file, for the overlap checks.
struct BundleLayout {
  uint64_t fileSize = 0;
  uint64_t manifestOffset = 0;
  uint64_t manifestSize = 0;
};

/// `text` with control characters escaped (`\n`, `\x1b`): error messages
/// quote names and strings from a bundle, and must stay one line whatever
/// the bundle holds.
std::string oneLine(std::string_view text);

/// Checks everything parseManifest cannot: section bounds, alignment and
/// overlaps; weights inside their sections with size == elements * dtype
/// size; every reference in range; the schedule reading only buffers that
/// exist by then and producing every output, for the main schedule and each
/// fallback plan. Fills in dtype and shape of non-intermediate buffers.
bool checkManifest(Manifest &manifest, const BundleLayout &layout,
                   std::string &error);

} // namespace tangram

#endif // TANGRAM_BUNDLE_MANIFEST_H
