/*
 * A small read-only flattened device tree walker for the test programs (Devicetree Specification v0.4,
 * chapter 5: header, structure block tokens, strings block). It finds a device node by compatible and gives
 * its `reg` entries as CPU physical addresses, translated through every ancestor bus's `ranges` (chapter 2.3.8),
 * and its `interrupts` specifiers sized by the interrupt parent's `#interrupt-cells`.
 */
#ifndef ARMVIRT_FIRMWARE_FDT_H
#define ARMVIRT_FIRMWARE_FDT_H

#include "lib.h"

#define FDT_MAX_REGS      4
#define FDT_MAX_IRQS      4
#define FDT_MAX_IRQ_CELLS 3

/* Why a look-up failed (returned negated). */
enum fdt_error {
    FDT_ERR_BADMAGIC = 1,  /* not a DTB, or a version before 17 */
    FDT_ERR_NOTFOUND,      /* no node with that compatible / path / property */
    FDT_ERR_BADSTRUCTURE,  /* a token or length runs outside the structure block */
    FDT_ERR_UNSUPPORTED,   /* more address cells than 64 bits, or more regs/irqs than FDT_MAX_* */
    FDT_ERR_NOTRANSLATION, /* an ancestor bus has no `ranges`, or no range covers the address */
    FDT_ERR_NOINTPARENT,   /* `interrupts` without a reachable interrupt parent or its #interrupt-cells */
};

struct fdt_reg {
    u64 address; /* CPU physical address */
    u64 size;
};

struct fdt_device {
    const char *name; /* the node's unit name, e.g. "vfio-test@0" (points into the blob) */
    unsigned nregs;
    struct fdt_reg regs[FDT_MAX_REGS];
    unsigned nirqs;
    unsigned irq_cells; /* #interrupt-cells of the interrupt parent */
    u32 irqs[FDT_MAX_IRQS][FDT_MAX_IRQ_CELLS];
};

/* Fills `dev` from the first node whose `compatible` list holds `compatible`. 0, or -enum fdt_error. */
int fdt_find_compatible(const void *blob, const char *compatible, struct fdt_device *dev);

/* The value of property `name` of the node at absolute `path` ("/chosen"); NULL if either is absent. */
const void *fdt_get_property(const void *blob, const char *path, const char *name, u32 *len);

/* A short text for -enum fdt_error, for messages. */
const char *fdt_strerror(int error);

#endif
