"""The report of `make mutation`, after `mutmut run`: the score per module and overall, and every
surviving mutant checked against docs/mutation.md.

A mutant is caught when a test failed on it (killed) or it never finished (timeout: the mutation
made a loop endless). Every other result (survived, no tests, suspicious, not checked after an
interrupted run, ...) is a survivor, and
each survivor must be explained in docs/mutation.md under its name (`module.x_function__mutmut_N`
in backticks). Exits 1 naming each unexplained survivor, so a new survivor cannot pass unseen."""

import collections
import pathlib
import re
import subprocess
import sys

CAUGHT = {"killed", "timeout"}
DOC = pathlib.Path("docs/mutation.md")
NAME = re.compile(r"`([\w.ǁ]+__mutmut_\d+)`")


def results() -> dict[str, str]:
    out = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    found = {}
    for line in out.splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and "__mutmut_" in name:
            found[name] = status
    return found


def module_of(name: str) -> str:
    return name.split(".x_")[0].split(".xǁ")[0]


def main() -> int:
    found = results()
    if not found:
        print("No mutation results: run `make mutation`.")
        return 1
    by_module = collections.defaultdict(collections.Counter)
    for name, status in found.items():
        by_module[module_of(name)][status] += 1
    print(f"{'module':32} {'mutants':>8} {'killed':>7} {'timeout':>8} {'survived':>9} {'score':>7}")
    total = collections.Counter()
    for module, counts in sorted(by_module.items()):
        total.update(counts)
        print(_row(module, counts))
    print(_row("all", total))

    explained = set(NAME.findall(DOC.read_text(encoding="utf-8"))) if DOC.exists() else set()
    survivors = sorted(name for name, status in found.items() if status not in CAUGHT)
    unexplained = [name for name in survivors if name not in explained]
    print(f"\n{len(survivors)} survivors, {len(survivors) - len(unexplained)} explained in {DOC}.")
    for name in unexplained:
        print(f"UNEXPLAINED {found[name]}: {name}   (mutmut show '{name}')")
    return 1 if unexplained else 0


def _row(module: str, counts: collections.Counter) -> str:
    mutants = sum(counts.values())
    caught = counts["killed"] + counts["timeout"]
    survived = mutants - caught
    score = 100 * caught / mutants if mutants else 100.0
    return (
        f"{module:32} {mutants:>8} {counts['killed']:>7} {counts['timeout']:>8} "
        f"{survived:>9} {score:>6.1f}%"
    )


if __name__ == "__main__":
    sys.exit(main())
