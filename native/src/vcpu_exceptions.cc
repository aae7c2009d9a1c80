// Synchronous exceptions. Unicorn reports SVC, UNDEF, BRK and aborts to its interrupt hook and carries on at
// the faulting PC without vectoring, so the addon performs the AArch64 exception entry to EL1 itself, as
// the Arm ARM describes it (D1.10 "Exception entry") and QEMU's arm_cpu_do_interrupt_aarch64 does it, on the
// vCPU thread with no JS involved. docs/engine.md has the engine facts this relies on.
#include <cstring>

#include "vcpu.h"

namespace armvirt {

namespace {

// QEMU's exception numbers (EXCP_*), as Unicorn hands them to the interrupt hook.
constexpr uint32_t kExcpUdef = 1;
constexpr uint32_t kExcpSwi = 2;
constexpr uint32_t kExcpPrefetchAbort = 3;
constexpr uint32_t kExcpDataAbort = 4;
constexpr uint32_t kExcpBkpt = 7;

constexpr uint32_t kPstateSp = 1u << 0;   // SPSel: SP_ELx in use
constexpr uint32_t kPstateNrw = 1u << 4;  // AArch32 state
constexpr uint32_t kPstateEl1h = 0x5;     // M[3:0] = EL1 with SP_EL1
constexpr uint32_t kPstateDaif = 0xfu << 6;
constexpr uint32_t kSyndromeUnknown = 0x02000000;  // EC 0x00 (unknown reason), IL 1: UNDEFINED

}  // namespace

bool Vcpu::IsDeliverable(uint32_t intno) {
  return intno == kExcpUdef || intno == kExcpSwi || intno == kExcpPrefetchAbort || intno == kExcpDataAbort ||
         intno == kExcpBkpt;
}

// The exception entry to EL1 (AArch64 state): ESR_EL1, FAR_EL1 for aborts, ELR_EL1 = the preferred return
// address (the engine leaves PC there: the instruction after an SVC, the faulting one otherwise),
// SPSR_EL1 = PSTATE, the SP bank switch, PSTATE = EL1h with DAIF masked (NZCV cleared, as QEMU does) and
// PC = VBAR_EL1 + the vector of where it came from. `returnAddress` overrides the preferred return address.
// Returns false when the exception is not one EL1 can take; the caller then ends the run.
bool Vcpu::EnterEl1(uint32_t syndrome, std::optional<uint64_t> faultAddress, uint64_t returnAddress) {
  uint64_t pstate = 0, sp = 0, spEl1 = 0, vbar = 0;
  int ids[] = {UC_ARM64_REG_PSTATE, UC_ARM64_REG_SP, UC_ARM64_REG_SP_EL1, UC_ARM64_REG_VBAR_EL1};
  void* reads[] = {&pstate, &sp, &spEl1, &vbar};
  uc_reg_read_batch(uc_, ids, reads, 4);
  uint32_t oldPstate = uint32_t(pstate);
  if (oldPstate & kPstateNrw) return false;  // AArch32 is never entered on this CPU set-up
  uint32_t el = (oldPstate >> 2) & 3;
  if (el > 1) return false;

  uint64_t vector = vbar + (el == 0 ? 0x400 : (oldPstate & kPstateSp) ? 0x200 : 0x000);
  // A fault at the very vector it would enter (no vector table: VBAR_EL1 at unmapped or zeroed memory)
  // repeats forever on hardware; end the run instead, as an exception the guest cannot take.
  if (returnAddress == vector) {
    recursiveException_ = true;
    return false;
  }
  uint64_t newPstate = kPstateDaif | kPstateEl1h;
  uint64_t esr = syndrome;
  uint64_t far = faultAddress.value_or(0);
  // Writing PSTATE does not switch SP banks: coming from SP_EL0 (EL0 or EL1t), bank it and load SP_EL1.
  bool fromSpEl0 = el == 0 || !(oldPstate & kPstateSp);
  uint64_t spEl0 = sp;

  int writeIds[7];
  void* writes[7];
  int n = 0;
  auto add = [&](int id, void* value) {
    writeIds[n] = id;
    writes[n++] = value;
  };
  add(UC_ARM64_REG_ELR_EL1, &returnAddress);
  add(UC_ARM64_REG_ESR_EL1, &esr);
  if (faultAddress) add(UC_ARM64_REG_FAR_EL1, &far);
  if (fromSpEl0) {
    add(UC_ARM64_REG_SP_EL0, &spEl0);
    add(UC_ARM64_REG_SP, &spEl1);
  }
  add(UC_ARM64_REG_PSTATE, &newPstate);
  add(UC_ARM64_REG_PC, &vector);
  uc_reg_write_batch(uc_, writeIds, writes, n);
  // Last, and after PSTATE: a CP_REG write makes the engine rebuild its cached translation flags (EL, MMU
  // index), without which the handler would be translated as code of the old EL. SPSR_EL1 has no register
  // id of its own, so this write is needed anyway.
  WriteCpReg(3, 0, 4, 0, 0, oldPstate);
  deliveredExceptions_++;
  return true;
}

// An exception Unicorn reported (see OnInterrupt): delivered to the guest's EL1 when the architecture would
// take it there, with the syndrome and fault address the engine computed.
bool Vcpu::DeliverSynchronousException(uint32_t intno) {
  if (syndromeOffset_ < 0 || lastTargetEl_ != 1) return false;
  bool abort = intno == kExcpPrefetchAbort || intno == kExcpDataAbort;
  return EnterEl1(lastSyndrome_, abort ? std::optional<uint64_t>(lastFaultAddress_) : std::nullopt, lastExceptionPc_);
}

// An HVC or SMC nothing answered: UNDEFINED at EL1, as on a CPU without EL2 or EL3. Its preferred return
// address is the instruction itself, which the engine has already stepped over.
bool Vcpu::DeliverUndefinedHypercall() { return EnterEl1(kSyndromeUnknown, std::nullopt, lastExceptionPc_ - 4); }

// An instruction fetch from unmapped space: a synchronous external abort on instruction fetch, as QEMU
// raises for a fetch its bus cannot answer. Translated blocks never cross a page, so the fetch that failed
// is the first of its block and PC is its virtual address: the abort is precise. The engine ends the run
// right after this hook; run() resumes at the vector when the abort was delivered.
void Vcpu::OnBadFetch() {
  uint64_t pc = 0, pstate = 0;
  uc_reg_read(uc_, UC_ARM64_REG_PC, &pc);
  uc_reg_read(uc_, UC_ARM64_REG_PSTATE, &pstate);
  uint32_t ec = ((pstate >> 2) & 3) == 0 ? 0x20 : 0x21;  // instruction abort from a lower / the same EL
  uint32_t syndrome = (ec << 26) | (1u << 25) | 0x10;    // IL, IFSC: synchronous external abort
  recursiveException_ = false;
  fetchAbortDelivered_ = EnterEl1(syndrome, pc, pc);
  if (fetchAbortDelivered_) return CountDelivery();
  lastIntno_ = kExcpPrefetchAbort;
  lastExceptionPc_ = pc;
  lastSyndrome_ = syndrome;
  lastFaultAddress_ = pc;
  lastTargetEl_ = 1;
  fetchFaultStop_ = true;
}

}  // namespace armvirt
