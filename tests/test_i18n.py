"""The Chinese catalogue is complete and its compiled form is the one committed."""

import gettext
import re
from pathlib import Path

from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def entries(text: str):
    for block in text.split("\n\n"):
        msgid = re.search(r'^msgid "(.*)"', block, re.M)
        if msgid and (msgid.group(1) or '\n"' in block.split("msgid", 1)[1].split("msgstr")[0]):
            yield block


def test_every_message_is_translated_and_none_is_fuzzy():
    text = PO.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    empty = [
        b
        for b in entries(text)
        if re.search(r'^msgstr(\[0\])? ""\n?$', b, re.M)
        and not re.search(r'^msgstr(\[0\])? ""\n"', b, re.M)
    ]
    assert not empty, empty[:3]


def test_compiled_catalogue_matches_the_source():
    translation = gettext.GNUTranslations(PO.with_suffix(".mo").open("rb"))
    assert translation.gettext("My work") == "我的待办"
    assert translation.pgettext("update history", "Submitted") == "提交"
    blocks = list(entries(PO.read_text(encoding="utf-8")))
    # One catalogue entry per msgid (plus the header).
    assert len(translation._catalog) >= len(blocks)


def all_text_choices():
    """Every TextChoices of the portal's own apps (imported with the models)."""
    from django.db import models

    import accounts.choices  # noqa: F401
    import chains.choices  # noqa: F401
    import reporting.choices  # noqa: F401

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return [
        cls
        for cls in subclasses(models.TextChoices)
        if cls.__module__.split(".")[0] in {"accounts", "chains", "reporting"}
    ]


CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_status_label_reads_in_chinese():
    from django.utils import translation

    choices = all_text_choices()
    assert {c.__name__ for c in choices} >= {"UpdateStatus", "ProblemStatus", "ActionStatus"}
    untranslated = []
    for cls in choices:
        for member in cls:
            with translation.override("en"):
                english = str(member.label)
            with translation.override("zh-hans"):
                chinese = str(member.label)
            if chinese == english or not CJK.search(chinese):
                untranslated.append(f"{cls.__name__}.{member.name}: {chinese}")
    assert not untranslated, untranslated


def test_one_english_word_with_two_meanings_has_two_chinese_words():
    from django.template import Context, Template
    from django.utils import translation

    from reporting.choices import ActionEventKind, ActionStatus, ProblemStatus

    with translation.override("zh-hans"):
        link = Template('{% load i18n %}{% translate "Open" %}').render(Context())
        heading = Template(
            '{% load i18n %}{% translate "Awaiting a coordination meeting" %}'
        ).render(Context())
        # A problem nobody has acted on yet is unresolved, not "view".
        assert str(ProblemStatus.OPEN.label) == "未解决"
        assert link == "查看"
        # Once the DRC escalated it, it has been put to a meeting (已提请), not waiting for that.
        assert str(ProblemStatus.ESCALATED.label) == "已提请协调会"
        assert heading != str(ProblemStatus.ESCALATED.label)
        # A history entry says what was done; the status what the item is.
        assert str(ActionEventKind.EXTENSION_REQUESTED.label) == "申请延期"
        assert str(ActionEventKind.CANCELLED.label) == "撤销"
        assert str(ActionStatus.CANCELLED.label) == "已撤销"
        assert str(ActionEventKind.CLOSED.label) != str(ActionStatus.CLOSED.label)
        # A column of times reads 提交时间, the status 已提交.
        column = Template('{% load i18n %}{% translate "Submitted" context "time" %}').render(
            Context()
        )
        assert column == "提交时间"
