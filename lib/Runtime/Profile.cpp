//===- Profile.cpp - Time per microkernel call ----------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Runtime/Profile.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <dlfcn.h>
#include <map>
#include <mutex>
#include <tuple>

using namespace tangram;

namespace {
struct Table {
  std::mutex mutex;
  std::map<std::pair<std::string, std::string>, KernelProfile> calls;
};
Table &table() {
  static Table t;
  return t;
}

std::string dims(const int64_t *v, int n) {
  std::string s;
  for (int i = 0; i < n; ++i)
    s += (i ? "x" : "") + std::to_string(v[i]);
  return s;
}

/// A call's sizes as a person reads them (Microkernels.c says what each
/// kind reports).
std::string describe(const std::string &kind, const int64_t *v,
                     int64_t count) {
  auto need = [&](int64_t n) { return count >= n; };
  if (kind == "matmul" && need(3)) // M, N, K
    return "[" + std::to_string(v[0]) + "x" + std::to_string(v[2]) + "] x [" +
           std::to_string(v[2]) + "x" + std::to_string(v[1]) + "]";
  if (kind == "batch_matmul" && need(4)) // B, M, N, K
    return std::to_string(v[0]) + " x [" + std::to_string(v[1]) + "x" +
           std::to_string(v[3]) + "] x [" + std::to_string(v[3]) + "x" +
           std::to_string(v[2]) + "]";
  if (kind.find("conv") != std::string::npos && need(12)) {
    // N, G, C, H, W, F, OH, OW, KH, KW, SH, SW (C and F per group).
    int64_t in[4] = {v[0], v[1] * v[2], v[3], v[4]};
    int64_t out[4] = {v[0], v[1] * v[5], v[6], v[7]};
    std::string s = dims(in, 4) + " -> " + dims(out, 4) + " k" +
                    std::to_string(v[8]) + "x" + std::to_string(v[9]) + " s" +
                    std::to_string(v[10]);
    if (v[11] != v[10])
      s += "x" + std::to_string(v[11]);
    if (v[1] > 1)
      s += " g" + std::to_string(v[1]);
    return s;
  }
  if (kind.find("pool") != std::string::npos && need(10)) {
    // N, C, IH, IW, OH, OW, KH, KW, SH, SW.
    std::string s = dims(v, 4) + " -> " + dims(v + 4, 2) + " k" +
                    std::to_string(v[6]) + "x" + std::to_string(v[7]) + " s" +
                    std::to_string(v[8]);
    if (v[9] != v[8])
      s += "x" + std::to_string(v[9]);
    return s;
  }
  if (kind == "loop" && need(2)) { // trip count, body address
    // Loop bodies are internal symbols: named by their offset in the code
    // object when the dynamic symbol table does not have them.
    auto *body = reinterpret_cast<void *>(static_cast<intptr_t>(v[1]));
    std::string s = "n=" + std::to_string(v[0]);
    Dl_info info{};
    if (!dladdr(body, &info))
      return s;
    if (info.dli_sname)
      return s + " " + info.dli_sname;
    char offset[32];
    std::snprintf(offset, sizeof offset, " body +0x%llx",
                  static_cast<unsigned long long>(
                      static_cast<char *>(body) -
                      static_cast<char *>(info.dli_fbase)));
    return s + offset;
  }
  return dims(v, static_cast<int>(std::min<int64_t>(count, 16)));
}
} // namespace

extern "C" int64_t tangram::tangram_profile_now() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void tangram::recordKernelCall(const std::string &kind,
                               const std::string &sizes, double ms) {
  Table &t = table();
  std::lock_guard<std::mutex> lock(t.mutex);
  KernelProfile &p = t.calls[{kind, sizes}];
  if (!p.calls) {
    p.kernel = kind;
    p.sizes = sizes;
  }
  ++p.calls;
  p.ms += ms;
}

extern "C" void tangram::tangram_profile_record(const char *kind,
                                                const int64_t *sizes,
                                                int64_t count, int64_t ns) {
  std::string k = kind ? kind : "?";
  recordKernelCall(k, describe(k, sizes, count), double(ns) * 1e-6);
}

std::vector<KernelProfile> tangram::takeKernelProfile() {
  Table &t = table();
  std::vector<KernelProfile> out;
  {
    std::lock_guard<std::mutex> lock(t.mutex);
    for (auto &[key, p] : t.calls)
      out.push_back(std::move(p));
    t.calls.clear();
  }
  std::sort(out.begin(), out.end(),
            [](const KernelProfile &a, const KernelProfile &b) {
              if (a.ms != b.ms)
                return a.ms > b.ms;
              return std::tie(a.kernel, a.sizes) < std::tie(b.kernel, b.sizes);
            });
  return out;
}
