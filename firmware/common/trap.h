/*
 * Taking exceptions in the test programs: a vector table (trap_vectors.S) that saves every general register,
 * ELR, SPSR, ESR, FAR and SP_EL0 in a trap frame, calls handle_sync() or handle_irq(), and returns with ERET
 * from the frame (so a handler may change registers and ELR). Also a way into EL0 and back: el0_call() runs
 * a function at EL0 until it returns (which makes the exit SVC); el0_return() is that SVC's way home.
 */
#ifndef ARMVIRT_FIRMWARE_TRAP_H
#define ARMVIRT_FIRMWARE_TRAP_H

#include "lib.h"

struct trap_frame {
    u64 x[31];
    u64 elr, spsr, esr, far, sp_el0;
};

/* Where the exception came from: the vector table offset of its entry. */
#define FROM_EL1T 0x000
#define FROM_EL1H 0x200
#define FROM_EL0  0x400

/* ESR_EL1.EC values (Arm ARM D17.2.37). */
#define EC_UNKNOWN    0x00
#define EC_SYSREG     0x18
#define EC_SVC64      0x15
#define EC_IABT_LOWER 0x20
#define EC_IABT_SAME  0x21
#define EC_DABT_LOWER 0x24
#define EC_DABT_SAME  0x25
#define EC_BRK        0x3c

static inline u32 esr_ec(u64 esr) { return (u32)(esr >> 26) & 0x3f; }
/* The fault status code of an abort: DFSC/IFSC. */
static inline u32 esr_fsc(u64 esr) { return (u32)esr & 0x3f; }

/* Provided by the program. `from` is FROM_EL1T, FROM_EL1H or FROM_EL0. */
void handle_sync(struct trap_frame *frame, u64 from);
void handle_irq(struct trap_frame *frame);

extern char trap_vectors[];
static inline void use_trap_vectors(void) { __asm__ volatile("msr vbar_el1, %0; isb" : : "r"(trap_vectors) : "memory"); }

/* The immediate of the SVC with which an EL0 function returns (el0_exit in trap_vectors.S). */
#define SVC_EL0_EXIT 0xfff

/* Runs fn(arg) at EL0t with SP_EL0 = stack_top and interrupts unmasked; returns what fn returned. */
u64 el0_call(u64 (*fn)(u64), u64 arg, void *stack_top);
/* From handle_sync on the exit SVC: back to el0_call's caller at EL1 with `value`. */
void el0_return(u64 value) __attribute__((noreturn));

/* Code and data that EL0 may use: their own pages in tests/exceptions.ld. */
#define EL0_TEXT __attribute__((section(".el0_text"), noinline))
#define EL0_DATA __attribute__((section(".el0_data")))

/* The instruction at `address`, for printing where a fault was relative to a function. */
static inline u64 offset_in(u64 address, const void *function) { return address - (u64)function; }

#endif
