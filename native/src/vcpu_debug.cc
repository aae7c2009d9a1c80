// Debugger support for the vCPU (vcpu_debug.h): breakpoints, watchpoints, single steps, 128-bit vector
// registers and a real-time clock that stands still while the debugger holds the guest.
//
// Engine facts this relies on (Unicorn 2.1.1):
// - A code hook's bounds are checked when a block is translated: only instructions inside them call it.
//   Blocks translated before the hook was added lack the call, so adding one removes the blocks at its
//   address (uc_ctl_remove_cache); deleting one removes the blocks it instrumented by itself.
// - A code hook runs with PC synced and the block checks for a stop right after it: a stop there is exact.
// - Block hooks and code hooks compiled into a block call every hook of their type whose bounds match, so a
//   block hook added now runs at the start of every block already translated (the VMM's block hook put the
//   call in all of them).
// - Any memory hook makes newly translated code take the slow path for every access (and memory hooks see
//   physical addresses), so all translated code is dropped when the first watchpoint comes and when the
//   last one goes. Not with UC_CTL_TB_FLUSH: that memsets the whole 1 GiB code buffer (seconds, and all of
//   it resident afterwards).
#include <algorithm>
#include <cstring>

#include "args.h"
#include "vcpu.h"

namespace armvirt {

namespace {

constexpr uint64_t kHcrVf = 1ull << 6;
constexpr uint64_t kHcrVi = 1ull << 7;
constexpr uint64_t kSctlrM = 1;  // SCTLR_EL1.M: stage 1 translation on
constexpr int kVectorBytes = 16;

void OnBreakpointHook(uc_engine*, uint64_t address, uint32_t, void* user) {
  static_cast<Vcpu*>(user)->OnBreakpoint(address);
}

void OnStepCodeHook(uc_engine*, uint64_t address, uint32_t, void* user) {
  static_cast<Vcpu*>(user)->OnStepCode(address);
}

void OnStepBlockHook(uc_engine*, uint64_t address, uint32_t, void* user) {
  static_cast<Vcpu*>(user)->OnStepBlock(address);
}

void OnWatchReadHook(uc_engine*, uc_mem_type, uint64_t address, int size, int64_t, void* user) {
  static_cast<Vcpu*>(user)->OnWatchAccess(false, address, size);
}

void OnWatchWriteHook(uc_engine*, uc_mem_type, uint64_t address, int size, int64_t, void* user) {
  static_cast<Vcpu*>(user)->OnWatchAccess(true, address, size);
}

void OnWatchNextHook(uc_engine*, uint64_t address, uint32_t, void* user) {
  static_cast<Vcpu*>(user)->OnWatchNext(address);
}

// Drops translated blocks holding `address` so the next translation sees the hooks now covering it.
void RetranslateAt(uc_engine* uc, uint64_t address) { uc_ctl_remove_cache(uc, address, address + 4); }

}  // namespace

void Vcpu::AddDebugMethods(std::vector<Napi::ClassPropertyDescriptor<Vcpu>>& methods) {
  methods.push_back(InstanceMethod("setBreakpoint", &Vcpu::SetBreakpoint));
  methods.push_back(InstanceMethod("setWatchpoint", &Vcpu::SetWatchpoint));
  methods.push_back(InstanceMethod("setStep", &Vcpu::SetStep));
  methods.push_back(InstanceMethod("lastDebugStop", &Vcpu::LastDebugStop));
  methods.push_back(InstanceMethod("readVector", &Vcpu::ReadVector));
  methods.push_back(InstanceMethod("writeVector", &Vcpu::WriteVector));
  methods.push_back(InstanceMethod("holdClock", &Vcpu::HoldClock));
}

// setBreakpoint(address, on): stops a run before the instruction at this virtual address executes.
Napi::Value Vcpu::SetBreakpoint(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t address;
  bool on;
  Args args(info, "setBreakpoint");
  if (!args.U64(0, "address", address) || !args.Bool(1, "on", on) || !EnsureOpen(env)) return env.Undefined();
  auto it = debug_.breakpoints.find(address);
  if (on && it == debug_.breakpoints.end()) {
    uc_hook hook;
    if (!Check(env,
               uc_hook_add(uc_, &hook, UC_HOOK_CODE, reinterpret_cast<void*>(OnBreakpointHook), this, address, address),
               "adding a breakpoint"))
      return env.Undefined();
    debug_.breakpoints.emplace(address, hook);
    RetranslateAt(uc_, address);
  } else if (!on && it != debug_.breakpoints.end()) {
    uc_hook_del(uc_, it->second);
    debug_.breakpoints.erase(it);
  }
  return env.Undefined();
}

// setWatchpoint(address, length, kind, on): a run stops after an instruction that accessed the range of
// guest physical addresses.
Napi::Value Vcpu::SetWatchpoint(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t address, length;
  uint32_t kind;
  bool on;
  Args args(info, "setWatchpoint");
  if (!args.U64(0, "address", address) || !args.U64(1, "length", length) || !args.U32(2, "kind", kind) ||
      !args.Bool(3, "on", on) || !EnsureOpen(env)) {
    return env.Undefined();
  }
  if (length == 0) {
    args.Range(1, "length", "is 0: the range is empty");
    return env.Undefined();
  }
  if (kind > uint32_t(WatchKind::Access)) {
    args.Range(2, "kind", "(" + std::to_string(kind) + ") is not a WatchKind");
    return env.Undefined();
  }
  Watchpoint wp{address, length, WatchKind(kind)};
  auto& list = debug_.watchpoints;
  auto same = [&](const Watchpoint& w) {
    return w.address == wp.address && w.length == wp.length && w.kind == wp.kind;
  };
  if (on) {
    if (list.empty()) {
      uc_hook h;
      uc_hook_add(uc_, &h, UC_HOOK_MEM_READ, reinterpret_cast<void*>(OnWatchReadHook), this, 1, 0);
      debug_.watchHooks.push_back(h);
      uc_hook_add(uc_, &h, UC_HOOK_MEM_WRITE, reinterpret_cast<void*>(OnWatchWriteHook), this, 1, 0);
      debug_.watchHooks.push_back(h);
      uc_hook_add(uc_, &h, UC_HOOK_CODE, reinterpret_cast<void*>(OnWatchNextHook), this, 1, 0);
      debug_.watchHooks.push_back(h);
      RetranslateAll();
    }
    list.push_back(wp);
  } else {
    auto it = std::find_if(list.begin(), list.end(), same);
    if (it == list.end()) return env.Undefined();
    list.erase(it);
    if (list.empty()) {
      RemoveHooks(debug_.watchHooks);
      debug_.watchHit = false;
      RetranslateAll();
    }
  }
  return env.Undefined();
}

// setStep(on): the next run(s) end after exactly one instruction (a Debug stop), IRQ and FIQ held off.
Napi::Value Vcpu::SetStep(const Napi::CallbackInfo& info) {
  bool on;
  if (!Args(info, "setStep").Bool(0, "on", on) || !uc_) return info.Env().Undefined();
  if (on) {
    EndStep();
    debug_.stepArmed = true;
  } else {
    EndStep();
  }
  return info.Env().Undefined();
}

// lastDebugStop(): { kind, pc, dataAddress, watchKind, accessPc, accessWrite } of the last Debug stop.
Napi::Value Vcpu::LastDebugStop(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  out.Set("kind", int32_t(debug_.stopKind));
  out.Set("pc", Napi::BigInt::New(env, debug_.stopPc));
  out.Set("dataAddress", Napi::BigInt::New(env, debug_.stopDataAddress));
  out.Set("watchKind", int32_t(debug_.stopWatchKind));
  out.Set("accessPc", Napi::BigInt::New(env, debug_.stopAccessPc));
  out.Set("accessWrite", debug_.stopAccessWrite);
  return out;
}

// readVector(n): V<n> as 16 little-endian bytes.
Napi::Value Vcpu::ReadVector(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t n;
  Args args(info, "readVector");
  if (!args.U32(0, "n", n) || !EnsureOpen(env)) return env.Undefined();
  if (n > 31) {
    args.Range(0, "n", "names no V" + std::to_string(n) + " (V0-V31)");
    return env.Undefined();
  }
  Napi::Buffer<uint8_t> out = Napi::Buffer<uint8_t>::New(env, kVectorBytes);
  std::memset(out.Data(), 0, kVectorBytes);
  Check(env, uc_reg_read(uc_, UC_ARM64_REG_Q0 + n, out.Data()), "reading V" + std::to_string(n));
  return out;
}

// writeVector(n, bytes: 16 bytes)
Napi::Value Vcpu::WriteVector(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t n;
  Napi::Uint8Array value;
  Args args(info, "writeVector");
  if (!args.U32(0, "n", n) || !args.Uint8Array(1, "bytes", value) || !EnsureOpen(env)) return env.Undefined();
  if (n > 31) {
    args.Range(0, "n", "names no V" + std::to_string(n) + " (V0-V31)");
    return env.Undefined();
  }
  if (value.ByteLength() != kVectorBytes) {
    args.Range(1, "bytes", "holds " + std::to_string(value.ByteLength()) + " bytes, not 16");
    return env.Undefined();
  }
  uint8_t bytes[kVectorBytes];
  std::memcpy(bytes, value.Data(), kVectorBytes);
  Check(env, uc_reg_write(uc_, UC_ARM64_REG_Q0 + n, bytes), "writing V" + std::to_string(n));
  return env.Undefined();
}

// holdClock(held): the real-time clock stops while held (deterministic time only moves with the guest anyway).
Napi::Value Vcpu::HoldClock(const Napi::CallbackInfo& info) {
  bool held;
  if (!Args(info, "holdClock").Bool(0, "held", held)) return info.Env().Undefined();
  if (deterministic_ || held == debug_.clockHeld) return info.Env().Undefined();
  if (held) {
    debug_.clockHeldAtNs = MonotonicNs();
  } else {
    realtimeOriginNs_ += MonotonicNs() - debug_.clockHeldAtNs;
  }
  debug_.clockHeld = held;
  return info.Env().Undefined();
}

// Before a run: a step armed and not yet under way gets its hooks, and the interrupt lines are held low.
void Vcpu::BeginDebugRun(uint64_t pc) {
  debug_.stopKind = DebugStopKind::None;
  debug_.stepBlockSeen = false;
  if (!debug_.stepArmed || !debug_.stepHooks.empty()) return;
  debug_.stepPc = pc;
  debug_.stepStarted = false;
  uc_hook h;
  uc_hook_add(uc_, &h, UC_HOOK_CODE, reinterpret_cast<void*>(OnStepCodeHook), this, pc, pc + 4);
  debug_.stepHooks.push_back(h);
  uc_hook_add(uc_, &h, UC_HOOK_BLOCK, reinterpret_cast<void*>(OnStepBlockHook), this, 1, 0);
  debug_.stepHooks.push_back(h);
  RetranslateAt(uc_, pc);
  RetranslateAt(uc_, pc + 4);  // may be on the next page
  debug_.linesMasked = true;
  WriteCpReg(3, 4, 1, 1, 0, EffectiveHcr());
}

// After a run: a Debug stop ends the step, whichever hook made it.
void Vcpu::EndDebugRun() {
  if (cause_ == StopCause::Debug) EndStep();
}

void Vcpu::EndStep() {
  debug_.stepArmed = false;
  debug_.stepStarted = false;
  RemoveHooks(debug_.stepHooks);
  if (debug_.linesMasked) {
    debug_.linesMasked = false;
    WriteCpReg(3, 4, 1, 1, 0, EffectiveHcr());
  }
}

// Drops every translated block. Blocks are found by the physical pages they came from, and the engine's
// invalidation takes a virtual address, so the MMU is off meanwhile (VA = PA; the write rebuilds the flags
// the engine caches and flushes its TLB, and the second write puts both back).
void Vcpu::RetranslateAll() {
  uint64_t sctlr = ReadCpReg(3, 0, 1, 0, 0);
  if (sctlr & kSctlrM) WriteCpReg(3, 0, 1, 0, 0, sctlr & ~kSctlrM);
  for (const auto& [base, mapping] : mappings_) {
    if (!mapping.isShadow && !mapping.slot) uc_ctl_remove_cache(uc_, base, base + mapping.size);
  }
  if (sctlr & kSctlrM) WriteCpReg(3, 0, 1, 0, 0, sctlr);
}

void Vcpu::RemoveHooks(std::vector<uc_hook>& hooks) {
  if (uc_)
    for (uc_hook h : hooks) uc_hook_del(uc_, h);
  hooks.clear();
}

// HCR_EL2 as the engine should see it: the interrupt lines' levels, unless a step holds them low (QEMU's
// default single step masks interrupts too).
uint64_t Vcpu::EffectiveHcr() const { return debug_.linesMasked ? hcr_ & ~(kHcrVi | kHcrVf) : hcr_; }

// Ends the run before the instruction at `pc`. A watchpoint hit by the previous instruction is the reason,
// whichever hook noticed first. PC is written because a stop at a block's start leaves it stale.
void Vcpu::StopForDebug(DebugStopKind kind, uint64_t pc) {
  if (debug_.watchHit) {
    kind = DebugStopKind::Watchpoint;
    debug_.stopDataAddress = debug_.watchHitAddress;
    debug_.stopWatchKind = debug_.watchHitKind;
    debug_.stopAccessPc = debug_.watchHitPc;
    debug_.stopAccessWrite = debug_.watchHitWrite;
    debug_.watchHit = false;
  }
  debug_.stopKind = kind;
  debug_.stopPc = pc;
  cause_ = StopCause::Debug;
  uc_reg_write(uc_, UC_ARM64_REG_PC, &pc);
  uc_emu_stop(uc_);
}

void Vcpu::OnBreakpoint(uint64_t address) {
  // A step starts on its instruction even if a breakpoint sits there (gdb steps over its own that way).
  if (debug_.stepArmed && !debug_.stepStarted && address == debug_.stepPc) return;
  StopForDebug(DebugStopKind::Breakpoint, address);
}

void Vcpu::OnStepCode(uint64_t address) {
  if (!debug_.stepStarted && address == debug_.stepPc) {
    debug_.stepStarted = true;
    return;
  }
  StopForDebug(DebugStopKind::Step, address);
}

// The run's first block holds the stepped instruction; any later block means the step is over (also if the
// stepped instruction's code hook never ran because a stale translation lacked it).
void Vcpu::OnStepBlock(uint64_t address) {
  if (debug_.stepStarted || debug_.stepBlockSeen) {
    StopForDebug(DebugStopKind::Step, address);
    return;
  }
  debug_.stepBlockSeen = true;
}

void Vcpu::OnWatchAccess(bool isWrite, uint64_t address, int size) {
  for (const Watchpoint& w : debug_.watchpoints) {
    bool kindMatches = w.kind == WatchKind::Access || (w.kind == WatchKind::Write) == isWrite;
    if (!kindMatches || address >= w.address + w.length || address + uint64_t(size) <= w.address) continue;
    debug_.watchHit = true;
    debug_.watchHitAddress = std::max(address, w.address);  // inside the watched range, as gdb matches it
    debug_.watchHitKind = w.kind;
    debug_.watchHitWrite = isWrite;
    uc_reg_read(uc_, UC_ARM64_REG_PC, &debug_.watchHitPc);
    return;
  }
}

void Vcpu::OnWatchNext(uint64_t address) {
  if (debug_.watchHit) StopForDebug(DebugStopKind::Watchpoint, address);
}

}  // namespace armvirt
