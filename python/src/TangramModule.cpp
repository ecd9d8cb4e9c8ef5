//===- TangramModule.cpp - the _tangram Python extension ------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// A small nanobind API over the compile driver (lib/Pipelines) and the
// runtime (lib/Runtime); python/tangram/__init__.py builds the public API on
// it. Every failure is a tangram.TangramError carrying the CLI's message.
// Running releases the GIL; inputs that are contiguous and of the bundle's
// dtype are read in place, and outputs hand their buffers to numpy.
//
//===----------------------------------------------------------------------===//
#include "tangram/Pipelines/Driver.h"
#include "tangram/Pipelines/Pipelines.h"
#include "tangram/Bundle/Bundle.h"
#include "tangram/Runtime/Device.h"
#include "tangram/Runtime/Session.h"

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <chrono>
#include <cstring>

namespace nb = nanobind;
using namespace tangram;

namespace {

/// The Python exception every failure raises (tangram.TangramError).
nb::object &errorType() {
  static nb::object type;
  return type;
}

[[noreturn]] void fail(const std::string &message) {
  PyErr_SetString(errorType().ptr(), message.c_str());
  throw nb::python_error();
}

/// The DLPack dtype of a bundle dtype (bool is one byte, as in numpy).
bool toDLPack(DType d, nb::dlpack::dtype &out) {
  using nb::dlpack::dtype_code;
  auto make = [&](dtype_code code, uint8_t bits) {
    out = {static_cast<uint8_t>(code), bits, 1};
    return true;
  };
  switch (d) {
  case DType::F32: return make(dtype_code::Float, 32);
  case DType::F64: return make(dtype_code::Float, 64);
  case DType::F16: return make(dtype_code::Float, 16);
  case DType::I8: return make(dtype_code::Int, 8);
  case DType::I16: return make(dtype_code::Int, 16);
  case DType::I32: return make(dtype_code::Int, 32);
  case DType::I64: return make(dtype_code::Int, 64);
  case DType::U8: return make(dtype_code::UInt, 8);
  case DType::U16: return make(dtype_code::UInt, 16);
  case DType::U32: return make(dtype_code::UInt, 32);
  case DType::U64: return make(dtype_code::UInt, 64);
  case DType::I1: return make(dtype_code::Bool, 8);
  default: return false;
  }
}

std::string describeArray(const nb::ndarray<nb::ro> &a) {
  std::string s = "[";
  for (size_t i = 0; i < a.ndim(); ++i)
    s += (i ? "," : "") + std::to_string(a.shape(i));
  return s + "]";
}

/// An input as a Buffer: a view of the array's memory when it is C
/// contiguous with the bundle's dtype, else an error (the Python layer
/// converts with numpy first).
Buffer inputBuffer(const TensorDesc &t, const nb::ndarray<nb::ro> &a) {
  nb::dlpack::dtype want;
  if (!toDLPack(t.dtype, want))
    fail("input '" + t.name + "': dtype " + dtypeName(t.dtype) +
         " is not supported from Python");
  if (a.dtype() != want)
    fail("input '" + t.name + "': expected dtype " + dtypeName(t.dtype));
  Shape shape;
  int64_t expected = 1;
  for (size_t i = a.ndim(); i-- > 0;) {
    if (a.shape(i) > 1 && a.stride(i) != expected)
      fail("input '" + t.name + "' " + describeArray(a) + " is not C contiguous");
    expected *= static_cast<int64_t>(a.shape(i));
  }
  for (size_t i = 0; i < a.ndim(); ++i)
    shape.push_back(static_cast<int64_t>(a.shape(i)));
  static const char empty = 0;
  const void *data = a.data() ? a.data() : &empty;
  return Buffer::wrap(t.dtype, std::move(shape), data);
}

/// An output handed to numpy without a copy: the capsule keeps the buffer.
nb::object outputArray(const Buffer &b) {
  nb::dlpack::dtype dt;
  if (!toDLPack(b.dtype(), dt))
    fail(std::string("an output's dtype ") + dtypeName(b.dtype()) +
         " is not supported from Python");
  auto *keep = new Buffer(b);
  nb::capsule owner(keep, [](void *p) noexcept { delete static_cast<Buffer *>(p); });
  std::vector<size_t> shape(b.shape().begin(), b.shape().end());
  return nb::cast(nb::ndarray<nb::numpy>(const_cast<void *>(b.data()), shape.size(),
                                         shape.data(), owner, nullptr, dt));
}

class PySession {
public:
  PySession(const std::string &path, const std::string &device,
            unsigned threads, bool verify) {
    SessionOptions options;
    options.device = device;
    options.threads = threads;
    options.verify = verify;
    std::string error;
    session_ = Session::open(path, options, error);
    if (!session_)
      fail(error);
  }

  const Manifest &manifest() const { return session_->manifest(); }
  const Session &session() const { return *session_; }

  /// Runs on arrays in the manifest's input order; returns the outputs in
  /// the manifest's order.
  std::vector<nb::object> run(const std::vector<nb::ndarray<nb::ro>> &arrays) {
    std::vector<Buffer> inputs = inputsOf(arrays), outputs;
    std::string error;
    bool ok;
    {
      nb::gil_scoped_release release;
      ok = session_->run(inputs, outputs, error);
    }
    if (!ok)
      fail(error);
    std::vector<nb::object> result;
    for (const Buffer &b : outputs)
      result.push_back(outputArray(b));
    return result;
  }

  /// Median milliseconds of `n` runs after 3 warm-up runs.
  double benchmark(const std::vector<nb::ndarray<nb::ro>> &arrays, unsigned n) {
    std::vector<Buffer> inputs = inputsOf(arrays), outputs;
    std::vector<double> ms;
    std::string error;
    {
      nb::gil_scoped_release release;
      for (unsigned i = 0; i < n + 3 && error.empty(); ++i) {
        auto start = std::chrono::steady_clock::now();
        if (!session_->run(inputs, outputs, error))
          break;
        if (i >= 3)
          ms.push_back(std::chrono::duration<double, std::milli>(
                           std::chrono::steady_clock::now() - start)
                           .count());
      }
    }
    if (!error.empty())
      fail(error);
    if (ms.empty())
      fail("benchmark: n must be at least 1");
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
  }

private:
  /// The arrays as input buffers, in the manifest's input order.
  std::vector<Buffer> inputsOf(const std::vector<nb::ndarray<nb::ro>> &arrays) {
    const Manifest &m = manifest();
    if (arrays.size() != m.inputs.size())
      fail("expected " + std::to_string(m.inputs.size()) + " inputs, got " +
           std::to_string(arrays.size()));
    std::vector<Buffer> inputs;
    for (size_t i = 0; i < arrays.size(); ++i)
      inputs.push_back(inputBuffer(m.inputs[i], arrays[i]));
    return inputs;
  }

  std::unique_ptr<Session> session_;
};

} // namespace

NB_MODULE(_tangram, m) {
  m.doc() = "Tangram's compiler and runtime (use the `tangram` package)";
  errorType() = nb::borrow(PyErr_NewException("tangram.TangramError",
                                               PyExc_RuntimeError, nullptr));
  m.attr("TangramError") = errorType();

  m.def(
      "compile_model",
      [](const std::string &model, const std::string &output,
         const std::string &stage, const std::string &targets,
         unsigned optLevel, const std::vector<std::string> &inputShapes,
         const std::string &devices, const std::vector<std::string> &pins,
         const std::string &objective, const std::string &report,
         const std::vector<std::string> &fallbacks) {
        mlir::tangram::CompileOptions o;
        o.targets = targets;
        o.optLevel = optLevel;
        o.inputShapes = inputShapes;
        o.devicesPath = devices;
        o.pins = pins;
        o.placement.objective = objective;
        o.reportPath = report;
        o.fallbacks = fallbacks;
        if (stage == "bundle")
          o.stage = mlir::tangram::CompileStage::Bundle;
        else if (stage == "tg")
          o.stage = mlir::tangram::CompileStage::TG;
        else if (stage == "placement")
          o.stage = mlir::tangram::CompileStage::Placement;
        else if (stage == "schedule")
          o.stage = mlir::tangram::CompileStage::Schedule;
        else if (stage == "linalg")
          o.stage = mlir::tangram::CompileStage::Linalg;
        else if (stage == "llvm")
          o.stage = mlir::tangram::CompileStage::LLVM;
        else
          fail("unknown stage '" + stage +
               "' (expected bundle, tg, placement, schedule, linalg or llvm)");
        std::string error;
        bool ok;
        {
          nb::gil_scoped_release release;
          ok = mlir::tangram::compileModel(model, output, o, error);
        }
        if (!ok)
          fail(error);
      },
      nb::arg("model"), nb::arg("output"), nb::arg("stage"),
      nb::arg("targets"), nb::arg("opt_level"), nb::arg("input_shapes"),
      nb::arg("devices"), nb::arg("pins"), nb::arg("objective"),
      nb::arg("report"), nb::arg("fallbacks"),
      "Compiles the ONNX file `model` into `output` (a bundle, IR text or "
      "the placement JSON); `report` (.html or .json) receives the "
      "placement report; each of `fallbacks` (device ids, comma-separated) "
      "adds a fallback plan to the bundle.");

  m.def(
      "opt",
      [](const std::string &ir, const std::string &pipeline) {
        std::string out, error;
        bool ok;
        {
          nb::gil_scoped_release release;
          ok = mlir::tangram::runPipelineOnText(ir, pipeline, out, error);
        }
        if (!ok)
          fail(error);
        return out;
      },
      nb::arg("ir"), nb::arg("pipeline"),
      "Runs a textual pass pipeline on IR text and returns the result.");

  m.def("device_kinds", &driverKinds, "The device kinds this runtime runs.");

  m.def(
      "read_manifest",
      [](const std::string &path) {
        std::string error;
        std::unique_ptr<Bundle> bundle = Bundle::open(path, error);
        if (!bundle)
          fail(error);
        return serializeManifest(bundle->manifest());
      },
      nb::arg("path"),
      "Checks the bundle at `path` (no devices, no code loaded) and returns "
      "its manifest as JSON.");

  nb::class_<PySession>(m, "Session")
      .def(nb::init<const std::string &, const std::string &, unsigned, bool>(),
           nb::arg("path"), nb::arg("device") = "", nb::arg("threads") = 0,
           nb::arg("verify") = true)
      .def("run", &PySession::run, nb::arg("inputs"))
      .def("benchmark", &PySession::benchmark, nb::arg("inputs"), nb::arg("n"))
      .def_prop_ro("manifest_json", [](const PySession &s) {
        return serializeManifest(s.manifest());
      })
      .def_prop_ro("plan", [](const PySession &s) { return s.session().plan(); })
      .def_prop_ro("fallback_reason", [](const PySession &s) {
        return s.session().fallbackReason();
      });
}
