// Process exit codes of a run, so scripts and CI can tell a guest that powered off (0, or the guest's own
// code on the foundation board harness, passed through as it is) from one that faulted, hung or was
// interrupted. A termination signal ends a run with 128 + its number (src/cli/signals.ts).
export const EXIT_USAGE = 2;
/** PSCI SYSTEM_RESET: armvirt does not reboot (QEMU's -no-reboot), so a panic=-1 kernel is not mistaken for success. */
export const EXIT_GUEST_RESET = 3;
export const EXIT_TIMEOUT = 124;
export const EXIT_GUEST_FAULT = 125;
export const EXIT_VMM_ERROR = 126;
