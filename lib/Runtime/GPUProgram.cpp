//===- GPUProgram.cpp - running a GPU code object's host program ----------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Runtime/GPUProgram.h"

#include <algorithm>
#include <climits>

using namespace tangram;

namespace {

/// Element `i` of an integer (or boolean) host buffer.
bool readInteger(const Buffer &b, int64_t i, int64_t &out) {
  if (i < 0 || i >= b.numElements())
    return false;
  const char *p = static_cast<const char *>(b.data());
  switch (b.dtype()) {
  case DType::I8: out = reinterpret_cast<const int8_t *>(p)[i]; return true;
  case DType::I16: out = reinterpret_cast<const int16_t *>(p)[i]; return true;
  case DType::I32: out = reinterpret_cast<const int32_t *>(p)[i]; return true;
  case DType::I64: out = reinterpret_cast<const int64_t *>(p)[i]; return true;
  case DType::U8:
  case DType::I1: out = reinterpret_cast<const uint8_t *>(p)[i]; return true;
  case DType::U16: out = reinterpret_cast<const uint16_t *>(p)[i]; return true;
  case DType::U32: out = reinterpret_cast<const uint32_t *>(p)[i]; return true;
  case DType::U64:
    out = static_cast<int64_t>(reinterpret_cast<const uint64_t *>(p)[i]);
    return true;
  default:
    return false;
  }
}

/// The program's values, in order, from the buffers' dims and the
/// elements of integer args.
bool evaluate(const GPUProgram &p, const std::vector<const Buffer *> &args,
              std::vector<Shape> &shapes, unsigned numArgs,
              std::vector<int64_t> &values, std::vector<bool> &resultKnown,
              std::string &error) {
  values.assign(p.values.size(), 0);
  for (size_t i = 0; i < p.values.size(); ++i) {
    const ProgramValue &v = p.values[i];
    bool leaf = v.op == ProgramOp::Const || v.op == ProgramOp::Dim ||
                v.op == ProgramOp::Load;
    int64_t a = leaf ? 0 : values[v.a];
    int64_t b = leaf ? 0 : values[v.b];
    bool divides = v.op == ProgramOp::DivS || v.op == ProgramOp::FloorDiv ||
                   v.op == ProgramOp::CeilDiv || v.op == ProgramOp::RemS;
    // Values of a branch not taken are computed too (programs have no
    // control flow; dispatches and checks are conditional instead): a
    // division by zero there is 0, not an error.
    if (divides && b == 0) {
      values[i] = 0;
      continue;
    }
    switch (v.op) {
    case ProgramOp::Const: values[i] = v.a; break;
    case ProgramOp::Dim: {
      unsigned buf = static_cast<unsigned>(v.a);
      if (buf >= numArgs && !resultKnown[buf - numArgs]) {
        // A result's dims come from its formulas, which only read earlier
        // values.
        unsigned j = buf - numArgs;
        Shape s;
        for (unsigned id : p.resultDims[j]) {
          if (id >= i)
            return error = "program: result " + std::to_string(j) +
                           " is sized by a later value",
                   false;
          s.push_back(values[id]);
        }
        shapes[buf] = s;
        resultKnown[j] = true;
      }
      if (static_cast<size_t>(v.b) >= shapes[buf].size())
        return error = "program: dim " + std::to_string(v.b) +
                       " of a rank-" + std::to_string(shapes[buf].size()) +
                       " buffer",
               false;
      values[i] = shapes[buf][v.b];
      break;
    }
    case ProgramOp::Add: values[i] = a + b; break;
    case ProgramOp::Sub: values[i] = a - b; break;
    case ProgramOp::Mul: values[i] = a * b; break;
    case ProgramOp::DivS: values[i] = a / b; break;
    case ProgramOp::FloorDiv:
      values[i] = a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
      break;
    case ProgramOp::CeilDiv:
      values[i] = a / b + ((a % b != 0) && ((a < 0) == (b < 0)));
      break;
    case ProgramOp::RemS: values[i] = a % b; break;
    case ProgramOp::MinS: values[i] = std::min(a, b); break;
    case ProgramOp::MaxS: values[i] = std::max(a, b); break;
    case ProgramOp::CmpEQ: values[i] = a == b; break;
    case ProgramOp::CmpNE: values[i] = a != b; break;
    case ProgramOp::CmpLT: values[i] = a < b; break;
    case ProgramOp::CmpLE: values[i] = a <= b; break;
    case ProgramOp::CmpGT: values[i] = a > b; break;
    case ProgramOp::CmpGE: values[i] = a >= b; break;
    case ProgramOp::And: values[i] = a & b; break;
    case ProgramOp::Or: values[i] = a | b; break;
    case ProgramOp::Xor: values[i] = a ^ b; break;
    case ProgramOp::Select: values[i] = a ? b : values[v.c]; break;
    case ProgramOp::Shl:
      values[i] = b >= 0 && b < 63 ? static_cast<int64_t>(
                                         static_cast<uint64_t>(a) << b)
                                   : 0;
      break;
    case ProgramOp::Load: {
      int64_t element = values[v.b];
      if (v.a >= numArgs)
        return error = "program value " + std::to_string(i) +
                       " reads buffer " + std::to_string(v.a) +
                       ", which is not an argument",
               false;
      // Out of range only on a branch not taken (checks guard the rest).
      if (!readInteger(*args[v.a], element, values[i]))
        values[i] = 0;
      break;
    }
    }
  }
  return true;
}

} // namespace

bool tangram::prepareGPULaunch(const ExportDesc &x,
                               const std::vector<const Buffer *> &args,
                               const std::vector<ResultSpec> &results,
                               std::vector<Buffer> &outputs,
                               std::vector<int64_t> &values,
                               std::vector<Shape> &shapes, std::string &error) {
  const GPUProgram &p = x.program;
  unsigned numArgs = args.size();
  // Sizes: argument dims, then every value; result shapes from formulas.
  shapes.assign(numArgs + results.size(), Shape());
  for (unsigned i = 0; i < numArgs; ++i)
    shapes[i] = args[i]->shape();
  std::vector<bool> resultKnown(results.size(), false);
  if (!evaluate(p, args, shapes, numArgs, values, resultKnown, error))
    return false;
  for (const ProgramCheck &c : p.checks)
    if (!values[c.value])
      return error = "the model failed at run time: " + c.message, false;
  outputs.clear();
  for (unsigned j = 0; j < results.size(); ++j) {
    Shape s;
    for (unsigned id : p.resultDims[j])
      s.push_back(values[id]);
    for (size_t k = 0; k < s.size(); ++k)
      if (s[k] < 0 || (k < results[j].shape.size() &&
                       results[j].shape[k] >= 0 && results[j].shape[k] != s[k]))
        return error = "result " + std::to_string(j) + " of '" + x.name +
                       "' would have dims " + formatShape(s),
               false;
    outputs.push_back(
        Buffer::allocate(results[j].dtype, s, false, hostAllocator()));
    if (!outputs.back())
      return error = "out of host memory for result " + std::to_string(j),
             false;
    shapes[numArgs + j] = s;
  }

  return true;
}

bool tangram::kernelParams(const KernelDispatch &k,
                           const std::vector<int64_t> &values, int32_t *dst,
                           std::string &error) {
  for (size_t j = 0; j < k.params.size(); ++j) {
    int64_t v = values[k.params[j]];
    if (v < INT32_MIN || v > INT32_MAX)
      return error = "kernel '" + k.kernel + "': a size exceeds 32-bit indexing",
             false;
    dst[j] = static_cast<int32_t>(v);
  }
  return true;
}
