//===- ParallelLaunch.cpp - launchers of outlined parallel loops ----------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// The launchers are written here, in LLVM IR, because only after func-to-llvm
// are the captures (memref descriptors unpacked into pointers and integers)
// plain scalars that fit in one frame struct.
//
//===----------------------------------------------------------------------===//
#include "ParallelLaunch.h"
#include "llvm/IR/IRBuilder.h"

using namespace llvm;

bool mlir::tangram::defineParallelLaunchers(Module &m, std::string &error) {
  SmallVector<Function *> launchers;
  for (Function &f : m)
    if (f.isDeclaration() && f.getName().starts_with("tg_par_launch_"))
      launchers.push_back(&f);
  if (launchers.empty())
    return true;
  LLVMContext &ctx = m.getContext();
  Type *i64 = Type::getInt64Ty(ctx);
  Type *ptr = PointerType::getUnqual(ctx);
  Type *voidTy = Type::getVoidTy(ctx);
  // void tg_uk_parallel_run(void *frame, int64_t n,
  //                         void (*fn)(void *frame, int64_t b, int64_t e))
  FunctionCallee run = m.getOrInsertFunction(
      "tg_uk_parallel_run", FunctionType::get(voidTy, {ptr, i64, ptr}, false));
  FunctionType *trampolineTy = FunctionType::get(voidTy, {ptr, i64, i64}, false);

  for (Function *launch : launchers) {
    StringRef id = launch->getName().drop_front(strlen("tg_par_launch_"));
    Function *body = m.getFunction(("tg_par_body_" + id).str());
    FunctionType *lt = launch->getFunctionType();
    if (!body || body->arg_size() != lt->getNumParams() + 1 ||
        lt->getNumParams() == 0) {
      error = ("no parallel loop body for " + launch->getName()).str();
      return false;
    }
    SmallVector<Type *> fields(lt->params().drop_front(1));
    StructType *frameTy = StructType::get(ctx, fields);

    // trampoline(frame, begin, end): body(begin, end, frame fields...).
    Function *trampoline =
        Function::Create(trampolineTy, GlobalValue::InternalLinkage,
                         ("tg_par_trampoline_" + id).str(), m);
    {
      IRBuilder<> b(BasicBlock::Create(ctx, "entry", trampoline));
      SmallVector<Value *> args{trampoline->getArg(1), trampoline->getArg(2)};
      for (unsigned i = 0; i < fields.size(); ++i)
        args.push_back(b.CreateLoad(
            fields[i], b.CreateStructGEP(frameTy, trampoline->getArg(0), i)));
      b.CreateCall(body, args);
      b.CreateRetVoid();
    }
    // launch(count, captures...): frame on the stack, parallel run.
    launch->setLinkage(GlobalValue::InternalLinkage);
    IRBuilder<> b(BasicBlock::Create(ctx, "entry", launch));
    Value *frame = b.CreateAlloca(frameTy);
    for (unsigned i = 0; i < fields.size(); ++i)
      b.CreateStore(launch->getArg(i + 1), b.CreateStructGEP(frameTy, frame, i));
    b.CreateCall(run, {frame, launch->getArg(0), trampoline});
    b.CreateRetVoid();
  }
  return true;
}
