"""An update's content as plain data: stored in its history and compared for diffs."""

import difflib
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe

from reporting.choices import ELEMENT_FIELDS, ProblemType, ProjectStage, Section
from reporting.updates.figures import PROJECT_PREFIX

TEXT_FIELDS = [*ELEMENT_FIELDS.values(), "suggestions", "next_plan"]


def _plain(value):
    return str(value) if isinstance(value, Decimal) else value


def update_snapshot(update) -> dict:
    """Everything the lead unit wrote, as it stands now."""
    return {
        "fields": {name: getattr(update, name) for name in TEXT_FIELDS},
        "figures": {
            "projects_signed": update.projects_signed,
            "signed_amount": _plain(update.signed_amount),
        },
        "key_projects": [
            {
                "name": p.name,
                "stage": p.stage,
                "investment": _plain(p.investment),
                "progress": p.progress,
            }
            for p in update.key_projects.all()
        ],
        "problems": [
            {
                "description": p.description,
                "type": p.type,
                "concerned": p.concerned,
                "needs_meeting": p.needs_meeting,
            }
            for p in update.problems.all()
        ],
        "attachments": [a.name for a in update.attachments.all() if a.removed_at is None],
        # Figures past ten times last month's, confirmed by the unit (figures.py).
        "figure_checks": dict(update.figure_checks or {}),
    }


def _confirmed(snapshot: dict, project: bool) -> str:
    """The confirmations of a section, as they read in its text (and so in its diffs)."""
    return "".join(
        f"\n已核实：{check['label']}为上月的 {check['times']} 倍"
        for key, check in snapshot.get("figure_checks", {}).items()
        if key.startswith(PROJECT_PREFIX) == project
    )


def section_texts(snapshot: dict) -> dict[str, str]:
    """Each section of a snapshot as text, in the order of the form."""
    fields = snapshot.get("fields", {})
    texts = {section.value: fields.get(field, "") for section, field in ELEMENT_FIELDS.items()}
    stages = dict(ProjectStage.choices)
    texts[Section.KEY_PROJECTS] = "\n".join(
        f"{p['name']}｜{stages.get(p['stage'], p['stage'])}｜{p['investment'] or '—'} 亿元｜{p['progress']}"
        for p in snapshot.get("key_projects", [])
    ) + _confirmed(snapshot, project=True)
    figures = snapshot.get("figures", {})
    texts[Section.FIGURES] = (
        f"签约项目 {figures.get('projects_signed') if figures.get('projects_signed') is not None else '—'} 个；"
        f"签约金额 {figures.get('signed_amount') or '—'} 亿元"
    ) + _confirmed(snapshot, project=False)
    types = dict(ProblemType.choices)
    texts[Section.PROBLEMS] = "\n".join(
        f"[{types.get(p['type'], p['type'])}] {p['description']}（{p['concerned'] or '—'}）"
        + ("【需协调会】" if p["needs_meeting"] else "")
        for p in snapshot.get("problems", [])
    )
    texts[Section.SUGGESTIONS] = fields.get("suggestions", "")
    texts[Section.NEXT_PLAN] = fields.get("next_plan", "")
    return {key: str(value) for key, value in texts.items()}


def changed_sections(old: dict, new: dict) -> list[str]:
    """The labels of the sections that differ between two snapshots, in the form's order."""
    before, after = section_texts(old), section_texts(new)
    return [label for key, label in Section.choices if before.get(key, "") != after.get(key, "")]


def inline_diff(old: str, new: str) -> str:
    """Character-level diff (Chinese has no spaces to split words on), as safe HTML."""
    parts = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape(old[a1:a2]))
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(old[a1:a2])}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(new[b1:b2])}</ins>")
    return mark_safe("".join(parts).replace("\n", "<br>"))


def diff_sections(old: dict, new: dict) -> list[dict]:
    """Section by section: whether it changed and the marked-up difference."""
    before, after = section_texts(old), section_texts(new)
    labels = dict(Section.choices)
    return [
        {
            "section": key,
            "label": labels[key],
            "changed": before.get(key, "") != after.get(key, ""),
            "html": inline_diff(before.get(key, ""), after.get(key, "")),
        }
        for key in labels
    ]
