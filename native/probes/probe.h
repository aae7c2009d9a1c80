// Shared set-up of the engine probes: each probe is a small program that shows one fact about the Unicorn
// build armvirt links (docs/engine.md), printed as `fact: value` lines that test/engine/probes.test.ts checks.
// The set-up is the addon's: AArch64 EL1 in non-secure state with HCR_EL2.RW|IMO|FMO.
#pragma once

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unicorn/unicorn.h>

#define CHECK(call)                                                                   \
  do {                                                                                \
    uc_err e_ = (call);                                                               \
    if (e_ != UC_ERR_OK) {                                                            \
      fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #call, uc_strerror(e_)); \
      exit(1);                                                                        \
    }                                                                                 \
  } while (0)

static inline void write_cp_reg(uc_engine* uc, int op0, int op1, int crn, int crm, int op2, uint64_t value) {
  uc_arm64_cp_reg reg = {(uint32_t)crn, (uint32_t)crm, (uint32_t)op0, (uint32_t)op1, (uint32_t)op2, value};
  CHECK(uc_reg_write(uc, UC_ARM64_REG_CP_REG, &reg));
}

// An engine as the addon sets it up, with `code` at 0x1000 (RAM 0x1000-0x2fff) and PC there.
static inline uc_engine* open_engine(const uint32_t* code, size_t words) {
  uc_engine* uc;
  CHECK(uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &uc));
  write_cp_reg(uc, 3, 6, 1, 1, 0, (1u << 0) | (1u << 8) | (1u << 10));    // SCR_EL3 = NS | HCE | RW
  write_cp_reg(uc, 3, 4, 1, 1, 0, (1ull << 31) | (1u << 4) | (1u << 3));  // HCR_EL2 = RW | IMO | FMO
  CHECK(uc_mem_map(uc, 0x1000, 0x2000, UC_PROT_ALL));
  CHECK(uc_mem_write(uc, 0x1000, code, words * 4));
  uint64_t pc = 0x1000;
  CHECK(uc_reg_write(uc, UC_ARM64_REG_PC, &pc));
  return uc;
}

static inline uint64_t reg(uc_engine* uc, int id) {
  uint64_t v = 0;
  uc_reg_read(uc, id, &v);
  return v;
}
