//===- Session.h - Running a bundle ------------------------------*- C++
//-*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// A Session opens a bundle, creates its devices through their drivers, loads
// their code objects once, and then runs the schedule as often as asked.
// When a device of the main schedule is absent and the bundle carries
// fallback plans (`tangram-compile --fallback`), the first plan whose devices
// are all present runs instead:
//
//   std::string error;
//   auto session = tangram::Session::open("m.tgb", {}, error);
//   if (!session) { report(error); ... }
//   std::vector<tangram::Buffer> outputs;
//   if (!session->run(inputs, outputs, error)) { report(error); ... }
//
// Inputs are checked against the manifest (count, dtype, rank, static dims)
// before anything runs. run() may be called from several threads at once.
// With several devices, each device's steps run on its own queue and wait
// on semaphores for the steps whose buffers they read (Queue.h), so steps
// of different devices overlap and the host blocks only at the end.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_RUNTIME_SESSION_H
#define TANGRAM_RUNTIME_SESSION_H

#include "tangram/Bundle/Bundle.h"
#include "tangram/Runtime/Buffer.h"
#include "tangram/Runtime/Device.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tangram {

struct SessionOptions {
  /// Threads per CPU device (the calling thread included); 0 = one per
  /// hardware thread.
  unsigned threads = 0;
  /// When not empty ("cpu", "cpu:0"), every device of the bundle must be of
  /// this kind; the index, if any, is ignored while there is one device per
  /// kind.
  std::string device;
  /// Session::open verifies the checksums of the code and weights
  /// (Bundle::open); false skips them for very large trusted bundles.
  bool verify = true;
  /// Record the time of each kernel call (Profile.h; `tangram-run
  /// --profile`).
  bool profile = false;
};

class Session {
public:
  /// Opens the bundle at `path` and prepares it; null with `error` set (one
  /// line naming the file) on failure.
  static std::unique_ptr<Session> open(const std::string &path,
                                       const SessionOptions &options,
                                       std::string &error);
  /// Prepares an opened bundle (the session keeps it alive).
  static std::unique_ptr<Session> create(std::shared_ptr<const Bundle> bundle,
                                         const SessionOptions &options,
                                         std::string &error);
  ~Session();

  const Bundle &bundle() const { return *bundle_; }
  /// The bundle's manifest with the schedule that runs: the main one, or
  /// the fallback plan chosen when a device of the main one is absent.
  const Manifest &manifest() const {
    return fallback_ ? *fallback_ : bundle_->manifest();
  }
  /// 0 when the main schedule runs, K when fallback plan K does.
  unsigned plan() const { return static_cast<unsigned>(plan_); }
  /// Why the main schedule could not run (one line naming the device), or
  /// "" when it runs.
  const std::string &fallbackReason() const { return fallbackReason_; }

  /// Checks `inputs` against the manifest's inputs: the count, each dtype and
  /// rank, and every static dim. Errors name the input, e.g. "input 'x':
  /// expected shape [1,3,224,224] (f32), got [1,3,200,224] (f32)".
  static bool checkInputs(const Manifest &manifest,
                          const std::vector<Buffer> &inputs,
                          std::string &error);

  /// Runs the schedule; `outputs` gets one buffer per model output, in
  /// order. Inputs are only read.
  ///
  /// Threads: run() may be called from many threads at once on one Session
  /// (each call allocates its own intermediates and outputs; the loaded
  /// code, weights and devices are shared read-only), and many Sessions may
  /// be created over one Bundle. Outputs are bit-identical run to run for a
  /// given device and thread count. test/load/LoadTest.cpp checks both
  /// under ThreadSanitizer (docs/Reliability.md).
  bool run(const std::vector<Buffer> &inputs, std::vector<Buffer> &outputs,
           std::string &error);

private:
  Session() = default;
  /// Runs schedule step `index` on `values` (one per manifest buffer).
  bool runStep(unsigned index, std::vector<Buffer> &values,
               std::string &error);
  /// Submits every step to its device's queue and waits for all of them.
  bool runAsync(std::vector<Buffer> &values, std::string &error);

  std::shared_ptr<const Bundle> bundle_;
  /// Which schedule runs (see plan()), and the manifest that has it in place
  /// of the main one when it is a fallback.
  int plan_ = -1;
  std::optional<Manifest> fallback_;
  std::string fallbackReason_;
  /// One per manifest device; null for those the chosen plan does not use.
  std::vector<std::unique_ptr<Device>> devices_;
  size_t deviceCount_ = 0;
  /// One per code object; null for those the chosen plan does not launch.
  std::vector<std::unique_ptr<Executable>> executables_;
  /// One read-only view per weight, into the bundle's mapping.
  std::vector<Buffer> weights_;
};

} // namespace tangram

#endif // TANGRAM_RUNTIME_SESSION_H
