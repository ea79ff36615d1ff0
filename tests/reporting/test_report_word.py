"""Reports in Word: every report also downloads as .docx in the 公文 layout, made from the same
document as the PDF (the same headings, tables and charts), on the demo data, which has every
kind of row a report carries (problems, tiers, action items, land, projects, leads,
innovation, flagged figures, districts' narratives). Finalising asks to be confirmed."""

import datetime
import io
import shutil
import subprocess

import docx
import lxml.html
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from docx.oxml.ns import qn

from accounts.models import User
from reporting.choices import ReportStatus
from reporting.reports import gather, preview, render, services, views, word


@pytest.fixture
def demo(matrix, indicators, settings, clock):
    clock.set(datetime.date(2026, 2, 10))  # January's report and the year 2025's
    settings.DEBUG = True
    call_command("load_validation_rules", verbosity=0)
    call_command("load_assessment_indicators", verbosity=0)
    call_command("seed_demo", verbosity=0)
    settings.DEBUG = False


def structure_of_html(html: str) -> tuple[list[str], int, int]:
    """The headings (一、 （一） 1.), the tables and the charts of the report's document, as the
    PDF shows them (the table of contents aside)."""
    root = lxml.html.document_fromstring(html)
    body = root.body
    headings = [
        " ".join(h.text_content().split())
        for h in body.iter("h2", "h3", "h4")
        if h.get("id") != "toc"
    ]
    return headings, len(list(body.iter("table"))), len(list(body.iter("svg")))


def structure_of_docx(blob: bytes) -> tuple[list[str], int, int]:
    document = docx.Document(io.BytesIO(blob))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    return headings, len(document.tables), len(document.inline_shapes)


def opened_by_libreoffice(blob: bytes, headings: list[str], folder) -> None:
    folder.mkdir()
    (folder / "report.docx").write_bytes(blob)
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(folder / "report.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    text = subprocess.run(
        ["pdftotext", str(folder / "report.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    squashed = "".join(text.split())
    assert all("".join(h.split()) in squashed for h in headings)


def test_reports_in_word_match_the_pdf_and_finalising_asks_to_be_confirmed(demo, client, tmp_path):
    for kind, year, number in (("monthly", 2026, 1), ("annual", 2025, 0)):
        with translation.override("zh-hans"):
            data = gather.gather(kind, year, number)
            html = render.report_html(data)
        blob = word.report_docx(html)
        headings, tables, charts = structure_of_html(html)
        assert structure_of_docx(blob) == (headings, tables, charts), kind
        assert headings[0] == "一、总体情况" and tables > 10 and charts >= 1
        for title in ("重点项目推进情况", "空间统筹和用地保障", "精准招商", "科技创新"):
            assert any(title in h for h in headings), (kind, title)
        document = docx.Document(io.BytesIO(blob))
        # 公文 fonts by name, East-Asian included (or Word shows Chinese in a Latin font)
        level_one = next(p for p in document.paragraphs if p.style.name == "Heading 1")
        fonts = level_one.runs[0]._element.rPr.rFonts
        assert (
            fonts.get(qn("w:eastAsia")) == "黑体" and level_one.paragraph_format.page_break_before
        )
        body = next(p for p in document.paragraphs if p.text.startswith("截至"))
        assert body.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"
        section = document.sections[0]
        assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)
        # every table cell's text as the PDF's, row by row (the first table: 报送情况)
        first = lxml.html.document_fromstring(html).body.iter("table").__next__()
        cells = [" ".join(c.text_content().split()) for c in first.iter("td", "th")]
        assert [c.text for row in document.tables[0].rows for c in row.cells] == cells
        if kind == "annual":  # the districts write their year; the Word file carries it
            assert any("（一）思明区" == h for h in headings)
        if shutil.which("soffice"):  # LibreOffice, where the machine has it, opens it cleanly
            opened_by_libreoffice(blob, headings, tmp_path / kind)

    # (one demo for both parts: seeding it is the slow step)
    the_drc_downloads_word_and_finalising_asks_to_be_confirmed(client)


def the_drc_downloads_word_and_finalising_asks_to_be_confirmed(client):
    drc = User.objects.get(username="fgw")  # the demo's 市发改委
    job, _created = services.report_request(period=services.Period("monthly", 2026, 1), user=drc)
    draft = services.job_run(job.pk)
    client.force_login(drc)
    page = client.get(reverse("reports:report", args=[draft.pk])).content.decode()
    assert reverse("reports:docx", args=[draft.pk]) in page and 'id="confirm_final"' in page
    # the draft as printed, page by page in the page itself: every page of its PDF
    pages = preview.page_count(services.report_pdf_bytes(draft))
    assert pages > 5 and page.count('class="report-pages"') == 1
    assert page.count(f"{reverse('reports:report', args=[draft.pk])}pages/") == pages
    image = client.get(reverse("reports:page", args=[draft.pk, pages]))
    assert image["Content-Type"] == "image/png" and image.content.startswith(b"\x89PNG")
    assert client.get(reverse("reports:page", args=[draft.pk, pages + 1])).status_code == 404
    response = client.get(reverse("reports:docx", args=[draft.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert response["Content-Type"] == views.DOCX
    headings, _tables, _charts = structure_of_docx(b"".join(response.streaming_content))
    assert headings == structure_of_html(services.report_html(draft))[0]

    url = reverse("reports:edit", args=[draft.pk])
    form = {"edit_version": draft.edit_version, "summary": "本月总体平稳。", "finalise": "1"}
    text = client.post(url, form, follow=True).content.decode()
    assert "未定稿" in text and "不可更改" in text
    draft.refresh_from_db()
    assert draft.status == ReportStatus.DRAFT and draft.summary == "本月总体平稳。"  # kept
    form["edit_version"] = draft.edit_version
    client.post(url, {**form, "confirm_final": "1", "publish_unverified": "1"})
    draft.refresh_from_db()
    assert draft.status == ReportStatus.FINAL and draft.version == 1
    # pressing 定稿 again on the final version, unticked: refused with a message, never a 500
    form["edit_version"] = draft.edit_version
    response = client.post(url, form, follow=True)
    assert response.status_code == 200 and "不能修改" in response.content.decode()
    the_drc_keeps_its_edited_word_document(client, draft, drc)


def edited(blob: bytes, line: str) -> bytes:
    document = docx.Document(io.BytesIO(blob))
    document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def the_drc_keeps_its_edited_word_document(client, final, drc):
    """The final version, edited in Word, is kept beside it: every upload, none replaced; a
    file that is not a Word document that opens is refused with the reason; a leader reads it."""
    add = reverse("reports:document_add", args=[final.pk])
    original = services.report_docx_bytes(final)
    first, second = edited(original, "市政府办公厅意见已吸收。"), edited(original, "第二稿。")
    for name, content in (("报市政府稿.docx", first), ("第二稿.docx", second)):
        response = client.post(add, {"document": upload(name, content), "note": "报送稿"})
        assert response.status_code == 302
    kept = list(final.documents.order_by("pk"))
    assert [d.name for d in kept] == ["报市政府稿.docx", "第二稿.docx"]
    assert [d.file.read() for d in kept] == [first, second]
    refused = {
        "改名的PDF.docx": b"%PDF-1.4 not a word file",  # content does not match .docx
        # a zip that looks like Word, but Word cannot open it
        "坏文件.docx": zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<x"}),
        "旧格式.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 100,  # Word 97: not .docx
    }
    for name, content in refused.items():
        page = client.post(add, {"document": upload(name, content)}, follow=True)
        text = page.content.decode()
        assert name in text and ("未予接收" in text or "须为 Word 文档" in text), name
    assert final.documents.count() == 2  # nothing stored from a refused file
    page = client.get(reverse("reports:report", args=[final.pk])).content.decode()
    assert "报市政府稿.docx" in page and "第二稿.docx" in page
    # a city leader reads the final version, and so its edited documents (but cannot add one)
    leader = User.objects.filter(role="leader").first()
    client.force_login(leader)
    response = client.get(reverse("reports:document", args=[kept[0].pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == first
    assert client.post(add, {"document": upload("x.docx", first)}).status_code == 403
    assert final.documents.count() == 2


def upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def zipped(files: dict) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_a_comment_comes_once_and_full_width_spaces_stay():
    from tests.reporting.test_report_render import snapshot

    html = render.report_html(
        snapshot(),
        comments={"industry:electronic-information": "加快推进重点项目。"},
        version=1,
        finalised={"by": "张三", "at": datetime.datetime(2025, 10, 9, 10)},
    )
    texts = [p.text for p in docx.Document(io.BytesIO(word.report_docx(html))).paragraphs]
    labels = [t for t in texts if t.endswith("意见")]
    assert len(labels) == 1 and "加快推进重点项目。" in texts
    assert any("定稿人：张三　定稿时间" in t for t in texts)
