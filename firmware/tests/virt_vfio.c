/*
 * virt machine test of a vfio-platform passthrough device: the fake VFIO host's test device
 * (common/vfio_test_device.h), found through the device tree, driven through region 0 (mmap-able),
 * region 1 (trapped), both of its interrupts through the GIC, and its DMA engine (IOVA = guest physical).
 * Every line states what was observed and does not depend on timing, so a test can compare the whole output.
 *
 * The IRQ handler acknowledges the device (STATUS W1C) before anything else touches its regions: on the
 * user-side eventfd path (x-irqfd=off) the VMM takes the first trapped access after an injection as the
 * guest's end of interrupt and unmasks the level IRQ then, so reading first would let it fire again.
 */
#include "gic.h"
#include "lib.h"
#include "vfio_test_dt.h"

#define DMA_LENGTH    256
#define UNMAPPED_IOVA 0x10000000UL /* below RAM: no IOMMU mapping */
#define WAIT_LIMIT    10000000UL

static struct vfio_test_dev dev;

/* What the IRQ handler saw, in order. */
#define MAX_EVENTS 8
static volatile u32 handled_intids[MAX_EVENTS];
static volatile u32 status_after_ack[MAX_EVENTS];
static volatile unsigned handled;
static volatile unsigned unexpected; /* other INTIDs, including spurious 1023 */

static unsigned char dma_out[DMA_LENGTH] __attribute__((aligned(64)));
static unsigned char dma_back[DMA_LENGTH] __attribute__((aligned(64)));

void irq_handler(void)
{
    u32 iar = gic_ack();
    u32 intid = iar & 0x3ff;
    if (intid == GIC_INTID_SPURIOUS) {
        unexpected++;
        return;
    }
    if (intid == dev.level.intid || intid == dev.edge.intid) {
        vfio_test_control_write(&dev, VFIO_TEST_STATUS, intid == dev.level.intid ? VFIO_TEST_SRC_LEVEL : VFIO_TEST_SRC_EDGE);
        u32 status = vfio_test_control_read(&dev, VFIO_TEST_STATUS);
        if (handled < MAX_EVENTS) {
            handled_intids[handled] = intid;
            status_after_ack[handled] = status;
        }
        handled++;
    } else {
        unexpected++;
    }
    gic_eoi(iar);
}

static void fail(const char *what)
{
    puts("FAIL: ");
    puts(what);
    putc('\n');
    firmware_exit(1);
}

static u64 counter(void)
{
    u64 v;
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
    return v;
}

/* Busy-waits `us` microseconds of the guest's virtual counter: long enough for the VMM to deliver any host event. */
static void delay_us(u64 us)
{
    u64 freq;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
    u64 end = counter() + freq / 1000000 * us;
    while (counter() < end)
        ;
}

static void wait_handled(unsigned count, const char *what)
{
    for (unsigned long spins = 0; handled < count; spins++)
        if (spins > WAIT_LIMIT)
            fail(what);
}

static void put_irq(const char *label, const struct gic_irq *irq)
{
    puts(label);
    puts(irq->spi ? "spi " : "ppi ");
    put_dec(irq->number);
    puts(irq->edge ? " edge" : " level");
    puts(" -> intid ");
    put_dec(irq->intid);
    putc('\n');
}

static void report_device_tree(void)
{
    puts("dt: found ");
    puts(dev.node.name);
    puts(" (" VFIO_TEST_COMPATIBLE ")\n");
    for (unsigned i = 0; i < dev.node.nregs; i++) {
        puts("dt: reg ");
        put_dec(i);
        putc(' ');
        put_hex(dev.node.regs[i].address);
        puts(" size ");
        put_hex(dev.node.regs[i].size);
        putc('\n');
    }
    put_irq("dt: irq 0 ", &dev.level);
    put_irq("dt: irq 1 ", &dev.edge);
}

static void test_registers(void)
{
    puts("id ");
    put_hex(vfio_test_main_read(&dev, VFIO_TEST_ID));
    puts(" version ");
    put_hex(vfio_test_main_read(&dev, VFIO_TEST_VERSION));
    putc('\n');

    unsigned equal = 0;
    for (u32 i = 0; i < VFIO_TEST_SCRATCH_COUNT; i++)
        vfio_test_main_write(&dev, VFIO_TEST_SCRATCH0 + 4 * i, 0xa5a50000u + i * 0x1111u);
    for (u32 i = 0; i < VFIO_TEST_SCRATCH_COUNT; i++) {
        u32 got = vfio_test_main_read(&dev, VFIO_TEST_SCRATCH0 + 4 * i);
        if (got == 0xa5a50000u + i * 0x1111u)
            equal++;
    }
    puts("scratch: ");
    put_dec(VFIO_TEST_SCRATCH_COUNT);
    puts(" words written, ");
    put_dec(equal);
    puts(" read back equal\n");
}

/* Raises `sources` with IRQs masked at the CPU, then reports which INTIDs the GIC holds pending together. */
static void raise_masked(u32 sources)
{
    vfio_test_control_write(&dev, VFIO_TEST_IRQ_RAISE, sources);
    for (unsigned long spins = 0; !gic_pending(dev.level.intid) && !gic_pending(dev.edge.intid); spins++)
        if (spins > WAIT_LIMIT)
            fail("raised interrupt never pending in the GIC");
    delay_us(1000); /* any other interrupt the host signalled is delivered by now */
}

static void put_pending(void)
{
    if (gic_pending(dev.level.intid)) {
        putc(' ');
        put_dec(dev.level.intid);
    }
    if (gic_pending(dev.edge.intid)) {
        putc(' ');
        put_dec(dev.edge.intid);
    }
}

static void put_handled(unsigned from, unsigned to)
{
    for (unsigned i = from; i < to && i < MAX_EVENTS; i++) {
        putc(' ');
        put_dec(handled_intids[i]);
        puts(" (status after ack ");
        put_hex(status_after_ack[i]);
        putc(')');
    }
}

/* One interrupt source alone: handled once, and nothing more arrives after its ack and EOI. */
static void test_single(const char *label, u32 source, const struct gic_irq *irq)
{
    unsigned before = handled, unexpected_before = unexpected;
    raise_masked(source);
    irq_enable();
    wait_handled(before + 1, "interrupt not handled");
    delay_us(1000); /* time for a second, spurious one to show up */
    irq_disable();
    unsigned mine = 0;
    for (unsigned i = before; i < handled && i < MAX_EVENTS; i++)
        mine += handled_intids[i] == irq->intid;
    puts(label);
    puts(" irq: handled ");
    put_dec(mine);
    puts(", spurious ");
    put_dec(handled - before - (mine > 0) + (unexpected - unexpected_before));
    puts(", status after ack ");
    put_hex(status_after_ack[before]);
    putc('\n');
}

/*
 * Both sources at once. The resample path hands both to the GIC, which holds them pending together; the
 * user-side path injects one and queues the other until the first one's end of interrupt (FIFO).
 */
static void test_both(void)
{
    unsigned before = handled, unexpected_before = unexpected;
    raise_masked(VFIO_TEST_SRC_LEVEL | VFIO_TEST_SRC_EDGE);
    puts("both irqs: pending in the GIC before handling:");
    put_pending();
    putc('\n');
    irq_enable();
    wait_handled(before + 2, "both interrupts not handled");
    delay_us(1000);
    irq_disable();
    puts("both irqs: handled in order:");
    put_handled(before, handled);
    puts(", spurious ");
    put_dec(unexpected - unexpected_before);
    putc('\n');
}

/* Starts a DMA of `length` bytes between buffer offset 0 and `iova`; returns DMA_STATUS, with STATUS acked. */
static u32 dma(unsigned long iova, u32 length, u32 direction)
{
    vfio_test_control_write(&dev, VFIO_TEST_DMA_IOVA_LO, (u32)iova);
    vfio_test_control_write(&dev, VFIO_TEST_DMA_IOVA_HI, (u32)(iova >> 32));
    vfio_test_control_write(&dev, VFIO_TEST_DMA_BUF_OFFSET, 0);
    vfio_test_control_write(&dev, VFIO_TEST_DMA_LENGTH, length);
    vfio_test_control_write(&dev, VFIO_TEST_DMA_CTRL, VFIO_TEST_DMA_CTRL_START | direction);
    u32 status = vfio_test_control_read(&dev, VFIO_TEST_DMA_STATUS);
    vfio_test_control_write(&dev, VFIO_TEST_STATUS, VFIO_TEST_SRC_DMA_DONE | VFIO_TEST_SRC_DMA_FAULT);
    return status;
}

static void put_dma_status(u32 status)
{
    put_hex(status);
    puts(status == VFIO_TEST_DMA_STATUS_DONE ? " (done)" : status == VFIO_TEST_DMA_STATUS_FAULT ? " (fault)" : " (?)");
}

static void test_dma(void)
{
    for (unsigned i = 0; i < DMA_LENGTH; i++) {
        dma_out[i] = (unsigned char)(i * 7 + 3);
        dma_back[i] = 0;
    }
    u32 in = dma((unsigned long)dma_out, DMA_LENGTH, VFIO_TEST_DMA_CTRL_FROM_IOVA);
    unsigned in_device = 0;
    for (unsigned i = 0; i < DMA_LENGTH; i += 4) {
        u32 word = vfio_test_main_read(&dev, VFIO_TEST_BUFFER + i);
        for (unsigned b = 0; b < 4; b++)
            in_device += ((word >> (8 * b)) & 0xff) == dma_out[i + b];
    }
    u32 out = dma((unsigned long)dma_back, DMA_LENGTH, 0);
    unsigned back = 0;
    for (unsigned i = 0; i < DMA_LENGTH; i++)
        back += dma_back[i] == dma_out[i];
    puts("dma: ram -> device status ");
    put_dma_status(in);
    puts(", ");
    put_dec(in_device);
    puts("/");
    put_dec(DMA_LENGTH);
    puts(" bytes in the device buffer\n");
    puts("dma: device -> ram status ");
    put_dma_status(out);
    puts(", ");
    put_dec(back);
    puts("/");
    put_dec(DMA_LENGTH);
    puts(" bytes equal\n");

    u32 fault = dma(UNMAPPED_IOVA, 16, VFIO_TEST_DMA_CTRL_FROM_IOVA);
    u64 fault_iova = (u64)vfio_test_control_read(&dev, VFIO_TEST_DMA_FAULT_IOVA_HI) << 32 |
                     vfio_test_control_read(&dev, VFIO_TEST_DMA_FAULT_IOVA_LO);
    puts("dma: from unmapped iova ");
    put_hex(UNMAPPED_IOVA);
    puts(" status ");
    put_dma_status(fault);
    puts(", fault iova ");
    put_hex(fault_iova);
    putc('\n');
}

int main(unsigned long dtb)
{
    puts("virt_vfio: start\n");
    if (vfio_test_find(dtb, &dev))
        firmware_exit(1);
    report_device_tree();
    test_registers();

    gic_init();
    gic_enable_spi(dev.level.intid, dev.level.edge);
    gic_enable_spi(dev.edge.intid, dev.edge.edge);
    vfio_test_control_write(&dev, VFIO_TEST_ENABLE, VFIO_TEST_SRC_LEVEL | VFIO_TEST_SRC_EDGE);
    test_single("level", VFIO_TEST_SRC_LEVEL, &dev.level);
    test_single("edge", VFIO_TEST_SRC_EDGE, &dev.edge);
    test_both();
    vfio_test_control_write(&dev, VFIO_TEST_ENABLE, 0);

    test_dma();
    puts("virt_vfio: done\n");
    firmware_exit(0);
}
