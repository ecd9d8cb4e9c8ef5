//===- TensorFiles.cpp - Tensors in .pb and .npy files --------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "TensorFiles.h"

#include <onnx/onnx_pb.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace tangram;

namespace {

bool readWholeFile(const std::string &path, std::string &bytes,
                   std::string &error) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    error = path + ": cannot open file: " + std::strerror(errno);
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    error = path + ": not a regular file";
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = path + ": cannot open file: " + std::strerror(errno);
    return false;
  }
  std::ostringstream s;
  s << in.rdbuf();
  bytes = s.str();
  return true;
}

bool fromOnnxType(int32_t type, DType &dtype) {
  using TP = onnx::TensorProto;
  switch (type) {
  case TP::FLOAT:
    dtype = DType::F32;
    return true;
  case TP::UINT8:
    dtype = DType::U8;
    return true;
  case TP::INT8:
    dtype = DType::I8;
    return true;
  case TP::UINT16:
    dtype = DType::U16;
    return true;
  case TP::INT16:
    dtype = DType::I16;
    return true;
  case TP::INT32:
    dtype = DType::I32;
    return true;
  case TP::INT64:
    dtype = DType::I64;
    return true;
  case TP::BOOL:
    dtype = DType::I1;
    return true;
  case TP::FLOAT16:
    dtype = DType::F16;
    return true;
  case TP::DOUBLE:
    dtype = DType::F64;
    return true;
  case TP::UINT32:
    dtype = DType::U32;
    return true;
  case TP::UINT64:
    dtype = DType::U64;
    return true;
  case TP::BFLOAT16:
    dtype = DType::BF16;
    return true;
  // Newer than the protobuf schema we link.
  case 17:
    dtype = DType::F8E4M3FN;
    return true;
  case 18:
    dtype = DType::F8E4M3FNUZ;
    return true;
  case 19:
    dtype = DType::F8E5M2;
    return true;
  case 20:
    dtype = DType::F8E5M2FNUZ;
    return true;
  default:
    return false;
  }
}

int32_t toOnnxType(DType dtype) {
  using TP = onnx::TensorProto;
  switch (dtype) {
  case DType::F32:
    return TP::FLOAT;
  case DType::F16:
    return TP::FLOAT16;
  case DType::BF16:
    return TP::BFLOAT16;
  case DType::F64:
    return TP::DOUBLE;
  case DType::I8:
    return TP::INT8;
  case DType::I16:
    return TP::INT16;
  case DType::I32:
    return TP::INT32;
  case DType::I64:
    return TP::INT64;
  case DType::U8:
    return TP::UINT8;
  case DType::U16:
    return TP::UINT16;
  case DType::U32:
    return TP::UINT32;
  case DType::U64:
    return TP::UINT64;
  case DType::I1:
    return TP::BOOL;
  case DType::F8E4M3FN:
    return 17;
  case DType::F8E4M3FNUZ:
    return 18;
  case DType::F8E5M2:
    return 19;
  case DType::F8E5M2FNUZ:
    return 20;
  }
  return TP::UNDEFINED;
}

/// Stores `count` values of a typed field into `out` as `dtype` elements.
template <typename Src>
void storeAll(const Src *src, int64_t count, DType dtype, void *out) {
  for (int64_t i = 0; i < count; ++i) {
    switch (dtype) {
    case DType::F32:
      static_cast<float *>(out)[i] = src[i];
      break;
    case DType::F64:
      static_cast<double *>(out)[i] = src[i];
      break;
    case DType::I8:
      static_cast<int8_t *>(out)[i] = src[i];
      break;
    case DType::I16:
      static_cast<int16_t *>(out)[i] = src[i];
      break;
    case DType::I32:
      static_cast<int32_t *>(out)[i] = src[i];
      break;
    case DType::I64:
      static_cast<int64_t *>(out)[i] = src[i];
      break;
    case DType::U8:
      static_cast<uint8_t *>(out)[i] = src[i];
      break;
    // f16 and bf16 travel as their bit patterns in int32_data.
    case DType::U16:
    case DType::F16:
    case DType::BF16:
      static_cast<uint16_t *>(out)[i] = static_cast<uint16_t>(src[i]);
      break;
    case DType::U32:
      static_cast<uint32_t *>(out)[i] = src[i];
      break;
    case DType::U64:
      static_cast<uint64_t *>(out)[i] = src[i];
      break;
    case DType::I1:
      static_cast<uint8_t *>(out)[i] = src[i] != 0;
      break;
    // 8-bit floats travel as their bit patterns in int32_data.
    case DType::F8E4M3FN:
    case DType::F8E4M3FNUZ:
    case DType::F8E5M2:
    case DType::F8E5M2FNUZ:
      static_cast<uint8_t *>(out)[i] = static_cast<uint8_t>(src[i]);
      break;
    }
  }
}

} // namespace

bool tangram::readTensorProto(const std::string &path, Buffer &out,
                              std::string &name, std::string &error) {
  std::string bytes;
  return readWholeFile(path, bytes, error) &&
         parseTensorProto(bytes, path, out, name, error);
}

bool tangram::parseTensorProto(std::string_view bytes, const std::string &path,
                               Buffer &out, std::string &name,
                               std::string &error) {
  onnx::TensorProto tensor;
  if (bytes.empty() || bytes.size() > static_cast<size_t>(INT_MAX) ||
      !tensor.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    error = path + ": not a valid ONNX TensorProto (the protobuf does not "
                   "parse)";
    return false;
  }
  name = tensor.name();
  DType dtype;
  if (!fromOnnxType(tensor.data_type(), dtype)) {
    error = path + ": unsupported tensor data type " +
            std::to_string(tensor.data_type());
    return false;
  }
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    error = path + ": tensors with external data are not supported";
    return false;
  }
  Shape shape(tensor.dims().begin(), tensor.dims().end());
  uint64_t bytesWanted;
  int64_t n;
  if (!shapeByteSize(shape, dtype, bytesWanted) ||
      !shapeNumElements(shape, n)) {
    error = path + ": invalid or too large shape " + formatShape(shape);
    return false;
  }
  // The data must be there before anything is allocated: a small file that
  // claims a huge shape is an error, not an allocation of the claimed size.
  auto mismatch = [&](size_t got, const char *field) {
    error = path + ": " + field + " holds " + std::to_string(got) +
            (std::strcmp(field, "raw_data") == 0 ? " bytes" : " values") +
            ", shape " + formatShape(shape) + " " + dtypeName(dtype) +
            " needs " +
            std::to_string(std::strcmp(field, "raw_data") == 0 ? bytesWanted
                                                               : size_t(n));
    return false;
  };
  auto allocate = [&]() {
    out = Buffer::allocate(dtype, shape);
    if (!out)
      error = path + ": cannot allocate " + std::to_string(bytesWanted) +
              " bytes for shape " + formatShape(shape);
    return static_cast<bool>(out);
  };
  if (tensor.has_raw_data()) {
    if (tensor.raw_data().size() != bytesWanted)
      return mismatch(tensor.raw_data().size(), "raw_data");
    if (!allocate())
      return false;
    if (bytesWanted)
      std::memcpy(out.mutableData(), tensor.raw_data().data(), bytesWanted);
    return true;
  }
  switch (dtype) {
  case DType::F32:
    if (tensor.float_data_size() != n)
      return mismatch(tensor.float_data_size(), "float_data");
    if (!allocate())
      return false;
    storeAll(tensor.float_data().data(), n, dtype, out.mutableData());
    return true;
  case DType::F64:
    if (tensor.double_data_size() != n)
      return mismatch(tensor.double_data_size(), "double_data");
    if (!allocate())
      return false;
    storeAll(tensor.double_data().data(), n, dtype, out.mutableData());
    return true;
  case DType::I64:
    if (tensor.int64_data_size() != n)
      return mismatch(tensor.int64_data_size(), "int64_data");
    if (!allocate())
      return false;
    storeAll(tensor.int64_data().data(), n, dtype, out.mutableData());
    return true;
  case DType::U32:
  case DType::U64:
    if (tensor.uint64_data_size() != n)
      return mismatch(tensor.uint64_data_size(), "uint64_data");
    if (!allocate())
      return false;
    storeAll(tensor.uint64_data().data(), n, dtype, out.mutableData());
    return true;
  default:
    if (tensor.int32_data_size() != n)
      return mismatch(tensor.int32_data_size(), "int32_data");
    if (!allocate())
      return false;
    storeAll(tensor.int32_data().data(), n, dtype, out.mutableData());
    return true;
  }
}

bool tangram::encodeTensorProto(const Buffer &buffer, const std::string &name,
                                std::string &bytes, std::string &error) {
  onnx::TensorProto tensor;
  tensor.set_name(name);
  tensor.set_data_type(toOnnxType(buffer.dtype()));
  for (int64_t d : buffer.shape())
    tensor.add_dims(d);
  tensor.set_raw_data(buffer.data(), buffer.byteSize());
  if (!tensor.SerializeToString(&bytes)) {
    error = "cannot serialize tensor '" + name + "'";
    return false;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// .npy
//===----------------------------------------------------------------------===//

namespace {

struct NpyType {
  const char *descr;
  DType dtype;
};

/// numpy's spellings; '=' (native) equals '<' on the little-endian hosts
/// this runs on, '|' is for one-byte types.
constexpr NpyType kNpyTypes[] = {
    {"f4", DType::F32}, {"f8", DType::F64}, {"f2", DType::F16},
    {"i1", DType::I8},  {"i2", DType::I16}, {"i4", DType::I32},
    {"i8", DType::I64}, {"u1", DType::U8},  {"u2", DType::U16},
    {"u4", DType::U32}, {"u8", DType::U64}, {"b1", DType::I1},
};

/// The value of `key` in a numpy header dict: the text after "'key':" up to
/// the end of the value (a quoted string, a tuple, or a word).
bool dictValue(const std::string &header, const std::string &key,
               std::string &value) {
  size_t at = header.find("'" + key + "'");
  if (at == std::string::npos)
    return false;
  at = header.find(':', at);
  if (at == std::string::npos)
    return false;
  ++at;
  while (at < header.size() && header[at] == ' ')
    ++at;
  if (at >= header.size())
    return false;
  size_t end;
  if (header[at] == '\'' || header[at] == '"') {
    end = header.find(header[at], at + 1);
    if (end == std::string::npos)
      return false;
    value = header.substr(at + 1, end - at - 1);
    return true;
  }
  if (header[at] == '(') {
    end = header.find(')', at);
    if (end == std::string::npos)
      return false;
    value = header.substr(at, end - at + 1);
    return true;
  }
  end = header.find_first_of(",}", at);
  if (end == std::string::npos)
    return false;
  value = header.substr(at, end - at);
  while (!value.empty() && value.back() == ' ')
    value.pop_back();
  return true;
}

bool parseTuple(const std::string &text, Shape &shape) {
  // "()", "(3,)", "(2, 3)"
  shape.clear();
  size_t i = 1;
  while (i < text.size() && text[i] != ')') {
    while (i < text.size() && (text[i] == ' ' || text[i] == ','))
      ++i;
    if (i < text.size() && text[i] == ')')
      break;
    size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9')
      ++i;
    if (start == i || i - start > 18)
      return false;
    shape.push_back(std::stoll(text.substr(start, i - start)));
    // Accept numpy's 'L' suffix of Python 2 files.
    if (i < text.size() && text[i] == 'L')
      ++i;
    if (i < text.size() && text[i] != ',' && text[i] != ')' && text[i] != ' ')
      return false;
  }
  return i < text.size();
}

} // namespace

bool tangram::readNpy(const std::string &path, Buffer &out,
                      std::string &error) {
  std::string bytes;
  return readWholeFile(path, bytes, error) && parseNpy(bytes, path, out, error);
}

bool tangram::parseNpy(std::string_view bytes, const std::string &path,
                       Buffer &out, std::string &error) {
  auto fail = [&](const std::string &message) {
    error = path + ": " + message;
    return false;
  };
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0)
    return fail("not a .npy file (bad magic)");
  unsigned major = static_cast<uint8_t>(bytes[6]);
  size_t headerLen, headerStart;
  if (major == 1) {
    headerLen = static_cast<uint8_t>(bytes[8]) |
                (static_cast<size_t>(static_cast<uint8_t>(bytes[9])) << 8);
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12)
      return fail("truncated .npy header");
    headerLen = 0;
    for (unsigned i = 0; i < 4; ++i)
      headerLen |= static_cast<size_t>(static_cast<uint8_t>(bytes[8 + i]))
                   << (8 * i);
    headerStart = 12;
  } else {
    return fail("unsupported .npy format version " + std::to_string(major));
  }
  if (headerLen > bytes.size() - headerStart)
    return fail("truncated .npy header");
  std::string header(bytes.substr(headerStart, headerLen));
  std::string descr, fortran, shapeText;
  if (!dictValue(header, "descr", descr) ||
      !dictValue(header, "fortran_order", fortran) ||
      !dictValue(header, "shape", shapeText))
    return fail("malformed .npy header: " + header);
  if (fortran != "False")
    return fail("Fortran-order arrays are not supported (save it in C order)");
  if (descr.size() != 3 || (descr[0] != '<' && descr[0] != '|' &&
                            descr[0] != '=' && descr[0] != '>'))
    return fail("unsupported dtype '" + descr + "'");
  const NpyType *type = nullptr;
  for (const NpyType &t : kNpyTypes)
    if (descr.compare(1, 2, t.descr) == 0)
      type = &t;
  if (!type)
    return fail("unsupported dtype '" + descr + "'");
  if (descr[0] == '>' && dtypeSize(type->dtype) > 1)
    return fail("big-endian data ('" + descr + "') is not supported");
  Shape shape;
  if (shapeText.empty() || shapeText[0] != '(' || !parseTuple(shapeText, shape))
    return fail("malformed shape " + shapeText + " in the .npy header");
  uint64_t wanted;
  if (!shapeByteSize(shape, type->dtype, wanted))
    return fail("shape " + formatShape(shape) + " is too large");
  // Checked before anything is allocated: a small file that claims a huge
  // shape is an error, not an allocation of the claimed size.
  size_t dataStart = headerStart + headerLen;
  if (bytes.size() - dataStart != wanted)
    return fail("holds " + std::to_string(bytes.size() - dataStart) +
                " data bytes, shape " + formatShape(shape) + " " +
                dtypeName(type->dtype) + " needs " + std::to_string(wanted));
  out = Buffer::allocate(type->dtype, shape);
  if (!out)
    return fail("cannot allocate " + std::to_string(wanted) + " bytes for "
                "shape " + formatShape(shape));
  if (out.byteSize())
    std::memcpy(out.mutableData(), bytes.data() + dataStart, out.byteSize());
  return true;
}

bool tangram::encodeNpy(const Buffer &buffer, std::string &bytes,
                        std::string &error) {
  const char *descr = nullptr;
  switch (buffer.dtype()) {
  case DType::F32:
    descr = "<f4";
    break;
  case DType::F64:
    descr = "<f8";
    break;
  case DType::F16:
    descr = "<f2";
    break;
  case DType::BF16:
    descr = "<u2";
    break; // numpy has no bfloat16
  case DType::I8:
    descr = "|i1";
    break;
  case DType::I16:
    descr = "<i2";
    break;
  case DType::I32:
    descr = "<i4";
    break;
  case DType::I64:
    descr = "<i8";
    break;
  case DType::U8:
    descr = "|u1";
    break;
  case DType::U16:
    descr = "<u2";
    break;
  case DType::U32:
    descr = "<u4";
    break;
  case DType::U64:
    descr = "<u8";
    break;
  case DType::I1:
    descr = "|b1";
    break;
  case DType::F8E4M3FN: // numpy has no 8-bit floats: their bits
  case DType::F8E4M3FNUZ:
  case DType::F8E5M2:
  case DType::F8E5M2FNUZ:
    descr = "|u1";
    break;
  }
  std::string shape = "(";
  for (int64_t d : buffer.shape())
    shape += std::to_string(d) + (buffer.rank() == 1 ? ",)" : ", ");
  if (buffer.rank() != 1) {
    if (buffer.rank() > 1)
      shape.resize(shape.size() - 2);
    shape += ")";
  }
  std::string header = std::string("{'descr': '") + descr +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad so the data starts on a 64-byte boundary, as numpy does.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  if (header.size() > 65535) {
    error = "the .npy header is too long";
    return false;
  }
  bytes = std::string("\x93NUMPY\x01\x00", 8);
  bytes += static_cast<char>(header.size() & 0xff);
  bytes += static_cast<char>(header.size() >> 8);
  bytes += header;
  bytes.append(static_cast<const char *>(buffer.data()), buffer.byteSize());
  return true;
}

bool tangram::writeTemporary(const std::string &path, const std::string &bytes,
                             std::string &tmpPath, std::string &error) {
  tmpPath = path + ".tmp-XXXXXX";
  int fd = mkstemp(tmpPath.data());
  if (fd < 0) {
    error = path + ": cannot create a temporary file: " + std::strerror(errno);
    return false;
  }
  fchmod(fd, 0644);
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    done += static_cast<size_t>(n);
  }
  int writeErrno = errno;
  if (::close(fd) != 0 && done == bytes.size()) {
    done = 0;
    writeErrno = errno;
  }
  if (done != bytes.size()) {
    error = path + ": cannot write: " + std::strerror(writeErrno);
    ::unlink(tmpPath.c_str());
    return false;
  }
  return true;
}
