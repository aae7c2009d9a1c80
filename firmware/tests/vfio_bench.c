/*
 * Benchmark loops on the vfio-platform test device (common/vfio_test_device.h), for bench/vfio.ts, which
 * times the host between this program's "start" and "done" lines. What to run comes from the kernel
 * command line (/chosen/bootargs, -append):
 *
 *   mmio=N   N 32-bit reads of the ID register in region 0 (mmap-able: the fast path unless x-no-mmap)
 *   irqs=N   N level interrupts end to end: the device re-raises after each ack (REPEAT = N - 1), the
 *            handler acknowledges the GIC, W1C-acks the device and EOIs; the count is the handler's
 */
#include "gic.h"
#include "lib.h"
#include "vfio_test_dt.h"

static struct vfio_test_dev dev;
static volatile u64 irqs_handled;

void irq_handler(void)
{
    u32 iar = gic_ack();
    if ((iar & 0x3ff) == dev.level.intid) {
        vfio_test_control_write(&dev, VFIO_TEST_STATUS, VFIO_TEST_SRC_LEVEL);
        irqs_handled++;
    }
    if ((iar & 0x3ff) != GIC_INTID_SPURIOUS)
        gic_eoi(iar);
}

/* The value of `key=` in the space-separated command line, or 0. */
static u64 bootarg(const char *args, u32 len, const char *key)
{
    for (u32 at = 0; at < len && args[at];) {
        u32 k = 0;
        while (key[k] && at + k < len && args[at + k] == key[k])
            k++;
        if (!key[k] && at + k < len && args[at + k] == '=') {
            u64 value = 0;
            for (at += k + 1; at < len && args[at] >= '0' && args[at] <= '9'; at++)
                value = value * 10 + (u64)(args[at] - '0');
            return value;
        }
        while (at < len && args[at] && args[at] != ' ')
            at++;
        while (at < len && args[at] == ' ')
            at++;
    }
    return 0;
}

static void line(const char *what, u64 n, const char *state)
{
    puts("vfio_bench: ");
    puts(what);
    putc(' ');
    put_dec(n);
    putc(' ');
    puts(state);
    putc('\n');
}

static void bench_mmio(u64 n)
{
    unsigned long id = dev.main + VFIO_TEST_ID;
    u32 wrong = 0;
    line("mmio", n, "start");
    /* the loop body is one load, a compare and the loop branch */
    for (u64 i = 0; i < n; i++)
        wrong += mmio_read32(id) != VFIO_TEST_ID_VALUE;
    line("mmio", n, "done");
    if (wrong) {
        puts("FAIL: ID read wrong ");
        put_dec(wrong);
        puts(" times\n");
        firmware_exit(1);
    }
}

static void bench_irqs(u64 n)
{
    gic_init();
    gic_enable_spi(dev.level.intid, dev.level.edge);
    vfio_test_control_write(&dev, VFIO_TEST_ENABLE, VFIO_TEST_SRC_LEVEL);
    vfio_test_control_write(&dev, VFIO_TEST_REPEAT, (u32)(n - 1));
    line("irqs", n, "start");
    vfio_test_control_write(&dev, VFIO_TEST_IRQ_RAISE, VFIO_TEST_SRC_LEVEL);
    irq_enable();
    while (irqs_handled < n)
        ;
    irq_disable();
    line("irqs", irqs_handled, "done");
}

int main(unsigned long dtb)
{
    u32 len = 0;
    const char *args = fdt_get_property((const void *)dtb, "/chosen", "bootargs", &len);
    if (vfio_test_find(dtb, &dev))
        firmware_exit(1);
    u64 mmio = args ? bootarg(args, len, "mmio") : 0;
    u64 irqs = args ? bootarg(args, len, "irqs") : 0;
    if (!mmio && !irqs) {
        puts("vfio_bench: nothing to do: give mmio=N and/or irqs=N in bootargs\n");
        firmware_exit(1);
    }
    if (mmio)
        bench_mmio(mmio);
    if (irqs)
        bench_irqs(irqs);
    firmware_exit(0);
}
