// Unicorn callbacks: MMIO (JS devices and shadow regions), system registers, blocks, exceptions.
#pragma once

#include <unicorn/unicorn.h>

#include <cstdint>

namespace armvirt {

class Vcpu;

// user_data of an MMIO mapping: who to call and, for shadows, the absolute base address.
struct MmioSlot {
  Vcpu* cpu;
  uint32_t regionId;  // 0 = shadow (unmapped space)
  uint64_t base;
};

// user_data of a system-register hook: which vCPU, and whether the instruction reads (MRS, SYSL).
struct SysregHookData {
  Vcpu* cpu;
  bool isRead;
};

uint64_t OnMmioRead(uc_engine* uc, uint64_t offset, unsigned size, void* slot);
void OnMmioWrite(uc_engine* uc, uint64_t offset, unsigned size, uint64_t value, void* slot);
uint64_t OnShadowRead(uc_engine* uc, uint64_t offset, unsigned size, void* slot);
void OnShadowWrite(uc_engine* uc, uint64_t offset, unsigned size, uint64_t value, void* slot);

}  // namespace armvirt
