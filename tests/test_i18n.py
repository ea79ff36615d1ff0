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
