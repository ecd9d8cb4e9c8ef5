//===- ControlFlowHandlers.cpp - ONNX If, Loop and Scan
//--------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// If and Loop become tg.if and tg.loop, their subgraphs imported into the
// ops' regions (outer-scope names stay visible there, as in ONNX). Scan
// (opset 9+) becomes a tg.loop that gathers the iteration's slice of each
// scan input and stacks the scan outputs.
//
//===----------------------------------------------------------------------===//
#include "RegionBuilders.h"

using namespace mlir;
using namespace mlir::tangram;
using namespace mlir::tangram::onnx_importer;

namespace {

/// Fails unless inputs `first`..`last` (when given) are ranked tensors: the
/// condition and trip count, which the op's type inference reads.
LogicalResult rankedInputs(OpBinder &b, unsigned first, unsigned last) {
  for (unsigned i = first; i <= last && i < b.numInputs(); ++i)
    if (Value v = b.input(i); v && !isa<RankedTensorType>(v.getType()))
      return b.fail("input " + Twine(i) + " must be a ranked tensor");
  return success();
}

LogicalResult ifHandler(OpBinder &b) {
  if (failed(b.need(1)) || failed(rankedInputs(b, 0, 0)))
    return failure();
  auto branch = [&](StringRef name) {
    return buildRegion(b, {}, [&](Block &) { return b.subgraph(name, {}); });
  };
  auto thenR = branch("then_branch");
  if (failed(thenR))
    return failure();
  auto elseR = branch("else_branch");
  if (failed(elseR))
    return failure();
  SmallVector<std::unique_ptr<Region>> regions;
  regions.push_back(std::move(*thenR));
  regions.push_back(std::move(*elseR));
  auto op = makeRegionOp<tg::IfOp>(b, {b.input(0)}, std::move(regions));
  return failed(op) ? failure() : b.setResults((*op)->getResults());
}


/// Loop's trip count and condition; absent ones become "no limit" and
/// "true" (the ONNX meaning of the empty names).
std::pair<Value, Value> tripAndCond(OpBinder &b) {
  Value m = b.input(0), c = b.input(1);
  if (!m)
    m = scalarOf(b.b, b.loc, b.b.getI64Type(),
                 b.b.getI64IntegerAttr(std::numeric_limits<int64_t>::max()));
  if (!c)
    c = scalarOf(b.b, b.loc, b.b.getI1Type(), b.b.getBoolAttr(true));
  return {m, c};
}

LogicalResult loopHandler(OpBinder &b) {
  if (failed(rankedInputs(b, 0, 1)))
    return failure();
  auto [m, c] = tripAndCond(b);
  SmallVector<Value> inits;
  for (unsigned i = 2; i < b.numInputs(); ++i) {
    if (!b.hasInput(i))
      return b.fail("loop-carried input " + Twine(i) + " is missing");
    inits.push_back(b.input(i));
  }
  // A carried value may widen in the body (a sequence that grows, a dim
  // that changes): import the body again with the joined types until they
  // hold (ONNX leaves the body's declared types loose).
  SmallVector<Type> argTypes = bodyArgTypes(b, inits);
  FailureOr<std::unique_ptr<Region>> body = failure();
  for (int attempt = 0; attempt < 3; ++attempt) {
    body = buildRegion(b, argTypes, [&](Block &blk) {
      auto outs = b.subgraph("body", blk.getArguments());
      if (failed(outs))
        return outs;
      if (outs->size() < inits.size() + 1)
        return (void)b.fail("the body yields too few values"),
               FailureOr<SmallVector<Value>>(failure());
      auto cond = toScalar(b, (*outs)[0]);
      if (failed(cond))
        return FailureOr<SmallVector<Value>>(failure());
      (*outs)[0] = *cond;
      return outs;
    });
    if (failed(body))
      return failure();
    auto yield = cast<tg::YieldOp>((*body)->front().getTerminator());
    bool widened = false;
    for (size_t k = 0; k < inits.size(); ++k) {
      Type arg = argTypes[k + 2], next = yield.getValues()[k + 1].getType();
      if (tg::areCompatibleReturnTypes(TypeRange(next), TypeRange(arg)))
        continue;
      auto j = tg::joinTypes(arg, next,
                             /*allowUnranked=*/isa<tg::SequenceType>(arg));
      if (failed(j))
        return b.fail("loop-carried value " + Twine(k) +
                      " changes its type in the body");
      argTypes[k + 2] = *j;
      widened = true;
    }
    if (!widened)
      break;
  }
  SmallVector<Value> operands = {m, c};
  operands.append(inits);
  SmallVector<std::unique_ptr<Region>> regions;
  regions.push_back(std::move(*body));
  auto op = makeRegionOp<tg::LoopOp>(b, operands, std::move(regions));
  return failed(op) ? failure() : b.setResults((*op)->getResults());
}

/// Scan (opset 9+) as a tg.loop over the scan axis of the first scan input.
LogicalResult scanHandler(OpBinder &b) {
  int64_t nScan = b.i("num_scan_inputs", 0);
  int64_t nIn = b.numInputs();
  if (nScan < 1 || nScan > nIn)
    return b.fail("num_scan_inputs must be between 1 and the input count");
  if (failed(b.need(nIn)))
    return failure();
  int64_t nState = nIn - nScan;
  SmallVector<Value> states, scans;
  for (int64_t i = 0; i < nIn; ++i)
    (i < nState ? states : scans).push_back(b.input(i));
  auto listOr = [&](StringRef name, int64_t n) {
    SmallVector<int64_t> v = b.ints(name);
    if (v.empty())
      v.assign(n, 0);
    return v;
  };
  SmallVector<int64_t> inAxes = listOr("scan_input_axes", nScan),
                       inDirs = listOr("scan_input_directions", nScan);
  if ((int64_t)inAxes.size() != nScan || (int64_t)inDirs.size() != nScan)
    return b.fail("scan_input_axes and scan_input_directions need one value "
                  "per scan input");
  for (auto [k, a] : llvm::enumerate(inAxes)) {
    auto axis = b.axis(a, b.rankOf(scans[k]));
    if (failed(axis))
      return failure();
    a = *axis;
  }
  // The trip count: the first scan input's length along its axis.
  auto len =
      b.make<tg::ShapeOp>({scans[0]}, {b.named("start", b.i64(inAxes[0])),
                                       b.named("end", b.i64(inAxes[0] + 1))});
  if (failed(len))
    return failure();
  auto trip = toScalar(b, *len);
  if (failed(trip))
    return failure();
  Value cond = scalarOf(b.b, b.loc, b.b.getI1Type(), b.b.getBoolAttr(true));
  auto body = buildRegion(
      b, bodyArgTypes(b, states),
      [&](Block &blk) -> FailureOr<SmallVector<Value>> {
        Value iter = blk.getArgument(0);
        SmallVector<Value> inputs(blk.getArguments().drop_front(2));
        for (auto [k, x] : llvm::enumerate(scans)) {
          Value at = iter;
          if (inDirs[k]) { // reverse: len - 1 - iter
            auto last =
                b.make<tg::SubOp>({*trip, b.scalar(b.b.getI64Type(), 1)});
            auto r = failed(last) ? last : b.make<tg::SubOp>({*last, iter});
            if (failed(r))
              return failure();
            at = *r;
          }
          auto slice = b.make<tg::GatherOp>(
              {x, at}, {b.named("axis", b.i64(inAxes[k]))});
          if (failed(slice))
            return failure();
          inputs.push_back(*slice);
        }
        auto outs = b.subgraph("body", inputs);
        if (failed(outs))
          return failure();
        SmallVector<Value> yielded = {blk.getArgument(1)};
        yielded.append(*outs);
        return yielded;
      });
  if (failed(body))
    return failure();
  SmallVector<Value> operands = {*trip, cond};
  operands.append(states);
  SmallVector<std::unique_ptr<Region>> regions;
  regions.push_back(std::move(*body));
  auto op = makeRegionOp<tg::LoopOp>(b, operands, std::move(regions));
  if (failed(op))
    return failure();
  SmallVector<Value> results((*op)->getResults());
  int64_t nOut = results.size() - nState;
  SmallVector<int64_t> outAxes = listOr("scan_output_axes", nOut),
                       outDirs = listOr("scan_output_directions", nOut);
  if ((int64_t)outAxes.size() != nOut || (int64_t)outDirs.size() != nOut)
    return b.fail("scan_output_axes and scan_output_directions need one value "
                  "per scan output");
  for (int64_t k = 0; k < nOut; ++k) {
    Value &r = results[nState + k];
    if (outDirs[k]) { // stacked last iteration first
      auto rev = b.make<tg::SliceOp>(
          {r, b.constI64({-1}),
           b.constI64({std::numeric_limits<int64_t>::min()}), b.constI64({0}),
           b.constI64({-1})});
      if (failed(rev))
        return failure();
      r = *rev;
    }
    auto axis = b.axis(outAxes[k], b.rankOf(r));
    if (failed(axis))
      return failure();
    if (*axis != 0) { // move the stacking dim to `axis`
      SmallVector<int64_t> perm;
      for (int64_t d = 1; d <= *axis; ++d)
        perm.push_back(d);
      perm.push_back(0);
      for (int64_t d = *axis + 1; d < b.rankOf(r); ++d)
        perm.push_back(d);
      auto t = b.make<tg::TransposeOp>({r}, {b.named("perm", b.array(perm))});
      if (failed(t))
        return failure();
      r = *t;
    }
  }
  return b.setResults(results);
}

} // namespace

void mlir::tangram::onnx_importer::registerControlFlowHandlers(
    HandlerTable &t) {
  t.on("If", 1, ifHandler);
  t.on("Loop", 1, loopHandler);
  t.on("Scan", 9, scanHandler);
}
