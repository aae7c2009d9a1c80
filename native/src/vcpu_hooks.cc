// Unicorn hooks and the EL1 set-up they rely on. Everything that runs per instruction or per block stays in
// C++; JS is called only for device MMIO and for the few system registers the VMM emulates.
#include "vcpu_hooks.h"

#include <cstring>
#include <optional>

#include "vcpu.h"

namespace armvirt {

namespace {

constexpr uint64_t kScrEl3 = (1u << 0) | (1u << 8) | (1u << 10);    // NS | HCE (HVC reaches us) | RW (AArch64 EL1)
constexpr uint64_t kHcrEl2 = (1ull << 31) | (1u << 4) | (1u << 3);  // RW | IMO | FMO: VI/VF are IRQ/FIQ lines
constexpr uint32_t kCalibrationSvc = 0xd4000001 | (0x5a5a << 5);    // svc #0x5a5a
constexpr uint32_t kCalibrationSyndrome = 0x56005a5a;               // ESR: EC=SVC64, IL=1, imm16
constexpr uint64_t kCalibrationPage = 0;
constexpr uint32_t kExcpHvc = 11;  // QEMU's EXCP_HVC and EXCP_SMC, as Unicorn reports them
constexpr uint32_t kExcpSmc = 13;

uint32_t OnSysregHook(uc_engine* uc, uc_arm64_reg rt, const uc_arm64_cp_reg* cp, void* user) {
  auto* data = static_cast<SysregHookData*>(user);
  return data->cpu->OnSysreg(rt, cp, data->isRead) ? 1 : 0;
}

void OnBlockHook(uc_engine* uc, uint64_t address, uint32_t size, void* user) {
  static_cast<Vcpu*>(user)->OnBlock(address, size);
}

void OnInterruptHook(uc_engine* uc, uint32_t intno, void* user) { static_cast<Vcpu*>(user)->OnInterrupt(intno); }

// A data access to unmapped physical space: lay a shadow there and let the engine retry the access.
bool OnUnmappedDataHook(uc_engine* uc, uc_mem_type type, uint64_t address, int size, int64_t value, void* user) {
  return static_cast<Vcpu*>(user)->LayShadow(address);
}

// An instruction fetch from unmapped space (or from a shadow, which is not executable).
bool OnBadFetchHook(uc_engine* uc, uc_mem_type type, uint64_t address, int size, int64_t value, void* user) {
  static_cast<Vcpu*>(user)->OnBadFetch();
  return false;
}

}  // namespace

uint64_t OnMmioRead(uc_engine*, uint64_t offset, unsigned size, void* slot) {
  auto* s = static_cast<MmioSlot*>(slot);
  return s->cpu->MmioRead(s->regionId, offset, size);
}

void OnMmioWrite(uc_engine*, uint64_t offset, unsigned size, uint64_t value, void* slot) {
  auto* s = static_cast<MmioSlot*>(slot);
  s->cpu->MmioWrite(s->regionId, offset, size, value);
}

uint64_t OnShadowRead(uc_engine*, uint64_t offset, unsigned size, void* slot) {
  auto* s = static_cast<MmioSlot*>(slot);
  return s->cpu->MmioRead(0, s->base + offset, size);
}

void OnShadowWrite(uc_engine*, uint64_t offset, unsigned size, uint64_t value, void* slot) {
  auto* s = static_cast<MmioSlot*>(slot);
  s->cpu->MmioWrite(0, s->base + offset, size, value);
}

// The JS handlers take no arguments: they read the access from the shared args array, which is cheaper
// than building N-API values for every access. Returns the handler's result as an integer, or nullopt when
// it threw: the run is then over and run() rethrows. (Stopping from a memory callback replays part of the
// block on resume, which is acceptable only because the run does not resume.)
std::optional<uint64_t> Vcpu::CallJs(Napi::FunctionReference& fn) {
  Napi::Env env(env_);
  Napi::Value result = fn.Call({});
  if (env.IsExceptionPending()) {
    jsFailed_ = true;
    uc_emu_stop(uc_);
    return std::nullopt;
  }
  if (result.IsBigInt()) return BigIntToU64(result);
  if (result.IsNumber()) return uint64_t(result.As<Napi::Number>().DoubleValue());
  return result.ToBoolean().Value() ? 1 : 0;
}

void Vcpu::SetAccessArgs(uint32_t regionId, uint64_t offset, unsigned size) {
  args_[0] = regionId;
  args_[1] = uint32_t(offset);
  args_[2] = uint32_t(offset >> 32);
  args_[3] = size;
}

uint64_t Vcpu::MmioRead(uint32_t regionId, uint64_t offset, unsigned size) {
  if (jsFailed_ || !args_) return 0;
  Napi::HandleScope scope(Napi::Env{env_});
  SetAccessArgs(regionId, offset, size);
  return CallJs(mmioRead_).value_or(0);
}

void Vcpu::MmioWrite(uint32_t regionId, uint64_t offset, unsigned size, uint64_t value) {
  if (jsFailed_ || !args_) return;
  Napi::HandleScope scope(Napi::Env{env_});
  SetAccessArgs(regionId, offset, size);
  args_[4] = uint32_t(value);
  args_[5] = uint32_t(value >> 32);
  CallJs(mmioWrite_);
}

bool Vcpu::OnSysreg(uc_arm64_reg rt, const uc_arm64_cp_reg* cp, bool isRead) {
  uint32_t key = (cp->op0 << 14) | (cp->op1 << 11) | (cp->crn << 7) | (cp->crm << 3) | cp->op2;
  auto action = SysregAction(sysregActions_[key & 0xffff]);
  if (action == SysregAction::PassThrough) return false;
  uint64_t value = 0;
  switch (action) {
    case SysregAction::VirtualCount:
      value = VirtualNs() / 16;  // CNTFRQ 62.5 MHz: one tick every 16 ns
      break;
    case SysregAction::ReadAsZero:
      break;
    case SysregAction::CallJs: {
      if (jsFailed_ || !args_) break;
      Napi::HandleScope scope(Napi::Env{env_});
      args_[4] = uint32_t(cp->val);
      args_[5] = uint32_t(cp->val >> 32);
      args_[6] = key;
      args_[7] = isRead ? 0 : 1;
      auto result = CallJs(sysregHandler_);
      if (!result) return true;  // PC is precise here: the stop leaves it on the instruction
      value = *result;
      break;
    }
    case SysregAction::PassThrough:
      return false;
  }
  if (isRead && rt != UC_ARM64_REG_XZR) uc_reg_write(uc_, rt, &value);
  // Returning 1 skips the access but does not advance PC for registers Unicorn lacks (it would re-execute
  // forever): advance it here, which is also right for the ones it has.
  uint64_t pc = 0;
  uc_reg_read(uc_, UC_ARM64_REG_PC, &pc);
  pc += 4;
  uc_reg_write(uc_, UC_ARM64_REG_PC, &pc);
  return true;
}

void Vcpu::StopAtBlock(uint64_t address) {
  cause_ = StopCause::Deadline;
  // The engine puts PC back at the block only while no code hook exists; a breakpoint is one.
  uc_reg_write(uc_, UC_ARM64_REG_PC, &address);
  uc_emu_stop(uc_);  // the block is not executed; it is counted when the next run starts with it
}

// Unicorn reports synchronous exceptions (SVC/HVC/SMC/UDF/BRK/aborts) here and never delivers them. HVC and
// SMC go to the VMM's handler (PSCI), synchronously, with PC and registers exact; one nobody answers is
// UNDEFINED in the guest (or ends the run, with strict hypercalls). Everything else EL1 can take is
// delivered to the guest natively (vcpu_exceptions.cc); only what cannot be delivered ends the run.
void Vcpu::OnInterrupt(uint32_t intno) {
  lastIntno_ = intno;
  recursiveException_ = false;
  uc_reg_read(uc_, UC_ARM64_REG_PC, &lastExceptionPc_);
  ReadExceptionSyndrome();
  if (intno == kExcpHvc || intno == kExcpSmc) {
    if (jsFailed_) return;
    if (args_ && !exceptionHandler_.IsEmpty()) {
      Napi::HandleScope scope(Napi::Env{env_});
      SetAccessArgs(intno, lastExceptionPc_, lastSyndrome_);
      auto handled = CallJs(exceptionHandler_);
      if (!handled) return;
      if (*handled) {
        if (stopRequested_) StopAtException();
        return;
      }
    }
    if (!strictHypercalls_ && DeliverUndefinedHypercall()) return CountDelivery();
  } else if (IsDeliverable(intno) && DeliverSynchronousException(intno)) {
    return CountDelivery();
  }
  cause_ = StopCause::Exception;
  StopAtException();
}

// An exception entry counts as an instruction, and the deadline is checked here too: a guest that faults
// on every instruction fetch (a vector table in unmapped memory) runs no block, so the block hook alone
// would never stop it.
void Vcpu::CountDelivery() {
  icount_++;
  if (icount_ >= icountDeadline_.load(std::memory_order_relaxed)) {
    cause_ = StopCause::Deadline;
    uc_emu_stop(uc_);
  }
}

// A stop from the exception hook is exact: nothing of the next block has run (native/probes: even after a
// hook moved PC earlier in the same block).
void Vcpu::StopAtException() { uc_emu_stop(uc_); }

void Vcpu::ReadExceptionSyndrome() {
  lastSyndrome_ = 0;
  lastFaultAddress_ = 0;
  lastTargetEl_ = 0;
  if (syndromeOffset_ < 0) return;
  if (!context_ && uc_context_alloc(uc_, &context_) != UC_ERR_OK) return;
  if (uc_context_save(uc_, context_) != UC_ERR_OK) return;
  // env->exception: { u32 syndrome; u32 fsr; u64 vaddress; u32 target_el; }
  const char* base = reinterpret_cast<const char*>(context_);
  std::memcpy(&lastSyndrome_, base + syndromeOffset_, 4);
  std::memcpy(&lastFaultAddress_, base + syndromeOffset_ + 8, 8);
  std::memcpy(&lastTargetEl_, base + syndromeOffset_ + 16, 4);
}

void Vcpu::ConfigureEl1(Napi::Env env) {
  WriteCpReg(3, 6, 1, 1, 0, kScrEl3);
  hcr_ = kHcrEl2;
  WriteCpReg(3, 4, 1, 1, 0, hcr_);

  // MRS, MSR, SYS, SYSL: the reads are MRS and SYSL.
  const bool reads[4] = {true, false, false, true};
  static_assert(UC_ARM64_INS_MRS + 1 == UC_ARM64_INS_MSR && UC_ARM64_INS_MSR + 1 == UC_ARM64_INS_SYS &&
                    UC_ARM64_INS_SYS + 1 == UC_ARM64_INS_SYSL,
                "instruction ids are consecutive");
  uc_hook h;
  for (int i = 0; i < 4; i++) {
    sysregHooks_[i] = {this, reads[i]};
    if (!Check(env,
               uc_hook_add(uc_, &h, UC_HOOK_INSN, reinterpret_cast<void*>(OnSysregHook), &sysregHooks_[i], 1, 0,
                           UC_ARM64_INS_MRS + i),
               "installing the system-register hook"))
      return;
    hooks_.push_back(h);
  }
  if (!Check(env,
             uc_hook_add(uc_, &h, UC_HOOK_MEM_READ_UNMAPPED | UC_HOOK_MEM_WRITE_UNMAPPED,
                         reinterpret_cast<void*>(OnUnmappedDataHook), this, 1, 0),
             "installing the unmapped-access hook"))
    return;
  hooks_.push_back(h);
  if (!Check(env,
             uc_hook_add(uc_, &h, UC_HOOK_MEM_FETCH_UNMAPPED | UC_HOOK_MEM_FETCH_PROT,
                         reinterpret_cast<void*>(OnBadFetchHook), this, 1, 0),
             "installing the fetch-fault hook"))
    return;
  hooks_.push_back(h);
  if (!Check(env, uc_hook_add(uc_, &h, UC_HOOK_INTR, reinterpret_cast<void*>(OnInterruptHook), this, 1, 0),
             "installing the exception hook"))
    return;
  hooks_.push_back(h);
  // Both modes: every deadline stop comes from here, between blocks (see deadline_timer.h).
  if (!Check(env, uc_hook_add(uc_, &h, UC_HOOK_BLOCK, reinterpret_cast<void*>(OnBlockHook), this, 1, 0),
             "installing the block hook"))
    return;
  hooks_.push_back(h);
}

// The syndrome (ESR) of an exception Unicorn did not deliver is only in its saved context, at an offset
// that depends on the build. Find it once by taking a known SVC on a scratch page.
void Vcpu::CalibrateSyndromeOffset() {
  if (uc_mem_map(uc_, kCalibrationPage, 0x1000, UC_PROT_ALL) != UC_ERR_OK) return;
  uc_mem_write(uc_, kCalibrationPage, &kCalibrationSvc, 4);
  uint64_t savedDeadline = icountDeadline_.load();
  icountDeadline_ = UINT64_MAX;
  uc_emu_start(uc_, kCalibrationPage, kCalibrationPage + 4, 0, 0);
  icountDeadline_ = savedDeadline;
  if (lastIntno_ == 2 && uc_context_alloc(uc_, &context_) == UC_ERR_OK && uc_context_save(uc_, context_) == UC_ERR_OK) {
    size_t size = uc_context_size(uc_);
    const char* bytes = reinterpret_cast<const char*>(context_);
    for (size_t off = 0; off + 4 <= size; off += 4) {
      uint32_t word;
      std::memcpy(&word, bytes + off, 4);
      if (word == kCalibrationSyndrome) {
        syndromeOffset_ = long(off);
        break;
      }
    }
  }
  uc_mem_unmap(uc_, kCalibrationPage, 0x1000);
  uint64_t zero = 0;
  uc_reg_write(uc_, UC_ARM64_REG_PC, &zero);
  icount_ = 0;
  lastIntno_ = 0;
  cause_ = StopCause::Deadline;
}

}  // namespace armvirt
