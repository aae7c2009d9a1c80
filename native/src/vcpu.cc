// The vCPU's JS surface: construction, registers, IRQ lines, sysreg traps and run().
#include "vcpu.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace armvirt {

namespace {

constexpr uint64_t kHcrVf = 1ull << 6;  // HCR_EL2.VF: virtual FIQ pending
constexpr uint64_t kHcrVi = 1ull << 7;  // HCR_EL2.VI: virtual IRQ pending
// Never equal to a PC (AArch64 PCs are 4-byte aligned), so uc_emu_start never stops on it.
constexpr uint64_t kNoUntilAddress = 1;

bool IsFetchError(uc_err err) { return err == UC_ERR_FETCH_UNMAPPED || err == UC_ERR_FETCH_PROT; }

bool ToU64(Napi::Env env, Napi::Value v, uint64_t* out, const char* what) {
  if (v.IsBigInt()) {
    bool lossless = true;
    *out = v.As<Napi::BigInt>().Uint64Value(&lossless);
    if (!lossless) {
      Napi::RangeError::New(env, std::string(what) + " does not fit in 64 bits").ThrowAsJavaScriptException();
      return false;
    }
    return true;
  }
  if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    if (d < 0 || d > 18446744073709551615.0 || std::floor(d) != d) {
      Napi::RangeError::New(env, std::string(what) + " must be a non-negative integer").ThrowAsJavaScriptException();
      return false;
    }
    *out = uint64_t(d);
    return true;
  }
  Napi::TypeError::New(env, std::string(what) + " must be a number or bigint").ThrowAsJavaScriptException();
  return false;
}

}  // namespace

Napi::Function Vcpu::Init(Napi::Env env) {
  std::vector<Napi::ClassPropertyDescriptor<Vcpu>> methods = {
                         InstanceMethod("setHandlers", &Vcpu::SetHandlers),
                         InstanceMethod("mapPointer", &Vcpu::MapPointer),
                         InstanceMethod("mapMmio", &Vcpu::MapMmio),
                         InstanceMethod("unmap", &Vcpu::Unmap),
                         InstanceMethod("mappings", &Vcpu::Mappings),
                         InstanceMethod("readMemory", &Vcpu::ReadMemory),
                         InstanceMethod("writeMemory", &Vcpu::WriteMemory),
                         InstanceMethod("regRead", &Vcpu::RegRead),
                         InstanceMethod("regWrite", &Vcpu::RegWrite),
                         InstanceMethod("cpRegRead", &Vcpu::CpRegRead),
                         InstanceMethod("cpRegWrite", &Vcpu::CpRegWrite),
                         InstanceMethod("getPc", &Vcpu::GetPc),
                         InstanceMethod("setPc", &Vcpu::SetPc),
                         InstanceMethod("setIrqLine", &Vcpu::SetIrqLine),
                         InstanceMethod("trapSysreg", &Vcpu::TrapSysreg),
                         InstanceMethod("run", &Vcpu::Run),
                         InstanceMethod("requestStop", &Vcpu::RequestStop),
                         InstanceMethod("setDeadline", &Vcpu::SetDeadline),
                         InstanceMethod("lastException", &Vcpu::LastException),
                         InstanceMethod("setStrictHypercalls", &Vcpu::SetStrictHypercalls),
                         InstanceMethod("deliveredExceptions", &Vcpu::DeliveredExceptions),
                         InstanceMethod("nowNs", &Vcpu::NowNs),
                         InstanceMethod("instructionCount", &Vcpu::InstructionCount),
                         InstanceMethod("advanceClock", &Vcpu::AdvanceClock),
                         InstanceMethod("close", &Vcpu::Close),
  };
  AddDebugMethods(methods);
  return DefineClass(env, "Vcpu", methods);
}

// new Vcpu({ model, deterministic, nsPerInstruction })
Vcpu::Vcpu(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Vcpu>(info), sysregActions_(1 << 16, 0) {
  Napi::Env env = info.Env();
  Napi::Object opts = info.Length() > 0 && info[0].IsObject() ? info[0].As<Napi::Object>() : Napi::Object::New(env);
  int model = opts.Has("model") ? opts.Get("model").As<Napi::Number>().Int32Value() : UC_CPU_ARM64_A72;
  deterministic_ = !opts.Has("deterministic") || opts.Get("deterministic").ToBoolean().Value();
  if (opts.Has("nsPerInstruction")) nsPerInstruction_ = opts.Get("nsPerInstruction").As<Napi::Number>().DoubleValue();

  if (!Check(env, uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &uc_), "uc_open")) return;
  if (!Check(env, uc_ctl_set_cpu_model(uc_, model), "setting the CPU model")) return;
  ConfigureEl1(env);
  if (env.IsExceptionPending()) return;
  CalibrateSyndromeOffset();
  realtimeOriginNs_ = MonotonicNs();
  if (!deterministic_) {
    timer_ = std::make_unique<DeadlineTimer>([this] { icountDeadline_.store(0, std::memory_order_relaxed); });
  }
}

Vcpu::~Vcpu() {
  timer_.reset();
  if (context_) uc_context_free(context_);
  if (uc_) uc_close(uc_);
}

bool Vcpu::Check(Napi::Env env, uc_err err, const std::string& what) {
  if (err == UC_ERR_OK) return true;
  Napi::Error::New(env, what + " failed: " + uc_strerror(err)).ThrowAsJavaScriptException();
  return false;
}

bool Vcpu::EnsureOpen(Napi::Env env) {
  if (uc_) return true;
  Napi::Error::New(env, "the vCPU is closed").ThrowAsJavaScriptException();
  return false;
}

void Vcpu::WriteCpReg(uint32_t op0, uint32_t op1, uint32_t crn, uint32_t crm, uint32_t op2, uint64_t value) {
  uc_arm64_cp_reg reg = {crn, crm, op0, op1, op2, value};
  uc_reg_write(uc_, UC_ARM64_REG_CP_REG, &reg);
}

uint64_t Vcpu::ReadCpReg(uint32_t op0, uint32_t op1, uint32_t crn, uint32_t crm, uint32_t op2) {
  uc_arm64_cp_reg reg = {crn, crm, op0, op1, op2, 0};
  uc_reg_read(uc_, UC_ARM64_REG_CP_REG, &reg);
  return reg.val;
}

uint64_t Vcpu::VirtualNs() const {
  if (deterministic_) return uint64_t(double(icount_) * nsPerInstruction_) + skippedNs_;
  return (debug_.clockHeld ? debug_.clockHeldAtNs : MonotonicNs()) - realtimeOriginNs_;
}

// setHandlers(mmioRead, mmioWrite, sysreg, exception, args: Uint32Array(8))
Napi::Value Vcpu::SetHandlers(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 5 || !info[0].IsFunction() || !info[1].IsFunction() || !info[2].IsFunction() ||
      !info[3].IsFunction() || !info[4].IsTypedArray()) {
    Napi::TypeError::New(env, "setHandlers(read, write, sysreg, exception, args: Uint32Array)")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  mmioRead_ = Napi::Persistent(info[0].As<Napi::Function>());
  mmioWrite_ = Napi::Persistent(info[1].As<Napi::Function>());
  sysregHandler_ = Napi::Persistent(info[2].As<Napi::Function>());
  exceptionHandler_ = Napi::Persistent(info[3].As<Napi::Function>());
  Napi::Uint32Array args = info[4].As<Napi::Uint32Array>();
  if (args.ElementLength() < 8) {
    Napi::RangeError::New(env, "setHandlers: args needs 8 elements").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  argsRef_ = Napi::Persistent(args);
  args_ = args.Data();
  return env.Undefined();
}

Napi::Value Vcpu::RegRead(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!EnsureOpen(env)) return env.Undefined();
  uint64_t value = 0;
  int id = info[0].As<Napi::Number>().Int32Value();
  if (!Check(env, uc_reg_read(uc_, id, &value), "reading register " + std::to_string(id))) return env.Undefined();
  return Napi::BigInt::New(env, value);
}

Napi::Value Vcpu::RegWrite(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!EnsureOpen(env)) return env.Undefined();
  uint64_t value = 0;
  int id = info[0].As<Napi::Number>().Int32Value();
  if (!ToU64(env, info[1], &value, "register value")) return env.Undefined();
  Check(env, uc_reg_write(uc_, id, &value), "writing register " + std::to_string(id));
  return env.Undefined();
}

// cpRegRead(op0, op1, crn, crm, op2): bigint
Napi::Value Vcpu::CpRegRead(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!EnsureOpen(env)) return env.Undefined();
  auto u = [&](int i) { return info[i].As<Napi::Number>().Uint32Value(); };
  return Napi::BigInt::New(env, ReadCpReg(u(0), u(1), u(2), u(3), u(4)));
}

// cpRegWrite(op0, op1, crn, crm, op2, value)
Napi::Value Vcpu::CpRegWrite(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!EnsureOpen(env)) return env.Undefined();
  auto u = [&](int i) { return info[i].As<Napi::Number>().Uint32Value(); };
  uint64_t value = 0;
  if (!ToU64(env, info[5], &value, "system register value")) return env.Undefined();
  WriteCpReg(u(0), u(1), u(2), u(3), u(4), value);
  if (u(0) == 3 && u(1) == 4 && u(2) == 1 && u(3) == 1 && u(4) == 0) hcr_ = value;  // keep the HCR_EL2 cache true
  return env.Undefined();
}

Napi::Value Vcpu::GetPc(const Napi::CallbackInfo& info) {
  uint64_t pc = 0;
  if (uc_) uc_reg_read(uc_, UC_ARM64_REG_PC, &pc);
  return Napi::Number::New(info.Env(), double(pc));
}

Napi::Value Vcpu::SetPc(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t pc = 0;
  if (!EnsureOpen(env) || !ToU64(env, info[0], &pc, "PC")) return env.Undefined();
  uc_reg_write(uc_, UC_ARM64_REG_PC, &pc);
  return env.Undefined();
}

// setIrqLine(fiq: boolean, level: boolean). The CPU takes the virtual IRQ/FIQ architecturally at the next
// instruction boundary when PSTATE allows, also when raised from inside an MMIO callback.
Napi::Value Vcpu::SetIrqLine(const Napi::CallbackInfo& info) {
  if (!uc_) return info.Env().Undefined();
  uint64_t bit = info[0].ToBoolean().Value() ? kHcrVf : kHcrVi;
  uint64_t next = info[1].ToBoolean().Value() ? (hcr_ | bit) : (hcr_ & ~bit);
  if (next != hcr_) {
    hcr_ = next;
    WriteCpReg(3, 4, 1, 1, 0, EffectiveHcr());
  }
  return info.Env().Undefined();
}

// trapSysreg(key, action): key = op0<<14 | op1<<11 | CRn<<7 | CRm<<3 | op2
Napi::Value Vcpu::TrapSysreg(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t key = info[0].As<Napi::Number>().Uint32Value();
  uint32_t action = info[1].As<Napi::Number>().Uint32Value();
  if (key >= sysregActions_.size() || action > uint32_t(SysregAction::ReadAsZero)) {
    Napi::RangeError::New(env, "trapSysreg: bad key or action").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  sysregActions_[key] = uint8_t(action);
  return env.Undefined();
}

// run(deadlineNs): runs until virtual time `deadlineNs` (either clock).
// Returns a StopCause; an exception thrown by a JS handler during the run is left pending (rethrown).
Napi::Value Vcpu::Run(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!EnsureOpen(env)) return env.Undefined();
  if (running_) {
    Napi::Error::New(env, "run() called while the vCPU is already running (from a device callback?)")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (!args_) {
    Napi::Error::New(env, "run() before setHandlers()").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  double deadline = info[0].As<Napi::Number>().DoubleValue();
  uint64_t pc = 0;
  uc_reg_read(uc_, UC_ARM64_REG_PC, &pc);

  env_ = env;
  jsFailed_ = false;
  running_ = true;
  cause_ = StopCause::Idle;  // what an uc_emu_start that returns OK by itself means: WFI
  fetchAbortDelivered_ = fetchFaultStop_ = false;
  if (stopRequested_.exchange(false)) {
    running_ = false;
    return Napi::Number::New(env, int32_t(StopCause::Requested));
  }
  if (!deterministic_) icountDeadline_ = UINT64_MAX;  // before arming: a late stop of the last run may still land
  MoveDeadline(deadline);
  if (deterministic_ && icount_ >= icountDeadline_) {
    running_ = false;
    return Napi::Number::New(env, int32_t(StopCause::Deadline));
  }

  BeginDebugRun(pc);
  uc_err err = uc_emu_start(uc_, pc, kNoUntilAddress, 0, 0);
  // A fetch fault ends the engine's run even when it was delivered to the guest: carry on at the vector.
  while (IsFetchError(err) && fetchAbortDelivered_ && !jsFailed_ && cause_ == StopCause::Idle) {
    fetchAbortDelivered_ = false;
    uc_reg_read(uc_, UC_ARM64_REG_PC, &pc);
    err = uc_emu_start(uc_, pc, kNoUntilAddress, 0, 0);
  }
  EndDebugRun();

  if (!deterministic_) timer_->Disarm();
  running_ = false;
  if (jsFailed_) return env.Undefined();  // the JS exception is pending: the caller sees it thrown
  if (IsFetchError(err) && (fetchFaultStop_ || fetchAbortDelivered_)) {
    // Not delivered (no vector table to take it), or delivered and then stopped at a deadline.
    if (fetchFaultStop_) cause_ = StopCause::Exception;
  } else if (err != UC_ERR_OK) {
    lastError_ = err;
    cause_ = StopCause::Error;
  } else if (cause_ != StopCause::Debug && stopRequested_.exchange(false)) {
    cause_ = StopCause::Requested;
  }  // else the block hook set Deadline, the exception hook Exception, or WFI left Idle
  return Napi::Number::New(env, int32_t(cause_));
}

// requestStop(): ends the current run at the next block boundary (or makes the next run return at once).
// Safe from any callback: it only moves the deadline, never calls uc_emu_stop from a memory callback.
Napi::Value Vcpu::RequestStop(const Napi::CallbackInfo& info) {
  stopRequested_ = true;
  if (running_) MoveDeadline(0);
  return info.Env().Undefined();
}

// setDeadline(deadline): changes the current run's deadline (same units as run()); for timers armed
// from device callbacks during a run.
Napi::Value Vcpu::SetDeadline(const Napi::CallbackInfo& info) {
  double deadline = info[0].As<Napi::Number>().DoubleValue();
  if (running_) MoveDeadline(deadline);
  return info.Env().Undefined();
}

// `deadline` is virtual ns in both modes; deterministic mode turns it into an instruction count.
void Vcpu::MoveDeadline(double deadline) {
  bool never = deadline >= 1.8e19;  // Number.MAX_VALUE / Infinity: no deadline
  if (deterministic_) {
    double instructions = std::ceil((deadline - double(skippedNs_)) / nsPerInstruction_);
    icountDeadline_ = never ? UINT64_MAX : instructions <= 0 ? 0 : uint64_t(instructions);
  } else if (!never && realtimeOriginNs_ + uint64_t(std::max(deadline, 0.0)) <= MonotonicNs()) {
    icountDeadline_ = 0;  // already due (requestStop, an exception stop): the next block stops
  } else {
    timer_->Arm(never ? UINT64_MAX : realtimeOriginNs_ + uint64_t(deadline));
  }
}

// lastException(): { intno, pc, syndrome } of the last Exception stop, or { error } of the last Error stop.
Napi::Value Vcpu::LastException(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  if (cause_ == StopCause::Error) {
    out.Set("error", uc_strerror(lastError_));
    out.Set("errorCode", int32_t(lastError_));
    return out;
  }
  out.Set("intno", lastIntno_);
  out.Set("pc", Napi::Number::New(env, double(lastExceptionPc_)));
  if (syndromeOffset_ >= 0) {
    out.Set("syndrome", Napi::Number::New(env, lastSyndrome_));
    out.Set("faultAddress", Napi::Number::New(env, double(lastFaultAddress_)));
    out.Set("targetEl", lastTargetEl_);
    out.Set("recursive", recursiveException_);
  }
  return out;
}

// setStrictHypercalls(on): an unanswered HVC/SMC ends the run (true) or is UNDEFINED in the guest (false).
Napi::Value Vcpu::SetStrictHypercalls(const Napi::CallbackInfo& info) {
  strictHypercalls_ = info[0].ToBoolean().Value();
  return info.Env().Undefined();
}

// deliveredExceptions(): how many synchronous exceptions were delivered to the guest so far.
Napi::Value Vcpu::DeliveredExceptions(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), double(deliveredExceptions_));
}

Napi::Value Vcpu::NowNs(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), double(VirtualNs()));
}

Napi::Value Vcpu::InstructionCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), double(icount_));
}

// advanceClock(ns): moves the deterministic clock forward to `ns` (idle time skipped by WFI); never back.
// Skipped time is kept apart from the instruction count, which stays a count of work done.
Napi::Value Vcpu::AdvanceClock(const Napi::CallbackInfo& info) {
  double ns = info[0].As<Napi::Number>().DoubleValue();
  uint64_t now = VirtualNs();
  if (deterministic_ && ns > double(now)) skippedNs_ += uint64_t(std::ceil(ns)) - now;
  return info.Env().Undefined();
}

Napi::Value Vcpu::Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (running_) {
    Napi::Error::New(env, "close() while running").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  timer_.reset();
  if (context_) uc_context_free(context_);
  context_ = nullptr;
  if (uc_) uc_close(uc_);
  uc_ = nullptr;
  mappings_.clear();
  // The handlers reach the JS vCPU and its whole machine; holding them would keep a closed machine alive.
  mmioRead_.Reset();
  mmioWrite_.Reset();
  sysregHandler_.Reset();
  exceptionHandler_.Reset();
  argsRef_.Reset();
  args_ = nullptr;
  return env.Undefined();
}

}  // namespace armvirt
