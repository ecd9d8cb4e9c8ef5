//===- PlacementReport.cpp - the placement report page --------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Pipelines/PlacementReport.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"
#include <map>
#include <nlohmann/json.hpp>

using namespace mlir;
using llvm::StringRef;
using namespace mlir::tangram;
using nlohmann::json;

namespace {

std::string escape(const std::string &s) {
  std::string out;
  for (char c : s) {
    switch (c) {
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '&': out += "&amp;"; break;
    case '"': out += "&quot;"; break;
    default: out += c;
    }
  }
  return out;
}

std::string num(double v, int digits = 3) {
  if (!std::isfinite(v))
    return "&infin;";
  std::string s;
  llvm::raw_string_ostream os(s);
  os << llvm::format(("%." + std::to_string(digits) + "g").c_str(), v);
  return s;
}

/// Distinct colours, one per device in catalog order.
const char *colour(size_t i) {
  static const char *palette[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759",
                                  "#b07aa1", "#76b7b2", "#edc948", "#9c755f"};
  return palette[i % 8];
}

void writePage(const json &r, StringRef model, llvm::raw_ostream &os) {
  std::map<std::string, size_t> deviceIndex;
  for (size_t i = 0; i < r["devices"].size(); ++i)
    deviceIndex[r["devices"][i]["id"].get<std::string>()] = i;
  os << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>"
     << escape(model.str()) << ": placement</title>\n<style>"
     << "body{font-family:sans-serif;margin:1.5em}table{border-collapse:"
        "collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 8px;"
        "text-align:right}td.l,th.l{text-align:left}.sw{display:inline-block;"
        "width:1em;height:1em;vertical-align:middle;margin-right:4px}"
        ".graph{overflow:auto;border:1px solid #ddd}</style></head><body>\n";
  os << "<h1>Placement of " << escape(model.str()) << "</h1>\n";
  os << "<p>Objective: <b>" << escape(r["objective"].get<std::string>())
     << "</b>. Found by " << escape(r["method"].get<std::string>()) << " in "
     << num(r["placement_ms"].get<double>()) << " ms over "
     << r["ops"].get<int>() << " ops in " << r["groups"].get<int>()
     << " fusion groups.</p>\n";

  // Totals beside the single-device alternatives.
  os << "<h2>Predicted totals</h2>\n<table><tr><th class=l>plan</th>"
        "<th>latency (ms)</th><th>throughput (/s)</th><th>cost per million"
        "</th></tr>\n";
  auto row = [&](const std::string &name, const json &f) {
    os << "<tr><td class=l>" << escape(name) << "</td>";
    if (f.contains("supported") && !f["supported"].get<bool>()) {
      os << "<td class=l colspan=3>cannot run the model: "
         << escape(f["why"].get<std::string>()) << "</td></tr>\n";
      return;
    }
    os << "<td>" << num(f["latency_ms"].get<double>()) << "</td><td>"
       << num(f["throughput_per_s"].get<double>()) << "</td><td>"
       << num(f["cost_per_million"].get<double>()) << "</td></tr>\n";
  };
  row("this placement", r["predicted"]);
  for (auto &[id, f] : r["single_device"].items())
    row(id + " alone", f);
  if (r.contains("greedy"))
    row("per-op greedy (fastest device, transfers ignored)", r["greedy"]);
  os << "</table>\n";

  os << "<h2>Devices</h2>\n<table><tr><th class=l>device</th><th class=l>"
        "target</th><th>busy (ms)</th><th>ops</th></tr>\n";
  std::map<std::string, int> opsOn;
  for (const json &n : r["nodes"])
    ++opsOn[n["device"].get<std::string>()];
  for (size_t i = 0; i < r["devices"].size(); ++i) {
    const json &d = r["devices"][i];
    std::string id = d["id"].get<std::string>();
    os << "<tr><td class=l><span class=sw style=\"background:" << colour(i)
       << "\"></span>" << escape(id) << "</td><td class=l>"
       << escape(d["target"].get<std::string>()) << "</td><td>"
       << num(d["busy_ms"].get<double>()) << "</td><td>" << opsOn[id]
       << "</td></tr>\n";
  }
  os << "</table>\n";

  // The graph: each node in the column of its longest path from the
  // inputs, coloured by device; edges that cross devices are red.
  const json &nodes = r["nodes"];
  size_t n = nodes.size();
  std::vector<int> layer(n, 0), rowOf(n, 0);
  std::map<int, int> height;
  for (size_t i = 0; i < n; ++i) {
    for (const json &p : nodes[i]["inputs"])
      layer[i] = std::max(layer[i], layer[p.get<size_t>()] + 1);
    rowOf[i] = height[layer[i]]++;
  }
  int columns = 0, rows = 0;
  for (auto &[l, h] : height)
    columns = std::max(columns, l + 1), rows = std::max(rows, h);
  const int w = 120, h = 34, gx = 40, gy = 12;
  os << "<h2>Graph</h2>\n<div class=graph><svg xmlns=\"http://www.w3.org/2000/svg\" width=\""
     << columns * (w + gx) + gx << "\" height=\"" << rows * (h + gy) + gy
     << "\" font-size=\"10\">\n";
  auto x = [&](size_t i) { return gx + layer[i] * (w + gx); };
  auto y = [&](size_t i) { return gy + rowOf[i] * (h + gy); };
  for (size_t i = 0; i < n; ++i)
    for (const json &p : nodes[i]["inputs"]) {
      size_t j = p.get<size_t>();
      bool crosses = nodes[j]["device"] != nodes[i]["device"];
      os << "<line x1=\"" << x(j) + w << "\" y1=\"" << y(j) + h / 2
         << "\" x2=\"" << x(i) << "\" y2=\"" << y(i) + h / 2 << "\" stroke=\""
         << (crosses ? "#d00" : "#999") << "\" stroke-width=\""
         << (crosses ? 2 : 1) << "\"/>\n";
    }
  for (size_t i = 0; i < n; ++i) {
    const json &node = nodes[i];
    std::string name = node["name"].get<std::string>();
    std::string op = node["op"].get<std::string>();
    std::string device = node["device"].get<std::string>();
    os << "<g><title>" << escape(name) << " (" << escape(op) << ") on "
       << escape(device) << ": " << num(node["predicted_ms"].get<double>())
       << " ms, " << escape(node["reason"].get<std::string>()) << "</title>"
       << "<rect x=\"" << x(i) << "\" y=\"" << y(i) << "\" width=\"" << w
       << "\" height=\"" << h << "\" rx=\"4\" fill=\""
       << colour(deviceIndex[device]) << "\"/><text x=\"" << x(i) + 4
       << "\" y=\"" << y(i) + 13 << "\" fill=\"#fff\">"
       << escape(op.substr(op.find('.') + 1)) << "</text><text x=\""
       << x(i) + 4 << "\" y=\"" << y(i) + 27 << "\" fill=\"#fff\">"
       << num(node["predicted_ms"].get<double>()) << " ms</text></g>\n";
  }
  os << "</svg></div>\n";

  os << "<h2>Transfers</h2>\n<table><tr><th class=l>from</th><th class=l>to"
        "</th><th>bytes</th><th>predicted (ms)</th></tr>\n";
  for (const json &t : r["transfers"])
    os << "<tr><td class=l>" << escape(t["from"].get<std::string>())
       << "</td><td class=l>" << escape(t["to"].get<std::string>())
       << "</td><td>" << num(t["bytes"].get<double>(), 6) << "</td><td>"
       << num(t["predicted_ms"].get<double>()) << "</td></tr>\n";
  os << "</table>\n";

  os << "<h2>Nodes</h2>\n<table><tr><th class=l>node</th><th class=l>op</th>"
        "<th class=l>device</th><th>group</th><th>GFLOP</th><th>predicted (ms)"
        "</th><th class=l>why there</th></tr>\n";
  for (const json &node : nodes) {
    std::string why = node["reason"].get<std::string>();
    if (node.contains("detail"))
      why += ": " + node["detail"].get<std::string>();
    os << "<tr><td class=l>" << escape(node["name"].get<std::string>())
       << "</td><td class=l>" << escape(node["op"].get<std::string>())
       << "</td><td class=l>" << escape(node["device"].get<std::string>())
       << "</td><td>" << node["group"].get<int>() << "</td><td>"
       << num(node["flops"].get<double>() / 1e9) << "</td><td>"
       << num(node["predicted_ms"].get<double>()) << "</td><td class=l>"
       << escape(why) << "</td></tr>\n";
  }
  os << "</table>\n</body></html>\n";
}

} // namespace

bool mlir::tangram::writePlacementReport(llvm::StringRef placement,
                                         llvm::StringRef path,
                                         llvm::StringRef model,
                                         std::string &error) {
  StringRef ext = llvm::sys::path::extension(path);
  if (ext != ".json" && ext != ".html")
    return error = "--report " + path.str() +
                   ": expected a .html or .json file",
           false;
  json report = json::parse(placement.begin(), placement.end(), nullptr, false);
  if (report.is_discarded())
    return error = "the placement record is not valid JSON", false;
  std::string message;
  auto out = openOutputFile(path, &message);
  if (!out)
    return error = path.str() + ": " + message, false;
  if (ext == ".json")
    out->os() << report.dump(1) << "\n";
  else
    writePage(report, model, out->os());
  out->keep();
  return true;
}
