/*
 * The virt machine's GICv2 (distributor 0x08000000, CPU interface 0x08010000; Arm IHI 0048B chapter 4) as the
 * test programs use it: one CPU, all interrupts at one priority, SPIs routed to CPU 0.
 */
#ifndef ARMVIRT_FIRMWARE_GIC_H
#define ARMVIRT_FIRMWARE_GIC_H

#include "lib.h"

#define GIC_INTID_SPURIOUS 1023
#define GIC_SPI_BASE       32

/* Distributor and CPU interface on, priority mask open (GICC_PMR 0xf0). */
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
