// One AArch64 vCPU on Unicorn 2.1, with the set-up the engine needs (docs/engine.md): EL1 in non-secure
// AArch64 state, IRQ/FIQ lines through HCR_EL2.VI/VF, synchronous exceptions delivered to EL1, lazily laid
// shadows for unmapped space, native system-register filtering, and stops that only come between blocks.
#pragma once

#include <napi.h>
#include <unicorn/unicorn.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "deadline_timer.h"
#include "host_memory.h"
#include "vcpu_debug.h"
#include "vcpu_hooks.h"

namespace armvirt {

// A bigint's low 64 bits (a larger one wraps, as a register would).
inline uint64_t BigIntToU64(Napi::Value v) {
  bool lossless = true;
  return v.As<Napi::BigInt>().Uint64Value(&lossless);
}

// Why run() returned. Mirrored by the Cause enum in src/cpu/vcpu.ts.
enum class StopCause : int32_t {
  Deadline = 0,   // the instruction-count or host-time deadline was reached
  Idle = 1,       // the guest executed WFI/WFE
  Exception = 2,  // a synchronous exception the guest cannot take (vcpu_exceptions.cc), or an HVC/SMC left
                  // unanswered under strict hypercalls
  Error = 3,      // uc_emu_start failed
  Requested = 4,  // requestStop() from JS between or during runs
  Debug = 5,      // a breakpoint, watchpoint or single step (vcpu_debug.cc)
};

// What a trapped system register does. Mirrored by the SysregAction enum in src/cpu/vcpu.ts.
enum class SysregAction : uint8_t {
  PassThrough = 0,   // let Unicorn execute it
  CallJs = 1,        // the VMM's handler gives the value / takes the write
  VirtualCount = 2,  // CNTVCT_EL0/CNTPCT_EL0 from the virtual clock, computed here (Linux reads it constantly)
  ReadAsZero = 3,    // unimplemented register: read 0, write ignored, never hang
};

struct Mapping {
  uint64_t size;
  bool isShadow;
  std::unique_ptr<MmioSlot> slot;              // MMIO only
  Napi::Reference<Napi::ArrayBuffer> backing;  // pointer mappings only: keeps host memory alive
  std::unique_ptr<GuestMapping> guestMapping;  // pointer mappings only: keeps unmapSharedFile away from it
};

class Vcpu : public Napi::ObjectWrap<Vcpu> {
 public:
  static Napi::Function Init(Napi::Env env);
  explicit Vcpu(const Napi::CallbackInfo& info);
  ~Vcpu() override;

  // Called from Unicorn callbacks (vcpu_hooks.cc).
  std::optional<uint64_t> CallJs(Napi::FunctionReference& fn);
  void SetAccessArgs(uint32_t regionId, uint64_t offset, unsigned size);
  uint64_t MmioRead(uint32_t regionId, uint64_t offset, unsigned size);
  void MmioWrite(uint32_t regionId, uint64_t offset, unsigned size, uint64_t value);
  bool OnSysreg(uc_arm64_reg rt, const uc_arm64_cp_reg* cp, bool isRead);
  // Runs before every translated block: it counts and stops at deadlines, so it is kept to a compare and an
  // add, inline in the engine's call (docs/engine.md: the block hook is what deadlines cost).
  void OnBlock(uint64_t address, uint32_t size) {
    if (__builtin_expect(icount_ < icountDeadline_.load(std::memory_order_relaxed), 1)) {
      icount_ += size >> 2;
      return;
    }
    StopAtBlock(address);
  }
  void StopAtBlock(uint64_t address);
  // Debugger hooks (vcpu_debug.cc)
  void OnBreakpoint(uint64_t address);
  void OnStepCode(uint64_t address);
  void OnStepBlock(uint64_t address);
  void OnWatchAccess(bool isWrite, uint64_t address, int size);
  void OnWatchNext(uint64_t address);
  void OnInterrupt(uint32_t intno);
  void OnBadFetch();
  bool LayShadow(uint64_t address);
  void StopAtException();

  // Synchronous exception entry to EL1 (vcpu_exceptions.cc)
  static bool IsDeliverable(uint32_t intno);
  bool DeliverSynchronousException(uint32_t intno);
  bool DeliverUndefinedHypercall();
  void CountDelivery();
  bool EnterEl1(uint32_t syndrome, std::optional<uint64_t> faultAddress, uint64_t returnAddress);
  uint64_t VirtualNs() const;

  uc_engine* uc() const { return uc_; }

 private:
  // Debugger support (vcpu_debug.cc)
  static void AddDebugMethods(std::vector<Napi::ClassPropertyDescriptor<Vcpu>>& methods);
  Napi::Value SetBreakpoint(const Napi::CallbackInfo& info);
  Napi::Value SetWatchpoint(const Napi::CallbackInfo& info);
  Napi::Value SetStep(const Napi::CallbackInfo& info);
  Napi::Value LastDebugStop(const Napi::CallbackInfo& info);
  Napi::Value ReadVector(const Napi::CallbackInfo& info);
  Napi::Value WriteVector(const Napi::CallbackInfo& info);
  Napi::Value HoldClock(const Napi::CallbackInfo& info);
  void BeginDebugRun(uint64_t pc);
  void EndDebugRun();
  void StopForDebug(DebugStopKind kind, uint64_t pc);
  void EndStep();
  void RemoveHooks(std::vector<uc_hook>& hooks);
  void RetranslateAll();
  uint64_t EffectiveHcr() const;

  // JS API
  Napi::Value SetHandlers(const Napi::CallbackInfo& info);
  Napi::Value MapPointer(const Napi::CallbackInfo& info);
  Napi::Value MapMmio(const Napi::CallbackInfo& info);
  Napi::Value Unmap(const Napi::CallbackInfo& info);
  Napi::Value Mappings(const Napi::CallbackInfo& info);
  Napi::Value ReadMemory(const Napi::CallbackInfo& info);
  Napi::Value WriteMemory(const Napi::CallbackInfo& info);
  Napi::Value RegRead(const Napi::CallbackInfo& info);
  Napi::Value RegWrite(const Napi::CallbackInfo& info);
  Napi::Value CpRegRead(const Napi::CallbackInfo& info);
  Napi::Value CpRegWrite(const Napi::CallbackInfo& info);
  Napi::Value GetPc(const Napi::CallbackInfo& info);
  Napi::Value SetPc(const Napi::CallbackInfo& info);
  Napi::Value SetIrqLine(const Napi::CallbackInfo& info);
  Napi::Value TrapSysreg(const Napi::CallbackInfo& info);
  Napi::Value Run(const Napi::CallbackInfo& info);
  Napi::Value RequestStop(const Napi::CallbackInfo& info);
  Napi::Value SetDeadline(const Napi::CallbackInfo& info);
  void MoveDeadline(double deadline);
  Napi::Value LastException(const Napi::CallbackInfo& info);
  Napi::Value SetStrictHypercalls(const Napi::CallbackInfo& info);
  Napi::Value DeliveredExceptions(const Napi::CallbackInfo& info);
  Napi::Value NowNs(const Napi::CallbackInfo& info);
  Napi::Value InstructionCount(const Napi::CallbackInfo& info);
  Napi::Value AdvanceClock(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);

  // Set-up and memory map (vcpu_memory.cc)
  void ConfigureEl1(Napi::Env env);
  void CalibrateSyndromeOffset();
  void ReadExceptionSyndrome();
  bool MapRange(Napi::Env env, uint64_t addr, uint64_t size, Mapping mapping, void* ptr);
  bool UnmapRange(Napi::Env env, uint64_t addr, uint64_t size);

  bool CarveShadow(Napi::Env env, uint64_t start, uint64_t end);
  bool Check(Napi::Env env, uc_err err, const std::string& what);
  void WriteCpReg(uint32_t op0, uint32_t op1, uint32_t crn, uint32_t crm, uint32_t op2, uint64_t value);
  uint64_t ReadCpReg(uint32_t op0, uint32_t op1, uint32_t crn, uint32_t crm, uint32_t op2);
  bool EnsureOpen(Napi::Env env);

  const uint32_t id_;  // names this vCPU in errors about host memory it maps
  uc_engine* uc_ = nullptr;
  std::map<uint64_t, Mapping> mappings_;  // by guest physical base; user and shadow regions
  std::vector<uc_hook> hooks_;

  // JS callbacks, valid while run() is on the stack (and outside for host accesses)
  Napi::FunctionReference mmioRead_, mmioWrite_, sysregHandler_, exceptionHandler_;
  Napi::Reference<Napi::Uint32Array> argsRef_;
  uint32_t* args_ = nullptr;  // shared with JS: [region, offLo, offHi, size, valLo, valHi, key, isWrite]
  napi_env env_ = nullptr;
  bool jsFailed_ = false;
  bool running_ = false;

  // System registers
  std::vector<uint8_t> sysregActions_;  // indexed by the 16-bit op0:op1:CRn:CRm:op2 key

  // Clock and stops
  bool deterministic_ = true;
  double nsPerInstruction_ = 1.0;
  uint64_t icount_ = 0;
  uint64_t skippedNs_ = 0;  // deterministic idle time skipped on WFI
  // The block hook stops the engine once icount_ reaches this. In real-time mode it stays UINT64_MAX until the
  // deadline thread drops it to 0 (see deadline_timer.h).
  std::atomic<uint64_t> icountDeadline_{UINT64_MAX};
  uint64_t realtimeOriginNs_ = 0;
  std::unique_ptr<DeadlineTimer> timer_;
  std::atomic<bool> stopRequested_{false};
  StopCause cause_ = StopCause::Deadline;

  // Interrupt lines and the last exception
  uint64_t hcr_ = 0;
  uint32_t lastIntno_ = 0;
  uc_err lastError_ = UC_ERR_OK;
  SysregHookData sysregHooks_[4];  // user_data of the MRS/MSR/SYS/SYSL hooks
  uint64_t lastExceptionPc_ = 0;
  uint32_t lastSyndrome_ = 0;
  uint64_t lastFaultAddress_ = 0;
  uint32_t lastTargetEl_ = 0;
  // An HVC/SMC no handler answered ends the run instead of being UNDEFINED in the guest.
  bool strictHypercalls_ = false;
  uint64_t deliveredExceptions_ = 0;
  bool recursiveException_ = false;   // the last undelivered exception was taken at its own vector
  bool fetchAbortDelivered_ = false;  // the engine stopped at a fetch fault delivered to the guest: resume
  bool fetchFaultStop_ = false;       // the engine stopped at a fetch fault the guest cannot take
  uc_context* context_ = nullptr;     // scratch for reading the syndrome
  long syndromeOffset_ = -1;          // byte offset of env->exception.syndrome inside a uc_context blob

  DebugState debug_;
};

}  // namespace armvirt
