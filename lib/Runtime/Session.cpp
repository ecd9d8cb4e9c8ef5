//===- Session.cpp - Running a bundle -------------------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Runtime/Session.h"

#include <algorithm>
#include <map>

using namespace tangram;

Session::~Session() {
  // Executables first: they may reference their device's thread pool.
  executables_.clear();
  devices_.clear();
}

std::unique_ptr<Session> Session::open(const std::string &path,
                                       const SessionOptions &options,
                                       std::string &error) {
  std::shared_ptr<const Bundle> bundle = Bundle::open(path, error, options.verify);
  if (!bundle)
    return nullptr;
  return create(std::move(bundle), options, error);
}

namespace {
/// Makes `error` one line when it goes out of scope: messages quote names
/// from the bundle (device kinds, exports), which may hold anything.
struct OneLineOnReturn {
  std::string &error;
  ~OneLineOnReturn() { error = oneLine(error); }
};
} // namespace

std::unique_ptr<Session> Session::create(std::shared_ptr<const Bundle> bundle,
                                         const SessionOptions &options,
                                         std::string &error) {
  OneLineOnReturn oneLineError{error};
  const Manifest &m = bundle->manifest();
  const std::string &name = bundle->name();
  std::string wantedKind = options.device.substr(0, options.device.find(':'));
  unsigned ordinal = 0;
  if (size_t colon = options.device.find(':'); colon != std::string::npos) {
    std::string n = options.device.substr(colon + 1);
    if (n.empty() || n.size() > 6 ||
        n.find_first_not_of("0123456789") != std::string::npos) {
      error = name + ": --device " + options.device +
              ": expected KIND or KIND:N (e.g. vulkan:1)";
      return nullptr;
    }
    ordinal = static_cast<unsigned>(std::stoul(n));
  }
  std::unique_ptr<Session> session(new Session());
  session->bundle_ = bundle;

  // A device is created once, when the first plan that uses it is tried;
  // `why[i]` says why device i could not be.
  session->devices_.resize(m.devices.size());
  std::vector<bool> tried(m.devices.size(), false);
  std::vector<std::string> why(m.devices.size());
  auto createDevice = [&](unsigned i) {
    tried[i] = true;
    const DeviceDesc &d = m.devices[i];
    std::string prefix = name + ": device " + std::to_string(i) + ": ";
    if (!wantedKind.empty() && d.kind != wantedKind) {
      why[i] = prefix + "the bundle was compiled for '" + d.kind +
               "', not the requested '" + options.device + "'";
      return;
    }
    Driver *driver = lookupDriver(d.kind);
    if (!driver) {
      std::string kinds;
      for (const std::string &k : driverKinds())
        kinds += (kinds.empty() ? "" : ", ") + k;
      why[i] = prefix + "no driver for device kind '" + d.kind +
               "' (this runtime has: " + kinds + ")";
      return;
    }
    DeviceOptions deviceOptions;
    deviceOptions.threads = options.threads;
    deviceOptions.ordinal = ordinal;
    deviceOptions.profile = options.profile;
    std::string message;
    session->devices_[i] = driver->createDevice(d, deviceOptions, message);
    if (!session->devices_[i])
      why[i] = prefix + message;
  };

  // The main schedule runs when all its devices are present, else the
  // first fallback plan whose devices are.
  std::vector<std::vector<unsigned>> plans = {planDevices(m.buffers, m.schedule)};
  for (const FallbackPlan &f : m.fallbacks)
    plans.push_back(planDevices(f.buffers, f.schedule));
  std::vector<std::string> missing(plans.size());
  for (unsigned p = 0; p < plans.size() && session->plan_ < 0; ++p) {
    for (unsigned d : plans[p]) {
      if (!tried[d])
        createDevice(d);
      if (!session->devices_[d]) {
        missing[p] = why[d];
        break;
      }
    }
    if (missing[p].empty())
      session->plan_ = static_cast<int>(p);
  }
  if (session->plan_ < 0) {
    error = missing[0];
    for (unsigned p = 1; p < plans.size(); ++p)
      error += "; fallback plan " + std::to_string(p) + ": " +
               missing[p].substr(name.size() + 2);
    return nullptr;
  }
  if (session->plan_ > 0) {
    const FallbackPlan &f = m.fallbacks[session->plan_ - 1];
    session->fallback_ = m;
    session->fallback_->buffers = f.buffers;
    session->fallback_->schedule = f.schedule;
    session->fallbackReason_ = missing[0].substr(name.size() + 2);
  }
  // Devices the chosen plan does not use are released.
  const std::vector<unsigned> &used = plans[session->plan_];
  for (unsigned i = 0; i < m.devices.size(); ++i)
    if (std::find(used.begin(), used.end(), i) == used.end())
      session->devices_[i].reset();
  session->deviceCount_ = used.size();

  // Only the code objects the chosen plan launches are loaded.
  std::vector<bool> launched(m.codeObjects.size(), false);
  for (const ScheduleStep &s : session->manifest().schedule)
    if (s.op == StepOp::Launch)
      launched[s.codeObject] = true;
  session->executables_.resize(m.codeObjects.size());
  for (unsigned i = 0; i < m.codeObjects.size(); ++i) {
    const CodeObjectDesc &c = m.codeObjects[i];
    if (!launched[i])
      continue;
    std::string message;
    session->executables_[i] =
        session->devices_[c.device]->loadExecutable(c, bundle->codeObject(i),
                                                    message);
    if (!session->executables_[i]) {
      error = name + ": code object " + std::to_string(i) + ": " + message;
      return nullptr;
    }
  }

  // Weights are views into the mapping; each view keeps the bundle alive.
  for (unsigned i = 0; i < m.weights.size(); ++i) {
    const WeightDesc &w = m.weights[i];
    session->weights_.push_back(
        Buffer::wrap(w.dtype, w.shape, bundle->weight(i).data, bundle,
                     /*immutable=*/true));
  }
  return session;
}

bool Session::checkInputs(const Manifest &m, const std::vector<Buffer> &inputs,
                          std::string &error) {
  if (inputs.size() != m.inputs.size()) {
    std::string names;
    for (const TensorDesc &t : m.inputs)
      names += (names.empty() ? "" : ", ") + t.name;
    error = "expected " + std::to_string(m.inputs.size()) + " input" +
            (m.inputs.size() == 1 ? "" : "s") + " (" + names + "), got " +
            std::to_string(inputs.size());
    return false;
  }
  /// The first input and dim that bound each symbolic dim, and its value.
  struct Binding {
    size_t input, dim;
    int64_t value;
  };
  std::map<std::string, Binding> symbols;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const TensorDesc &t = m.inputs[i];
    const Buffer &b = inputs[i];
    if (!b) {
      error = "input '" + t.name + "': no data";
      return false;
    }
    std::string expected = formatDims(t) + " (" + dtypeName(t.dtype) + ")";
    std::string got =
        formatShape(b.shape()) + " (" + dtypeName(b.dtype()) + ")";
    if (b.dtype() != t.dtype || b.rank() != t.shape.size()) {
      error = "input '" + t.name + "': expected " + expected + ", got " + got;
      return false;
    }
    for (size_t d = 0; d < t.shape.size(); ++d) {
      int64_t v = b.shape()[d];
      if (t.shape[d] >= 0 && t.shape[d] != v) {
        error = "input '" + t.name + "': dim " + std::to_string(d) + " is " +
                std::to_string(v) + ", the bundle needs " +
                std::to_string(t.shape[d]) + " (expected " + expected +
                ", got " + got + ")";
        return false;
      }
      if (t.shape[d] < 0 && d < t.dimMax.size() && t.dimMax[d] >= 0 &&
          v > t.dimMax[d]) {
        error = "input '" + t.name + "': dim " + std::to_string(d) +
                (d < t.dimNames.size() && !t.dimNames[d].empty()
                     ? " ('" + t.dimNames[d] + "')"
                     : std::string()) +
                " is " + std::to_string(v) + ", the model allows at most " +
                std::to_string(t.dimMax[d]);
        return false;
      }
      if (t.shape[d] >= 0 || t.dimNames.empty() || t.dimNames[d].empty())
        continue;
      auto [it, fresh] = symbols.try_emplace(t.dimNames[d], Binding{i, d, v});
      const Binding &first = it->second;
      if (!fresh && first.value != v) {
        error = "input '" + t.name + "': dim " + std::to_string(d) + " ('" +
                t.dimNames[d] + "') is " + std::to_string(v) + ", but input '" +
                m.inputs[first.input].name + "' dim " +
                std::to_string(first.dim) + " ('" + t.dimNames[d] + "') is " +
                std::to_string(first.value);
        return false;
      }
    }
  }
  return true;
}

/// True when `shape` (static) fits `declared` (which may have -1 dims).
static bool fits(const Shape &shape, const Shape &declared) {
  if (shape.size() != declared.size())
    return false;
  for (size_t d = 0; d < shape.size(); ++d)
    if (declared[d] >= 0 && declared[d] != shape[d])
      return false;
  return true;
}

bool Session::runStep(unsigned index, std::vector<Buffer> &values,
                      std::string &error) {
  const Manifest &m = manifest();
  const ScheduleStep &step = m.schedule[index];
  // Built only on failure: this runs for every step of every run.
  auto prefix = [&] { return "schedule step " + std::to_string(index) + ": "; };
  if (step.op == StepOp::Transfer) {
    std::string message;
    Device &dst = *devices_[m.buffers[step.dst].device];
    if (!dst.copyIn(values[step.src], values[step.dst], message)) {
      error = prefix() + "transfer: " + message;
      return false;
    }
    return true;
  }
  std::vector<const Buffer *> args;
  for (unsigned id : step.args)
    args.push_back(&values[id]);
  std::vector<ResultSpec> specs;
  for (unsigned id : step.results)
    specs.push_back({m.buffers[id].dtype,
                     static_cast<unsigned>(m.buffers[id].shape.size()),
                     m.buffers[id].shape});
  std::vector<Buffer> results;
  std::string message;
  const std::string &name =
      m.codeObjects[step.codeObject].exports[step.exportIndex].name;
  if (!executables_[step.codeObject]->launch(step.exportIndex, args, specs,
                                             results, message)) {
    error = prefix() + "'" + name + "': " + message;
    return false;
  }
  for (size_t j = 0; j < step.results.size(); ++j) {
    const BufferDesc &b = m.buffers[step.results[j]];
    if (!fits(results[j].shape(), b.shape)) {
      std::string what = b.kind == BufferKind::Output
                             ? "output '" + m.outputs[b.index].name + "'"
                             : "buffer " + std::to_string(step.results[j]);
      error = prefix() + "'" + name + "' returned shape " +
              formatShape(results[j].shape()) + " for " + what +
              ", the manifest says " + formatShape(b.shape);
      return false;
    }
    values[step.results[j]] = std::move(results[j]);
  }
  return true;
}

/// The device a step runs on: a launch's own, a transfer's destination.
static unsigned stepDevice(const Manifest &m, const ScheduleStep &s) {
  return s.op == StepOp::Launch ? s.device : m.buffers[s.dst].device;
}

bool Session::runAsync(std::vector<Buffer> &values, std::string &error) {
  const Manifest &m = manifest();
  // One timeline per device: the k-th step submitted to a device's queue
  // signals its semaphore to k. A step waits for the steps that wrote what
  // it reads, and for the previous step of its own queue (so a failure
  // stops everything after it on that queue).
  std::vector<std::unique_ptr<Semaphore>> timeline;
  for (size_t d = 0; d < devices_.size(); ++d)
    timeline.push_back(std::make_unique<Semaphore>());
  std::vector<uint64_t> submitted(devices_.size(), 0);
  std::vector<SemaphorePoint> writer(m.buffers.size(), {nullptr, 0});
  for (unsigned i = 0; i < m.schedule.size(); ++i) {
    const ScheduleStep &step = m.schedule[i];
    unsigned d = stepDevice(m, step);
    std::vector<SemaphorePoint> waits;
    if (submitted[d])
      waits.push_back({timeline[d].get(), submitted[d]});
    auto waitFor = [&](unsigned buffer) {
      if (writer[buffer].semaphore &&
          writer[buffer].semaphore != timeline[d].get())
        waits.push_back(writer[buffer]);
    };
    if (step.op == StepOp::Transfer)
      waitFor(step.src);
    for (unsigned id : step.args)
      waitFor(id);
    SemaphorePoint signal{timeline[d].get(), ++submitted[d]};
    if (step.op == StepOp::Transfer)
      writer[step.dst] = signal;
    for (unsigned id : step.results)
      writer[id] = signal;
    devices_[d]->queue().submit(
        std::move(waits), signal,
        [this, i, &values](std::string &e) { return runStep(i, values, e); });
  }
  // Drain: a fence after the last step of each queue, so nothing of this
  // run is still running (or touching `values`) when run() returns.
  std::vector<std::unique_ptr<Semaphore>> fences;
  for (size_t d = 0; d < devices_.size(); ++d) {
    if (!submitted[d])
      continue;
    fences.push_back(std::make_unique<Semaphore>());
    devices_[d]->queue().submit({}, {fences.back().get(), 1},
                                [](std::string &) { return true; });
  }
  std::string ignored;
  for (auto &f : fences)
    f->wait(1, ignored);
  for (size_t d = 0; d < devices_.size(); ++d)
    if (submitted[d] && !timeline[d]->wait(submitted[d], error))
      return false;
  return true;
}

bool Session::run(const std::vector<Buffer> &inputs,
                  std::vector<Buffer> &outputs, std::string &error) {
  OneLineOnReturn oneLineError{error};
  const Manifest &m = manifest();
  if (!checkInputs(m, inputs, error))
    return false;
  std::vector<Buffer> values(m.buffers.size());
  for (size_t i = 0; i < m.buffers.size(); ++i) {
    const BufferDesc &b = m.buffers[i];
    if (b.kind == BufferKind::Input)
      values[i] = inputs[b.index];
    else if (b.kind == BufferKind::Weight)
      values[i] = weights_[b.index];
  }

  // One device: the steps run in order on the calling thread (no queue hop,
  // and concurrent run() calls proceed in parallel). Several: each device's
  // steps run on its queue, overlapping where the data allows.
  if (deviceCount_ > 1) {
    if (!runAsync(values, error))
      return false;
  } else {
    for (unsigned s = 0; s < m.schedule.size(); ++s)
      if (!runStep(s, values, error))
        return false;
  }

  outputs.assign(m.outputs.size(), Buffer());
  for (size_t i = 0; i < m.buffers.size(); ++i)
    if (m.buffers[i].kind == BufferKind::Output)
      outputs[m.buffers[i].index] = values[i];
  return true;
}
