//===- Queue.cpp - Timeline semaphores and per-device queues --------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Runtime/Queue.h"

using namespace tangram;

void Semaphore::signal(uint64_t value) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (value > value_)
      value_ = value;
  }
  changed_.notify_all();
}

void Semaphore::fail(const std::string &message) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!failed_) {
      failed_ = true;
      message_ = message;
    }
  }
  changed_.notify_all();
}

bool Semaphore::wait(uint64_t value, std::string &error) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return failed_ || value_ >= value; });
  if (failed_) {
    error = message_;
    return false;
  }
  return true;
}

uint64_t Semaphore::value() {
  std::lock_guard<std::mutex> lock(mutex_);
  return value_;
}

Queue::Queue(std::string name) : name_(std::move(name)) {
  thread_ = std::thread([this] { loop(); });
}

Queue::~Queue() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  thread_.join();
}

void Queue::submit(std::vector<SemaphorePoint> waits, SemaphorePoint signal,
                   Work work) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    commands_.push_back({std::move(waits), signal, std::move(work)});
  }
  ready_.notify_one();
}

void Queue::loop() {
  for (;;) {
    Command c;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      ready_.wait(lock, [&] { return stopping_ || !commands_.empty(); });
      if (commands_.empty())
        return;
      c = std::move(commands_.front());
      commands_.pop_front();
    }
    // A command waits only on commands submitted before it, each at the
    // head of its own queue by then or done: the waits cannot deadlock.
    std::string error;
    bool ok = true;
    for (const SemaphorePoint &w : c.waits)
      if (!(ok = w.semaphore->wait(w.value, error)))
        break;
    if (ok)
      ok = c.work(error);
    if (ok)
      c.signal.semaphore->signal(c.signal.value);
    else
      c.signal.semaphore->fail(error);
  }
}
