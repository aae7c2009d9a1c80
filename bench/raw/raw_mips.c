/*
 * raw_mips: the speed reference for armvirt. Runs a flat AArch64 binary (normally
 * firmware/build/spin.bin) on libunicorn directly, with no hooks but the one that stops the run at
 * the final HVC, and reports millions of guest instructions per second.
 *
 *   usage: raw_mips <flat-binary-file> <iterations>
 *
 * The binary is loaded at 0x40000000 (2 MiB of RAM) and entered there with x25 = iterations; spin.bin
 * runs 4 instructions per iteration, then executes `hvc #0`. One JSON line is printed:
 *   {"iterations":N,"instructions":4*N,"seconds":S,"mips":M}
 * where S is the wall time of the single uc_emu_start() call (CLOCK_MONOTONIC).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unicorn/unicorn.h>

#define RAM_BASE 0x40000000ULL
#define RAM_SIZE (2ULL * 1024 * 1024)
#define INSNS_PER_ITERATION 4

static void die_uc(const char *what, uc_err err)
{
    fprintf(stderr, "raw_mips: %s: %s (%d)\n", what, uc_strerror(err), (int)err);
    exit(1);
}

/* The final HVC (or, without SCR_EL3.HCE, the UNDEF it becomes): stop the run. */
static void on_interrupt(uc_engine *uc, uint32_t intno, void *user_data)
{
    (void)intno;
    (void)user_data;
    uc_emu_stop(uc);
}

static void *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "raw_mips: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    unsigned char *buf = malloc(RAM_SIZE + 1);
    if (!buf) {
        fprintf(stderr, "raw_mips: out of memory\n");
        exit(1);
    }
    size_t n = fread(buf, 1, RAM_SIZE + 1, f);
    if (ferror(f)) {
        fprintf(stderr, "raw_mips: %s: read error\n", path);
        exit(1);
    }
    fclose(f);
    if (n == 0 || n > RAM_SIZE) {
        fprintf(stderr, "raw_mips: %s: size must be 1..%llu bytes\n", path, (unsigned long long)RAM_SIZE);
        exit(1);
    }
    *size = n;
    return buf;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s <flat-binary-file> <iterations>\n", argv[0]);
        return 2;
    }

    char *end;
    errno = 0;
    unsigned long long iterations = strtoull(argv[2], &end, 0);
    if (errno || *end || end == argv[2] || iterations == 0 || argv[2][0] == '-') {
        fprintf(stderr, "raw_mips: iterations must be a positive integer, got '%s'\n", argv[2]);
        return 2;
    }

    size_t size;
    void *image = read_file(argv[1], &size);

    uc_engine *uc;
    uc_err err = uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &uc);
    if (err) die_uc("uc_open", err);
    if ((err = uc_ctl_set_cpu_model(uc, UC_CPU_ARM64_A72))) die_uc("setting the CPU model (cortex-a72)", err);
    if ((err = uc_mem_map(uc, RAM_BASE, RAM_SIZE, UC_PROT_ALL))) die_uc("uc_mem_map", err);
    if ((err = uc_mem_write(uc, RAM_BASE, image, size))) die_uc("uc_mem_write", err);
    free(image);

    /* SCR_EL3 = NS | HCE | RW (0x501): HVC from EL1 is reported as an HVC instead of an UNDEF. */
    uc_arm64_cp_reg scr = { .crn = 1, .crm = 1, .op0 = 3, .op1 = 6, .op2 = 0, .val = 0x501 };
    if ((err = uc_reg_write(uc, UC_ARM64_REG_CP_REG, &scr))) die_uc("writing SCR_EL3", err);

    uint64_t x25 = iterations;
    if ((err = uc_reg_write(uc, UC_ARM64_REG_X25, &x25))) die_uc("writing x25", err);

    uc_hook hook;
    if ((err = uc_hook_add(uc, &hook, UC_HOOK_INTR, (void *)on_interrupt, NULL, 1, 0)))
        die_uc("uc_hook_add(UC_HOOK_INTR)", err);

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    err = uc_emu_start(uc, RAM_BASE, 0 /* until: never reached */, 0, 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (err) die_uc("uc_emu_start", err);

    if ((err = uc_reg_read(uc, UC_ARM64_REG_X25, &x25))) die_uc("reading x25", err);
    if (x25 != 0) {
        uint64_t pc = 0;
        uc_reg_read(uc, UC_ARM64_REG_PC, &pc);
        fprintf(stderr, "raw_mips: the run stopped early: x25 = %" PRIu64 " (not 0), pc = 0x%" PRIx64 "\n", x25, pc);
        uc_close(uc);
        return 1;
    }
    uc_close(uc);

    double seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    unsigned long long instructions = iterations * INSNS_PER_ITERATION;
    double mips = seconds > 0 ? (double)instructions / seconds / 1e6 : 0.0;
    printf("{\"iterations\":%llu,\"instructions\":%llu,\"seconds\":%.6f,\"mips\":%.2f}\n", iterations, instructions,
           seconds, mips);
    return 0;
}
