//===- ManifestJSON.cpp - Manifest to and from JSON -----------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// nlohmann::json stays inside this file: the API takes and returns strings and
// structs, and nothing throws across it. This file is compiled with
// -fexceptions; accessors are only called after a type check, and a last
// try/catch turns anything unexpected into an error message.
//
//===----------------------------------------------------------------------===//
#include "tangram/Bundle/Manifest.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <exception>
#include <limits>

using namespace tangram;
using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

const char *tangram::bufferKindName(BufferKind kind) {
  switch (kind) {
  case BufferKind::Input:
    return "input";
  case BufferKind::Output:
    return "output";
  case BufferKind::Weight:
    return "weight";
  case BufferKind::Intermediate:
    return "intermediate";
  }
  return "?";
}

//===----------------------------------------------------------------------===//
// Serialization
//===----------------------------------------------------------------------===//

namespace {
ordered_json tensorToJson(const TensorDesc &t) {
  ordered_json j;
  j["name"] = t.name;
  j["dtype"] = dtypeName(t.dtype);
  j["shape"] = t.shape;
  if (!t.dimNames.empty())
    j["dim_names"] = t.dimNames;
  if (!t.dimMax.empty())
    j["dim_max"] = t.dimMax;
  return j;
}
const char *const kBindingKinds[] = {"arg", "scratch", "constant"};
const char *const kProgramOps[] = {
    "const", "dim", "add", "sub", "mul", "divs", "floordiv", "ceildiv",
    "rems", "mins", "maxs", "eq", "ne", "lt", "le", "gt", "ge", "and", "or",
    "xor", "select", "load", "shl"};

ordered_json programToJson(const GPUProgram &p) {
  ordered_json values = ordered_json::array();
  for (const ProgramValue &v : p.values) {
    if (v.op == ProgramOp::Select)
      values.push_back({kProgramOps[static_cast<int>(v.op)], v.a, v.b, v.c});
    else
      values.push_back({kProgramOps[static_cast<int>(v.op)], v.a, v.b});
  }
  ordered_json checks = ordered_json::array();
  for (const ProgramCheck &c : p.checks)
    checks.push_back({c.value, c.message});
  ordered_json kernels = ordered_json::array();
  for (const KernelDispatch &k : p.kernels) {
    ordered_json bindings = ordered_json::array();
    for (const Binding &b : k.bindings)
      bindings.push_back({kBindingKinds[static_cast<int>(b.kind)], b.index});
    ordered_json kj = {{"name", k.kernel},
                       {"workgroup", k.workgroup},
                       {"grid", k.grid},
                       {"params", k.params},
                       {"bindings", bindings}};
    if (k.conditional)
      kj["when"] = k.when;
    if (k.sharedBytes)
      kj["shared_bytes"] = k.sharedBytes;
    kernels.push_back(kj);
  }
  ordered_json constants = ordered_json::array();
  static const char hex[] = "0123456789abcdef";
  for (const std::vector<uint8_t> &c : p.constants) {
    std::string h;
    for (uint8_t b : c) {
      h += hex[b >> 4];
      h += hex[b & 15];
    }
    constants.push_back(h);
  }
  return {{"values", values},
          {"results", p.resultDims},
          {"checks", checks},
          {"scratch", p.scratch},
          {"constants", constants},
          {"kernels", kernels}};
}
} // namespace

std::string tangram::formatDims(const TensorDesc &t) {
  std::string s = "[";
  for (size_t i = 0; i < t.shape.size(); ++i) {
    if (i)
      s += ",";
    if (t.shape[i] >= 0)
      s += std::to_string(t.shape[i]);
    else if (i < t.dimNames.size() && !t.dimNames[i].empty())
      s += t.dimNames[i];
    else
      s += "?";
  }
  return s + "]";
}

namespace {
/// A schedule's "buffers" and "schedule" arrays, into `out`.
void planToJson(const std::vector<BufferDesc> &buffers,
                const std::vector<ScheduleStep> &schedule, ordered_json &out) {
  out["buffers"] = ordered_json::array();
  for (size_t i = 0; i < buffers.size(); ++i) {
    const BufferDesc &b = buffers[i];
    ordered_json j = {{"id", i}, {"kind", bufferKindName(b.kind)}};
    if (b.kind == BufferKind::Intermediate) {
      j["dtype"] = dtypeName(b.dtype);
      j["shape"] = b.shape;
    } else {
      j["index"] = b.index;
    }
    j["device"] = b.device;
    out["buffers"].push_back(j);
  }
  out["schedule"] = ordered_json::array();
  for (const ScheduleStep &s : schedule) {
    if (s.op == StepOp::Launch)
      out["schedule"].push_back({{"op", "launch"},
                                  {"device", s.device},
                                  {"code_object", s.codeObject},
                                  {"export", s.exportIndex},
                                  {"args", s.args},
                                  {"results", s.results}});
    else
      out["schedule"].push_back(
          {{"op", "transfer"}, {"src", s.src}, {"dst", s.dst}});
  }
}
} // namespace

/// Whether a kernel dispatch of `m` takes memory at launch (what version 3
/// adds), and where: the JSON path of the first that does.
static std::string firstSharedBytes(const Manifest &m) {
  for (size_t c = 0; c < m.codeObjects.size(); ++c) {
    const CodeObjectDesc &co = m.codeObjects[c];
    for (size_t x = 0; x < co.exports.size(); ++x) {
      const GPUProgram &p = co.exports[x].program;
      for (size_t k = 0; k < p.kernels.size(); ++k)
        if (p.kernels[k].sharedBytes)
          return "code_objects[" + std::to_string(c) + "].exports[" +
                 std::to_string(x) + "].program.kernels[" +
                 std::to_string(k) + "].shared_bytes";
    }
  }
  return "";
}

std::string tangram::serializeManifest(const Manifest &m) {
  ordered_json root;
  root["format"] = "tangram-bundle";
  // The oldest version that holds this manifest (Manifest.h).
  root["version"] =
      firstSharedBytes(m).empty() ? kManifestMinVersion : kManifestVersion;
  root["model"] = m.model;
  root["producer"] = m.producer;
  root["inputs"] = ordered_json::array();
  for (const TensorDesc &t : m.inputs)
    root["inputs"].push_back(tensorToJson(t));
  root["outputs"] = ordered_json::array();
  for (const TensorDesc &t : m.outputs)
    root["outputs"].push_back(tensorToJson(t));
  root["devices"] = ordered_json::array();
  for (size_t i = 0; i < m.devices.size(); ++i) {
    const DeviceDesc &d = m.devices[i];
    root["devices"].push_back({{"id", i},
                               {"name", d.name},
                               {"kind", d.kind},
                               {"target", d.target},
                               {"features", d.features}});
  }
  root["sections"] = ordered_json::array();
  for (size_t i = 0; i < m.sections.size(); ++i) {
    const SectionDesc &s = m.sections[i];
    root["sections"].push_back({{"id", i},
                                {"kind", s.kind},
                                {"offset", s.offset},
                                {"size", s.size},
                                {"alignment", s.alignment},
                                {"crc32", s.crc32}});
  }
  root["code_objects"] = ordered_json::array();
  for (size_t i = 0; i < m.codeObjects.size(); ++i) {
    const CodeObjectDesc &c = m.codeObjects[i];
    ordered_json exports = ordered_json::array();
    for (const ExportDesc &x : c.exports) {
      ordered_json j = {{"name", x.name}, {"args", x.args}, {"results", x.results}};
      if (!x.shapes.empty())
        j["shapes"] = x.shapes;
      if (x.hasProgram)
        j["program"] = programToJson(x.program);
      exports.push_back(j);
    }
    ordered_json code = {{"id", i},
                         {"device", c.device},
                         {"format", c.format},
                         {"section", c.section},
                         {"exports", exports}};
    if (!c.requires_.empty())
      code["requires"] = c.requires_;
    root["code_objects"].push_back(code);
  }
  root["weights"] = ordered_json::array();
  for (size_t i = 0; i < m.weights.size(); ++i) {
    const WeightDesc &w = m.weights[i];
    root["weights"].push_back({{"id", i},
                               {"name", w.name},
                               {"dtype", dtypeName(w.dtype)},
                               {"shape", w.shape},
                               {"section", w.section},
                               {"offset", w.offset},
                               {"size", w.size}});
  }
  planToJson(m.buffers, m.schedule, root);
  if (!m.fallbacks.empty()) {
    root["fallbacks"] = ordered_json::array();
    for (const FallbackPlan &f : m.fallbacks) {
      ordered_json j = ordered_json::object();
      planToJson(f.buffers, f.schedule, j);
      root["fallbacks"].push_back(j);
    }
  }
  // Names come from the model; never throw on invalid UTF-8 in them.
  return root.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

//===----------------------------------------------------------------------===//
// Parsing
//===----------------------------------------------------------------------===//

namespace {

/// Field readers that check presence and type and report the field's path.
class ManifestParser {
public:
  explicit ManifestParser(std::string &error) : error(error) {}

  bool parse(const json &root, Manifest &m);

private:
  std::string &error;

  bool fail(const std::string &path, const std::string &message) {
    error = "manifest: " + path + ": " + message;
    return false;
  }

  static std::string join(const std::string &path, const char *key) {
    return path.empty() ? std::string(key) : path + "." + key;
  }
  static std::string at(const std::string &path, size_t i) {
    return path + "[" + std::to_string(i) + "]";
  }

  const json *field(const json &obj, const std::string &path, const char *key,
                    bool required = true) {
    auto it = obj.find(key);
    if (it == obj.end()) {
      if (required)
        fail(join(path, key), "missing");
      return nullptr;
    }
    return &*it;
  }

  bool getString(const json &obj, const std::string &path, const char *key,
                 std::string &out, bool required = true) {
    const json *v = field(obj, path, key, required);
    if (!v)
      return !required;
    if (!v->is_string())
      return fail(join(path, key), "expected a string");
    out = v->get<std::string>();
    return true;
  }

  bool toUInt(const json &v, const std::string &path, uint64_t &out) {
    if (v.is_number_unsigned()) {
      out = v.get<uint64_t>();
      return true;
    }
    if (v.is_number_integer() && v.get<int64_t>() >= 0) {
      out = static_cast<uint64_t>(v.get<int64_t>());
      return true;
    }
    return fail(path, "expected a non-negative integer");
  }

  bool getUInt(const json &obj, const std::string &path, const char *key,
               uint64_t &out) {
    const json *v = field(obj, path, key);
    return v && toUInt(*v, join(path, key), out);
  }

  /// An index into another array (bounds are checked by checkManifest).
  bool toIndex(const json &v, const std::string &path, unsigned &out) {
    uint64_t value;
    if (!toUInt(v, path, value))
      return false;
    if (value > std::numeric_limits<unsigned>::max())
      return fail(path, "index " + std::to_string(value) + " is too large");
    out = static_cast<unsigned>(value);
    return true;
  }

  bool getIndex(const json &obj, const std::string &path, const char *key,
                unsigned &out) {
    const json *v = field(obj, path, key);
    return v && toIndex(*v, join(path, key), out);
  }

  bool getIndexList(const json &obj, const std::string &path, const char *key,
                    std::vector<unsigned> &out) {
    const json *v = field(obj, path, key);
    if (!v)
      return false;
    std::string p = join(path, key);
    if (!v->is_array())
      return fail(p, "expected an array of buffer ids");
    out.clear();
    for (size_t i = 0; i < v->size(); ++i) {
      unsigned id;
      if (!toIndex((*v)[i], at(p, i), id))
        return false;
      out.push_back(id);
    }
    return true;
  }

  bool getDType(const json &obj, const std::string &path, DType &out) {
    std::string name;
    if (!getString(obj, path, "dtype", name))
      return false;
    if (!parseDType(name, out))
      return fail(join(path, "dtype"), "unknown dtype '" + name + "'");
    return true;
  }

  /// A shape; dynamic dims (-1) only where `allowDynamic`.
  bool getShape(const json &obj, const std::string &path, Shape &out,
                bool allowDynamic) {
    const json *v = field(obj, path, "shape");
    if (!v)
      return false;
    std::string p = join(path, "shape");
    if (!v->is_array())
      return fail(p, "expected an array of dims");
    out.clear();
    for (size_t i = 0; i < v->size(); ++i) {
      const json &d = (*v)[i];
      int64_t dim;
      if (d.is_number_unsigned() &&
          d.get<uint64_t>() <=
              static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        dim = static_cast<int64_t>(d.get<uint64_t>());
      else if (d.is_number_integer() && !d.is_number_unsigned())
        dim = d.get<int64_t>();
      else
        return fail(at(p, i), "expected an integer dim");
      if (dim < (allowDynamic ? -1 : 0))
        return fail(at(p, i), allowDynamic
                                  ? "a dim must be >= 0, or -1 for dynamic"
                                  : "a dim must be >= 0 (static)");
      out.push_back(dim);
    }
    return true;
  }

  /// The optional "dim_names" of a tensor: one string per dim, non-empty
  /// only on dynamic dims.
  bool getDimNames(const json &obj, const std::string &path, TensorDesc &t) {
    auto it = obj.find("dim_names");
    if (it == obj.end())
      return true;
    std::string p = join(path, "dim_names");
    if (!it->is_array() || it->size() != t.shape.size())
      return fail(p, "expected an array of " + std::to_string(t.shape.size()) +
                         " strings (one per dim)");
    for (size_t i = 0; i < it->size(); ++i) {
      const json &d = (*it)[i];
      if (!d.is_string())
        return fail(at(p, i), "expected a string");
      std::string name = d.get<std::string>();
      if (!name.empty() && t.shape[i] >= 0)
        return fail(at(p, i), "a static dim has no name");
      t.dimNames.push_back(std::move(name));
    }
    return true;
  }

  /// The optional "dim_max" of a tensor: one integer per dim, -1 or a bound
  /// (>= 0) on a dynamic dim.
  bool getDimMax(const json &obj, const std::string &path, TensorDesc &t) {
    auto it = obj.find("dim_max");
    if (it == obj.end())
      return true;
    std::string p = join(path, "dim_max");
    if (!it->is_array() || it->size() != t.shape.size())
      return fail(p, "expected an array of " + std::to_string(t.shape.size()) +
                         " integers (one per dim)");
    for (size_t i = 0; i < it->size(); ++i) {
      const json &d = (*it)[i];
      if (!d.is_number_integer())
        return fail(at(p, i), "expected an integer");
      int64_t v = d.get<int64_t>();
      if (v < -1 || (v >= 0 && t.shape[i] >= 0))
        return fail(at(p, i), "expected -1, or a bound >= 0 on a dynamic dim");
      t.dimMax.push_back(v);
    }
    return true;
  }

  /// The array `key` of the root, each element an object whose "id" (when
  /// `withIds`) equals its position.
  const json *getArray(const json &root, const char *key, bool withIds) {
    return getArray(root, "", key, withIds);
  }
  /// The same for the array `key` of the object at `path`.
  const json *getArray(const json &obj, const std::string &path,
                       const char *key, bool withIds) {
    const json *v = field(obj, path, key);
    if (!v)
      return nullptr;
    std::string here = join(path, key);
    if (!v->is_array()) {
      fail(here, "expected an array");
      return nullptr;
    }
    for (size_t i = 0; i < v->size(); ++i) {
      const json &e = (*v)[i];
      std::string p = at(here, i);
      if (!e.is_object()) {
        fail(p, "expected an object");
        return nullptr;
      }
      if (!withIds)
        continue;
      unsigned id;
      if (!getIndex(e, p, "id", id))
        return nullptr;
      if (id != i) {
        fail(join(p, "id"), "id " + std::to_string(id) +
                                " must equal its position " +
                                std::to_string(i));
        return nullptr;
      }
    }
    return v;
  }

  /// A list of value ids, each below `limit`.
  bool getValueIds(const json &v, const std::string &p, size_t limit,
                   std::vector<unsigned> &out) {
    if (!v.is_array())
      return fail(p, "expected an array of value ids");
    for (size_t i = 0; i < v.size(); ++i) {
      unsigned id;
      if (!toIndex(v[i], at(p, i), id))
        return false;
      if (id >= limit)
        return fail(at(p, i), "value " + std::to_string(id) +
                                  " does not exist (" + std::to_string(limit) +
                                  " values)");
      out.push_back(id);
    }
    return true;
  }

public:
  /// A GPU export's program; every reference is checked here, since it
  /// only refers to its own values and the export's `numBuffers` buffers.
  bool parseProgram(const json &v, const std::string &p, unsigned numBuffers,
                    unsigned numResults, GPUProgram &out) {
    if (!v.is_object())
      return fail(p, "expected an object");
    const json *values = field(v, p, "values");
    if (!values)
      return false;
    if (!values->is_array())
      return fail(join(p, "values"), "expected an array");
    for (size_t i = 0; i < values->size(); ++i) {
      const json &e = (*values)[i];
      std::string pe = at(join(p, "values"), i);
      bool select = e.is_array() && !e.empty() && e[0] == "select";
      if (!e.is_array() || e.size() != (select ? 4u : 3u) ||
          !e[0].is_string() || !e[1].is_number_integer() ||
          !e[2].is_number_integer() ||
          (select && !e[3].is_number_integer()))
        return fail(pe, "expected [op, integer, integer] (select: 3 "
                        "integers)");
      ProgramValue pv;
      std::string op = e[0].get<std::string>();
      auto it = std::find(std::begin(kProgramOps), std::end(kProgramOps), op);
      if (it == std::end(kProgramOps))
        return fail(pe, "unknown op '" + op + "'");
      pv.op = static_cast<ProgramOp>(it - std::begin(kProgramOps));
      pv.a = e[1].get<int64_t>();
      pv.b = e[2].get<int64_t>();
      if (select)
        pv.c = e[3].get<int64_t>();
      auto earlier = [&](int64_t id) { return id >= 0 && id < (int64_t)i; };
      if (pv.op == ProgramOp::Dim || pv.op == ProgramOp::Load) {
        if (pv.a < 0 || pv.a >= numBuffers)
          return fail(pe, op + " of buffer " + std::to_string(pv.a) +
                              ", which does not exist (" +
                              std::to_string(numBuffers) + " buffers)");
        if (pv.op == ProgramOp::Dim ? pv.b < 0 : !earlier(pv.b))
          return fail(pe, "an operand is not an earlier value");
      } else if (pv.op != ProgramOp::Const &&
                 (!earlier(pv.a) || !earlier(pv.b) ||
                  (select && !earlier(pv.c)))) {
        return fail(pe, "an operand is not an earlier value");
      }
      out.values.push_back(pv);
    }
    size_t n = out.values.size();
    const json *results = field(v, p, "results");
    if (!results)
      return false;
    if (!results->is_array() || results->size() != numResults)
      return fail(join(p, "results"),
                  "expected " + std::to_string(numResults) +
                      " arrays of value ids (one per result)");
    for (size_t i = 0; i < results->size(); ++i) {
      out.resultDims.emplace_back();
      if (!getValueIds((*results)[i], at(join(p, "results"), i), n,
                       out.resultDims.back()))
        return false;
    }
    const json *checks = field(v, p, "checks");
    if (!checks)
      return false;
    if (!checks->is_array())
      return fail(join(p, "checks"), "expected an array");
    for (size_t i = 0; i < checks->size(); ++i) {
      const json &c = (*checks)[i];
      std::string pc = at(join(p, "checks"), i);
      ProgramCheck check;
      if (!c.is_array() || c.size() != 2 || !c[1].is_string() ||
          !toIndex(c[0], at(pc, 0), check.value) || check.value >= n)
        return fail(pc, "expected [value id, message]");
      check.message = c[1].get<std::string>();
      out.checks.push_back(std::move(check));
    }
    const json *scratch = field(v, p, "scratch");
    if (!scratch || !getValueIds(*scratch, join(p, "scratch"), n, out.scratch))
      return false;
    const json *constants = field(v, p, "constants");
    if (!constants)
      return false;
    if (!constants->is_array())
      return fail(join(p, "constants"), "expected an array of hex strings");
    for (size_t i = 0; i < constants->size(); ++i) {
      const json &c = (*constants)[i];
      std::string pc = at(join(p, "constants"), i);
      if (!c.is_string() || c.get<std::string>().size() % 2)
        return fail(pc, "expected a hex string");
      std::string h = c.get<std::string>();
      std::vector<uint8_t> bytes;
      for (size_t k = 0; k < h.size(); k += 2) {
        auto digit = [](char ch) {
          return ch >= '0' && ch <= '9'   ? ch - '0'
                 : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                                          : -1;
        };
        int hi = digit(h[k]), lo = digit(h[k + 1]);
        if (hi < 0 || lo < 0)
          return fail(pc, "expected a hex string");
        bytes.push_back(static_cast<uint8_t>(hi * 16 + lo));
      }
      out.constants.push_back(std::move(bytes));
    }
    const json *kernels = getArray(v, p, "kernels", false);
    if (!kernels)
      return false;
    for (size_t i = 0; i < kernels->size(); ++i) {
      const json &e = (*kernels)[i];
      std::string pk = at(join(p, "kernels"), i);
      KernelDispatch k;
      if (!getString(e, pk, "name", k.kernel))
        return false;
      const json *wg = field(e, pk, "workgroup");
      const json *grid = field(e, pk, "grid");
      const json *params = field(e, pk, "params");
      const json *bindings = field(e, pk, "bindings");
      if (!wg || !grid || !params || !bindings)
        return false;
      if (!wg->is_array() || wg->size() != 3)
        return fail(join(pk, "workgroup"), "expected 3 sizes");
      std::vector<unsigned> g;
      for (size_t d = 0; d < 3; ++d)
        if (!toIndex((*wg)[d], at(join(pk, "workgroup"), d), k.workgroup[d]) ||
            k.workgroup[d] == 0)
          return fail(at(join(pk, "workgroup"), d), "expected a size >= 1");
      if (!grid->is_array() || grid->size() != 3 ||
          !getValueIds(*grid, join(pk, "grid"), n, g))
        return fail(join(pk, "grid"), "expected 3 value ids");
      std::copy(g.begin(), g.end(), k.grid);
      if (!getValueIds(*params, join(pk, "params"), n, k.params))
        return false;
      if (const json *when = field(e, pk, "when", false)) {
        k.conditional = true;
        if (!toIndex(*when, join(pk, "when"), k.when) || k.when >= n)
          return fail(join(pk, "when"), "expected a value id");
      }
      if (const json *shared = field(e, pk, "shared_bytes", false))
        if (!toIndex(*shared, join(pk, "shared_bytes"), k.sharedBytes))
          return false;
      if (!bindings->is_array())
        return fail(join(pk, "bindings"), "expected an array");
      for (size_t b = 0; b < bindings->size(); ++b) {
        const json &be = (*bindings)[b];
        std::string pb = at(join(pk, "bindings"), b);
        const char *expected = "expected [\"arg\", \"scratch\" or "
                               "\"constant\", index]";
        if (!be.is_array() || be.size() != 2 || !be[0].is_string())
          return fail(pb, expected);
        Binding bd;
        std::string kind = be[0].get<std::string>();
        auto it = std::find(std::begin(kBindingKinds), std::end(kBindingKinds),
                            kind);
        if (it == std::end(kBindingKinds))
          return fail(pb, expected);
        bd.kind = static_cast<BindingKind>(it - std::begin(kBindingKinds));
        if (!toIndex(be[1], at(pb, 1), bd.index))
          return false;
        size_t limit = bd.kind == BindingKind::Scratch ? out.scratch.size()
                       : bd.kind == BindingKind::Constant
                           ? out.constants.size()
                           : numBuffers;
        if (bd.index >= limit)
          return fail(pb, kind + " " + std::to_string(bd.index) +
                              " does not exist");
        k.bindings.push_back(bd);
      }
      out.kernels.push_back(std::move(k));
    }
    return true;
  }

  /// A schedule's "buffers" and "schedule" arrays in `obj` (at `path`).
  bool parsePlan(const json &obj, const std::string &path,
                 std::vector<BufferDesc> &buffersOut,
                 std::vector<ScheduleStep> &scheduleOut) {
    const json *buffers = getArray(obj, path, "buffers", true);
    if (!buffers)
      return false;
    for (size_t i = 0; i < buffers->size(); ++i) {
      const json &e = (*buffers)[i];
      std::string p = at(join(path, "buffers"), i);
      BufferDesc b;
      std::string kind;
      if (!getString(e, p, "kind", kind) || !getIndex(e, p, "device", b.device))
        return false;
      if (kind == "input")
        b.kind = BufferKind::Input;
      else if (kind == "output")
        b.kind = BufferKind::Output;
      else if (kind == "weight")
        b.kind = BufferKind::Weight;
      else if (kind == "intermediate")
        b.kind = BufferKind::Intermediate;
      else
        return fail(join(p, "kind"),
                    "unknown buffer kind '" + kind +
                        "' (expected input, output, weight or intermediate)");
      if (b.kind == BufferKind::Intermediate) {
        if (!getDType(e, p, b.dtype) ||
            !getShape(e, p, b.shape, /*allowDynamic=*/true))
          return false;
      } else if (!getIndex(e, p, "index", b.index)) {
        return false;
      }
      buffersOut.push_back(std::move(b));
    }

    const json *schedule = getArray(obj, path, "schedule", false);
    if (!schedule)
      return false;
    for (size_t i = 0; i < schedule->size(); ++i) {
      const json &e = (*schedule)[i];
      std::string p = at(join(path, "schedule"), i);
      ScheduleStep s;
      std::string op;
      if (!getString(e, p, "op", op))
        return false;
      if (op == "launch") {
        s.op = StepOp::Launch;
        if (!getIndex(e, p, "device", s.device) ||
            !getIndex(e, p, "code_object", s.codeObject) ||
            !getIndex(e, p, "export", s.exportIndex) ||
            !getIndexList(e, p, "args", s.args) ||
            !getIndexList(e, p, "results", s.results))
          return false;
      } else if (op == "transfer") {
        s.op = StepOp::Transfer;
        if (!getIndex(e, p, "src", s.src) || !getIndex(e, p, "dst", s.dst))
          return false;
      } else if (op == "host") {
        return fail(join(p, "op"), "op 'host' is reserved and not supported");
      } else {
        return fail(join(p, "op"),
                    "unknown op '" + op + "' (expected launch or transfer)");
      }
      scheduleOut.push_back(std::move(s));
    }
    return true;
  }

private:
  bool parseTensors(const json &root, const char *key,
                    std::vector<TensorDesc> &out) {
    const json *arr = getArray(root, key, /*withIds=*/false);
    if (!arr)
      return false;
    for (size_t i = 0; i < arr->size(); ++i) {
      const json &e = (*arr)[i];
      std::string p = at(key, i);
      TensorDesc t;
      if (!getString(e, p, "name", t.name) || !getDType(e, p, t.dtype) ||
          !getShape(e, p, t.shape, /*allowDynamic=*/true) ||
          !getDimNames(e, p, t) || !getDimMax(e, p, t))
        return false;
      out.push_back(std::move(t));
    }
    return true;
  }
};

bool ManifestParser::parse(const json &root, Manifest &m) {
  if (!root.is_object())
    return fail("(root)", "expected a JSON object");
  std::string format;
  if (!getString(root, "", "format", format))
    return false;
  if (format != "tangram-bundle")
    return fail("format",
                "expected \"tangram-bundle\", got \"" + format + "\"");
  const json *version = field(root, "", "version");
  if (!version)
    return false;
  if (!version->is_number_integer())
    return fail("version", "expected an integer");
  int64_t v = version->get<int64_t>();
  if (v < kManifestMinVersion || v > kManifestVersion)
    return fail("version", "unsupported manifest version " + version->dump() +
                               " (this reader knows " +
                               std::to_string(kManifestMinVersion) + " to " +
                               std::to_string(kManifestVersion) + ")");
  if (!getString(root, "", "model", m.model, /*required=*/false) ||
      !getString(root, "", "producer", m.producer, /*required=*/false))
    return false;

  if (!parseTensors(root, "inputs", m.inputs) ||
      !parseTensors(root, "outputs", m.outputs))
    return false;

  const json *devices = getArray(root, "devices", true);
  if (!devices)
    return false;
  for (size_t i = 0; i < devices->size(); ++i) {
    const json &e = (*devices)[i];
    std::string p = at("devices", i);
    DeviceDesc d;
    if (!getString(e, p, "name", d.name, false) ||
        !getString(e, p, "kind", d.kind) ||
        !getString(e, p, "target", d.target, false) ||
        !getString(e, p, "features", d.features, false))
      return false;
    m.devices.push_back(std::move(d));
  }

  const json *sections = getArray(root, "sections", true);
  if (!sections)
    return false;
  for (size_t i = 0; i < sections->size(); ++i) {
    const json &e = (*sections)[i];
    std::string p = at("sections", i);
    SectionDesc s;
    uint64_t crc;
    if (!getString(e, p, "kind", s.kind) ||
        !getUInt(e, p, "offset", s.offset) || !getUInt(e, p, "size", s.size) ||
        !getUInt(e, p, "alignment", s.alignment) ||
        !getUInt(e, p, "crc32", crc))
      return false;
    if (crc > 0xffffffffu)
      return fail(join(p, "crc32"), std::to_string(crc) +
                                        " does not fit in 32 bits");
    s.crc32 = static_cast<uint32_t>(crc);
    m.sections.push_back(std::move(s));
  }

  const json *codeObjects = getArray(root, "code_objects", true);
  if (!codeObjects)
    return false;
  for (size_t i = 0; i < codeObjects->size(); ++i) {
    const json &e = (*codeObjects)[i];
    std::string p = at("code_objects", i);
    CodeObjectDesc c;
    if (!getIndex(e, p, "device", c.device) ||
        !getString(e, p, "format", c.format) ||
        !getIndex(e, p, "section", c.section))
      return false;
    const json *exports = getArray(e, p, "exports", false);
    if (!exports)
      return false;
    if (exports->empty())
      return fail(join(p, "exports"), "a code object exports at least one function");
    for (size_t k = 0; k < exports->size(); ++k) {
      const json &x = (*exports)[k];
      std::string px = join(p, "exports") + "[" + std::to_string(k) + "]";
      ExportDesc d;
      if (!getString(x, px, "name", d.name) ||
          !getIndex(x, px, "args", d.args) ||
          !getIndex(x, px, "results", d.results) ||
          !getString(x, px, "shapes", d.shapes, false))
        return false;
      if (d.name.empty())
        return fail(join(px, "name"), "the export name is empty");
      if (const json *prog = field(x, px, "program", false)) {
        d.hasProgram = true;
        if (!parseProgram(*prog, join(px, "program"), d.args + d.results,
                          d.results, d.program))
          return false;
      }
      c.exports.push_back(std::move(d));
    }
    if (const json *req = field(e, p, "requires", false)) {
      if (!req->is_array())
        return fail(join(p, "requires"), "expected an array of strings");
      for (size_t k = 0; k < req->size(); ++k) {
        if (!(*req)[k].is_string())
          return fail(at(join(p, "requires"), k), "expected a string");
        c.requires_.push_back((*req)[k].get<std::string>());
      }
    }
    m.codeObjects.push_back(std::move(c));
  }
  if (v < 3)
    if (std::string at = firstSharedBytes(m); !at.empty())
      return fail(at, "memory given at launch needs manifest version 3, not " +
                          std::to_string(v));

  const json *weights = getArray(root, "weights", true);
  if (!weights)
    return false;
  for (size_t i = 0; i < weights->size(); ++i) {
    const json &e = (*weights)[i];
    std::string p = at("weights", i);
    WeightDesc w;
    if (!getString(e, p, "name", w.name) || !getDType(e, p, w.dtype) ||
        !getShape(e, p, w.shape, /*allowDynamic=*/false) ||
        !getIndex(e, p, "section", w.section) ||
        !getUInt(e, p, "offset", w.offset) || !getUInt(e, p, "size", w.size))
      return false;
    m.weights.push_back(std::move(w));
  }

  if (!parsePlan(root, "", m.buffers, m.schedule))
    return false;
  if (const json *fallbacks = field(root, "", "fallbacks", false)) {
    if (!getArray(root, "fallbacks", false))
      return false;
    for (size_t k = 0; k < fallbacks->size(); ++k) {
      FallbackPlan f;
      if (!parsePlan((*fallbacks)[k], at("fallbacks", k), f.buffers,
                     f.schedule))
        return false;
      m.fallbacks.push_back(std::move(f));
    }
  }
  return true;
}

} // namespace

bool tangram::parseManifest(std::string_view text, Manifest &manifest,
                            std::string &error) {
  manifest = Manifest();
  try {
    json root = json::parse(text.begin(), text.end(), /*cb=*/nullptr,
                            /*allow_exceptions=*/false);
    if (root.is_discarded()) {
      // Parse again with exceptions for the position of the error.
      try {
        (void)json::parse(text.begin(), text.end());
      } catch (const json::parse_error &e) {
        error = "manifest: invalid JSON at byte " + std::to_string(e.byte);
        return false;
      }
      error = "manifest: invalid JSON";
      return false;
    }
    return ManifestParser(error).parse(root, manifest);
  } catch (const std::exception &e) {
    error = std::string("manifest: ") + e.what();
    return false;
  } catch (...) {
    error = "manifest: unexpected error while parsing";
    return false;
  }
}

std::string tangram::serializeGPUProgram(const GPUProgram &program) {
  return programToJson(program).dump();
}

bool tangram::parseGPUProgram(std::string_view text, unsigned numBuffers,
                              unsigned numResults, GPUProgram &program,
                              std::string &error) {
  program = GPUProgram();
  try {
    json root = json::parse(text.begin(), text.end(), /*cb=*/nullptr,
                            /*allow_exceptions=*/false);
    if (root.is_discarded())
      return error = "program: invalid JSON", false;
    return ManifestParser(error).parseProgram(root, "program", numBuffers,
                                              numResults, program);
  } catch (const std::exception &e) {
    error = std::string("program: ") + e.what();
    return false;
  }
}
