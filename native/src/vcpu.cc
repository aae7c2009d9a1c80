// The vCPU's JS surface: construction, registers, IRQ lines, sysreg traps and run().
#include "vcpu.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "args.h"

namespace armvirt {

namespace {

constexpr uint64_t kHcrVf = 1ull << 6;  // HCR_EL2.VF: virtual FIQ pending
constexpr uint64_t kHcrVi = 1ull << 7;  // HCR_EL2.VI: virtual IRQ pending
// Never equal to a PC (AArch64 PCs are 4-byte aligned), so uc_emu_start never stops on it.
constexpr uint64_t kNoUntilAddress = 1;

bool IsFetchError(uc_err err) { return err == UC_ERR_FETCH_UNMAPPED || err == UC_ERR_FETCH_PROT; }

std::atomic<uint32_t> lastVcpuId{0};

// new Vcpu's options, each optional: model (a uc_cpu_arm64), deterministic, nsPerInstruction (above 0).
bool VcpuOptions(const Args& args, Napi::Object opts, int& model, bool& deterministic, double& nsPerInstruction) {
  Napi::Value m = opts.Get("model"), d = opts.Get("deterministic"), ns = opts.Get("nsPerInstruction");
  if (!m.IsUndefined() && !m.IsNumber()) return args.Mistyped(0, "options.model", "a number", m);
  if (!d.IsUndefined() && !d.IsBoolean()) return args.Mistyped(0, "options.deterministic", "a boolean", d);
  if (!ns.IsUndefined() && !ns.IsNumber()) return args.Mistyped(0, "options.nsPerInstruction", "a number", ns);
  if (m.IsNumber()) model = m.As<Napi::Number>().Int32Value();
  if (d.IsBoolean()) deterministic = d.As<Napi::Boolean>().Value();
  if (ns.IsNumber()) {
    nsPerInstruction = ns.As<Napi::Number>().DoubleValue();
    if (!(nsPerInstruction > 0)) return args.Range(0, "options.nsPerInstruction", "must be above 0");
  }
  return true;
}

// The five fields of a system register's encoding, arguments first..first+4 of `args`.
bool CpRegArgs(const Args& args, uint32_t (&e)[5]) {
  static const char* const kNames[5] = {"op0", "op1", "crn", "crm", "op2"};
  for (size_t i = 0; i < 5; i++) {
    if (!args.U32(i, kNames[i], e[i])) return false;
  }
  return true;
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

// new Vcpu({ model, deterministic, nsPerInstruction }), each optional
Vcpu::Vcpu(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<Vcpu>(info), id_(++lastVcpuId), sysregActions_(1 << 16, 0) {
  Napi::Env env = info.Env();
  Args args(info, "new Vcpu");
  Napi::Object opts = Napi::Object::New(env);
  if (!info[0].IsUndefined() && !args.Object(0, "options", opts)) return;
  int cpuModel = UC_CPU_ARM64_A72;
  if (!VcpuOptions(args, opts, cpuModel, deterministic_, nsPerInstruction_)) return;

  if (!Check(env, uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &uc_), "uc_open")) return;
  if (!Check(env, uc_ctl_set_cpu_model(uc_, cpuModel), "setting the CPU model")) return;
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
  Args args(info, "setHandlers");
  Napi::Function mmioRead, mmioWrite, sysreg, exception;
  Napi::Uint32Array shared;
  if (!args.Function(0, "mmioRead", mmioRead) || !args.Function(1, "mmioWrite", mmioWrite) ||
      !args.Function(2, "sysreg", sysreg) || !args.Function(3, "exception", exception) ||
      !args.Uint32Array(4, "args", shared)) {
    return env.Undefined();
  }
  if (shared.ElementLength() < 8) {
    args.Range(4, "args", "needs 8 elements");
    return env.Undefined();
  }
  mmioRead_ = Napi::Persistent(mmioRead);
  mmioWrite_ = Napi::Persistent(mmioWrite);
  sysregHandler_ = Napi::Persistent(sysreg);
  exceptionHandler_ = Napi::Persistent(exception);
  argsRef_ = Napi::Persistent(shared);
  args_ = shared.Data();
  return env.Undefined();
}

Napi::Value Vcpu::RegRead(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t id;
  if (!Args(info, "regRead").U32(0, "id", id) || !EnsureOpen(env)) return env.Undefined();
  uint64_t value = 0;
  if (!Check(env, uc_reg_read(uc_, int(id), &value), "reading register " + std::to_string(id))) return env.Undefined();
  return Napi::BigInt::New(env, value);
}

Napi::Value Vcpu::RegWrite(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t id;
  uint64_t value;
  Args args(info, "regWrite");
  if (!args.U32(0, "id", id) || !args.U64(1, "value", value) || !EnsureOpen(env)) return env.Undefined();
  Check(env, uc_reg_write(uc_, int(id), &value), "writing register " + std::to_string(id));
  return env.Undefined();
}

// cpRegRead(op0, op1, crn, crm, op2): bigint
Napi::Value Vcpu::CpRegRead(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t e[5];
  if (!CpRegArgs(Args(info, "cpRegRead"), e) || !EnsureOpen(env)) return env.Undefined();
  return Napi::BigInt::New(env, ReadCpReg(e[0], e[1], e[2], e[3], e[4]));
}

// cpRegWrite(op0, op1, crn, crm, op2, value)
Napi::Value Vcpu::CpRegWrite(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t e[5];
  uint64_t value;
  Args args(info, "cpRegWrite");
  if (!CpRegArgs(args, e) || !args.U64(5, "value", value) || !EnsureOpen(env)) return env.Undefined();
  WriteCpReg(e[0], e[1], e[2], e[3], e[4], value);
  if (e[0] == 3 && e[1] == 4 && e[2] == 1 && e[3] == 1 && e[4] == 0) hcr_ = value;  // keep the HCR_EL2 cache true
  return env.Undefined();
}

Napi::Value Vcpu::GetPc(const Napi::CallbackInfo& info) {
  uint64_t pc = 0;
  if (uc_) uc_reg_read(uc_, UC_ARM64_REG_PC, &pc);
  return Napi::Number::New(info.Env(), double(pc));
}

Napi::Value Vcpu::SetPc(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t pc;
  if (!Args(info, "setPc").U64(0, "pc", pc) || !EnsureOpen(env)) return env.Undefined();
  uc_reg_write(uc_, UC_ARM64_REG_PC, &pc);
  return env.Undefined();
}

// setIrqLine(fiq: boolean, level: boolean). The CPU takes the virtual IRQ/FIQ architecturally at the next
// instruction boundary when PSTATE allows, also when raised from inside an MMIO callback.
Napi::Value Vcpu::SetIrqLine(const Napi::CallbackInfo& info) {
  bool fiq, level;
  Args args(info, "setIrqLine");
  if (!args.Bool(0, "fiq", fiq) || !args.Bool(1, "level", level) || !uc_) return info.Env().Undefined();
  uint64_t bit = fiq ? kHcrVf : kHcrVi;
  uint64_t next = level ? (hcr_ | bit) : (hcr_ & ~bit);
  if (next != hcr_) {
    hcr_ = next;
    WriteCpReg(3, 4, 1, 1, 0, EffectiveHcr());
  }
  return info.Env().Undefined();
}

// trapSysreg(key, action): key = op0<<14 | op1<<11 | CRn<<7 | CRm<<3 | op2
Napi::Value Vcpu::TrapSysreg(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t key, action;
  Args args(info, "trapSysreg");
  if (!args.U32(0, "key", key) || !args.U32(1, "action", action)) return env.Undefined();
  if (key >= sysregActions_.size()) {
    args.Range(0, "key", "(" + std::to_string(key) + ") is above 0xffff");
    return env.Undefined();
  }
  if (action > uint32_t(SysregAction::ReadAsZero)) {
    args.Range(1, "action", "(" + std::to_string(action) + ") is not a SysregAction");
    return env.Undefined();
  }
  sysregActions_[key] = uint8_t(action);
  return env.Undefined();
}

// run(deadline): runs until virtual time `deadline`, in ns (either clock).
// Returns a StopCause; an exception thrown by a JS handler during the run is left pending (rethrown).
Napi::Value Vcpu::Run(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  double deadline;
  if (!Args(info, "run").Number(0, "deadline", deadline) || !EnsureOpen(env)) return env.Undefined();
  if (running_) {
    Napi::Error::New(env, "run() called while the vCPU is already running (from a device callback?)")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (!args_) {
    Napi::Error::New(env, "run() before setHandlers()").ThrowAsJavaScriptException();
    return env.Undefined();
  }
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
  double deadline;
  if (!Args(info, "setDeadline").Number(0, "deadline", deadline)) return info.Env().Undefined();
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
  bool on;
  if (Args(info, "setStrictHypercalls").Bool(0, "on", on)) strictHypercalls_ = on;
  return info.Env().Undefined();
}

// deliveredExceptions(): how many synchronous exceptions were delivered to the guest so far.
Napi::Value Vcpu::DeliveredExceptions(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), double(deliveredExceptions_));
}

Napi::Value Vcpu::NowNs(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), double(VirtualNs())); }

Napi::Value Vcpu::InstructionCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), double(icount_));
}

// advanceClock(ns): moves the deterministic clock forward to `ns` (idle time skipped by WFI); never back.
// Skipped time is kept apart from the instruction count, which stays a count of work done.
Napi::Value Vcpu::AdvanceClock(const Napi::CallbackInfo& info) {
  double ns;
  Args args(info, "advanceClock");
  if (!args.Number(0, "ns", ns)) return info.Env().Undefined();
  if (!std::isfinite(ns)) {
    args.Range(0, "ns", "must be finite");
    return info.Env().Undefined();
  }
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
