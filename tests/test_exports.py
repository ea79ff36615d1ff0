"""Every spreadsheet the portal writes (portal/spreadsheets.py).

On the demo data (problems, enterprise tiers, action items, land items, plans, figures) every
export answers 200 with a file that opens: the dashboard with each filter, the district
assessment, the figure, enterprise, cultivation and template downloads, `export_matrix` and
the admin's exports. And text a user typed that starts like a formula comes out as text
prefixed with a single quote, while numbers stay numbers."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse
from import_export.admin import ExportMixin

from accounts.models import User
from chains.choices import ImportKind
from chains.models import Category, Enterprise, Industry, Official, SubSegment, Unit
from reporting.models import ActionItem, AssessmentIndicator, LandItem, Problem
from reporting.periods import services
from reporting.supervision import services as coordination

EVIL = ['=HYPERLINK("http://x","y")', "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def demo(matrix, settings):
    """What `seed_demo` makes (fewer enterprises, for speed), plus a coordination meeting with
    action items: the demo has problems but no meetings."""
    from chains.figures.demo import demo_figures_seed
    from chains.matrix.demo import demo_accounts_seed
    from chains.policies.demo import policies_demo
    from chains.space.demo import demo_leading_industries_seed
    from reporting.land.demo import land_demo
    from reporting.plans.demo import demo_plans_seed
    from reporting.updates.demo import demo_updates_seed

    settings.DEBUG = True  # demo accounts refuse otherwise
    call_command("load_indicators", verbosity=0)
    call_command("load_assessment_indicators", verbosity=0)
    demo_accounts_seed()
    demo_updates_seed()
    demo_plans_seed()
    assert demo_figures_seed(enterprises=30) == 30
    land_demo()
    demo_leading_industries_seed()
    drc = User.objects.get(username="fgw")
    policies_demo(drc)
    settings.DEBUG = False
    industry = Industry.objects.get(code="commerce-logistics")
    meeting = coordination.meeting_create(
        industry=industry,
        chair=Official.objects.get(name="黄燕添"),
        date=services.today(),
        units=list(Unit.objects.filter(name__in=["市商务局", "市交通局"])),
        problems=[],
        minutes="研究冷链物流园用地问题。",
        user=drc,
    )
    for decision in ["市商务局两周内提出用地方案", *EVIL]:
        coordination.action_create(
            meeting=meeting,
            decision=decision,
            unit=Unit.objects.get(name="市商务局"),
            deadline=services.today() + datetime.timedelta(days=30),
            user=drc,
        )
    # The data the brief names is really there.
    assert Problem.objects.exists() and ActionItem.objects.count() == 7
    assert Enterprise.objects.filter(tiers__isnull=False).exists()
    from reporting.models import LandItem

    assert LandItem.objects.exists()
    return drc


def login(client, username):
    client.force_login(User.objects.get(username=username))
    return client


def workbook(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment;")
    return openpyxl.load_workbook(io.BytesIO(response.content))


def all_cells(book):
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


def portal_exports(client) -> dict[str, openpyxl.Workbook]:
    """Every xlsx a user downloads from the portal's pages, by a readable name."""
    books = {}
    period = services.period_get_or_create(*_last_month())
    login(client, "fgw")  # the DRC: the whole city
    dashboard = reverse("dashboard")
    filters = [{}, {"month": period.slug}]
    filters += [{"category": c.code} for c in Category.objects.all()]
    filters += [{"industry": i.code} for i in Industry.objects.all()[:3]]
    filters += [{"official": o.code} for o in Official.objects.all()[:2]]
    filters += [{"unit": "gxj"}, {"district": Unit.objects.filter(kind="district")[0].code}]
    filters += [{"industry": "commerce-logistics", "district": "siming", "month": period.slug}]
    for query in filters:
        books[f"dashboard {query}"] = workbook(client.get(dashboard, {**query, "format": "xlsx"}))
    books["assessment"] = workbook(client.get(reverse("district_assessment"), {"format": "xlsx"}))
    books["assessment month"] = workbook(
        client.get(
            reverse("district_assessment"),
            {"format": "xlsx", "year": period.year, "month": period.month},
        )
    )
    for industry in Industry.objects.all()[:3]:
        books[f"figures {industry.code}"] = workbook(
            client.get(reverse("stats:industry", args=[industry.code]), {"format": "xlsx"})
        )
    for enterprise in Enterprise.objects.filter(tiers__isnull=False).distinct()[:3]:
        books[f"enterprise {enterprise.pk}"] = workbook(
            client.get(reverse("stats:enterprise", args=[enterprise.pk]), {"format": "xlsx"})
        )
    cultivation = reverse("stats:cultivation")
    for query in [
        {},
        {"by": "district"},
        {"industry": "commerce-logistics"},
        {"district": "siming"},
    ]:
        books[f"cultivation {query}"] = workbook(
            client.get(cultivation, {**query, "format": "xlsx"})
        )
    for kind in ImportKind.values:
        books[f"template {kind}"] = workbook(client.get(reverse("stats:template", args=[kind])))
    # The lists: what each shows, filtered and ordered as asked.
    books["problems"] = workbook(
        client.get(reverse("reporting:problems"), {"format": "xlsx", "sort": "-status"})
    )
    for year in (period.year, period.year - 1):
        books[f"land {year}"] = workbook(
            client.get(reverse("reporting:land"), {"format": "xlsx", "unit": "", "year": year})
        )
    books["plans"] = workbook(
        client.get(reverse("reporting:plans"), {"format": "xlsx", "year": period.year})
    )
    books["review"] = workbook(client.get(reverse("reporting:review_queue"), {"format": "xlsx"}))
    books["review month"] = workbook(
        client.get(reverse("reporting:review_queue"), {"format": "xlsx", "period": period.slug})
    )
    return books


def _last_month():
    today = services.today()
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


def admin_exports(client) -> dict[str, bytes]:
    """Every export of the admin (each admin with django-import-export's ExportMixin), in csv
    and in xlsx, with all of its columns."""
    login(client, "admin")
    files = {}
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, ExportMixin):
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_export")
        form = client.get(url).context["form"]
        choices = dict((label.lower(), value) for value, label in form.fields["format"].choices)
        for fmt in ("csv", "xlsx"):
            data = {"format": choices[fmt], "resource": 0}
            data |= {
                name: "on"
                for name, field in form.fields.items()
                if getattr(field, "is_selectable_field", False)
            }
            response = client.post(url, data)
            assert response.status_code == 200, (model, fmt, response.content[:300])
            assert response["Content-Disposition"].startswith("attachment;"), (model, fmt)
            files[f"admin {model._meta.model_name}.{fmt}"] = response.content
    return files


def matrix_exports(tmp_path) -> dict[str, bytes]:
    files = {}
    for fmt in ("json", "csv", "xlsx"):
        out = tmp_path / f"matrix.{fmt}"
        call_command("export_matrix", "--format", fmt, "-o", str(out))
        files[f"export_matrix.{fmt}"] = out.read_bytes()
    return files


def open_file(name: str, content: bytes):
    """Rows of strings and numbers, from an xlsx (with each cell's type) or a csv."""
    if name.endswith(".xlsx"):
        return list(all_cells(openpyxl.load_workbook(io.BytesIO(content))))
    return [value for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for value in row]


def test_every_export_answers_on_the_demo_data_and_carries_no_formula(demo, client, tmp_path):
    """Every export opens on the demo data (before the fix the dashboard answered 500: lazy
    labels, problem types and tiers, handed to openpyxl); then, with text that starts like a
    formula planted in every kind of row, no export carries one (one seeding for both)."""
    books = portal_exports(client)
    by_type = books["dashboard {}"]["问题（按类型）"]
    assert by_type.max_row > 1 and isinstance(by_type["A2"].value, str)
    assert books["dashboard {}"]["重点企业（按梯次）"].max_row > 1
    assert books["dashboard {}"]["督办事项"].max_row == 8
    assert books["dashboard {}"]["用地空间"].max_row > 1
    files = admin_exports(client) | matrix_exports(tmp_path)
    assert {"admin unit.csv", "admin official.xlsx", "admin industry.xlsx"} <= set(files)
    for name, content in files.items():
        if name.endswith(".json"):
            continue
        assert open_file(name, content), name
    assert all(book.worksheets for book in books.values())
    no_export_carries_a_formula(client, tmp_path)  # the files written again


def _plant_formulae():
    """User text that exports carry, each starting like a formula."""
    for i, unit in enumerate(Unit.objects.order_by("pk")[: len(EVIL)]):
        unit.name_en = EVIL[i]
        unit.save(update_fields=["name_en"])
    for i, official in enumerate(Official.objects.order_by("pk")):
        official.name = f"{EVIL[i % len(EVIL)]}{i}"
        official.name_en = EVIL[i % len(EVIL)]
        official.save(update_fields=["name", "name_en"])
    industry = Industry.objects.get(code="biomedicine")
    for i, text in enumerate(EVIL):  # the demo has no sub-segments
        SubSegment.objects.create(industry=industry, name=text, position=i)
    indicator = AssessmentIndicator.objects.order_by("pk").first()
    indicator.name = EVIL[0]
    indicator.save(update_fields=["name"])
    for i, enterprise in enumerate(Enterprise.objects.order_by("pk")):
        enterprise.name = f"{EVIL[i % len(EVIL)]}{i}"
        enterprise.save(update_fields=["name"])
    for i, problem in enumerate(Problem.objects.order_by("pk")[: len(EVIL)]):
        Problem.objects.filter(pk=problem.pk).update(description=EVIL[i])
    for i, item in enumerate(LandItem.objects.order_by("pk")[: len(EVIL)]):
        LandItem.objects.filter(pk=item.pk).update(name=EVIL[i])


def assert_no_formula(name: str, values) -> int:
    """No cell is a formula and no text starts like one; the number of escaped cells."""
    escaped = 0
    for value in values:
        if isinstance(value, openpyxl.cell.cell.Cell):
            assert value.data_type != "f", (name, value.coordinate, value.value)
            value = value.value
        if isinstance(value, str):
            assert not value.startswith(FORMULA_STARTS), (name, value)
            escaped += value.startswith(("'=", "'+", "'-", "'@", "'\t", "'\r"))
    return escaped


def no_export_carries_a_formula(client, tmp_path):
    _plant_formulae()
    from django.core.cache import caches

    caches["pages"].clear()  # the dashboard keeps its tables in Redis and the database
    books = portal_exports(client)
    counts = {name: assert_no_formula(name, all_cells(book)) for name, book in books.items()}
    actions = [r[0].value for r in books["dashboard {}"]["督办事项"].iter_rows(min_row=2)]
    # The service strips surrounding whitespace, so "\t=1" and "\r=1" are stored as "=1".
    assert {'\'=HYPERLINK("http://x","y")', "'+1", "'-1+2", "'@SUM(A1)", "'=1"} <= set(actions)
    assert counts["assessment"] > 0 and counts["dashboard {}"] >= 6
    assert counts["problems"] >= len(EVIL)
    assert sum(n for name, n in counts.items() if name.startswith("land ")) >= 1
    files = admin_exports(client) | matrix_exports(tmp_path)
    for name, content in files.items():
        if name.endswith(".json"):
            continue
        counts[name] = assert_no_formula(name, open_file(name, content))
    for name in (
        "admin unit.csv",
        "admin unit.xlsx",
        "admin official.csv",
        "admin official.xlsx",
        "admin industry.csv",
        "admin industry.xlsx",
        "admin subsegment.csv",
        "admin subsegment.xlsx",
        "export_matrix.csv",
        "export_matrix.xlsx",
    ):
        assert counts[name] > 0, name
    # Set directly, so the tab and the CR are kept: each comes out escaped, in csv and xlsx.
    assert {f"'{text}" for text in EVIL} <= set(
        open_file("admin unit.csv", files["admin unit.csv"])
    )
    # (a CR reads back as a CR or a line feed, as openpyxl writes with or without lxml)
    in_xlsx = {
        c.value.replace("\r", "\n") if isinstance(c.value, str) else c.value
        for c in open_file("admin unit.xlsx", files["admin unit.xlsx"])
    }
    assert {f"'{text}".replace("\r", "\n") for text in EVIL} <= in_xlsx
    # Numbers stay numbers: positions in the admin's xlsx, counts in the dashboard.
    units = openpyxl.load_workbook(io.BytesIO(files["admin unit.xlsx"])).active
    header = [c.value for c in units[1]]
    position = header.index("position") + 1
    assert all(isinstance(r[position - 1].value, int) for r in units.iter_rows(min_row=2))


def test_text_is_escaped_and_numbers_stay_numbers():
    from decimal import Decimal

    from django.utils.translation import gettext_lazy

    from portal import spreadsheets

    content = spreadsheets.workbook(
        [
            (
                "s",
                [
                    [-1, Decimal("-2.50"), -0.5, "-1", gettext_lazy("Key enterprises")],
                    [*EVIL, "正常文本", None],
                ],
            )
        ]
    )
    sheet = openpyxl.load_workbook(io.BytesIO(content))["s"]
    numbers = [c for c in sheet[1][:3]]
    assert [c.value for c in numbers] == [-1, -2.5, -0.5]
    assert all(c.data_type == "n" for c in numbers)
    assert sheet["D1"].value == "'-1" and isinstance(sheet["E1"].value, str)
    # A carriage return comes back as a line feed: XML normalises line ends when read.
    assert [c.value.replace("\n", "\r") for c in sheet[2][:7]] == [f"'{e}" for e in EVIL] + [
        "正常文本"
    ]
    assert all(c.data_type == "s" for c in sheet[2][:7])


def test_reading_back_undoes_exactly_the_escaping():
    """What an import reads from an exported cell is what was exported, quote or not."""
    from portal.spreadsheets import cell, unescape_text

    for text in [*EVIL, "正常文本", "'引用", "'=1+1", "''-x", "'", "", "-"]:
        assert unescape_text(cell(text)) == text
    assert unescape_text("'-1") == "-1" and unescape_text(-1) == -1 and unescape_text(None) is None


def test_every_admin_export_escapes_through_the_shared_helper(rf):
    """A new admin export without SafeExportMixin would bypass the escaping."""
    from portal.spreadsheets import SafeExportMixin

    exporting = [a for a in admin.site._registry.values() if isinstance(a, ExportMixin)]
    assert exporting
    request = rf.get("/")
    for model_admin in exporting:
        for resource in model_admin.get_export_resource_classes(request):
            assert issubclass(resource, SafeExportMixin), (model_admin, resource)
