/* virt_psci ending with PSCI SYSTEM_RESET instead of SYSTEM_OFF. */
#define PSCI_END_WITH_RESET
#include "virt_psci.c"
