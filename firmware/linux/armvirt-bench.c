// A static Linux AArch64 program with no C library (raw system calls), for the initramfs:
//   armvirt-bench true            exits 0 (the workload's fork/exec loop)
//   armvirt-bench pattern BYTES   writes BYTES of a fixed pseudo-random pattern to stdout
//   armvirt-bench lines N         writes N pseudo-random decimal numbers, one a line
//   armvirt-bench syscall N       N getppid() calls at EL0: "syscall_roundtrip_ns <ns per call>"
//   armvirt-bench fault PAGES     first write to each page of a fresh anonymous mapping:
//                                 "page_fault_ns <ns per page>"
// Times come from the virtual counter (CNTVCT_EL0, readable at EL0 under Linux), which follows the host
// clock in a real-time run on armvirt as on QEMU.
typedef unsigned long u64;
typedef long s64;

enum { SYS_WRITE = 64, SYS_EXIT_GROUP = 94, SYS_GETPPID = 173, SYS_MUNMAP = 215, SYS_MMAP = 222 };
enum { PROT_READ = 1, PROT_WRITE = 2, MAP_PRIVATE = 2, MAP_ANONYMOUS = 0x20 };
#define PAGE_SIZE 4096UL

static s64 syscall6(s64 n, s64 a, s64 b, s64 c, s64 d, s64 e, s64 f)
{
    register s64 x8 __asm__("x8") = n;
    register s64 x0 __asm__("x0") = a;
    register s64 x1 __asm__("x1") = b;
    register s64 x2 __asm__("x2") = c;
    register s64 x3 __asm__("x3") = d;
    register s64 x4 __asm__("x4") = e;
    register s64 x5 __asm__("x5") = f;
    __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5) : "memory");
    return x0;
}

static __attribute__((noreturn)) void exit_group(int code)
{
    for (;;)
        syscall6(SYS_EXIT_GROUP, code, 0, 0, 0, 0, 0);
}

static void write_all(const char *p, u64 n)
{
    while (n > 0) {
        s64 done = syscall6(SYS_WRITE, 1, (s64)p, (s64)n, 0, 0, 0);
        if (done <= 0)
            exit_group(1);
        p += done;
        n -= (u64)done;
    }
}

static u64 length(const char *s)
{
    u64 n = 0;
    while (s[n])
        n++;
    return n;
}

static int equal(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

static u64 parse(const char *s)
{
    u64 n = 0;
    while (*s >= '0' && *s <= '9')
        n = n * 10 + (u64)(*s++ - '0');
    return n;
}

static void print_figure(const char *name, u64 value)
{
    char digits[24];
    int at = sizeof digits;
    digits[--at] = '\n';
    do
        digits[--at] = (char)('0' + value % 10);
    while ((value /= 10) != 0 && at > 0);
    write_all(name, length(name));
    write_all(" ", 1);
    write_all(digits + at, sizeof digits - (u64)at);
}

static u64 counter(void)
{
    u64 v;
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v) : : "memory");
    return v;
}

static u64 elapsed_ns(u64 start, u64 end)
{
    u64 hz;
    __asm__("mrs %0, cntfrq_el0" : "=r"(hz));
    return (end - start) * 1000000000UL / hz;
}

static void pattern(u64 bytes)
{
    static u64 block[8192];
    u64 x = 0x9e3779b97f4a7c15UL;
    while (bytes > 0) {
        for (u64 i = 0; i < sizeof block / sizeof block[0]; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17; // xorshift64
            block[i] = x;
        }
        u64 n = bytes < sizeof block ? bytes : sizeof block;
        write_all((const char *)block, n);
        bytes -= n;
    }
}

static void lines(u64 count)
{
    static char buffer[4096];
    u64 used = 0;
    unsigned x = 1;
    for (u64 i = 0; i < count; i++) {
        x = x * 1664525u + 1013904223u; // Numerical Recipes' LCG
        char digits[12];
        int at = sizeof digits;
        digits[--at] = '\n';
        unsigned v = x;
        do
            digits[--at] = (char)('0' + v % 10);
        while ((v /= 10) != 0);
        if (used + sizeof digits > sizeof buffer)
            write_all(buffer, used), used = 0;
        for (int j = at; j < (int)sizeof digits; j++)
            buffer[used++] = digits[j];
    }
    write_all(buffer, used);
}

static void syscall_roundtrip(u64 calls)
{
    u64 start = counter();
    for (u64 i = 0; i < calls; i++)
        syscall6(SYS_GETPPID, 0, 0, 0, 0, 0, 0);
    print_figure("syscall_roundtrip_ns", elapsed_ns(start, counter()) / calls);
}

static void first_touch(u64 pages)
{
    s64 base = syscall6(SYS_MMAP, 0, (s64)(pages * PAGE_SIZE), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base < 0 && base > -4096)
        exit_group(2);
    volatile char *p = (volatile char *)base;
    u64 start = counter();
    for (u64 i = 0; i < pages; i++)
        p[i * PAGE_SIZE] = 1;
    print_figure("page_fault_ns", elapsed_ns(start, counter()) / pages);
    syscall6(SYS_MUNMAP, base, (s64)(pages * PAGE_SIZE), 0, 0, 0, 0);
}

__attribute__((used)) void start_c(u64 *sp)
{
    u64 argc = sp[0];
    char **argv = (char **)(sp + 1);
    const char *mode = argc > 1 ? argv[1] : "";
    u64 n = argc > 2 ? parse(argv[2]) : 0;
    if (equal(mode, "true"))
        exit_group(0);
    if (equal(mode, "pattern"))
        pattern(n);
    else if (equal(mode, "lines"))
        lines(n);
    else if (equal(mode, "syscall") && n > 0)
        syscall_roundtrip(n);
    else if (equal(mode, "fault") && n > 0)
        first_touch(n);
    else {
        static const char usage[] = "usage: armvirt-bench true | pattern BYTES | lines N | syscall N | fault PAGES\n";
        syscall6(SYS_WRITE, 2, (s64)usage, sizeof usage - 1, 0, 0, 0);
        exit_group(2);
    }
    exit_group(0);
}

__asm__(".globl _start\n_start:\n  mov x0, sp\n  bl start_c\n");
