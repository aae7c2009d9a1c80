// Reading, through UC_ARM64_REG_CP_REG, a system register the engine keeps no storage for (CurrentEL): an
// error, a value, or an abort of the whole process (2.0.1)? Read in a child process.
#include <sys/wait.h>
#include <unistd.h>

#include "probe.h"

int main(void) {
  const uint32_t code[] = {0xd503201f};
  pid_t child = fork();
  if (child == 0) {
    uc_engine* uc = open_engine(code, 1);
    uc_arm64_cp_reg current_el = {4, 2, 3, 0, 2, 0};
    uc_err err = uc_reg_read(uc, UC_ARM64_REG_CP_REG, &current_el);
    _exit(err == UC_ERR_OK ? 0 : 1);
  }
  int status = 0;
  waitpid(child, &status, 0);
  if (WIFSIGNALED(status))
    printf("CP_REG read of CurrentEL: kills the process (signal %d)\n", WTERMSIG(status));
  else
    printf("CP_REG read of CurrentEL: returns (%s)\n", WEXITSTATUS(status) == 0 ? "a value" : "an error");
  return 0;
}
