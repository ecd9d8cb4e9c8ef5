//===- tangram-run.cpp - Run a .tgb bundle --------------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// tangram-run OUT.tgb [--data-dir DIR] [--input NAME=FILE.npy ...]
//   [--output-dir OUTDIR] [--npy] [--expect DIR] [--rtol R] [--atol A]
//   [--benchmark N] [--threads T] [--device KIND[:N]] [--print] [--no-verify]
//
// Reads inputs (ONNX TensorProto files DIR/input_<i>.pb in graph-input order,
// or .npy files by name), runs the bundle, writes, prints and compares the
// outputs, and times repeated runs. Every failure is one line starting with
// `error: ` on stderr and exit code 1; output files appear only complete.
//
//===----------------------------------------------------------------------===//
#include "Compare.h"
#include "TensorFiles.h"
#include "tangram/Runtime/Profile.h"
#include "tangram/Runtime/Session.h"
#include "tangram/Runtime/Device.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <unistd.h>

using namespace tangram;

namespace {

const char *kUsage =
    "usage: tangram-run OUT.tgb [--data-dir DIR] [--input NAME=FILE.npy ...]\n"
    "         [--output-dir OUTDIR] [--npy] [--expect DIR] [--rtol R] "
    "[--atol A]\n"
    "         [--benchmark N] [--threads T] [--device KIND[:N]] [--print]\n"
    "         [--no-verify] [--profile]\n"
    "       tangram-run OUT.tgb --describe\n"
    "       tangram-run --list-devices\n"
    "\n"
    "  --data-dir DIR     inputs from DIR/input_<i>.pb (ONNX TensorProto, "
    "graph-input order)\n"
    "  --input NAME=FILE  input NAME from a .npy file (overrides --data-dir)\n"
    "  --output-dir DIR   write DIR/output_<j>.pb (or .npy with --npy)\n"
    "  --expect DIR       compare with DIR/output_<j>.pb (the first run's\n"
    "                     outputs, and the last of --benchmark's or\n"
    "                     --profile's runs); exit 1 on mismatch\n"
    "  --rtol R, --atol A tolerances of --expect (default 1e-3, 1e-4)\n"
    "  --benchmark N      time N runs after warm-up (min/median/max)\n"
    "  --threads T        CPU threads (default: one per hardware thread)\n"
    "  --device KIND[:N]  require the bundle's devices to be of KIND (cpu,\n"
    "                     vulkan), the N-th device of the kind (default 0)\n"
    "  --print            print each output's shape and first values\n"
    "  --no-verify        skip the checksums of the code and weights (for\n"
    "                     very large bundles from a trusted source; the\n"
    "                     header and manifest are always checked)\n"
    "  --profile          time each kernel call (convolutions, matrix\n"
    "                     products, pools, parallel loops on the CPU; each\n"
    "                     dispatch on cuda and hip, by events) over the\n"
    "                     runs after the first (--benchmark's, or 10) and\n"
    "                     print the time per run of each, busiest first\n"
    "  --describe         print the bundle's manifest (inputs with symbolic "
    "dims,\n"
    "                     devices, code objects, weights, schedule) as JSON\n"
    "  --list-devices     print each device this runtime can open (KIND:N,\n"
    "                     name, memory, limits)\n";

struct Options {
  std::string bundle;
  std::string dataDir;
  std::vector<std::pair<std::string, std::string>> npyInputs;
  std::string outputDir;
  bool npy = false;
  std::string expectDir;
  double rtol = 1e-3;
  double atol = 1e-4;
  long benchmark = 0;
  long threads = 0;
  std::string device;
  bool print = false;
  bool verify = true;
  bool profile = false;
  bool describe = false;
  bool listDevices = false;
};

[[noreturn]] void fatal(const std::string &message) {
  // One line, whatever a bundle or input file put in the message.
  std::fprintf(stderr, "error: %s\n", oneLine(message).c_str());
  std::fflush(stdout);
  std::exit(1);
}

double parseNumber(const std::string &option, const std::string &text) {
  char *end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end || !(v >= 0))
    fatal(option + ": expected a non-negative number, got '" + text + "'");
  return v;
}

long parseCount(const std::string &option, const std::string &text) {
  char *end = nullptr;
  long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end || v < 0 || v > 100000000)
    fatal(option + ": expected a non-negative integer, got '" + text + "'");
  return v;
}

Options parseArgs(int argc, char **argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (arg.size() < 2 || arg.compare(0, 2, "--") != 0 || arg == "--") {
      if (!o.bundle.empty())
        fatal("more than one bundle given ('" + o.bundle + "' and '" + arg +
              "')");
      o.bundle = arg;
      continue;
    }
    std::string name = arg, value;
    bool hasValue = false;
    size_t eq = arg.find('=');
    if (eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      hasValue = true;
    }
    auto needValue = [&]() -> std::string {
      if (hasValue)
        return value;
      if (i + 1 >= argc)
        fatal(name + ": missing value");
      return argv[++i];
    };
    if (name == "--npy" || name == "--print" || name == "--describe" ||
        name == "--list-devices" || name == "--no-verify" ||
        name == "--profile") {
      if (hasValue)
        fatal(name + " takes no value");
      if (name == "--no-verify")
        o.verify = false;
      else
        (name == "--npy"        ? o.npy
         : name == "--print"    ? o.print
         : name == "--describe" ? o.describe
         : name == "--profile"  ? o.profile
                                : o.listDevices) = true;
    } else if (name == "--data-dir") {
      o.dataDir = needValue();
    } else if (name == "--input") {
      std::string spec = needValue();
      size_t at = spec.find('=');
      if (at == std::string::npos || at == 0 || at + 1 == spec.size())
        fatal("--input: expected NAME=FILE.npy, got '" + spec + "'");
      o.npyInputs.emplace_back(spec.substr(0, at), spec.substr(at + 1));
    } else if (name == "--output-dir") {
      o.outputDir = needValue();
    } else if (name == "--expect") {
      o.expectDir = needValue();
    } else if (name == "--rtol") {
      o.rtol = parseNumber(name, needValue());
    } else if (name == "--atol") {
      o.atol = parseNumber(name, needValue());
    } else if (name == "--benchmark") {
      o.benchmark = parseCount(name, needValue());
      if (o.benchmark == 0)
        fatal("--benchmark: expected at least 1 run");
    } else if (name == "--threads") {
      o.threads = parseCount(name, needValue());
      if (o.threads == 0 || o.threads > 1024)
        fatal("--threads: expected 1 to 1024, got '" +
              std::to_string(o.threads) + "'");
    } else if (name == "--device") {
      o.device = needValue();
    } else {
      fatal("unknown option '" + name + "' (see --help)");
    }
  }
  if (o.bundle.empty() && !o.listDevices)
    fatal("no bundle given (usage: tangram-run OUT.tgb [options], see --help)");
  return o;
}

/// The ONNX test data stores bf16 (and some f16) tensors as uint16 bit
/// patterns; take them as the dtype the model wants.
Buffer adoptHalfBits(const Buffer &b, DType wanted) {
  if (b.dtype() == DType::U16 &&
      (wanted == DType::BF16 || wanted == DType::F16))
    return b.reinterpret(wanted);
  return b;
}

std::string joinPath(const std::string &dir, const std::string &file) {
  return (std::filesystem::path(dir) / file).string();
}

/// Reads every model input: the data directory first, then --input files.
/// Returns the inputs and, per input, the file it came from.
std::vector<Buffer> readInputs(const Options &o, const Manifest &m,
                               std::vector<std::string> &sources) {
  std::vector<Buffer> inputs(m.inputs.size());
  sources.assign(m.inputs.size(), "");
  std::map<std::string, std::string> npyByName;
  for (const auto &spec : o.npyInputs) {
    const std::string &name = spec.first, &file = spec.second;
    auto it = std::find_if(m.inputs.begin(), m.inputs.end(),
                           [&](const TensorDesc &t) { return t.name == name; });
    if (it == m.inputs.end()) {
      std::string names;
      for (const TensorDesc &t : m.inputs)
        names += (names.empty() ? "" : ", ") + t.name;
      fatal("--input " + name + "=" + file + ": the model has no input '" +
            name + "' (inputs: " + (names.empty() ? "none" : names) + ")");
    }
    npyByName[name] = file;
  }
  std::string error;
  for (size_t i = 0; i < m.inputs.size(); ++i) {
    const std::string &name = m.inputs[i].name;
    auto npy = npyByName.find(name);
    if (npy != npyByName.end()) {
      if (!readNpy(npy->second, inputs[i], error))
        fatal(error);
      sources[i] = npy->second;
      continue;
    }
    if (o.dataDir.empty())
      fatal("input " + std::to_string(i) + " '" + name +
            "': no value (give --data-dir DIR or --input " + name +
            "=FILE.npy)");
    std::string path =
        joinPath(o.dataDir, "input_" + std::to_string(i) + ".pb");
    std::string protoName;
    if (!readTensorProto(path, inputs[i], protoName, error))
      fatal(error);
    inputs[i] = adoptHalfBits(inputs[i], m.inputs[i].dtype);
    sources[i] = path;
  }
  return inputs;
}

/// Writes every output to a temporary file first and renames them all only
/// when all were written, so a failure leaves no output file behind.
void writeOutputs(const Options &o, const Manifest &m,
                  const std::vector<Buffer> &outputs) {
  std::error_code ec;
  std::filesystem::create_directories(o.outputDir, ec);
  if (ec)
    fatal(o.outputDir +
          ": cannot create the output directory: " + ec.message());
  std::vector<std::pair<std::string, std::string>> written; // tmp, final
  auto cleanUp = [&] {
    for (const auto &w : written)
      ::unlink(w.first.c_str());
  };
  for (size_t j = 0; j < outputs.size(); ++j) {
    std::string path = joinPath(o.outputDir, "output_" + std::to_string(j) +
                                                 (o.npy ? ".npy" : ".pb"));
    std::string bytes, error, tmp;
    bool ok =
        o.npy ? encodeNpy(outputs[j], bytes, error)
              : encodeTensorProto(outputs[j], m.outputs[j].name, bytes, error);
    if (!ok || !writeTemporary(path, bytes, tmp, error)) {
      cleanUp();
      fatal(ok ? error : path + ": " + error);
    }
    written.emplace_back(tmp, path);
  }
  for (size_t k = 0; k < written.size(); ++k) {
    if (std::rename(written[k].first.c_str(), written[k].second.c_str()) != 0) {
      std::string message = written[k].second + ": cannot rename into place: " +
                            std::strerror(errno);
      for (size_t r = k; r < written.size(); ++r)
        ::unlink(written[r].first.c_str());
      fatal(message);
    }
  }
}

/// Compares with DIR/output_<j>.pb; prints one line per output; returns
/// the number of mismatching outputs.
unsigned expectOutputs(const Options &o, const Manifest &m,
                       const std::vector<Buffer> &outputs) {
  std::vector<Buffer> expected(outputs.size());
  std::string error, name;
  for (size_t j = 0; j < outputs.size(); ++j) {
    std::string path =
        joinPath(o.expectDir, "output_" + std::to_string(j) + ".pb");
    if (!readTensorProto(path, expected[j], name, error))
      fatal(error);
    expected[j] = adoptHalfBits(expected[j], outputs[j].dtype());
  }
  unsigned bad = 0;
  for (size_t j = 0; j < outputs.size(); ++j) {
    Comparison c = compareBuffers(outputs[j], expected[j], o.rtol, o.atol);
    std::printf("output %zu '%s': ", j, m.outputs[j].name.c_str());
    if (!c.structural.empty()) {
      std::printf("%s: MISMATCH\n", c.structural.c_str());
    } else {
      std::printf("max abs err %.3g, max rel err %.3g: ", c.maxAbsErr,
                  c.maxRelErr);
      if (c.ok)
        std::printf("ok\n");
      else
        std::printf("MISMATCH (%lld of %lld elements, first at %lld: got "
                    "%.9g, expected %.9g)\n",
                    static_cast<long long>(c.mismatches),
                    static_cast<long long>(outputs[j].numElements()),
                    static_cast<long long>(c.firstBad), c.actualAtFirstBad,
                    c.expectedAtFirstBad);
    }
    bad += !c.ok;
  }
  return bad;
}

/// Returns how many runs it made, warm-up included.
long benchmark(const Options &o, Session &session,
               const std::vector<Buffer> &inputs,
               std::vector<Buffer> &outputs) {
  using Clock = std::chrono::steady_clock;
  std::string error;
  // Warm-up (the first run already happened): at least 3 more runs and
  // 100 ms, so the heap, the caches and the pool's threads are in their
  // steady state before timing (scripts/benchmark_cpu.py warms onnxruntime
  // the same way).
  auto warmStart = Clock::now();
  long runs = 0;
  for (int r = 0; r < 3 || Clock::now() - warmStart < std::chrono::milliseconds(100);
       ++r, ++runs)
    if (!session.run(inputs, outputs, error))
      fatal(o.bundle + ": " + error);
  std::vector<double> ms;
  for (long r = 0; r < o.benchmark; ++r) {
    auto start = Clock::now();
    if (!session.run(inputs, outputs, error))
      fatal(o.bundle + ": " + error);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start)
                     .count());
  }
  std::sort(ms.begin(), ms.end());
  double median = ms.size() % 2
                      ? ms[ms.size() / 2]
                      : (ms[ms.size() / 2 - 1] + ms[ms.size() / 2]) / 2;
  std::printf("latency: min %.3f ms, median %.3f ms, max %.3f ms (%zu runs)\n",
              ms.front(), median, ms.back(), ms.size());
  return runs + o.benchmark;
}

/// --profile: the kernel calls of `runs` runs that took `wallMs`, per run.
void printProfile(long runs, double wallMs) {
  std::vector<KernelProfile> profile = takeKernelProfile();
  double perRun = wallMs / double(runs), inside = 0;
  std::printf("profile: %ld runs, %.3f ms per run; per run, most time "
              "first:\n%9s %6s %6s  %-15s %s\n",
              runs, perRun, "ms", "%", "calls", "kernel", "sizes");
  for (const KernelProfile &p : profile) {
    double ms = p.ms / double(runs);
    inside += ms;
    std::printf("%9.4f %5.1f%% %6.4g  %-15s %s\n", ms, 100 * ms / perRun,
                double(p.calls) / double(runs), p.kernel.c_str(),
                p.sizes.c_str());
  }
  std::printf("%9.4f %5.1f%%         (outside these calls: other generated "
              "code, allocation, the schedule)\n",
              perRun - inside, 100 * (perRun - inside) / perRun);
}

} // namespace

int main(int argc, char **argv) {
  Options o = parseArgs(argc, argv);
  if (o.listDevices) {
    for (const std::string &kind : driverKinds())
      for (const std::string &line : lookupDriver(kind)->listDevices())
        std::printf("%s\n", line.c_str());
    return 0;
  }
  std::string error;
  std::shared_ptr<const Bundle> bundle = Bundle::open(o.bundle, error, o.verify);
  if (!bundle)
    fatal(error);
  const Manifest &m = bundle->manifest();
  if (o.describe) {
    std::printf("%s\n", serializeManifest(m).c_str());
    return 0;
  }

  // Inputs are read and checked before code is loaded, so input mistakes are
  // reported first and cheaply.
  std::vector<std::string> sources;
  std::vector<Buffer> inputs = readInputs(o, m, sources);
  if (!Session::checkInputs(m, inputs, error)) {
    // Name the file the offending input came from.
    for (size_t k = 0; k < m.inputs.size(); ++k)
      if (error.rfind("input '" + m.inputs[k].name + "'", 0) == 0)
        fatal(sources[k] + ": " + error);
    fatal(error);
  }

  SessionOptions options;
  options.threads = static_cast<unsigned>(o.threads);
  options.device = o.device;
  options.profile = o.profile;
  std::unique_ptr<Session> session = Session::create(bundle, options, error);
  if (!session)
    fatal(error);
  if (session->plan() > 0) {
    std::string names;
    for (unsigned d : planDevices(session->manifest().buffers,
                                  session->manifest().schedule))
      names += (names.empty() ? "" : ", ") + m.devices[d].name;
    std::fprintf(stderr, "note: %s: %s; running fallback plan %u on %s\n",
                 o.bundle.c_str(), session->fallbackReason().c_str(),
                 session->plan(), names.c_str());
  }

  std::vector<Buffer> outputs;
  if (!session->run(inputs, outputs, error))
    fatal(o.bundle + ": " + error);

  if (!o.outputDir.empty())
    writeOutputs(o, m, outputs);
  if (o.print)
    for (size_t j = 0; j < outputs.size(); ++j)
      std::printf("output %zu '%s': %s %s %s\n", j, m.outputs[j].name.c_str(),
                  dtypeName(outputs[j].dtype()),
                  formatShape(outputs[j].shape()).c_str(),
                  formatValues(outputs[j], 8).c_str());
  unsigned mismatches = 0;
  if (!o.expectDir.empty())
    mismatches = expectOutputs(o, m, outputs);
  // The first run is not profiled: its caches and heap are cold.
  takeKernelProfile();
  auto start = std::chrono::steady_clock::now();
  long runs = o.benchmark ? benchmark(o, *session, inputs, outputs) : 0;
  if (o.profile && !runs)
    for (std::string e; runs < 10; ++runs)
      if (!session->run(inputs, outputs, e))
        fatal(o.bundle + ": " + e);
  if (o.profile)
    printProfile(runs, std::chrono::duration<double, std::milli>(
                           std::chrono::steady_clock::now() - start)
                           .count());
  // The last of the repeated runs is checked too: what a device keeps
  // between launches (constants, pipelines) must not change the results.
  unsigned lastMismatches =
      !o.expectDir.empty() && runs ? expectOutputs(o, m, outputs) : 0;
  std::fflush(stdout);
  if (mismatches)
    fatal(std::to_string(mismatches) + " of " + std::to_string(outputs.size()) +
          " outputs do not match " + joinPath(o.expectDir, "output_<j>.pb"));
  if (lastMismatches)
    fatal(std::to_string(lastMismatches) + " of " +
          std::to_string(outputs.size()) + " outputs of the last of " +
          std::to_string(runs) + " repeated runs do not match " +
          joinPath(o.expectDir, "output_<j>.pb"));
  return 0;
}
