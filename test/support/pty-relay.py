#!/usr/bin/env python3
# Runs a command on a new pseudo-terminal (80x24, its controlling terminal), the way a person's terminal
# would, and relays: our stdin is typed into it, its screen output comes out on our stdout. When the command
# ends, one JSON line on stderr gives its exit status and whether it left the terminal's mode (termios) as
# it found it. Usage: pty-relay.py COMMAND [ARG...]
import fcntl, json, os, pty, select, signal, struct, sys, termios

def main():
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', 24, 80, 0, 0))
    before = termios.tcgetattr(slave)
    pid = os.fork()
    if pid == 0:
        os.close(master)
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        for fd in (0, 1, 2):
            os.dup2(slave, fd)
        os.execvp(sys.argv[1], sys.argv[1:])
    # Told to stop (a failed test): the whole session goes, not only this relay. SIGUSR1 is passed on to the
    # command as SIGTERM, as a service manager or `kill` would end it.
    signal.signal(signal.SIGTERM, lambda *_: (os.killpg(pid, signal.SIGKILL), os._exit(1)))
    signal.signal(signal.SIGUSR1, lambda *_: os.kill(pid, signal.SIGTERM))
    status = None
    stdin_open = True
    while True:
        readable, _, _ = select.select([master] + ([0] if stdin_open else []), [], [], 0.05)
        if master in readable:
            try:
                data = os.read(master, 65536)
            except OSError:
                data = b''
            if data:
                os.write(1, data)
        if 0 in readable:
            data = os.read(0, 65536)
            if data:
                os.write(master, data)
            else:
                stdin_open = False
        if status is None:
            done, code = os.waitpid(pid, os.WNOHANG)
            if done:
                status = code
        elif master not in readable:
            break  # exited and nothing left to show
    after = termios.tcgetattr(slave)
    sys.stderr.write(json.dumps({'exitCode': os.waitstatus_to_exitcode(status), 'terminalRestored': after == before}) + '\n')

main()
