/*
 * A small read-only flattened device tree walker (see fdt.h). The blob is read byte by byte in big-endian
 * order, so it may sit at any alignment (the programs run with the MMU off and -mstrict-align).
 */
#include "fdt.h"

#define FDT_MAGIC      0xd00dfeed
#define FDT_BEGIN_NODE 0x1
#define FDT_END_NODE   0x2
#define FDT_PROP       0x3
#define FDT_NOP        0x4
#define FDT_END        0x9

#define MAX_DEPTH      16
#define MAX_PATH_PARTS 8

typedef unsigned char u8;

static u32 be32(const u8 *p) { return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3]; }

static int str_eq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

/* Length of a NUL-terminated string that must end before `limit` bytes; -1 if it does not. */
static long str_len(const char *s, u32 limit)
{
    for (u32 i = 0; i < limit; i++)
        if (!s[i])
            return i;
    return -1;
}

struct blob {
    const u8 *structs;
    u32 struct_size;
    const char *strings;
    u32 strings_size;
};

static int blob_open(const void *fdt, struct blob *b)
{
    const u8 *h = fdt;
    if (be32(h) != FDT_MAGIC || be32(h + 20) < 17) /* magic, version */
        return -FDT_ERR_BADMAGIC;
    b->structs = h + be32(h + 8);                /* off_dt_struct */
    b->struct_size = be32(h + 36);               /* size_dt_struct */
    b->strings = (const char *)h + be32(h + 12); /* off_dt_strings */
    b->strings_size = be32(h + 32);              /* size_dt_strings */
    return 0;
}

/* One token of the structure block; `name` is the node's unit name or the property's name. */
struct token {
    u32 tag;
    const char *name;
    const u8 *value;
    u32 len;
};

/* Reads the token at *offset and moves past it (and its 4-byte padding). Returns 0 or -FDT_ERR_BADSTRUCTURE. */
static int next_token(const struct blob *b, u32 *offset, struct token *t)
{
    u32 at = *offset;
    if (at + 4 > b->struct_size)
        return -FDT_ERR_BADSTRUCTURE;
    t->tag = be32(b->structs + at);
    at += 4;
    switch (t->tag) {
    case FDT_BEGIN_NODE: {
        t->name = (const char *)b->structs + at;
        long n = str_len(t->name, b->struct_size - at);
        if (n < 0)
            return -FDT_ERR_BADSTRUCTURE;
        at += (u32)n + 1;
        break;
    }
    case FDT_PROP: {
        if (at + 8 > b->struct_size)
            return -FDT_ERR_BADSTRUCTURE;
        t->len = be32(b->structs + at);
        u32 nameoff = be32(b->structs + at + 4);
        at += 8;
        if (t->len > b->struct_size - at || nameoff >= b->strings_size ||
            str_len(b->strings + nameoff, b->strings_size - nameoff) < 0)
            return -FDT_ERR_BADSTRUCTURE;
        t->name = b->strings + nameoff;
        t->value = b->structs + at;
        at += t->len;
        break;
    }
    case FDT_END_NODE:
    case FDT_NOP:
    case FDT_END: break;
    default: return -FDT_ERR_BADSTRUCTURE;
    }
    *offset = (at + 3) & ~3u;
    return 0;
}

/* `cells` big-endian cells as one number; at most 2 cells fit. */
static int read_cells(const u8 *p, u32 cells, u64 *out)
{
    if (cells > 2)
        return -FDT_ERR_UNSUPPORTED;
    u64 v = 0;
    for (u32 i = 0; i < cells; i++)
        v = v << 32 | be32(p + 4 * i);
    *out = v;
    return 0;
}

static int stringlist_contains(const struct token *t, const char *wanted)
{
    for (u32 at = 0; at < t->len;) {
        const char *s = (const char *)t->value + at;
        long n = str_len(s, t->len - at);
        if (n < 0)
            return 0;
        if (str_eq(s, wanted))
            return 1;
        at += (u32)n + 1;
    }
    return 0;
}

/* What a node tells its children: the size of their reg cells, how its bus maps to its parent's, their interrupt parent. */
struct bus {
    u32 address_cells;
    u32 size_cells;
    int has_ranges;
    const u8 *ranges;
    u32 ranges_len;
    u32 interrupt_parent; /* phandle, inherited from the ancestors; 0 = none */
};

/* Moves `address` of bus `stack[k]`'s child address space up to the root, through each bus's `ranges`. */
static int translate(const struct bus *stack, int k, u64 *address)
{
    for (; k > 0; k--) {
        const struct bus *bus = &stack[k], *parent = &stack[k - 1];
        if (!bus->has_ranges)
            return -FDT_ERR_NOTRANSLATION;
        if (bus->ranges_len == 0)
            continue; /* an empty `ranges`: identity */
        u32 entry = 4 * (bus->address_cells + parent->address_cells + bus->size_cells);
        int found = 0;
        for (u32 at = 0; at + entry <= bus->ranges_len && !found; at += entry) {
            u64 child, to, size;
            const u8 *e = bus->ranges + at;
            if (read_cells(e, bus->address_cells, &child) || read_cells(e + 4 * bus->address_cells, parent->address_cells, &to) ||
                read_cells(e + 4 * (bus->address_cells + parent->address_cells), bus->size_cells, &size))
                return -FDT_ERR_UNSUPPORTED;
            if (*address >= child && *address - child < size) {
                *address = to + (*address - child);
                found = 1;
            }
        }
        if (!found)
            return -FDT_ERR_NOTRANSLATION;
    }
    return 0;
}

/* #interrupt-cells of the node whose phandle is `phandle`; 0 if there is none. */
static u32 interrupt_cells_of(const struct blob *b, u32 phandle)
{
    u32 offset = 0, node_phandle = 0, cells = 0;
    struct token t;
    while (next_token(b, &offset, &t) == 0 && t.tag != FDT_END) {
        if (t.tag == FDT_BEGIN_NODE || t.tag == FDT_END_NODE) {
            /* a node's properties come before its children: the previous node's are complete */
            if (node_phandle == phandle && cells)
                return cells;
            node_phandle = cells = 0;
        } else if (t.tag == FDT_PROP && t.len == 4) {
            if (str_eq(t.name, "phandle"))
                node_phandle = be32(t.value);
            else if (str_eq(t.name, "#interrupt-cells"))
                cells = be32(t.value);
        }
    }
    return 0;
}

/* The device node at `stack[depth]` matched: decode its reg and interrupts into `dev`. */
static int describe(const struct blob *b, const struct bus *stack, int depth, const struct token *reg, const struct token *irqs,
                    struct fdt_device *dev)
{
    if (depth < 1)
        return -FDT_ERR_UNSUPPORTED;
    const struct bus *parent = &stack[depth - 1];
    u32 entry = 4 * (parent->address_cells + parent->size_cells);
    dev->nregs = 0;
    if (reg) {
        if (entry == 0 || reg->len / entry > FDT_MAX_REGS)
            return -FDT_ERR_UNSUPPORTED;
        for (u32 at = 0; at + entry <= reg->len; at += entry) {
            struct fdt_reg *r = &dev->regs[dev->nregs++];
            int err = read_cells(reg->value + at, parent->address_cells, &r->address);
            if (!err)
                err = read_cells(reg->value + at + 4 * parent->address_cells, parent->size_cells, &r->size);
            if (!err)
                err = translate(stack, depth - 1, &r->address);
            if (err)
                return err;
        }
    }
    dev->nirqs = dev->irq_cells = 0;
    if (irqs) {
        u32 cells = stack[depth].interrupt_parent ? interrupt_cells_of(b, stack[depth].interrupt_parent) : 0;
        if (cells == 0)
            return -FDT_ERR_NOINTPARENT;
        if (cells > FDT_MAX_IRQ_CELLS || irqs->len / (4 * cells) > FDT_MAX_IRQS)
            return -FDT_ERR_UNSUPPORTED;
        dev->irq_cells = cells;
        for (u32 at = 0; at + 4 * cells <= irqs->len; at += 4 * cells, dev->nirqs++)
            for (u32 c = 0; c < cells; c++)
                dev->irqs[dev->nirqs][c] = be32(irqs->value + at + 4 * c);
    }
    return 0;
}

int fdt_find_compatible(const void *fdt, const char *compatible, struct fdt_device *dev)
{
    struct blob b;
    int err = blob_open(fdt, &b);
    if (err)
        return err;
    struct bus stack[MAX_DEPTH];
    struct token t, reg, irqs;
    int depth = -1, matched = 0, has_reg = 0, has_irqs = 0;
    u32 offset = 0;
    while ((err = next_token(&b, &offset, &t)) == 0) {
        if (t.tag == FDT_BEGIN_NODE || t.tag == FDT_END_NODE) {
            /* a node's properties come before its children: the matched node's are complete */
            if (matched)
                return describe(&b, stack, depth, has_reg ? &reg : NULL, has_irqs ? &irqs : NULL, dev);
            has_reg = has_irqs = 0;
        }
        if (t.tag == FDT_BEGIN_NODE) {
            if (++depth >= MAX_DEPTH)
                return -FDT_ERR_UNSUPPORTED;
            /* defaults of the Devicetree Specification, 2.3.5 */
            stack[depth] = (struct bus){ .address_cells = 2,
                                         .size_cells = 1,
                                         .interrupt_parent = depth ? stack[depth - 1].interrupt_parent : 0 };
            dev->name = t.name;
        } else if (t.tag == FDT_END_NODE) {
            if (--depth < -1)
                return -FDT_ERR_BADSTRUCTURE;
        } else if (t.tag == FDT_PROP && depth >= 0) {
            struct bus *node = &stack[depth];
            if (str_eq(t.name, "compatible"))
                matched = stringlist_contains(&t, compatible);
            else if (str_eq(t.name, "reg"))
                reg = t, has_reg = 1;
            else if (str_eq(t.name, "interrupts"))
                irqs = t, has_irqs = 1;
            else if (str_eq(t.name, "ranges"))
                node->has_ranges = 1, node->ranges = t.value, node->ranges_len = t.len;
            else if (str_eq(t.name, "#address-cells") && t.len == 4)
                node->address_cells = be32(t.value);
            else if (str_eq(t.name, "#size-cells") && t.len == 4)
                node->size_cells = be32(t.value);
            else if (str_eq(t.name, "interrupt-parent") && t.len == 4)
                node->interrupt_parent = be32(t.value);
        } else if (t.tag == FDT_END) {
            return -FDT_ERR_NOTFOUND;
        }
    }
    return err;
}

/* Does `part` (a path component ending at '/' or NUL) name node `name`? A part without a unit address matches any. */
static int part_names(const char *part, const char *name)
{
    while (*part && *part != '/' && *part == *name)
        part++, name++;
    return (*part == '/' || !*part) && (!*name || *name == '@');
}

const void *fdt_get_property(const void *fdt, const char *path, const char *name, u32 *len)
{
    struct blob b;
    if (blob_open(fdt, &b) || *path != '/')
        return NULL;
    const char *parts[MAX_PATH_PARTS];
    int nparts = 0;
    for (const char *p = path; *p; p++)
        if (*p == '/' && p[1]) {
            if (nparts == MAX_PATH_PARTS)
                return NULL;
            parts[nparts++] = p + 1;
        }
    /* depth of the current node (root 0) and of the deepest node on this branch that matches the path */
    int depth = -1, matched = -1;
    u32 offset = 0;
    struct token t;
    while (next_token(&b, &offset, &t) == 0 && t.tag != FDT_END) {
        if (t.tag == FDT_BEGIN_NODE) {
            depth++;
            if (matched == depth - 1 && (depth == 0 || (depth <= nparts && part_names(parts[depth - 1], t.name))))
                matched = depth;
        } else if (t.tag == FDT_END_NODE) {
            if (matched == depth)
                matched--;
            depth--;
        } else if (t.tag == FDT_PROP && matched == depth && depth == nparts && str_eq(t.name, name)) {
            *len = t.len;
            return t.value;
        }
    }
    return NULL;
}

const char *fdt_strerror(int error)
{
    switch (-error) {
    case FDT_ERR_BADMAGIC: return "not a flattened device tree (version 17)";
    case FDT_ERR_NOTFOUND: return "not found";
    case FDT_ERR_BADSTRUCTURE: return "malformed structure block";
    case FDT_ERR_UNSUPPORTED: return "more cells or entries than supported";
    case FDT_ERR_NOTRANSLATION: return "address not translatable through the parent buses' ranges";
    case FDT_ERR_NOINTPARENT: return "no interrupt parent with #interrupt-cells";
    default: return "unknown error";
    }
}
