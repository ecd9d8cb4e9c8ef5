//===- BundleTest.cpp - Tests of the .tgb reader and writer ---------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Bundle/Bundle.h"
#include "SampleBundle.h"
#include "tangram/Bundle/BundleWriter.h"
#include "tangram/Bundle/Checksum.h"

#include <cstring>
#include <filesystem>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>

using namespace tangram;
using namespace tangram::test;
using json = nlohmann::json;
using ::testing::HasSubstr;

namespace {

uint64_t getLE(const std::vector<uint8_t> &b, size_t at) {
  uint64_t v = 0;
  for (unsigned i = 0; i < 8; ++i)
    v |= static_cast<uint64_t>(b[at + i]) << (8 * i);
  return v;
}

void putLE(std::vector<uint8_t> &b, size_t at, uint64_t v, unsigned bytes) {
  for (unsigned i = 0; i < bytes; ++i)
    b[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

class BundleTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(writeSampleBundle(dir.file("s.tgb"), "in-process", error))
        << error;
    bytes = readFile(dir.file("s.tgb"));
    ASSERT_GT(bytes.size(), kBundleHeaderSize);
  }

  /// The manifest JSON of `bytes`.
  json manifestJson() const {
    uint64_t offset = getLE(bytes, 16), size = getLE(bytes, 24);
    return json::parse(bytes.begin() + offset, bytes.begin() + offset + size);
  }

  /// `bytes` with its manifest (the last thing in the file) replaced.
  std::vector<uint8_t> withManifest(const std::string &text) const {
    uint64_t offset = getLE(bytes, 16);
    std::vector<uint8_t> out(bytes.begin(), bytes.begin() + offset);
    out.insert(out.end(), text.begin(), text.end());
    putLE(out, 24, text.size(), 8);
    putLE(out, 32, out.size(), 8);
    return out;
  }
  std::vector<uint8_t> withManifest(const json &j) const {
    return withManifest(j.dump());
  }

  /// Opens `data` from an exactly sized heap copy (so a sanitizer sees any
  /// read past the end) and returns the error, or "" when it opened. The
  /// header's checksums are first made to match the edit (sealHeader), so
  /// that the field edited, not the checksum, is judged; `reseal` false
  /// opens the bytes as they are.
  static std::string openError(const std::vector<uint8_t> &data,
                               bool reseal = true) {
    std::unique_ptr<uint8_t[]> copy(new uint8_t[data.size() + 0]);
    if (!data.empty())
      std::memcpy(copy.get(), data.data(), data.size());
    if (reseal)
      sealHeader(copy.get(), data.size());
    std::string error;
    auto bundle = Bundle::openBytes(data.empty() ? nullptr : copy.get(),
                                    data.size(), "b.tgb", error);
    if (bundle)
      return "";
    EXPECT_FALSE(error.empty());
    return error;
  }

  TempDir dir;
  std::vector<uint8_t> bytes;
};

TEST_F(BundleTest, RoundTrip) {
  std::vector<float> w0(8 * 3 * 3);
  for (size_t i = 0; i < w0.size(); ++i)
    w0[i] = 0.5f * i;
  int64_t w1[3] = {-1, 0, 7};
  std::vector<uint8_t> code(5000, 0xAB);

  BundleWriter writer("model", "test");
  unsigned x = writer.addInput("x", DType::F32, {-1, 1, 28, 28});
  unsigned y = writer.addOutput("y", DType::I64, {-1, 10});
  unsigned z = writer.addOutput("z", DType::I1, {});
  unsigned cpu = writer.addDevice("cpu", "x86_64-unknown-linux-gnu", "+avx2");
  unsigned c =
      writer.addCodeObject(cpu, "elf-shared-object", {{"tangram_entry", 3, 2, ""}}, code);
  unsigned a = writer.addWeight("conv.weight", DType::F32, {8, 1, 3, 3},
                                w0.data(), w0.size() * 4);
  unsigned b = writer.addWeight("idx", DType::I64, {3}, w1, sizeof(w1));
  unsigned bx = writer.addInputBuffer(x);
  unsigned ba = writer.addWeightBuffer(a);
  unsigned bb = writer.addWeightBuffer(b);
  unsigned bt = writer.addIntermediateBuffer(DType::I64, {-1, 10});
  unsigned by = writer.addOutputBuffer(y);
  unsigned bz = writer.addOutputBuffer(z);
  writer.addLaunch(cpu, c, {bx, ba, bb}, {bt, bz});
  writer.addTransfer(bt, by);
  std::string error;
  std::string path = dir.file("m.tgb");
  ASSERT_TRUE(writer.write(path, error)) << error;

  auto bundle = Bundle::open(path, error);
  ASSERT_TRUE(bundle) << error;
  const Manifest &m = bundle->manifest();
  EXPECT_EQ(m.model, "model");
  EXPECT_EQ(m.producer, "test");
  ASSERT_EQ(m.inputs.size(), 1u);
  EXPECT_EQ(m.inputs[0].name, "x");
  EXPECT_EQ(m.inputs[0].shape, (Shape{-1, 1, 28, 28}));
  ASSERT_EQ(m.outputs.size(), 2u);
  EXPECT_EQ(m.outputs[0].dtype, DType::I64);
  EXPECT_EQ(m.outputs[1].dtype, DType::I1);
  EXPECT_TRUE(m.outputs[1].shape.empty());
  ASSERT_EQ(m.devices.size(), 1u);
  EXPECT_EQ(m.devices[0].features, "+avx2");
  ASSERT_EQ(m.codeObjects.size(), 1u);
  ASSERT_EQ(m.codeObjects[0].exports.size(), 1u);
  EXPECT_EQ(m.codeObjects[0].exports[0].name, "tangram_entry");
  EXPECT_EQ(m.codeObjects[0].exports[0].args, 3u);
  ByteSpan codeBytes = bundle->codeObject(0);
  ASSERT_EQ(codeBytes.size, code.size());
  EXPECT_EQ(std::memcmp(codeBytes.data, code.data(), code.size()), 0);
  EXPECT_EQ(m.sections[m.codeObjects[0].section].offset % 4096, 0u);
  ASSERT_EQ(m.weights.size(), 2u);
  ByteSpan wa = bundle->weight(0), wb = bundle->weight(1);
  ASSERT_EQ(wa.size, w0.size() * 4);
  EXPECT_EQ(std::memcmp(wa.data, w0.data(), wa.size), 0);
  ASSERT_EQ(wb.size, sizeof(w1));
  EXPECT_EQ(std::memcmp(wb.data, w1, sizeof(w1)), 0);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(wa.data) % 64, 0u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(wb.data) % 64, 0u);
  ASSERT_EQ(m.buffers.size(), 6u);
  EXPECT_EQ(m.buffers[ba].shape, (Shape{8, 1, 3, 3}));
  EXPECT_EQ(m.buffers[bt].kind, BufferKind::Intermediate);
  EXPECT_EQ(m.buffers[by].dtype, DType::I64);
  ASSERT_EQ(m.schedule.size(), 2u);
  EXPECT_EQ(m.schedule[0].args, (std::vector<unsigned>{bx, ba, bb}));
  EXPECT_EQ(m.schedule[1].op, StepOp::Transfer);
  EXPECT_EQ(std::filesystem::file_size(path), readFile(path).size());
  // Only the bundle is left in the directory: no temporary file.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}),
            2);
}

TEST_F(BundleTest, SampleOpensFromFileAndBytes) {
  std::string error;
  EXPECT_TRUE(Bundle::open(dir.file("s.tgb"), error)) << error;
  EXPECT_EQ(openError(bytes), "");
}

TEST_F(BundleTest, MissingFile) {
  std::string error;
  EXPECT_FALSE(Bundle::open(dir.file("none.tgb"), error));
  EXPECT_THAT(error, HasSubstr("none.tgb: cannot open file: No such file"));
  EXPECT_FALSE(Bundle::open(dir.path(), error));
  EXPECT_THAT(error, HasSubstr("not a regular file"));
}

TEST_F(BundleTest, BadMagic) {
  std::vector<uint8_t> b = bytes;
  b[0] = 'X';
  EXPECT_EQ(openError(b), "b.tgb: bad magic (not a Tangram bundle)");
  std::vector<uint8_t> text(100, 'a');
  EXPECT_EQ(openError(text), "b.tgb: bad magic (not a Tangram bundle)");
}

TEST_F(BundleTest, EveryTruncationFails) {
  for (size_t n = 0; n < bytes.size(); ++n) {
    std::vector<uint8_t> b(bytes.begin(), bytes.begin() + n);
    EXPECT_NE(openError(b), "") << "truncated to " << n << " bytes";
  }
  std::vector<uint8_t> b(bytes.begin(), bytes.begin() + 1000);
  EXPECT_EQ(openError(b), "b.tgb: truncated: header says " +
                              std::to_string(bytes.size()) +
                              " bytes, file has 1000");
  EXPECT_EQ(openError({}), "b.tgb: the file is empty");
  b.resize(10);
  EXPECT_EQ(openError(b), "b.tgb: truncated: the file has 10 bytes, a bundle "
                          "header needs 64");
  // The same through a file.
  std::string path = dir.file("t.tgb");
  ASSERT_TRUE(
      writeFile(path, std::vector<uint8_t>(bytes.begin(), bytes.end() - 1)));
  std::string error;
  EXPECT_FALSE(Bundle::open(path, error));
  EXPECT_THAT(error, HasSubstr("t.tgb: truncated: header says"));
}

// Damage on disk or in transit: one flipped bit anywhere in the file is
// rejected, and the message says what was damaged.
TEST_F(BundleTest, EveryBitFlipFails) {
  for (size_t byte = 0; byte < bytes.size(); ++byte)
    for (unsigned bit = 0; bit < 8; ++bit) {
      std::vector<uint8_t> b = bytes;
      b[byte] ^= static_cast<uint8_t>(1u << bit);
      EXPECT_NE(openError(b, /*reseal=*/false), "")
          << "bit " << bit << " of byte " << byte;
    }
}

TEST_F(BundleTest, DamagedSectionsAndManifest) {
  json j = manifestJson();
  for (size_t i = 0; i < j["sections"].size(); ++i) {
    if (j["sections"][i]["size"].get<uint64_t>() < 4)
      continue; // the in-process sample's code is empty
    std::vector<uint8_t> b = bytes;
    b[j["sections"][i]["offset"].get<uint64_t>() + 3] ^= 0x10;
    EXPECT_THAT(openError(b, false),
                HasSubstr("b.tgb: section " + std::to_string(i) + " (" +
                          j["sections"][i]["kind"].get<std::string>() +
                          ") is damaged (checksum 0x"));
  }
  std::vector<uint8_t> b = bytes;
  b[kBundleHeaderSize + 1] = 7; // padding before the first section
  EXPECT_THAT(openError(b, false),
              HasSubstr("b.tgb: byte 65 is damaged (padding between sections "
                        "must be zero)"));
  b = bytes;
  b[getLE(bytes, 16) + 5] ^= 4;
  EXPECT_THAT(openError(b, false), HasSubstr("b.tgb: the manifest is damaged"));
  b = bytes;
  b[50] = 1; // a reserved header byte
  EXPECT_THAT(openError(b, false), HasSubstr("b.tgb: the header is damaged"));
  b = bytes;
  b[33] ^= 2; // the file size: damage, not truncation, is reported
  EXPECT_THAT(openError(b, false), HasSubstr("b.tgb: the header is damaged"));
  // A section's checksum must fit in 32 bits.
  j["sections"][0]["crc32"] = 1ull << 32;
  EXPECT_THAT(openError(withManifest(j)),
              HasSubstr("manifest: sections[0].crc32: 4294967296 does not fit "
                        "in 32 bits"));
  j = manifestJson();
  j["sections"][0].erase("crc32");
  EXPECT_THAT(openError(withManifest(j)),
              HasSubstr("manifest: sections[0].crc32: missing"));
}

// Skipping verification skips the sections only: damaged weights load (the
// caller vouched for them), a damaged manifest never does.
TEST_F(BundleTest, NoVerifySkipsSectionsOnly) {
  json j = manifestJson();
  std::vector<uint8_t> b = bytes;
  for (const json &section : j["sections"])
    if (section["kind"] == "weights")
      b[section["offset"].get<uint64_t>()] ^= 1;
  ASSERT_NE(b, bytes);
  std::string error;
  EXPECT_FALSE(Bundle::openBytes(b.data(), b.size(), "b.tgb", error));
  EXPECT_TRUE(Bundle::openBytes(b.data(), b.size(), "b.tgb", error,
                                /*verifySections=*/false))
      << error;
  b = bytes;
  b[getLE(bytes, 16)] ^= 1;
  EXPECT_FALSE(Bundle::openBytes(b.data(), b.size(), "b.tgb", error, false));
  EXPECT_THAT(error, HasSubstr("the manifest is damaged"));
}

TEST_F(BundleTest, TrailingData) {
  std::vector<uint8_t> b = bytes;
  b.push_back(0);
  EXPECT_THAT(openError(b), HasSubstr("(trailing data)"));
}

TEST_F(BundleTest, VersionMismatch) {
  std::vector<uint8_t> b = bytes;
  putLE(b, 8, 1, 4);
  EXPECT_EQ(openError(b), "b.tgb: unsupported bundle version 1.0 (this "
                          "runtime reads 2.x; recompile the model)");
  putLE(b, 8, 3, 4);
  EXPECT_EQ(openError(b), "b.tgb: unsupported bundle version 3.0 (this "
                          "runtime reads 2.x)");
  // A newer minor version is fine.
  b = bytes;
  putLE(b, 12, 7, 4);
  EXPECT_EQ(openError(b), "");
  json j = manifestJson();
  j["version"] = 1;
  EXPECT_THAT(openError(withManifest(j)),
              HasSubstr("manifest: version: unsupported manifest version 1"));
}

TEST_F(BundleTest, ManifestOutOfBounds) {
  std::vector<uint8_t> b = bytes;
  putLE(b, 24, bytes.size(), 8);
  EXPECT_THAT(openError(b), HasSubstr("lies outside the file"));
  b = bytes;
  putLE(b, 16, std::numeric_limits<uint64_t>::max() - 3, 8);
  EXPECT_THAT(openError(b), HasSubstr("lies outside the file"));
  b = bytes;
  putLE(b, 16, 0, 8);
  EXPECT_THAT(openError(b), HasSubstr("lies outside the file"));
}

// Found by the bundle fuzzer: a manifest string holding a newline made a
// two-line error. Messages quote bundle text with control characters escaped.
TEST_F(BundleTest, ErrorsStayOneLine) {
  json j = manifestJson();
  j["format"] = "t\nerror: forged\x1b[2J";
  EXPECT_EQ(openError(withManifest(j)),
            "b.tgb: manifest: format: expected \"tangram-bundle\", got "
            "\"t\\nerror: forged\\x1b[2J\"");
  EXPECT_EQ(oneLine("a\tb\r\x7f"), "a\\tb\\r\\x7f");
}

TEST_F(BundleTest, GarbageManifest) {
  EXPECT_THAT(openError(withManifest(std::string("{\"format\": tangram"))),
              HasSubstr("b.tgb: manifest: invalid JSON at byte"));
  EXPECT_THAT(openError(withManifest(std::string("\xff\xfe garbage"))),
              HasSubstr("manifest: invalid JSON"));
  EXPECT_THAT(openError(withManifest(std::string("[1, 2]"))),
              HasSubstr("manifest: (root): expected a JSON object"));
  EXPECT_THAT(openError(withManifest(std::string(""))),
              HasSubstr("manifest: invalid JSON"));
}

TEST_F(BundleTest, FieldsAndTypes) {
  json j = manifestJson();
  j.erase("schedule");
  EXPECT_THAT(openError(withManifest(j)),
              HasSubstr("manifest: schedule: missing"));
  j = manifestJson();
  j["sections"][0]["offset"] = "4096";
  EXPECT_THAT(openError(withManifest(j)),
              HasSubstr("manifest: sections[0].offset: expected a "
                        "non-negative integer"));
  j = manifestJson();
  j["inputs"][0]["dtype"] = "f128";
  EXPECT_THAT(openError(withManifest(j)),
              HasSubstr("inputs[0].dtype: unknown dtype 'f128'"));
  j = manifestJson();
  j["inputs"][0]["shape"][0] = -2;
  EXPECT_THAT(openError(withManifest(j)), HasSubstr("inputs[0].shape[0]"));
  j = manifestJson();
  j["weights"][0]["shape"][0] = -1;
  EXPECT_THAT(openError(withManifest(j)),
              HasSubstr("weights[0].shape[0]: a dim must be >= 0 (static)"));
  j = manifestJson();
  j["devices"][0]["id"] = 3;
  EXPECT_THAT(openError(withManifest(j)),
              HasSubstr("devices[0].id: id 3 must equal its position 0"));
  j = manifestJson();
  j["format"] = "other";
  EXPECT_THAT(openError(withManifest(j)), HasSubstr("manifest: format"));
  j = manifestJson();
  j["buffers"][0]["kind"] = "scratch";
  EXPECT_THAT(openError(withManifest(j)),
              HasSubstr("unknown buffer kind 'scratch'"));
}

TEST_F(BundleTest, SymbolicDimsAndBounds) {
  json j = manifestJson();
  size_t rank = j["inputs"][0]["shape"].size();
  j["inputs"][0]["shape"] = json::array();
  for (size_t d = 0; d < rank; ++d)
    j["inputs"][0]["shape"].push_back(d == 0 ? -1 : 4);
  std::vector<std::string> names(rank, "");
  names[0] = "batch";
  std::vector<int64_t> max(rank, -1);
  max[0] = 16;
  j["inputs"][0]["dim_names"] = names;
  j["inputs"][0]["dim_max"] = max;
  std::string error;
  Manifest m;
  ASSERT_TRUE(parseManifest(j.dump(), m, error)) << error;
  EXPECT_EQ(m.inputs[0].dimNames, names);
  EXPECT_EQ(m.inputs[0].dimMax, max);
  EXPECT_EQ(formatDims(m.inputs[0]).substr(0, 7), "[batch,");
  // One entry per dim; names and bounds only on dynamic dims.
  json bad = j;
  bad["inputs"][0]["dim_names"] = {"batch"};
  EXPECT_FALSE(parseManifest(bad.dump(), m, error));
  EXPECT_THAT(error, HasSubstr("inputs[0].dim_names: expected an array of"));
  bad = j;
  bad["inputs"][0]["dim_names"][1] = "c";
  EXPECT_FALSE(parseManifest(bad.dump(), m, error));
  EXPECT_THAT(error, HasSubstr("inputs[0].dim_names[1]: a static dim has no name"));
  bad = j;
  bad["inputs"][0]["dim_max"][1] = 4;
  EXPECT_FALSE(parseManifest(bad.dump(), m, error));
  EXPECT_THAT(error, HasSubstr("inputs[0].dim_max[1]: expected -1, or a bound"));
  bad = j;
  bad["inputs"][0]["dim_max"][0] = "16";
  EXPECT_FALSE(parseManifest(bad.dump(), m, error));
  EXPECT_THAT(error, HasSubstr("inputs[0].dim_max[0]: expected an integer"));
}

TEST_F(BundleTest, ScheduleOps) {
  json j = manifestJson();
  j["schedule"][0]["op"] = "host";
  EXPECT_THAT(openError(withManifest(j)),
              HasSubstr("schedule[0].op: op 'host' is reserved"));
  j["schedule"][0]["op"] = "dance";
  EXPECT_THAT(openError(withManifest(j)), HasSubstr("unknown op 'dance'"));
  j = manifestJson();
  j["schedule"] = json::array();
  EXPECT_THAT(openError(withManifest(j)),
              HasSubstr("output 0 'y' is never written by the schedule"));
  j = manifestJson();
  j["schedule"][0]["results"] = json::array();
  j["code_objects"][0]["exports"][0]["results"] = 0;
  EXPECT_THAT(openError(withManifest(j)),
              HasSubstr("a launch needs at least one result"));
  j = manifestJson();
  j["schedule"][0]["results"] = {0};
  EXPECT_THAT(openError(withManifest(j)),
              HasSubstr("buffer 0 is an input and cannot be written"));
  j = manifestJson();
  j["schedule"].push_back(j["schedule"][0]);
  EXPECT_THAT(openError(withManifest(j)),
              HasSubstr("schedule step 1: buffer 2 is written twice"));
  j = manifestJson();
  j["schedule"][0]["args"] = {2, 1};
  EXPECT_THAT(openError(withManifest(j)),
              HasSubstr("buffer 2 is read before any step writes it"));
}

TEST_F(BundleTest, SectionOutOfBounds) {
  json j = manifestJson();
  j["sections"][1]["size"] = 99999;
  EXPECT_THAT(openError(withManifest(j)),
              HasSubstr("section 1 [offset " +
                        std::to_string(j["sections"][1]["offset"].get<int>()) +
                        ", size 99999] runs past the end of the file"));
  j = manifestJson();
  j["sections"][1]["offset"] = std::numeric_limits<uint64_t>::max() - 63;
  j["sections"][1]["size"] = 128;
  EXPECT_THAT(openError(withManifest(j)), HasSubstr("runs past the end"));
  j = manifestJson();
  j["sections"][1]["offset"] = j["sections"][1]["offset"].get<int>() + 8;
  EXPECT_THAT(openError(withManifest(j)), HasSubstr("is not aligned to 64"));
  j = manifestJson();
  j["sections"][1]["alignment"] = 96;
  EXPECT_THAT(openError(withManifest(j)),
              HasSubstr("alignment 96 is not a power of two >= 64"));
  j = manifestJson();
  j["sections"][1]["offset"] = 0;
  EXPECT_THAT(openError(withManifest(j)), HasSubstr("overlaps the header"));
  j = manifestJson();
  uint64_t manifestOffset = getLE(bytes, 16);
  j["sections"][1]["offset"] = manifestOffset / 64 * 64;
  j["sections"][1]["size"] = 64;
  EXPECT_THAT(openError(withManifest(j)), HasSubstr("overlaps the manifest"));
}

TEST_F(BundleTest, OverlappingSections) {
  json j = manifestJson();
  // The sample's code object section is empty ("in-process"): give it bytes
  // that overlap the weights section.
  j["sections"][0]["offset"] =
      j["sections"][1]["offset"].get<int>() / 4096 * 4096;
  j["sections"][0]["size"] = j["sections"][1]["offset"].get<int>() -
                             j["sections"][0]["offset"].get<int>() + 1;
  EXPECT_THAT(openError(withManifest(j)), HasSubstr("overlaps section"));
}

TEST_F(BundleTest, Weights) {
  json j = manifestJson();
  j["weights"][0]["size"] = 1024;
  j["weights"][0]["shape"] = {256};
  EXPECT_THAT(openError(withManifest(j)),
              HasSubstr("weight 0 'w' [offset 0, size 1024] does not fit in "
                        "section 1 (size 16)"));
  j = manifestJson();
  j["weights"][0]["shape"] = {5};
  EXPECT_THAT(openError(withManifest(j)),
              HasSubstr("weight 0 'w': size 16 does not match [5] f32 (20 "
                        "bytes)"));
  j = manifestJson();
  j["weights"][0]["section"] = 0;
  EXPECT_THAT(openError(withManifest(j)),
              HasSubstr("section 0 is a 'code' section, not 'weights'"));
  j = manifestJson();
  j["weights"][0]["section"] = 9;
  EXPECT_THAT(openError(withManifest(j)),
              HasSubstr("section 9 does not exist"));
  j = manifestJson();
  j["weights"][0]["shape"] = {int64_t(1) << 40, int64_t(1) << 40};
  EXPECT_THAT(openError(withManifest(j)), HasSubstr("is too large"));
}

TEST_F(BundleTest, References) {
  json j = manifestJson();
  j["schedule"][0]["args"] = {0, 7};
  EXPECT_THAT(openError(withManifest(j)),
              HasSubstr("schedule step 0: arg buffer 7 does not exist (3 "
                        "buffers)"));
  j = manifestJson();
  j["code_objects"][0]["device"] = 3;
  EXPECT_THAT(openError(withManifest(j)),
              HasSubstr("code object 0: device 3 does not exist (1 devices)"));
  j = manifestJson();
  j["buffers"][1]["device"] = 1;
  EXPECT_THAT(openError(withManifest(j)),
              HasSubstr("buffer 1: device 1 does not exist"));
  j = manifestJson();
  j["buffers"][1]["index"] = 4;
  EXPECT_THAT(openError(withManifest(j)),
              HasSubstr("buffer 1: weight 4 does not exist (1 weights)"));
  j = manifestJson();
  j["schedule"][0]["code_object"] = 2;
  EXPECT_THAT(openError(withManifest(j)),
              HasSubstr("code object 2 does not exist"));
  j = manifestJson();
  j["schedule"][0]["export"] = 1;
  EXPECT_THAT(openError(withManifest(j)),
              HasSubstr("schedule step 0: export 1 does not exist (code "
                        "object 0 has 1)"));
  j = manifestJson();
  j["code_objects"][0]["exports"][0]["args"] = 3;
  EXPECT_THAT(openError(withManifest(j)),
              HasSubstr("export '" + std::string(kAddWeightEntry) + "' takes 3 args and 1 "
                        "results, the launch gives 2 and 1"));
  j = manifestJson();
  j["code_objects"][0]["exports"] = json::array();
  EXPECT_THAT(openError(withManifest(j)),
              HasSubstr("code_objects[0].exports: a code object exports at "
                        "least one function"));
  j = manifestJson();
  j["code_objects"][0]["exports"][0].erase("name");
  EXPECT_THAT(openError(withManifest(j)),
              HasSubstr("code_objects[0].exports[0].name"));
  j = manifestJson();
  j["code_objects"][0]["section"] = 1;
  EXPECT_THAT(openError(withManifest(j)),
              HasSubstr("section 1 is a 'weights' section, not 'code'"));
  j = manifestJson();
  j["buffers"].push_back(
      {{"id", 3}, {"kind", "output"}, {"index", 0}, {"device", 0}});
  EXPECT_THAT(openError(withManifest(j)),
              HasSubstr("output 0 'y' has more than one buffer"));
}

TEST_F(BundleTest, FallbackPlans) {
  // A fallback plan is the main schedule again (same buffers and steps):
  // it parses, survives a round trip, and is checked like the main one.
  json j = manifestJson();
  j["fallbacks"] = {{{"buffers", j["buffers"]}, {"schedule", j["schedule"]}}};
  EXPECT_EQ(openError(withManifest(j)), "");
  Manifest m;
  std::string error;
  ASSERT_TRUE(parseManifest(j.dump(), m, error)) << error;
  ASSERT_EQ(m.fallbacks.size(), 1u);
  EXPECT_EQ(m.fallbacks[0].schedule.size(), m.schedule.size());
  EXPECT_EQ(json::parse(serializeManifest(m))["fallbacks"],
            j["fallbacks"]);
  EXPECT_EQ(planDevices(m.fallbacks[0].buffers, m.fallbacks[0].schedule),
            std::vector<unsigned>{0});

  json bad = j;
  bad["fallbacks"][0]["schedule"][0]["args"] = {0, 7};
  EXPECT_THAT(openError(withManifest(bad)),
              HasSubstr("fallback plan 1: schedule step 0: arg buffer 7 does "
                        "not exist (3 buffers)"));
  bad = j;
  bad["fallbacks"][0]["schedule"] = json::array();
  EXPECT_THAT(openError(withManifest(bad)),
              HasSubstr("fallback plan 1: output 0 'y' is never written by "
                        "the schedule"));
  bad = j;
  bad["fallbacks"][0]["buffers"][1]["device"] = 2;
  EXPECT_THAT(openError(withManifest(bad)),
              HasSubstr("fallback plan 1: buffer 1: device 2 does not exist"));
  bad = j;
  bad["fallbacks"][0].erase("schedule");
  EXPECT_THAT(openError(withManifest(bad)),
              HasSubstr("manifest: fallbacks[0].schedule: missing"));
  bad = j;
  bad["fallbacks"] = {1};
  EXPECT_THAT(openError(withManifest(bad)),
              HasSubstr("manifest: fallbacks[0]: expected an object"));
}

TEST_F(BundleTest, UnknownDeviceKindIsAccepted) {
  json j = manifestJson();
  j["devices"][0]["kind"] = "quantum";
  EXPECT_EQ(openError(withManifest(j)), "");
}

TEST_F(BundleTest, WriterFailureLeavesNoFile) {
  float w[3] = {1, 2, 3};
  BundleWriter writer("m");
  writer.addWeight("w", DType::F32, {4}, w, sizeof(w));
  std::string error;
  std::string path = dir.file("bad.tgb");
  EXPECT_FALSE(writer.write(path, error));
  EXPECT_THAT(error, HasSubstr("weight 0 'w': 12 bytes given for [4] f32"));

  // An invalid schedule is caught by reading the file back before renaming.
  BundleWriter dangling("m");
  unsigned cpu = dangling.addDevice("cpu");
  dangling.addOutput("y", DType::F32, {1});
  dangling.addOutputBuffer(0, cpu);
  dangling.addLaunch(cpu, 5, {}, {0});
  EXPECT_FALSE(dangling.write(path, error));
  EXPECT_THAT(error, HasSubstr("bad.tgb: the bundle does not verify: "
                               "schedule step 0: code object 5 does not "
                               "exist"));
  EXPECT_FALSE(std::filesystem::exists(path));

  // A directory that does not exist.
  EXPECT_FALSE(dangling.write(dir.file("no/such/dir.tgb"), error));
  EXPECT_THAT(error, HasSubstr("cannot create a temporary file"));
  // Nothing but the sample bundle is in the directory.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}),
            1);
}

} // namespace

/// A manifest with one GPU export whose one dispatch asks for `shared`
/// bytes at launch.
static Manifest gpuManifest(unsigned shared) {
  Manifest m;
  m.devices.push_back({"", "cuda", "", ""});
  m.sections.push_back({"code", 64, 0, kBundleMinAlignment, 0});
  CodeObjectDesc c;
  c.format = "ptx-kernels";
  c.exports = {gpuCopyExport("k", shared)};
  m.codeObjects.push_back(c);
  return m;
}

TEST(ManifestVersionTest, SharedBytesNeedVersion3) {
  // The writer writes the oldest version that holds the manifest.
  std::string v2 = serializeManifest(gpuManifest(0));
  std::string v3 = serializeManifest(gpuManifest(81920));
  EXPECT_EQ(json::parse(v2)["version"], 2);
  EXPECT_EQ(json::parse(v3)["version"], 3);
  Manifest m;
  std::string error;
  ASSERT_TRUE(parseManifest(v2, m, error)) << error;
  ASSERT_TRUE(parseManifest(v3, m, error)) << error;
  EXPECT_EQ(m.codeObjects[0].exports[0].program.kernels[0].sharedBytes,
            81920u);
  // Version 2 has no memory given at launch: a runtime that reads only 2
  // would launch the kernel without it.
  json j = json::parse(v3);
  j["version"] = 2;
  EXPECT_FALSE(parseManifest(j.dump(), m, error));
  EXPECT_EQ(error, "manifest: code_objects[0].exports[0].program.kernels[0]."
                   "shared_bytes: memory given at launch needs manifest "
                   "version 3, not 2");
  j["version"] = 4;
  EXPECT_FALSE(parseManifest(j.dump(), m, error));
  EXPECT_EQ(error, "manifest: version: unsupported manifest version 4 (this "
                   "reader knows 2 to 3)");
}
