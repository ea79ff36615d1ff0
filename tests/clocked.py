"""Run a Python program in a subprocess with its clock where the test's clock is.

A test whose clock time-machine moved (the `clock` fixture, PORTAL_TEST_DATE) would otherwise
start a worker that lives in real time: its heartbeats and Redis timestamps would be years from
the test's. `clocked_python()` gives the command's start, `python -m tests.clocked AT -m module
args…` or `… AT -c code args…`; the program's clock starts at AT (seconds since the epoch) and
ticks.
"""

import runpy
import sys
import time

import time_machine


def clocked_python() -> list[str]:
    """The start of a command that runs Python at this process's (possibly moved) time."""
    return [sys.executable, "-m", "tests.clocked", repr(time.time())]


def main(argv: list[str]) -> None:
    at, kind, target, *args = argv
    time_machine.travel(float(at), tick=True).start()
    if kind == "-m":
        sys.argv = [target, *args]
        runpy.run_module(target, run_name="__main__", alter_sys=True)
    elif kind == "-c":
        sys.argv = ["-c", *args]
        exec(compile(target, "<string>", "exec"), {"__name__": "__main__"})
    else:
        raise SystemExit(
            f"usage: python -m tests.clocked AT (-m module | -c code) [args…], not {kind}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
