//===- BundleWriter.cpp - Writing a .tgb bundle ---------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Bundle/BundleWriter.h"
#include "tangram/Bundle/Bundle.h"
#include "tangram/Bundle/Checksum.h"

#include "LittleEndian.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace tangram;

/// Code objects start on a page so a loader could map them directly.
static constexpr uint64_t kCodeAlignment = 4096;

static uint64_t alignUp(uint64_t value, uint64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

BundleWriter::BundleWriter(std::string model, std::string producer) {
  manifest_.model = std::move(model);
  manifest_.producer = std::move(producer);
}

unsigned BundleWriter::addInput(std::string name, DType dtype, Shape shape,
                                std::vector<std::string> dimNames,
                                std::vector<int64_t> dimMax) {
  manifest_.inputs.push_back({std::move(name), dtype, std::move(shape),
                              std::move(dimNames), std::move(dimMax)});
  return manifest_.inputs.size() - 1;
}

unsigned BundleWriter::addOutput(std::string name, DType dtype, Shape shape,
                                 std::vector<std::string> dimNames) {
  manifest_.outputs.push_back(
      {std::move(name), dtype, std::move(shape), std::move(dimNames), {}});
  return manifest_.outputs.size() - 1;
}

BundleWriter BundleWriter::fromPlan(Manifest plan) {
  BundleWriter w(plan.model, plan.producer);
  w.codeBytes_.resize(plan.codeObjects.size());
  w.weightBytes_.assign(plan.weights.size(), PendingWeight{nullptr, 0});
  for (size_t i = 0; i < plan.weights.size(); ++i)
    w.weightBytes_[i].size = plan.weights[i].size;
  w.manifest_ = std::move(plan);
  return w;
}

unsigned BundleWriter::addDevice(std::string kind, std::string target,
                                 std::string features, std::string name) {
  manifest_.devices.push_back({std::move(name), std::move(kind),
                               std::move(target), std::move(features)});
  return manifest_.devices.size() - 1;
}

unsigned BundleWriter::addCodeObject(unsigned device, std::string format,
                                     std::vector<ExportDesc> exports,
                                     std::vector<uint8_t> bytes) {
  CodeObjectDesc c;
  c.device = device;
  c.format = std::move(format);
  c.exports = std::move(exports);
  manifest_.codeObjects.push_back(std::move(c));
  codeBytes_.push_back(std::move(bytes));
  return manifest_.codeObjects.size() - 1;
}

void BundleWriter::setCode(unsigned codeObject, std::string format,
                           std::vector<uint8_t> bytes) {
  manifest_.codeObjects.at(codeObject).format = std::move(format);
  codeBytes_.at(codeObject) = std::move(bytes);
}

void BundleWriter::setWeightData(unsigned weight, const void *data,
                                 size_t size) {
  weightBytes_.at(weight) = {data, size};
  manifest_.weights.at(weight).size = size;
}

unsigned BundleWriter::addWeight(std::string name, DType dtype, Shape shape,
                                 const void *data, size_t size) {
  WeightDesc w;
  w.name = std::move(name);
  w.dtype = dtype;
  w.shape = std::move(shape);
  w.size = size;
  manifest_.weights.push_back(std::move(w));
  weightBytes_.push_back({data, size});
  return manifest_.weights.size() - 1;
}

unsigned BundleWriter::addInputBuffer(unsigned input, unsigned device) {
  BufferDesc b;
  b.kind = BufferKind::Input;
  b.index = input;
  b.device = device;
  manifest_.buffers.push_back(std::move(b));
  return manifest_.buffers.size() - 1;
}

unsigned BundleWriter::addOutputBuffer(unsigned output, unsigned device) {
  BufferDesc b;
  b.kind = BufferKind::Output;
  b.index = output;
  b.device = device;
  manifest_.buffers.push_back(std::move(b));
  return manifest_.buffers.size() - 1;
}

unsigned BundleWriter::addWeightBuffer(unsigned weight, unsigned device) {
  BufferDesc b;
  b.kind = BufferKind::Weight;
  b.index = weight;
  b.device = device;
  manifest_.buffers.push_back(std::move(b));
  return manifest_.buffers.size() - 1;
}

unsigned BundleWriter::addIntermediateBuffer(DType dtype, Shape shape,
                                             unsigned device) {
  BufferDesc b;
  b.kind = BufferKind::Intermediate;
  b.device = device;
  b.dtype = dtype;
  b.shape = std::move(shape);
  manifest_.buffers.push_back(std::move(b));
  return manifest_.buffers.size() - 1;
}

void BundleWriter::addLaunch(unsigned device, unsigned codeObject,
                             std::vector<unsigned> args,
                             std::vector<unsigned> results,
                             unsigned exportIndex) {
  ScheduleStep s;
  s.op = StepOp::Launch;
  s.device = device;
  s.codeObject = codeObject;
  s.exportIndex = exportIndex;
  s.args = std::move(args);
  s.results = std::move(results);
  manifest_.schedule.push_back(std::move(s));
}

void BundleWriter::addTransfer(unsigned src, unsigned dst) {
  ScheduleStep s;
  s.op = StepOp::Transfer;
  s.src = src;
  s.dst = dst;
  manifest_.schedule.push_back(std::move(s));
}

namespace {

/// Sequential writes to a file descriptor with zero padding; remembers the
/// first error.
class FileOut {
public:
  explicit FileOut(int fd) : fd(fd) {}

  bool write(const void *data, size_t size) {
    const char *p = static_cast<const char *>(data);
    while (size && ok) {
      ssize_t n = ::write(fd, p, size);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0) {
        ok = false;
        err = n < 0 ? errno : EIO;
        break;
      }
      p += n;
      size -= static_cast<size_t>(n);
      pos += static_cast<uint64_t>(n);
    }
    return ok;
  }

  bool padTo(uint64_t offset) {
    static const char zeros[4096] = {};
    while (ok && pos < offset)
      write(zeros, std::min<uint64_t>(sizeof(zeros), offset - pos));
    return ok;
  }

  int fd;
  uint64_t pos = 0;
  bool ok = true;
  int err = 0;
};

} // namespace

bool BundleWriter::write(const std::string &path, std::string &error) {
  // Check what the layout below relies on; the reader checks the rest.
  for (size_t i = 0; i < weightBytes_.size(); ++i) {
    const WeightDesc &w = manifest_.weights[i];
    uint64_t expected;
    if (!shapeByteSize(w.shape, w.dtype, expected) || expected != w.size) {
      error = path + ": weight " + std::to_string(i) + " '" + w.name +
              "': " + std::to_string(w.size) + " bytes given for " +
              formatShape(w.shape) + " " + dtypeName(w.dtype);
      return false;
    }
    if (!weightBytes_[i].data && weightBytes_[i].size) {
      error = path + ": weight " + std::to_string(i) + " '" + w.name +
              "' has no data";
      return false;
    }
  }

  for (size_t i = 0; i < codeBytes_.size(); ++i)
    if (manifest_.codeObjects[i].format.empty()) {
      error = path + ": code object " + std::to_string(i) +
              " has no code (planned, never set)";
      return false;
    }

  // Lay out: header, one section per code object, the weights section, the
  // manifest.
  Manifest m = manifest_;
  m.sections.clear();
  uint64_t pos = kBundleHeaderSize;
  for (size_t i = 0; i < codeBytes_.size(); ++i) {
    SectionDesc s;
    s.kind = "code";
    s.alignment = kCodeAlignment;
    s.offset = alignUp(pos, kCodeAlignment);
    s.size = codeBytes_[i].size();
    s.crc32 = crc32Of(codeBytes_[i].data(), codeBytes_[i].size());
    pos = s.offset + s.size;
    m.codeObjects[i].section = m.sections.size();
    m.sections.push_back(s);
  }
  if (!m.weights.empty()) {
    SectionDesc s;
    s.kind = "weights";
    s.alignment = kBundleMinAlignment;
    s.offset = alignUp(pos, kBundleMinAlignment);
    uint64_t inner = 0;
    uint32_t crc = 0;
    static const uint8_t zeros[kBundleMinAlignment] = {};
    for (size_t i = 0; i < m.weights.size(); ++i) {
      WeightDesc &w = m.weights[i];
      w.section = m.sections.size();
      w.offset = alignUp(inner, kBundleMinAlignment);
      // The section's bytes as written below: zeros up to the weight, then
      // the weight.
      crc = crc32Update(crc, zeros, w.offset - inner);
      crc = crc32Update(crc, weightBytes_[i].data, weightBytes_[i].size);
      inner = w.offset + w.size;
    }
    s.size = inner;
    s.crc32 = crc;
    pos = s.offset + s.size;
    m.sections.push_back(s);
  }
  std::string manifestText = serializeManifest(m);
  uint64_t manifestOffset = alignUp(pos, 8);
  uint64_t fileSize = manifestOffset + manifestText.size();

  uint8_t header[kBundleHeaderSize] = {};
  std::memcpy(header, kBundleMagic, sizeof(kBundleMagic));
  putLE(header + 8, kBundleVersionMajor, 4);
  putLE(header + 12, kBundleVersionMinor, 4);
  putLE(header + 16, manifestOffset, 8);
  putLE(header + 24, manifestText.size(), 8);
  putLE(header + 32, fileSize, 8);
  putLE(header + kManifestCrcOffset,
        crc32Of(manifestText.data(), manifestText.size()), 4);
  putLE(header + kHeaderCrcOffset, headerCrc(header), 4);

  std::string tmp = path + ".tmp-XXXXXX";
  int fd = mkstemp(tmp.data());
  if (fd < 0) {
    error = path + ": cannot create a temporary file: " + std::strerror(errno);
    return false;
  }
  fchmod(fd, 0644);
  FileOut out(fd);
  out.write(header, sizeof(header));
  for (size_t i = 0; i < codeBytes_.size(); ++i) {
    out.padTo(m.sections[m.codeObjects[i].section].offset);
    out.write(codeBytes_[i].data(), codeBytes_[i].size());
  }
  for (size_t i = 0; i < m.weights.size(); ++i) {
    const WeightDesc &w = m.weights[i];
    out.padTo(m.sections[w.section].offset + w.offset);
    out.write(weightBytes_[i].data, weightBytes_[i].size);
  }
  out.padTo(manifestOffset);
  out.write(manifestText.data(), manifestText.size());
  if (::close(fd) != 0 && out.ok) {
    out.ok = false;
    out.err = errno;
  }
  if (!out.ok) {
    error = path + ": cannot write: " + std::strerror(out.err);
    ::unlink(tmp.c_str());
    return false;
  }

  // Never leave a bundle the reader would reject.
  std::string checkError;
  if (!Bundle::open(tmp, checkError)) {
    ::unlink(tmp.c_str());
    std::string detail =
        checkError.substr(std::min(checkError.size(), tmp.size() + 2));
    error = path + ": the bundle does not verify: " + detail;
    return false;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    error = path + ": cannot rename the temporary file into place: " +
            std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}
