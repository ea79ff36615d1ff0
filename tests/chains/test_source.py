"""The fixture against the source document itself: parse ../shared/seed with the reading rules
of domain.md and compare with the hand-written expectation and the loaded matrix."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from chains.matrix.selectors import matrix_rows
from tests.chains.expected_matrix import DISTRICTS, EXPECTED
from tests.conftest import IN_CI

SEED_DIR = Path(settings.BASE_DIR).parent / "shared" / "seed"
CATEGORY_HEADINGS = {"(一)": "pillar", "(二)": "emerging", "(三)": "future"}


def canonical(name: str, known: set[str]) -> list[str]:
    name = name.strip()
    if name == "各区":
        return DISTRICTS
    if name in known:
        return [name]
    if f"市{name}" in known:  # 市 distributes over a list: 市发改委、科技局 → 市科技局
        return [f"市{name}"]
    raise AssertionError(f"cannot read unit name {name!r}")


def parse_source(text: str, known: set[str]) -> list[dict]:
    rows, category, names = [], None, []
    for line in (line.strip() for line in text.splitlines()):
        if line[:3] in CATEGORY_HEADINGS:
            category = CATEGORY_HEADINGS[line[:3]]
        elif line.startswith("二、"):
            break
        elif category and re.match(r"^\d+\.", line):
            names = [line.split(".", 1)[1]]
        elif category == "future" and "、" in line and ":" not in line:
            names = line.split("、")
        elif line.startswith("牵头市领导:"):
            officials = line.split(":", 1)[1].split("、")
        elif line.startswith("牵头单位:"):
            leads = [
                u
                for part in re.split("[、,]", line.split(":", 1)[1])
                for u in canonical(part, known)
            ]
        elif line.startswith("责任单位:"):
            responsible = [
                u
                for part in re.split("[、,]", line.split(":", 1)[1])
                for u in canonical(part, known)
            ]
            for name in names:
                rows.append(
                    {
                        "category": category,
                        "industry": name,
                        "lead_officials": officials,
                        "lead_units": leads,
                        "responsible_units": responsible,
                    }
                )
    return rows


@pytest.fixture
def source_text():
    files = sorted(SEED_DIR.glob("*.txt"))
    if not files:
        if IN_CI:
            pytest.fail(f"the source document is missing from {SEED_DIR}")
        pytest.skip("the shared/ folder with the source document is not beside the project")
    return files[0].read_text(encoding="utf-8")


def test_source_document_reads_as_expected_matrix(source_text):
    known = {u for row in EXPECTED for u in row["lead_units"] + row["responsible_units"]}
    assert parse_source(source_text, known) == EXPECTED


def test_loaded_matrix_is_the_source_matrix(source_text, matrix):
    known = {u for row in EXPECTED for u in row["lead_units"] + row["responsible_units"]}
    assert matrix_rows() == parse_source(source_text, known)
