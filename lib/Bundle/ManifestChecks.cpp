//===- ManifestChecks.cpp - Bounds and reference checks of a manifest -----===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Everything the runtime relies on is checked here once, so that running a
// bundle never indexes out of range or reads outside the mapping: sections
// lie in the file without overlaps, weights lie in their sections, every
// index is in range, and the schedule reads only buffers that hold a value.
//
//===----------------------------------------------------------------------===//
#include "tangram/Bundle/Manifest.h"

#include <algorithm>

using namespace tangram;

namespace {

std::string range(uint64_t offset, uint64_t size) {
  return "[offset " + std::to_string(offset) + ", size " +
         std::to_string(size) + "]";
}

/// True when [a, a+as) and [b, b+bs) share a byte; sizes never overflow here
/// because both ranges were checked to lie in the file.
bool overlaps(uint64_t a, uint64_t as, uint64_t b, uint64_t bs) {
  return as && bs && a < b + bs && b < a + as;
}

bool checkSections(const Manifest &m, const BundleLayout &layout,
                   std::string &error) {
  std::vector<unsigned> order;
  for (unsigned i = 0; i < m.sections.size(); ++i) {
    const SectionDesc &s = m.sections[i];
    std::string name =
        "section " + std::to_string(i) + " " + range(s.offset, s.size);
    if (s.alignment < kBundleMinAlignment ||
        (s.alignment & (s.alignment - 1))) {
      error = "section " + std::to_string(i) + ": alignment " +
              std::to_string(s.alignment) + " is not a power of two >= " +
              std::to_string(kBundleMinAlignment);
      return false;
    }
    if (s.offset % s.alignment) {
      error = name + " is not aligned to " + std::to_string(s.alignment);
      return false;
    }
    if (s.offset > layout.fileSize || s.size > layout.fileSize - s.offset) {
      error = name + " runs past the end of the file (" +
              std::to_string(layout.fileSize) + " bytes)";
      return false;
    }
    if (overlaps(s.offset, s.size, 0, kBundleHeaderSize)) {
      error = name + " overlaps the header";
      return false;
    }
    if (overlaps(s.offset, s.size, layout.manifestOffset,
                 layout.manifestSize)) {
      error = name + " overlaps the manifest " +
              range(layout.manifestOffset, layout.manifestSize);
      return false;
    }
    if (s.size)
      order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](unsigned a, unsigned b) {
    return m.sections[a].offset < m.sections[b].offset;
  });
  for (size_t k = 1; k < order.size(); ++k) {
    const SectionDesc &prev = m.sections[order[k - 1]];
    const SectionDesc &cur = m.sections[order[k]];
    if (cur.offset < prev.offset + prev.size) {
      error = "section " + std::to_string(order[k]) + " " +
              range(cur.offset, cur.size) + " overlaps section " +
              std::to_string(order[k - 1]) + " " +
              range(prev.offset, prev.size);
      return false;
    }
  }
  return true;
}

bool checkWeights(const Manifest &m, std::string &error) {
  for (unsigned i = 0; i < m.weights.size(); ++i) {
    const WeightDesc &w = m.weights[i];
    std::string name = "weight " + std::to_string(i) + " '" + w.name + "'";
    if (w.section >= m.sections.size()) {
      error = name + ": section " + std::to_string(w.section) +
              " does not exist (" + std::to_string(m.sections.size()) +
              " sections)";
      return false;
    }
    const SectionDesc &s = m.sections[w.section];
    if (s.kind != "weights") {
      error = name + ": section " + std::to_string(w.section) + " is a '" +
              s.kind + "' section, not 'weights'";
      return false;
    }
    if (w.offset % kBundleMinAlignment) {
      error = name + ": offset " + std::to_string(w.offset) +
              " is not a multiple of " + std::to_string(kBundleMinAlignment);
      return false;
    }
    if (w.offset > s.size || w.size > s.size - w.offset) {
      error = name + " " + range(w.offset, w.size) +
              " does not fit in section " + std::to_string(w.section) +
              " (size " + std::to_string(s.size) + ")";
      return false;
    }
    uint64_t expected;
    if (!shapeByteSize(w.shape, w.dtype, expected)) {
      error = name + ": shape " + formatShape(w.shape) + " is too large";
      return false;
    }
    if (expected != w.size) {
      error = name + ": size " + std::to_string(w.size) + " does not match " +
              formatShape(w.shape) + " " + dtypeName(w.dtype) + " (" +
              std::to_string(expected) + " bytes)";
      return false;
    }
  }
  return true;
}

bool checkCodeObjects(const Manifest &m, std::string &error) {
  for (unsigned i = 0; i < m.codeObjects.size(); ++i) {
    const CodeObjectDesc &c = m.codeObjects[i];
    std::string name = "code object " + std::to_string(i);
    if (c.device >= m.devices.size()) {
      error = name + ": device " + std::to_string(c.device) +
              " does not exist (" + std::to_string(m.devices.size()) +
              " devices)";
      return false;
    }
    if (c.section >= m.sections.size()) {
      error = name + ": section " + std::to_string(c.section) +
              " does not exist (" + std::to_string(m.sections.size()) +
              " sections)";
      return false;
    }
    if (m.sections[c.section].kind != "code") {
      error = name + ": section " + std::to_string(c.section) + " is a '" +
              m.sections[c.section].kind + "' section, not 'code'";
      return false;
    }
  }
  return true;
}

bool checkBuffers(Manifest &m, std::string &error) {
  std::vector<unsigned> outputBuffers(m.outputs.size(), 0);
  for (unsigned i = 0; i < m.buffers.size(); ++i) {
    BufferDesc &b = m.buffers[i];
    std::string name = "buffer " + std::to_string(i);
    if (b.device >= m.devices.size()) {
      error = name + ": device " + std::to_string(b.device) +
              " does not exist (" + std::to_string(m.devices.size()) +
              " devices)";
      return false;
    }
    size_t count = b.kind == BufferKind::Input    ? m.inputs.size()
                   : b.kind == BufferKind::Output ? m.outputs.size()
                   : b.kind == BufferKind::Weight ? m.weights.size()
                                                  : 0;
    if (b.kind == BufferKind::Intermediate)
      continue;
    if (b.index >= count) {
      error = name + ": " + bufferKindName(b.kind) + " " +
              std::to_string(b.index) + " does not exist (" +
              std::to_string(count) + " " + bufferKindName(b.kind) + "s)";
      return false;
    }
    if (b.kind == BufferKind::Weight) {
      b.dtype = m.weights[b.index].dtype;
      b.shape = m.weights[b.index].shape;
      continue;
    }
    const TensorDesc &t =
        b.kind == BufferKind::Input ? m.inputs[b.index] : m.outputs[b.index];
    b.dtype = t.dtype;
    b.shape = t.shape;
    if (b.kind == BufferKind::Output && outputBuffers[b.index]++) {
      error = name + ": output " + std::to_string(b.index) + " '" + t.name +
              "' has more than one buffer";
      return false;
    }
  }
  for (unsigned j = 0; j < m.outputs.size(); ++j) {
    if (!outputBuffers[j]) {
      error = "output " + std::to_string(j) + " '" + m.outputs[j].name +
              "' has no buffer";
      return false;
    }
  }
  return true;
}

bool checkSchedule(const Manifest &m, std::string &error) {
  // Inputs and weights hold values from the start; the others once a step
  // writes them. Each buffer is written once.
  std::vector<bool> defined(m.buffers.size(), false);
  for (unsigned i = 0; i < m.buffers.size(); ++i)
    defined[i] = m.buffers[i].kind == BufferKind::Input ||
                 m.buffers[i].kind == BufferKind::Weight;
  auto checkRef = [&](const std::string &step, const char *role, unsigned id) {
    if (id < m.buffers.size())
      return true;
    error = step + ": " + role + " buffer " + std::to_string(id) +
            " does not exist (" + std::to_string(m.buffers.size()) +
            " buffers)";
    return false;
  };
  auto checkRead = [&](const std::string &step, unsigned id) {
    if (defined[id])
      return true;
    error = step + ": buffer " + std::to_string(id) +
            " is read before any step writes it";
    return false;
  };
  auto checkWrite = [&](const std::string &step, unsigned id) {
    BufferKind kind = m.buffers[id].kind;
    if (kind == BufferKind::Input || kind == BufferKind::Weight) {
      error = step + ": buffer " + std::to_string(id) + " is " +
              (kind == BufferKind::Input ? "an input" : "a weight") +
              " and cannot be written";
      return false;
    }
    if (defined[id]) {
      error = step + ": buffer " + std::to_string(id) + " is written twice";
      return false;
    }
    defined[id] = true;
    return true;
  };

  for (unsigned i = 0; i < m.schedule.size(); ++i) {
    const ScheduleStep &s = m.schedule[i];
    std::string step = "schedule step " + std::to_string(i);
    if (s.op == StepOp::Transfer) {
      if (!checkRef(step, "src", s.src) || !checkRef(step, "dst", s.dst) ||
          !checkRead(step, s.src))
        return false;
      const BufferDesc &src = m.buffers[s.src], &dst = m.buffers[s.dst];
      if (src.dtype != dst.dtype || src.shape.size() != dst.shape.size()) {
        error = step + ": transfer from buffer " + std::to_string(s.src) +
                " (" + dtypeName(src.dtype) + " rank " +
                std::to_string(src.shape.size()) + ") to buffer " +
                std::to_string(s.dst) + " (" + dtypeName(dst.dtype) + " rank " +
                std::to_string(dst.shape.size()) +
                ") changes the dtype or rank";
        return false;
      }
      if (!checkWrite(step, s.dst))
        return false;
      continue;
    }
    if (s.device >= m.devices.size()) {
      error = step + ": device " + std::to_string(s.device) +
              " does not exist (" + std::to_string(m.devices.size()) +
              " devices)";
      return false;
    }
    if (s.codeObject >= m.codeObjects.size()) {
      error = step + ": code object " + std::to_string(s.codeObject) +
              " does not exist (" + std::to_string(m.codeObjects.size()) +
              " code objects)";
      return false;
    }
    if (m.codeObjects[s.codeObject].device != s.device) {
      error = step + ": code object " + std::to_string(s.codeObject) +
              " is for device " +
              std::to_string(m.codeObjects[s.codeObject].device) +
              ", not device " + std::to_string(s.device);
      return false;
    }
    const CodeObjectDesc &code = m.codeObjects[s.codeObject];
    if (s.exportIndex >= code.exports.size()) {
      error = step + ": export " + std::to_string(s.exportIndex) +
              " does not exist (code object " + std::to_string(s.codeObject) +
              " has " + std::to_string(code.exports.size()) + ")";
      return false;
    }
    const ExportDesc &x = code.exports[s.exportIndex];
    if (s.args.size() != x.args || s.results.size() != x.results) {
      error = step + ": export '" + x.name + "' takes " +
              std::to_string(x.args) + " args and " +
              std::to_string(x.results) + " results, the launch gives " +
              std::to_string(s.args.size()) + " and " +
              std::to_string(s.results.size());
      return false;
    }
    if (s.results.empty()) {
      error = step + ": a launch needs at least one result";
      return false;
    }
    for (unsigned id : s.args) {
      if (!checkRef(step, "arg", id) || !checkRead(step, id))
        return false;
    }
    for (unsigned id : s.results) {
      if (!checkRef(step, "result", id))
        return false;
    }
    for (unsigned id : s.args) {
      if (m.buffers[id].device != s.device) {
        error = step + ": arg buffer " + std::to_string(id) + " is on device " +
                std::to_string(m.buffers[id].device) +
                ", the launch on device " + std::to_string(s.device);
        return false;
      }
    }
    for (unsigned id : s.results) {
      if (m.buffers[id].device != s.device) {
        error = step + ": result buffer " + std::to_string(id) +
                " is on device " + std::to_string(m.buffers[id].device) +
                ", the launch on device " + std::to_string(s.device);
        return false;
      }
      if (!checkWrite(step, id))
        return false;
    }
  }
  for (unsigned i = 0; i < m.buffers.size(); ++i) {
    if (m.buffers[i].kind == BufferKind::Output && !defined[i]) {
      error = "output " + std::to_string(m.buffers[i].index) + " '" +
              m.outputs[m.buffers[i].index].name +
              "' is never written by the schedule";
      return false;
    }
  }
  return true;
}

} // namespace

bool tangram::checkManifest(Manifest &manifest, const BundleLayout &layout,
                            std::string &error) {
  if (!checkSections(manifest, layout, error) ||
      !checkWeights(manifest, error) || !checkCodeObjects(manifest, error) ||
      !checkBuffers(manifest, error) || !checkSchedule(manifest, error))
    return false;
  // A fallback plan is checked as the main schedule is: swapped into its
  // place, then back.
  for (size_t k = 0; k < manifest.fallbacks.size(); ++k) {
    FallbackPlan &f = manifest.fallbacks[k];
    std::swap(manifest.buffers, f.buffers);
    std::swap(manifest.schedule, f.schedule);
    bool ok = checkBuffers(manifest, error) && checkSchedule(manifest, error);
    std::swap(manifest.buffers, f.buffers);
    std::swap(manifest.schedule, f.schedule);
    if (!ok) {
      error = "fallback plan " + std::to_string(k + 1) + ": " + error;
      return false;
    }
  }
  return true;
}

std::vector<unsigned>
tangram::planDevices(const std::vector<BufferDesc> &buffers,
                     const std::vector<ScheduleStep> &schedule) {
  std::vector<unsigned> devices;
  auto add = [&](unsigned d) {
    if (std::find(devices.begin(), devices.end(), d) == devices.end())
      devices.push_back(d);
  };
  for (const BufferDesc &b : buffers)
    add(b.device);
  for (const ScheduleStep &s : schedule)
    if (s.op == StepOp::Launch)
      add(s.device);
  std::sort(devices.begin(), devices.end());
  return devices;
}

std::string tangram::oneLine(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u != 0x7f) {
      out += c;
      continue;
    }
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      static const char digits[] = "0123456789abcdef";
      out += "\\x";
      out += digits[u >> 4];
      out += digits[u & 15];
    }
  }
  return out;
}
