//===- tangram-calibrate.cpp - measure devices into a catalog -------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// tangram-calibrate [--devices cpu,vulkan] [-o catalog.json] [--threads N]
//
// Measures each device with microbenchmarks compiled and run by Tangram
// itself, so the figures are what Tangram's code reaches, not nameplate
// peaks, and writes them as a device catalog (docs/DeviceCatalog.md):
//   - launch: a one-element Relu, per run (the overhead of one step), and
//     the overhead of each further op (16 chained small MatMuls);
//   - GEMM: a square MatMul per element type the target computes with;
//     a 3x3 conv and a depthwise 3x3 conv (f32);
//   - copy: a 4M-element Add (three streams of memory traffic);
//   - transfer (devices other than the CPU): a 4M-element Relu, whose
//     arguments cross to the device and back in every launch, and the
//     fixed cost of a crossing (a one-element op pinned to the device
//     between two on the CPU), the link's bandwidth and latency.
// Without --devices every present device is measured (one per kind).
// Prices are not measurable: they are written as 0 for the user to set.
//
//===----------------------------------------------------------------------===//
#include "tangram/Pipelines/Driver.h"
#include "tangram/Runtime/Device.h"
#include "tangram/Runtime/Session.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <unistd.h>

using nlohmann::json;

namespace {

[[noreturn]] void fatal(const std::string &message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  std::exit(1);
}

/// The runtime driver kind of a target.
std::string driverKind(const std::string &target) {
  return target == "rocm" ? "hip" : target;
}

/// Whether this machine has a device of `target`'s kind.
bool present(const std::string &target) {
  tangram::Driver *driver = tangram::lookupDriver(driverKind(target));
  if (!driver)
    return false;
  std::string prefix = driverKind(target) + ":";
  for (const std::string &line : driver->listDevices())
    if (line.rfind(prefix, 0) == 0 && line.size() > prefix.size() &&
        std::isdigit(static_cast<unsigned char>(line[prefix.size()])))
      return true;
  return false;
}

struct Bench {
  std::string target, dir;
  unsigned threads;

  /// Compiles a one-node ONNX model `body` over `inputs` and returns its
  /// median time per run in milliseconds, or a negative value with `error`.
  /// With `catalog` and `pins`, the model is compiled for those devices.
  double time(const std::string &name, const std::string &signature,
              const std::string &body,
              const std::vector<std::pair<tangram::DType, tangram::Shape>> &inputs,
              std::string &error, const std::string &catalog = "",
              const std::vector<std::string> &pins = {}) {
    std::string model = dir + "/" + name + ".onnxtxt";
    std::string bundle = dir + "/" + name + ".tgb";
    {
      std::error_code ec;
      llvm::raw_fd_ostream out(model, ec);
      if (ec)
        return error = model + ": " + ec.message(), -1;
      out << "<ir_version: 8, opset_import: [\"\" : 17]>\n"
          << name << " " << signature << " {\n  " << body << "\n}\n";
    }
    mlir::tangram::CompileOptions options;
    options.targets = target;
    options.devicesPath = catalog;
    options.pins = pins;
    if (!mlir::tangram::compileModel(model, bundle, options, error))
      return -1;
    tangram::SessionOptions so;
    so.threads = threads;
    auto session = tangram::Session::open(bundle, so, error);
    if (!session)
      return -1;
    std::vector<tangram::Buffer> in, out;
    for (auto &[dtype, shape] : inputs)
      in.push_back(tangram::Buffer::allocate(dtype, shape));
    using Clock = std::chrono::steady_clock;
    std::vector<double> ms;
    auto start = Clock::now();
    // Two warm-up runs, then at least 5 timed runs and 0.3 s.
    for (int run = 0; run < 2 + 5 || std::chrono::duration<double>(
                                              Clock::now() - start).count() < 0.3;
         ++run) {
      auto t0 = Clock::now();
      if (!session->run(in, out, error))
        return -1;
      if (run >= 2)
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      if (run > 200)
        break;
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
  }
};

const char *onnxType(tangram::DType t) {
  switch (t) {
  case tangram::DType::F64: return "double";
  case tangram::DType::F16: return "float16";
  default: return "float";
  }
}

/// The reference network of the composition scale: a residual block,
/// a pointwise expansion, a strided depthwise conv with squeeze-excitation
/// gating, and an attention block with layer norm. It is none of the
/// models the docs measure, and has a bit of each kind of kernel.
const char *kNetworkSignature =
    "(float[1,32,56,56] X, float[32,32,3,3] W1, float[32,32,3,3] W2, "
    "float[64,32,1,1] Wp, float[64,1,3,3] Wd, float[64,256] T, "
    "float[256,256] Q, float[256,256] K, float[256] G, float[256] Bt) "
    "=> (float[1,64,28,28] L, float[64,256] N)";
const char *kNetworkBody =
    "A = Conv <pads = [1, 1, 1, 1]> (X, W1)\n"
    "  B = Relu(A)\n"
    "  C = Conv <pads = [1, 1, 1, 1]> (B, W2)\n"
    "  D = Add(C, X)\n"
    "  E = Relu(D)\n"
    "  F = Conv(E, Wp)\n"
    "  Fr = Relu(F)\n"
    "  H = Conv <group = 64, pads = [1, 1, 1, 1], strides = [2, 2]> (Fr, Wd)\n"
    "  I = Relu(H)\n"
    "  J = GlobalAveragePool(I)\n"
    "  S = Sigmoid(J)\n"
    "  L = Mul(I, S)\n"
    "  P = MatMul(T, Q)\n"
    "  R = MatMul(T, K)\n"
    "  Rt = Transpose(R)\n"
    "  M = MatMul(P, Rt)\n"
    "  Sm = Softmax <axis = -1> (M)\n"
    "  O = MatMul(Sm, T)\n"
    "  N = LayerNormalization <axis = -1> (O, G, Bt)";

json measure(const std::string &target, const std::string &id,
             unsigned threads, const std::string &dir) {
  Bench b{target, dir, threads};
  std::string error;
  auto must = [&](double ms, const char *what) {
    if (ms < 0)
      fatal("device '" + id + "': " + what + ": " + error);
    return ms;
  };
  using tangram::DType;
  double launchMs = must(b.time("launch", "(float[1] X) => (float[1] Y)",
                                "Y = Relu(X)", {{DType::F32, {1}}}, error),
                         "launch benchmark");
  // Each kind of kernel (f32) at three sizes: the cost model interpolates
  // between them, so small and large ops get the efficiency the device
  // showed at their size. GEMM sizes run for milliseconds: a CPU reaches
  // its rate at 512, a software rasterizer would take seconds there.
  json curves = json::object();
  auto point = [&](const char *kind, double work, double ms) {
    curves[kind].push_back({work, std::max(ms - launchMs, 1e-4)});
  };
  auto square = [](const std::string &ty, int64_t n) {
    std::string s = ty + "[" + std::to_string(n) + "," + std::to_string(n) + "]";
    return "(" + s + " A, " + s + " B) => (" + s + " C)";
  };
  int64_t n = target == "cpu" ? 512 : target == "vulkan" ? 256 : 2048;
  json gemm = json::object(), peak = json::object();
  for (DType t : {DType::F32, DType::F64, DType::F16}) {
    std::string ty = onnxType(t);
    std::string key = t == DType::F32 ? "f32" : t == DType::F64 ? "f64" : "f16";
    for (int64_t m : {n / 4, n / 2, n}) {
      if (t != DType::F32 && m != n)
        continue; // other types: the rate at the large size
      double ms = b.time("gemm_" + ty + "_" + std::to_string(m), square(ty, m),
                         "C = MatMul(A, B)", {{t, {m, m}}, {t, {m, m}}}, error);
      if (ms < 0) {
        if (t == DType::F32)
          fatal("device '" + id + "': GEMM benchmark: " + error);
        std::fprintf(stderr, "note: device '%s' has no %s GEMM (%s)\n",
                     id.c_str(), key.c_str(), error.c_str());
        break;
      }
      double flops = 2.0 * m * m * m;
      if (t == DType::F32)
        point("gemm", flops, ms);
      if (m == n)
        gemm[key] = peak[key] = flops / (std::max(ms - launchMs, 1e-4) * 1e-3) / 1e9;
    }
  }
  // Convolutions: a ResNet-style 3x3 conv (64 channels) and a
  // MobileNet-style depthwise 3x3 (96 channels) at 14x14, 28x28, 56x56.
  auto conv = [&](const std::string &name, int64_t c, int64_t hw, int64_t group,
                  int64_t k) {
    std::string x = std::to_string(c), s = std::to_string(hw);
    std::string wc = std::to_string(c / group), ks = std::to_string(k);
    std::string pad = std::to_string(k / 2);
    return b.time(name + "_" + s,
                  "(float[1," + x + "," + s + "," + s + "] X, float[" + x + "," + wc +
                      "," + ks + "," + ks + "] W) => (float[1," + x + "," + s + "," + s + "] Y)",
                  "Y = Conv <group = " + std::to_string(group) + ", pads = [" + pad +
                      ", " + pad + ", " + pad + ", " + pad + "]> (X, W)",
                  {{DType::F32, {1, c, hw, hw}}, {DType::F32, {c, c / group, k, k}}}, error);
  };
  for (int64_t hw : {14, 28, 56}) {
    point("conv", 2.0 * 64 * hw * hw * 64 * 9, must(conv("conv", 64, hw, 1, 3), "conv benchmark"));
    point("depthwise", 2.0 * 96 * hw * hw * 9,
          must(conv("depthwise", 96, hw, 96, 3), "depthwise benchmark"));
  }
  // Memory traffic: Add of two vectors (three streams) at 256K, 1M, 4M.
  const int64_t elems = 4 << 20;
  double addMs = 0;
  for (int64_t m : {elems / 16, elems / 4, elems}) {
    std::string s = "float[" + std::to_string(m) + "]";
    addMs = must(b.time("copy_" + std::to_string(m), "(" + s + " A, " + s + " B) => (" + s + " C)",
                        "C = Add(A, B)", {{DType::F32, {m}}, {DType::F32, {m}}}, error),
                 "copy benchmark");
    point("elementwise", 12.0 * m, addMs);
  }
  double copyGBs = 12.0 * elems / (std::max(addMs - launchMs, 1e-4) * 1e-3) / 1e9;
  auto rateAt = [&](const char *kind) {
    const json &last = curves[kind].back();
    return last[0].get<double>() / (last[1].get<double>() * 1e-3) / 1e9;
  };
  // Per-op overhead: 16 chained small matmuls (which nothing fuses) against
  // one; the difference over 15 is what each further op adds.
  std::string chain = "T0 = MatMul(X, W)";
  for (int k = 1; k < 16; ++k)
    chain += "\n  T" + std::to_string(k) + " = MatMul(T" + std::to_string(k - 1) + ", W)";
  chain += "\n  Y = Identity(T15)";
  double chainMs = must(b.time("chain", "(float[16,16] X, float[16,16] W) => (float[16,16] Y)", chain,
                               {{DType::F32, {16, 16}}, {DType::F32, {16, 16}}}, error),
                        "per-op benchmark");
  double oneMs = must(b.time("one", "(float[16,16] X, float[16,16] W) => (float[16,16] Y)",
                             "Y = MatMul(X, W)", {{DType::F32, {16, 16}}, {DType::F32, {16, 16}}}, error),
                      "per-op benchmark");
  double perOpUs = std::max(0.0, (chainMs - oneMs) / 15 * 1e3);
  json device = {{"id", id},
                 {"target", target},
                 {"peak_gflops", peak},
                 {"mem_bandwidth_gbs", copyGBs},
                 {"launch_us", perOpUs},
                 {"price_per_hour", 0},
                 {"calibration", {{"gemm_gflops", gemm},
                                  {"copy_gbs", copyGBs},
                                  {"curves", curves},
                                  {"run_us", launchMs * 1e3}}}};
  // The composition scale: the reference network measured, over its
  // prediction from the figures above (a placement of it on this device
  // alone).
  {
    using tangram::DType;
    std::vector<std::pair<DType, tangram::Shape>> inputs = {
        {DType::F32, {1, 32, 56, 56}}, {DType::F32, {32, 32, 3, 3}},
        {DType::F32, {32, 32, 3, 3}},  {DType::F32, {64, 32, 1, 1}},
        {DType::F32, {64, 1, 3, 3}},   {DType::F32, {64, 256}},
        {DType::F32, {256, 256}},      {DType::F32, {256, 256}},
        {DType::F32, {256}},           {DType::F32, {256}}};
    double measured = must(b.time("network", kNetworkSignature, kNetworkBody, inputs, error),
                           "reference network");
    std::string catalog = dir + "/alone.json", plan = dir + "/network.json";
    {
      std::error_code ec;
      llvm::raw_fd_ostream out(catalog, ec);
      out << json{{"devices", json::array({device})}}.dump() << "\n";
    }
    mlir::tangram::CompileOptions options;
    options.devicesPath = catalog;
    options.stage = mlir::tangram::CompileStage::Placement;
    if (!mlir::tangram::compileModel(dir + "/network.onnxtxt", plan, options, error))
      fatal("device '" + id + "': predicting the reference network: " + error);
    auto text = llvm::MemoryBuffer::getFile(plan);
    json predicted = text ? json::parse((*text)->getBuffer().str(), nullptr, false) : json();
    if (predicted.is_discarded() || !predicted.contains("predicted"))
      fatal("device '" + id + "': predicting the reference network: no placement record");
    double predictedMs = predicted["predicted"]["latency_ms"].get<double>();
    device["calibration"]["scale"] = predictedMs > 0 ? (measured - launchMs) / predictedMs : 1.0;
  }
  if (target == "cpu")
    device["memory_bytes"] =
        double(sysconf(_SC_PHYS_PAGES)) * double(sysconf(_SC_PAGE_SIZE));
  if (tangram::Driver *driver = tangram::lookupDriver(driverKind(target)))
    if (uint64_t limit = driver->maxBufferBytes(0))
      device["max_buffer_bytes"] = double(limit);
  if (target != "cpu") {
    double reluMs = must(b.time("transfer", "(float[4194304] X) => (float[4194304] Y)",
                                "Y = Relu(X)", {{DType::F32, {elems}}}, error),
                         "transfer benchmark");
    device["transfer_gbs"] = 2.0 * elems * 4 / (std::max(reluMs - launchMs, 1e-3) * 1e-3) / 1e9;
    // A crossing's fixed cost: three one-element ops on the CPU against
    // the same with the middle one pinned to this device; what the split
    // adds beyond the device's own run is two crossings (queues, semaphores,
    // the device's submission and wait).
    std::string catalog = dir + "/split.json";
    {
      std::error_code ec;
      llvm::raw_fd_ostream out(catalog, ec);
      out << "{\"devices\": [{\"id\": \"cpu0\", \"target\": \"cpu\"}, "
          << "{\"id\": \"" << id << "\", \"target\": \"" << target << "\"}]}\n";
    }
    std::string three = "A = Relu(X)\n  B = Neg(A)\n  Y = Relu(B)";
    Bench host{"cpu", dir, threads};
    double cpuMs = must(host.time("three_cpu", "(float[1] X) => (float[1] Y)", three,
                                  {{DType::F32, {1}}}, error),
                        "crossing benchmark");
    double splitMs = must(b.time("three_split", "(float[1] X) => (float[1] Y)", three,
                                 {{DType::F32, {1}}}, error, catalog, {"B=" + id}),
                          "crossing benchmark");
    device["crossing_us"] = std::max(0.0, (splitMs - cpuMs - launchMs) / 2 * 1e3);
  }
  std::fprintf(stderr,
               "%s (%s): run %.1f us, per op %.1f us, GEMM f32 %.1f, conv %.1f, "
               "depthwise %.2f GFLOP/s, copy %.2f GB/s, network scale %.2f\n",
               id.c_str(), target.c_str(), launchMs * 1e3, perOpUs,
               gemm["f32"].get<double>(), rateAt("conv"), rateAt("depthwise"), copyGBs,
               device["calibration"]["scale"].get<double>());
  return device;
}

} // namespace

int main(int argc, char **argv) {
  std::string devices, output = "-";
  unsigned threads = 0;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char *flag) {
      if (i + 1 >= argc)
        fatal(std::string(flag) + " needs a value");
      return std::string(argv[++i]);
    };
    if (a == "--devices")
      devices = value("--devices");
    else if (a == "-o")
      output = value("-o");
    else if (a == "--threads")
      threads = std::atoi(value("--threads").c_str());
    else if (a == "--help" || a == "-h") {
      std::printf("usage: tangram-calibrate [--devices cpu,vulkan] [-o catalog.json] [--threads N]\n");
      return 0;
    } else
      fatal("unknown argument '" + a + "' (see --help)");
  }
  std::vector<std::string> targets;
  if (devices.empty()) {
    for (const char *t : {"cpu", "vulkan", "cuda", "rocm"})
      if (present(t))
        targets.push_back(t);
  } else {
    size_t start = 0;
    while (start <= devices.size()) {
      size_t comma = devices.find(',', start);
      std::string t = devices.substr(start, comma - start);
      if (t != "cpu" && t != "vulkan" && t != "cuda" && t != "rocm")
        fatal("--devices: unknown target '" + t + "' (cpu, vulkan, cuda, rocm)");
      if (!present(t))
        fatal("--devices: no " + t + " device on this machine");
      targets.push_back(t);
      if (comma == std::string::npos)
        break;
      start = comma + 1;
    }
  }
  llvm::SmallString<128> dir;
  if (std::error_code ec = llvm::sys::fs::createUniqueDirectory("tangram-calibrate", dir))
    fatal("a temporary directory: " + ec.message());
  json catalog = {{"devices", json::array()}, {"links", json::array()}};
  for (const std::string &t : targets) {
    json d = measure(t, t + "0", threads, std::string(dir));
    if (d.contains("transfer_gbs")) {
      if (std::find(targets.begin(), targets.end(), "cpu") != targets.end())
        catalog["links"].push_back({{"from", "cpu0"},
                                    {"to", d["id"]},
                                    {"bandwidth_gbs", d["transfer_gbs"]},
                                    {"latency_us", d["crossing_us"]}});
      d.erase("transfer_gbs");
      d.erase("crossing_us");
    }
    catalog["devices"].push_back(d);
  }
  llvm::sys::fs::remove_directories(dir);
  std::string text = catalog.dump(1) + "\n";
  if (output == "-") {
    std::fputs(text.c_str(), stdout);
    return 0;
  }
  std::error_code ec;
  llvm::raw_fd_ostream out(output, ec);
  if (ec)
    fatal(output + ": " + ec.message());
  out << text;
  return 0;
}
