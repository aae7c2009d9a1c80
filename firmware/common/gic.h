/*
 * The GICv2 of the virt machine (QEMU virt with gic-version=2): register offsets (Arm IHI 0048B §4.1.2,
 * §4.1.3) and accessors for the programs that drive it.
 */
#ifndef ARMVIRT_FIRMWARE_GIC_H
#define ARMVIRT_FIRMWARE_GIC_H

#include "lib.h"

#define GICD_BASE 0x08000000UL
#define GICC_BASE 0x08010000UL

#define GICD_CTLR         0x000
#define GICD_TYPER        0x004
#define GICD_IIDR         0x008
#define GICD_IGROUPR(n)   (0x080 + 4 * (n))
#define GICD_ISENABLER(n) (0x100 + 4 * (n))
#define GICD_ICENABLER(n) (0x180 + 4 * (n))
#define GICD_ISPENDR(n)   (0x200 + 4 * (n))
#define GICD_ICPENDR(n)   (0x280 + 4 * (n))
#define GICD_ISACTIVER(n) (0x300 + 4 * (n))
#define GICD_ICACTIVER(n) (0x380 + 4 * (n))
#define GICD_IPRIORITYR   0x400 /* one byte per INTID */
#define GICD_ITARGETSR    0x800 /* one byte per INTID */
#define GICD_ICFGR(n)     (0xc00 + 4 * (n))
#define GICD_SGIR         0xf00
#define GICD_SPENDSGIR    0xf20 /* one byte per SGI */
#define GICD_PIDR2        0xfe8

#define GICC_CTLR   0x000
#define GICC_PMR    0x004
#define GICC_BPR    0x008
#define GICC_IAR    0x00c
#define GICC_EOIR   0x010
#define GICC_RPR    0x014
#define GICC_HPPIR  0x018
#define GICC_ABPR   0x01c
#define GICC_AIAR   0x020
#define GICC_AEOIR  0x024
#define GICC_AHPPIR 0x028
#define GICC_NSAPR0 0x0e0
#define GICC_IIDR   0x0fc

#define INTID_SPURIOUS 1023
#define INTID_GROUP1   1022 /* a Group 1 interrupt, in GICC_IAR/HPPIR without GICC_CTLR.AckCtl */
#define INTID_VTIMER   27   /* PPI 11: the EL1 virtual timer */

static inline u32 gicd_read(unsigned long reg) { return mmio_read32(GICD_BASE + reg); }
static inline void gicd_write(unsigned long reg, u32 value) { mmio_write32(GICD_BASE + reg, value); }
static inline u32 gicc_read(unsigned long reg) { return mmio_read32(GICC_BASE + reg); }
static inline void gicc_write(unsigned long reg, u32 value) { mmio_write32(GICC_BASE + reg, value); }

/* Byte-wide fields (GICD_IPRIORITYRn, GICD_ITARGETSRn): byte accesses, which both register arrays take. */
static inline void gicd_write8(unsigned long reg, u32 value)
{
    __asm__ volatile("strb %w0, [%1]" : : "rZ"(value), "r"(GICD_BASE + reg) : "memory");
}

static inline u32 gicd_read8(unsigned long reg)
{
    u32 value;
    __asm__ volatile("ldrb %w0, [%1]" : "=r"(value) : "r"(GICD_BASE + reg) : "memory");
    return value;
}

/* Bit `intid` of a one-bit-per-INTID array (GICD_ISENABLERn and kin) based at GICD_xxx(0). */
static inline u32 gicd_bit(unsigned long array, u32 intid) { return (gicd_read(array + 4 * (intid / 32)) >> (intid % 32)) & 1; }
static inline void gicd_set_bit(unsigned long array, u32 intid) { gicd_write(array + 4 * (intid / 32), 1u << (intid % 32)); }

/* Enables the distributor and CPU interface with every priority unmasked. */
static inline void gic_enable(void)
{
    gicd_write(GICD_CTLR, 1);
    gicc_write(GICC_PMR, 0xff);
    gicc_write(GICC_CTLR, 1);
}

/* ---- helpers for the passthrough programs (gic.c): one CPU, all SPIs at one priority ---------------- */
#define GIC_INTID_SPURIOUS INTID_SPURIOUS
#define GIC_SPI_BASE       32

/* Distributor and CPU interface on, priority mask 0xf0. */
void gic_init(void);
/* Routes SPI `intid` to CPU 0, sets its trigger (GICD_ICFGRn: edge or level) and enables it. */
void gic_enable_spi(u32 intid, int edge);
void gic_disable(u32 intid);
/* GICD_ISPENDRn: is `intid` pending? */
int gic_pending(u32 intid);
/* GICC_IAR: acknowledge the highest pending interrupt (INTID in bits [9:0]); GICC_EOIR ends it. */
u32 gic_ack(void);
void gic_eoi(u32 iar);

#endif
