"""The import check of `make lint` (.ci/imports.py): the code as it stands passes, and a copy of
it with one deliberately wrong import fails, naming that import."""

import importlib.util
import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCRIPT = ROOT / ".ci" / "imports.py"


def _checker():
    spec = importlib.util.spec_from_file_location("import_check", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def tree(tmp_path):
    """A copy of the four apps, for one wrong import to be added to."""
    for app in ("portal", "accounts", "chains", "reporting"):
        shutil.copytree(
            ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__", "migrations")
        )
    return tmp_path


def _add(tree: pathlib.Path, path: str, line: str) -> None:
    file = tree / path
    file.write_text(file.read_text() + f"\n\ndef _added():\n    {line}\n")


def test_the_code_passes():
    problems, edges = _checker().check(ROOT)
    assert problems == []
    # the walk found the features and their imports, not an empty tree
    assert "reporting.periods.services" in edges["reporting.updates.services"]
    assert "accounts.access" in edges["reporting.updates.access"]


def test_the_command_fails_on_a_circle_and_names_it(tree):
    # updates' services already import the periods' services; this closes the circle
    _add(tree, "reporting/periods/services.py", "from reporting.updates import services")
    shutil.copytree(ROOT / ".ci", tree / ".ci")
    run = subprocess.run(
        [sys.executable, str(tree / ".ci" / "imports.py")], capture_output=True, text=True
    )
    assert run.returncode == 1
    circle = next(line for line in run.stdout.splitlines() if line.startswith("import circle:"))
    assert circle.startswith("import circle: reporting.periods.services -> ")
    assert "reporting.updates.services" in circle


@pytest.mark.parametrize(
    ("path", "line", "message"),
    [
        (
            "accounts/password_validation.py",
            "from reporting.updates.services import update_save",
            "accounts.password_validation imports reporting.updates.services, which sits above it",
        ),
        (
            "chains/matrix/views.py",
            "from reporting.land.selectors import land_totals",
            "chains.matrix.views imports reporting.land.selectors, which sits above it",
        ),
        (
            "reporting/plans/services.py",
            "from reporting.dashboard.selectors import grid",
            "reporting.plans.services imports reporting.dashboard.selectors, which sits above it",
        ),
        (
            "reporting/land/views.py",
            "from reporting.plans.views import PlanListView",
            "reporting.land.views imports another feature's views (reporting.plans.views)",
        ),
        (
            "reporting/reports/gather.py",
            "from chains.figures.reading import _not_public",
            "reporting.reports.gather imports _not_public from chains.figures.reading",
        ),
    ],
)
def test_an_import_against_the_layers_is_named(tree, path, line, message):
    _add(tree, path, line)
    problems, _edges = _checker().check(tree)
    assert [p.split(": ", 1)[1] for p in problems] == [message]
    assert problems[0].startswith(f"{path}:")
