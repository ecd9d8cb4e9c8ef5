//===- Queue.h - Timeline semaphores and per-device queues ------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// How a multi-device schedule overlaps: each device has a Queue that runs
// its commands in submission order on a thread of its own, and each command
// waits for semaphore values before it runs and signals one when done
// (Vulkan's and IREE's timeline semaphores, in small). The host submits a
// whole schedule without blocking and waits only for the outputs, so steps
// on different devices run at the same time whenever the data allows.
//
// A command that fails, or waits on a semaphore that failed, fails its own
// semaphore with the first message, so an error reaches whoever waits at
// the end and nothing after it runs.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_RUNTIME_QUEUE_H
#define TANGRAM_RUNTIME_QUEUE_H

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tangram {

/// A counter that only grows, or fails for good with a message.
class Semaphore {
public:
  /// Raises the value to `value` (never lowers it) and wakes waiters.
  void signal(uint64_t value);
  /// Fails the semaphore: every wait, present or future, returns false with
  /// `message` (the first failure's message is kept).
  void fail(const std::string &message);
  /// Blocks until the value reaches `value` (true) or the semaphore fails
  /// (false, `error` set).
  bool wait(uint64_t value, std::string &error);
  uint64_t value();

private:
  std::mutex mutex_;
  std::condition_variable changed_;
  uint64_t value_ = 0;
  bool failed_ = false;
  std::string message_;
};

/// A semaphore value a command waits for, or signals.
struct SemaphorePoint {
  Semaphore *semaphore;
  uint64_t value;
};

/// One worker thread running commands in submission order.
class Queue {
public:
  /// The work of a command: false with `error` set on failure.
  using Work = std::function<bool(std::string &error)>;

  explicit Queue(std::string name);
  /// Runs what was submitted, then stops the thread.
  ~Queue();
  Queue(const Queue &) = delete;
  Queue &operator=(const Queue &) = delete;

  /// Enqueues `work`: it runs after every earlier command of this queue and
  /// after each of `waits` is reached; then `signal` is raised (or failed,
  /// with the first error of the command or of a wait). Never blocks.
  void submit(std::vector<SemaphorePoint> waits, SemaphorePoint signal,
              Work work);

  const std::string &name() const { return name_; }

private:
  struct Command {
    std::vector<SemaphorePoint> waits;
    SemaphorePoint signal;
    Work work;
  };
  void loop();

  std::string name_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Command> commands_;
  bool stopping_ = false;
  std::thread thread_;
};

} // namespace tangram

#endif // TANGRAM_RUNTIME_QUEUE_H
