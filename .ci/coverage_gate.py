"""The coverage gate for the business modules, run by `make test` after pytest --cov.

coverage.py's fail_under is one figure for the whole project, where a well-covered view can hide
an untested service; this checks each business module on its own: lines at least LINES % and
branches at least BRANCHES %. It reads the .coverage data the test run left (using the settings
in pyproject.toml), prints one row per module and exits 1 naming each module below a bar (or
missing from the data, or from the tree)."""

import json
import math
import pathlib
import sys
import tempfile

import coverage

LINES = 95.0
BRANCHES = 90.0
MODULES = [
    # who may do what: the primitives and each feature's scoped fetches
    "accounts/access.py",
    "chains/matrix/access.py",
    "chains/figures/access.py",
    "chains/policies/access.py",
    "reporting/updates/access.py",
    "reporting/supervision/access.py",
    "reporting/plans/access.py",
    "reporting/land/access.py",
    "reporting/assessment/access.py",
    "reporting/dashboard/access.py",
    "reporting/reports/access.py",
    "reporting/analysis/access.py",
    "reporting/projects/access.py",
    "reporting/leads/access.py",
    "reporting/innovation/access.py",
    "chains/teams/access.py",
    # the matrix and the permissions it grants
    "accounts/services.py",
    "chains/matrix/permissions.py",
    "chains/matrix/services.py",
    "chains/matrix/selectors.py",
    "chains/loads.py",
    # the statistics
    "chains/creditcode.py",
    "chains/figures/reading.py",
    "chains/figures/validating.py",
    "chains/figures/writing.py",
    "chains/figures/selectors.py",
    "chains/figures/services.py",
    # the statistics' checks for sense (checking, selectors and access are measured by the
    # whole suite only; gate them once a full run shows them above the bars)
    "chains/quality/expressions.py",
    "chains/quality/checking.py",
    "chains/quality/services.py",
    # the API: tokens, scopes, a client's own imports, and figures sent as JSON
    "chains/api/access.py",
    "chains/api/authentication.py",
    "chains/api/permissions.py",
    "chains/api/services.py",
    "chains/api/selectors.py",
    "chains/api/workbooks.py",
    # the monthly updates, their calendar and the reports
    "reporting/updates/services.py",
    "reporting/updates/figures.py",
    "reporting/updates/selectors.py",
    "reporting/periods/services.py",
    "reporting/periods/selectors.py",
    "reporting/periods/workdays.py",
    "portal/months.py",
    "reporting/reports/gather.py",
    "reporting/reports/services.py",
    # the registers of the whole document: projects, leads, innovation, work teams, hearing
    "reporting/projects/selectors.py",
    "reporting/leads/selectors.py",
    "reporting/innovation/selectors.py",
    "chains/teams/selectors.py",
    "reporting/dashboard/hearing.py",
    # the statistics bureau's monthly analysis
    "reporting/analysis/services.py",
    "reporting/analysis/selectors.py",
    "reporting/analysis/reminders.py",
    # issue 19: the cockpit, search, lists, the report's page images; sessions written
    # once a minute
    "reporting/cockpit/selectors.py",
    "reporting/search/selectors.py",
    "portal/listing.py",
    "reporting/reports/preview.py",
    "portal/middleware.py",
]
ROOT = pathlib.Path(__file__).resolve().parent.parent


def percent(covered: int, total: int) -> float:
    return 100.0 * covered / total if total else 100.0


def shown(value: float) -> str:
    """One decimal, rounded down: 94.96 % shows as 94.9, never as a passing 95.0."""
    return f"{math.floor(value * 10) / 10:5.1f} %"


def main() -> int:
    missing_files = [m for m in MODULES if not (ROOT / m).is_file()]
    if missing_files:
        print(f"coverage gate: no such module (update .ci/coverage_gate.py): {missing_files}")
        return 1
    if not (ROOT / ".coverage").is_file():
        print("coverage gate: no .coverage data; run the tests with --cov first (make test)")
        return 1
    cov = coverage.Coverage(
        config_file=str(ROOT / "pyproject.toml"), data_file=str(ROOT / ".coverage")
    )
    cov.load()
    with tempfile.TemporaryDirectory() as folder:
        out = pathlib.Path(folder) / "coverage.json"
        cov.json_report(include=[str(ROOT / m) for m in MODULES], outfile=str(out))
        files = json.loads(out.read_text())["files"]
    measured = {
        pathlib.Path(name).resolve().relative_to(ROOT).as_posix(): f for name, f in files.items()
    }

    print(f"\nBusiness modules (bars: lines ≥ {LINES:g} %, branches ≥ {BRANCHES:g} %)")
    print(f"{'module':34} {'lines':>20} {'branches':>20}")
    failures = []
    for module in MODULES:
        summary = measured.get(module, {}).get("summary")
        if summary is None:
            print(f"{module:34} {'not measured':>20}")
            failures.append(f"{module} (not measured: never imported by the tests?)")
            continue
        lines = percent(summary["covered_lines"], summary["num_statements"])
        branches = percent(summary["covered_branches"], summary["num_branches"])
        low = [
            what
            for what, value, bar in (("lines", lines, LINES), ("branches", branches, BRANCHES))
            if value < bar
        ]
        line_cell = f"{shown(lines)} ({summary['covered_lines']}/{summary['num_statements']})"
        branch_cell = f"{shown(branches)} ({summary['covered_branches']}/{summary['num_branches']})"
        print(
            f"{module:34} {line_cell:>20} {branch_cell:>20}  {'BELOW: ' + ', '.join(low) if low else 'ok'}"
        )
        if low:
            failures.append(f"{module} ({', '.join(f'{w} below the bar' for w in low)})")
    if failures:
        print("\ncoverage gate FAILED:\n  " + "\n  ".join(failures))
        return 1
    print("coverage gate passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
