"""The dashboard's reporting counts equal counts made independently from the raw rows; a city
leader sees only his or her industries; queries do not grow with the data; each write
invalidates only the parts that show what it changed."""

import datetime
import re

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from chains.models import AssignmentUnit, Industry
from portal.dataversion import _mark_pending as _real_mark_pending
from portal.dataversion import topics, versions
from reporting.models import MonthlyUpdate, ReportingPeriod
from reporting.periods import services as periods_services
from reporting.updates import services
from tests.chains.stats_files import industry_workbook
from tests.chains.test_statistics import ROWS
from tests.reporting.conftest import content

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def file(update, user, *, submit=True, on=None):
    update = services.update_save(
        update=update, content=content(), expected_version=update.version, user=user
    )
    if submit:
        update = services.update_submit(update=update, user=user, expected_version=update.version)
        # The service stamps the real time; place the submission on the day the test means.
        when = datetime.datetime.combine(on, datetime.time(16, 30), tzinfo=SHANGHAI)
        MonthlyUpdate.objects.filter(pk=update.pk).update(
            first_submitted_at=when, submitted_at=when
        )
    return update


@pytest.fixture
def filed(users, september, clock, make_user):
    """September 2025: 市工信局 files two industries on time and one late; 市商务局 files 商贸物流
    late; 市交通局 keeps a draft; the rest file nothing."""
    gxj, swj = users["gxj"], users["swj"]
    jtj = make_user("jtj", unit="市交通局")
    start = services.update_start
    by_code = {i.code: i for i in Industry.objects.all()}
    on_time, late = datetime.date(2025, 10, 14), datetime.date(2025, 10, 15)  # deadline: 14 October
    for code in ("electronic-information", "machinery-equipment"):
        file(
            start(industry=by_code[code], unit=gxj.unit, period=september, user=gxj),
            gxj,
            on=on_time,
        )
    file(
        start(industry=by_code["new-materials"], unit=gxj.unit, period=september, user=gxj),
        gxj,
        on=late,
    )
    file(
        start(industry=by_code["commerce-logistics"], unit=swj.unit, period=september, user=swj),
        swj,
        on=late,
    )
    file(
        start(industry=by_code["commerce-logistics"], unit=jtj.unit, period=september, user=jtj),
        jtj,
        submit=False,
    )
    clock.set(datetime.date(2025, 10, 16))
    return september


def independent_counts(period):
    """From the raw rows, with plain Python: what the dashboard must show."""
    expected = {}
    for link in AssignmentUnit.objects.filter(role="lead").select_related("assignment"):
        for industry in link.assignment.industries.all():
            expected[industry.code] = expected.get(industry.code, 0) + 1
    deadline_end = datetime.datetime.combine(
        period.deadline + datetime.timedelta(days=1), datetime.time(), tzinfo=SHANGHAI
    )
    counts = {code: {"expected": n, "received": 0, "on_time": 0} for code, n in expected.items()}
    for update in MonthlyUpdate.objects.filter(period=period).select_related("industry"):
        if update.first_submitted_at:
            counts[update.industry.code]["received"] += 1
            counts[update.industry.code]["on_time"] += update.first_submitted_at < deadline_end
    for c in counts.values():
        c["late"] = c["received"] - c["on_time"]
        c["missing"] = c["expected"] - c["received"]
    return counts


def test_counts_equal_the_raw_rows(client, users, filed):
    client.force_login(users["drc"])
    response = client.get(reverse("dashboard"), {"month": filed.slug})
    rows = {r.code: r for r in response.context["dash"]["rows"]}
    expected = independent_counts(filed)
    assert len(rows) == 14
    for code, counts in expected.items():
        row = rows[code]
        assert (row.expected, row.received, row.on_time, row.late, row.missing) == (
            counts["expected"],
            counts["received"],
            counts["on_time"],
            counts["late"],
            counts["missing"],
        ), code
    assert rows["electronic-information"].on_time == 1 and rows["new-materials"].late == 1
    assert rows["commerce-logistics"].expected == 3 and rows["commerce-logistics"].missing == 2
    totals = response.context["dash"]["totals"]
    assert totals["received"] == sum(c["received"] for c in expected.values()) == 4
    units = {u.code: u for u in response.context["dash"]["units"]}
    assert (
        units["gxj"].expected,
        units["gxj"].received,
        units["gxj"].on_time,
        units["gxj"].late,
    ) == (4, 3, 2, 1)
    assert units["jtj"].received == 0 and units["jtj"].missing == 1


def test_grid_cells_link_to_the_update(client, users, filed):
    client.force_login(users["drc"])
    response = client.get(reverse("dashboard"), {"month": filed.slug})
    grid = {industry.code: cells for industry, cells in response.context["dash"]["grid"]}
    last = grid["electronic-information"][-1]
    assert last.state == "complete" and last.update_id is not None
    assert grid["commerce-logistics"][-1].state == "partial"
    assert grid["financial-services"][-1].state == "missing"
    assert reverse("reporting:update", args=[last.update_id]) in response.content.decode()


def test_city_leader_sees_only_his_industries(client, users, filed):
    client.force_login(users["leader_huang_yt"])  # 黄燕添 leads 商贸物流 only
    response = client.get(reverse("dashboard"), {"month": filed.slug})
    assert [r.code for r in response.context["dash"]["rows"]] == ["commerce-logistics"]
    assert "电子信息产业集群" not in response.content.decode()


def test_a_lead_unit_sees_the_dashboard_of_what_it_leads_and_nothing_else(client, users, filed):
    client.force_login(users["gxj"])  # leads 电子信息 and three more; supports others
    page = client.get(reverse("dashboard"), {"month": filed.slug})
    assert page.status_code == 200
    codes = {r.code for r in page.context["dash"]["rows"]}
    assert codes == {"electronic-information", "machinery-equipment", "new-materials", "new-energy"}
    refused = client.get(reverse("dashboard"), {"industry": "commerce-logistics"})
    assert refused.status_code == 403
    client.force_login(users["siming"])  # a district leads no industry
    assert client.get(reverse("dashboard")).status_code == 403


def test_filter_to_one_industry(client, users, filed):
    client.force_login(users["drc"])
    response = client.get(
        reverse("dashboard"), {"month": filed.slug, "industry": "commerce-logistics"}
    )
    assert [r.code for r in response.context["dash"]["rows"]] == ["commerce-logistics"]
    assert [u.code for u in response.context["dash"]["units"]] == ["swj", "jtj", "hzj"]


def test_queries_do_not_grow_with_the_data(
    client, users, filed, clock, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    client.force_login(users["drc"])
    url = reverse("dashboard")
    client.get(url, {"month": filed.slug})
    caches["pages"].clear()  # nothing stored: every part computed, and stored in Redis and in
    # the database (the parts, then the page: a count and an upsert each, inside a savepoint)
    with django_assert_max_num_queries(56) as few:
        client.get(url, {"month": filed.slug})
    few = few.captured_queries  # read now: it reads the log again each time
    gxj = users["gxj"]
    with django_capture_on_commit_callbacks(execute=True):  # the new months bump the periods
        months = [periods_services.period_get_or_create(2025, m) for m in range(1, 9)]
    for period in months:  # eight more months of updates
        for industry in Industry.objects.filter(code__in=["electronic-information", "new-energy"]):
            MonthlyUpdate.objects.create(
                industry=industry,
                unit=gxj.unit,
                period=period,
                status="accepted",
                first_submitted_at=datetime.datetime(2025, period.month, 3, tzinfo=datetime.UTC),
            )
    client.get(url, {"month": filed.slug})  # the process's calendar follows the new months
    caches["pages"].clear()
    with django_assert_max_num_queries(56) as many:
        client.get(url, {"month": filed.slug})
    assert len(many.captured_queries) == len(few)


def test_a_cached_dashboard_never_shows_a_stale_number(
    client, users, filed, clock, django_capture_on_commit_callbacks
):
    client.force_login(users["drc"])
    url = reverse("dashboard")
    first = {
        r.code: r.received for r in client.get(url, {"month": filed.slug}).context["dash"]["rows"]
    }
    again = client.get(url, {"month": filed.slug})  # served from the cache
    assert {r.code: r.received for r in again.context["dash"]["rows"]} == first
    assert f"已报 <strong>{sum(first.values())}</strong>" in again.content.decode()
    # 市交通局 submits its draft: the next view shows it at once.
    draft = MonthlyUpdate.objects.get(unit__name="市交通局")
    with django_capture_on_commit_callbacks(execute=True):  # as when the transaction commits
        services.update_submit(
            update=draft,
            user=users["swj"].__class__.objects.get(username="jtj"),
            expected_version=draft.version,
        )
    response = client.get(url, {"month": filed.slug})
    after = {r.code: r.received for r in response.context["dash"]["rows"]}
    assert after["commerce-logistics"] == first["commerce-logistics"] + 1
    # The page itself (a cached fragment) shows the new total too.
    assert f"已报 <strong>{sum(after.values())}</strong>" in response.content.decode()


def test_an_emptied_redis_finds_the_page_in_the_database_and_never_a_stale_one(
    client, users, filed, clock, django_capture_on_commit_callbacks
):
    """Issue 20: the parts and the page are kept in Redis and in the database (the "pages"
    cache) under versions the database holds; Redis emptied, the page is read back in one
    query, nothing computed; a submission committed meanwhile is shown."""
    client.force_login(users["drc"])
    url = reverse("dashboard")
    page = client.get(url, {"month": filed.slug}).content.decode()
    caches["default"].clear()  # Redis emptied (a restart without persistence)
    with CaptureQueriesContext(connection) as read:
        again = client.get(url, {"month": filed.slug}).content.decode()
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("", again) == token.sub("", page)
    tables = " ".join(q["sql"] for q in read.captured_queries)
    assert "reporting_monthlyupdate" not in tables and "reporting_problem" not in tables
    assert tables.count('FROM "portal_cache"') == 1  # the page, in one query
    assert len(read.captured_queries) <= 12
    draft = MonthlyUpdate.objects.get(unit__name="市交通局")
    with django_capture_on_commit_callbacks(execute=True):
        services.update_submit(
            update=draft, user=User.objects.get(username="jtj"), expected_version=draft.version
        )
    caches["default"].clear()  # and Redis emptied again: the versions come from the database
    total = client.get(url, {"month": filed.slug}).context["dash"]["totals"]["received"]
    assert (
        f"已报 <strong>{total}</strong>" in client.get(url, {"month": filed.slug}).content.decode()
    )
    assert f"已报 <strong>{total - 1}</strong>" in page


def test_a_version_never_goes_down(db, redis_url, django_capture_on_commit_callbacks):
    """Two processes sending their bumps out of order leave Redis with the higher version,
    and a version read back from the database after a loss is the one committed."""
    from portal import dataversion

    with django_capture_on_commit_callbacks(execute=True):
        dataversion.data_changed(topics.LAND)
    first = versions([topics.LAND])[topics.LAND]
    with django_capture_on_commit_callbacks(execute=True):
        dataversion.data_changed(topics.LAND)
    second = versions([topics.LAND])[topics.LAND]
    assert second > first
    dataversion._set({topics.LAND: first})  # a late send of the older bump
    assert versions([topics.LAND])[topics.LAND] == second
    caches["default"].clear()
    assert versions([topics.LAND])[topics.LAND] == second


def test_a_reader_in_the_writers_open_transaction_computes_uncached(db, redis_url, monkeypatch):
    """Inside the writer's transaction a reader sees rows no other process sees yet: it gets
    no versions for the topics raised (compute, store nothing), and Redis is not told of the
    uncommitted raise. Committed, the topics are cached again."""
    from portal import dataversion

    monkeypatch.setattr(dataversion, "_mark_pending", _real_mark_pending)
    with transaction.atomic():
        dataversion.data_changed(topics.LAND)
        assert versions([topics.LAND, topics.ENTERPRISES]) is None
        assert dataversion._get([topics.LAND]) == {topics.LAND: None}  # Redis was not told
        assert versions([topics.ENTERPRISES]) is not None  # a topic not raised is cached
    dataversion._committed({})  # as at its commit (the test's own transaction never commits)
    assert versions([topics.LAND])[topics.LAND] > 0


def test_a_page_not_to_keep_is_kept_in_no_layer(db):
    pages = caches["pages"]
    pages.set("page", "old", 60)
    pages.set("page", "drawn while the versions were unknown", 0)
    assert pages.get("page") is None


def test_filters_by_official_and_unit_and_the_xlsx_export(client, users, filed):
    import io

    import openpyxl

    client.force_login(users["drc"])
    url = reverse("dashboard")
    by_official = client.get(url, {"month": filed.slug, "official": "lihuiyue"}).context["dash"][
        "rows"
    ]
    assert [r.code for r in by_official] == ["financial-services"]
    by_unit = client.get(url, {"month": filed.slug, "unit": "swj"}).context["dash"]["rows"]
    assert [r.code for r in by_unit] == ["commerce-logistics"]
    # Every kind of row the dashboard shows: an item the DRC assigned from a problem (no
    # meeting), a registered project, a lead, an innovation platform.
    from chains.models import Unit
    from reporting.innovation import services as innovation
    from reporting.leads import services as leads
    from reporting.models import InnovationPlatform
    from reporting.projects import services as projects
    from reporting.supervision import services as supervision

    logistics = Industry.objects.get(code="commerce-logistics")
    supervision.action_assign(
        industry=logistics,
        decision="落实冷链物流园用地",
        unit=Unit.objects.get(name="市商务局"),
        deadline=datetime.date(2025, 12, 31),
        user=users["drc"],
    )
    jimei = Unit.objects.get(code="jimei")
    projects.project_add(
        user=users["swj"], industry=logistics, name="冷链物流园", stage="signed", district=jimei
    )
    leads.lead_add(user=users["siming"], target="某物流公司", source="visit", industry=logistics)
    innovation.record_add(
        user=users["swj"],
        model=InnovationPlatform,
        industry=logistics,
        name="物流研究院",
        level="municipal",
        kind="new_rd",
        host="集美大学",
        year=2025,
        district=jimei,
    )
    response = client.get(url, {"month": filed.slug, "format": "xlsx"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "落实冷链物流园用地" in [r[0] for r in book["督办事项"].iter_rows(values_only=True)]
    rows = list(book["按产业"].iter_rows(values_only=True))
    assert rows[0][0] == "产业" and len(rows) == 15
    assert ("商贸物流产业集群", 3, 1, 0, 1, 0, 2) in rows
    assert {"按牵头单位", "报送网格", "督办事项", "重点企业（按梯次）"} <= set(book.sheetnames)
    # the register by stage, industry and district, and innovation by district, as shown
    assert list(book["项目库（按区）"].iter_rows(values_only=True))[1][:3] == ("集美区", 0, 1)
    assert ("商贸物流产业集群", 0, 1) == next(
        r[:3] for r in book["项目库（按产业）"].iter_rows(values_only=True) if r[0] != "产业"
    )
    assert ("集美区", 1) == list(book["科技创新（按区）"].iter_rows(values_only=True))[1][:2]


def test_enterprise_counts_and_movers(client, users, filed):
    from django.core.management import call_command

    from chains.creditcode import check_character
    from chains.models import (
        Enterprise,
        EnterpriseFigure,
        EnterpriseTier,
        FigureImport,
        Indicator,
        Industry,
    )

    call_command("load_indicators")
    electronics = Industry.objects.get(code="electronic-information")
    source = FigureImport.objects.create(
        kind="enterprise_figures",
        status="applied",
        original_name="x",
        sha256="0",
        uploaded_by=users["stats"],
        file="x",
    )
    revenue = Indicator.objects.get(code="revenue-month")
    for i, (before, now) in enumerate([(100, 120), (500, 100), (300, 310)]):
        first = f"9135020000000000{i}"
        e = Enterprise.objects.create(
            credit_code=first + check_character(first), name=f"企业{i}", industry=electronics
        )
        EnterpriseTier.objects.create(enterprise=e, tier="high_tech", year=2022)
        EnterpriseTier.objects.create(enterprise=e, tier="unicorn", stage="candidate", year=2025)
        EnterpriseFigure.objects.create(
            source=source, indicator=revenue, enterprise=e, year=2025, month=8, value=before
        )
        EnterpriseFigure.objects.create(
            source=source, indicator=revenue, enterprise=e, year=2025, month=9, value=now
        )
    client.force_login(users["drc"])
    data = client.get(reverse("dashboard"), {"month": filed.slug}).context["dash"]["enterprises"]
    assert data["total"] == 3 and dict(data["by_tier"])["国家高新技术企业"] == 3
    assert "独角兽企业" not in dict(data["by_tier"])  # candidates do not hold the tier yet
    assert [e.name for e in data["movers"]] == [
        "企业1",
        "企业0",
        "企业2",
    ]  # by the size of the change


def test_figures_for_the_month_with_computed_growth(client, users, filed, tmp_path):
    from django.core.management import call_command

    from tests.chains.stats_files import industry_workbook

    call_command("load_indicators")
    rows_2024 = [("电子信息产业集群", None, None, 1000, 9000, None, 800, 7000)]
    rows_2025 = [
        ("电子信息产业集群", None, None, 1100, 9900, 8.5, 880, 7700),
        ("电子信息产业集群", None, "湖里区", 300, 2700, None, None, None),
    ]
    call_command(
        "import_statistics",
        str(industry_workbook(tmp_path / "a.xlsx", rows_2024, title="2024年1-9月")),
        "--user",
        "stats",
    )
    call_command(
        "import_statistics",
        str(industry_workbook(tmp_path / "b.xlsx", rows_2025, title="2025年1-9月")),
        "--user",
        "stats",
    )
    client.force_login(users["drc"])
    dash = client.get(
        reverse("dashboard"), {"month": filed.slug, "industry": "electronic-information"}
    ).context["dash"]
    names = [str(i) for i in dash["figures"]["indicators"]]
    ((_industry, cells),) = dash["figures"]["table"]
    by_name = dict(zip(names, cells, strict=True))
    output_month = by_name["工业总产值（当月，万元）"]
    assert (
        int(output_month["value"]) == 1100 and round(output_month["yoy"], 1) == 10
    )  # computed from 2024
    assert by_name["工业总产值（累计，万元）"]["yoy"] == 8.5  # supplied
    assert "湖里区" in dash["breakdown"]["districts"]
    assert dash["breakdown"]["district_series"][0]["name"] == "湖里区"


def test_a_changed_deadline_refreshes_the_cached_dashboard(
    client, users, filed, django_capture_on_commit_callbacks
):
    client.force_login(users["drc"])
    url = reverse("dashboard")
    rows = {r.code: r for r in client.get(url, {"month": filed.slug}).context["dash"]["rows"]}
    assert rows["new-materials"].late == 1
    with django_capture_on_commit_callbacks(execute=True):  # an admin moves the deadline a day on
        filed.deadline = datetime.date(2025, 10, 15)
        filed.save()
    rows = {r.code: r for r in client.get(url, {"month": filed.slug}).context["dash"]["rows"]}
    assert rows["new-materials"].late == 0 and rows["new-materials"].on_time == 1


def test_a_cached_dashboard_shows_the_statistics_analysis_once_sent(
    client, users, filed, clock, django_capture_on_commit_callbacks
):
    from reporting.analysis import services as analysis

    client.force_login(users["drc"])
    url = reverse("dashboard")
    before = client.get(url, {"month": filed.slug})
    assert before.context["dash"]["analysis"].city.analysis is None
    assert client.get(url, {"month": filed.slug}).context["dash"]["analysis"].received == 0
    with django_capture_on_commit_callbacks(execute=True):  # as when the transaction commits
        analysis.analysis_save(
            period=filed,
            industry=None,
            text="全市产值平稳。",
            expected_version=0,
            user=users["stats"],
        )
    response = client.get(url, {"month": filed.slug})
    city = response.context["dash"]["analysis"].city
    assert city.analysis.text == "全市产值平稳。" and city.state == "on_time"
    assert 'data-analysis="city"' in response.content.decode()


# --- each write invalidates only what it changes (portal.dataversion): the topic versions a
# write bumps, read from the cache before and after it commits, and the parts computed again.

YEARS = (2024, 2025, 2026, 2027)


def universe() -> list[str]:
    """Every topic a write could bump in this world."""
    ids = list(Industry.objects.values_list("pk", flat=True))
    periods = list(ReportingPeriod.objects.values_list("pk", flat=True))
    return [
        topics.MATRIX,
        topics.PERIODS,
        topics.ENTERPRISES,
        topics.LAND,
        topics.INNOVATION,
        topics.LEADS,
        topics.INSTRUCTIONS,
        topics.ASSESSMENT,
        *(topics.reporting(p, i) for p in periods for i in ids),
        *(topics.analysis(p) for p in periods),
        *(t(i) for i in ids for t in (topics.problems, topics.actions, topics.projects)),
        *(topics.figures(y, m) for y in YEARS for m in range(1, 13)),
        *(topics.plans(y) for y in YEARS),
    ]


@pytest.fixture
def bumped(django_capture_on_commit_callbacks):
    """bumped(write) → the topics whose versions the write changed once it committed."""

    def run(write):
        names = universe()
        before = versions(names)
        with django_capture_on_commit_callbacks(execute=True):
            write()
        after = versions(names)
        assert before is not None and after is not None
        return {name for name in names if before[name] != after[name]}

    return run


def draft_of(unit_name):
    return MonthlyUpdate.objects.select_related("industry", "period").get(unit__name=unit_name)


def test_a_drafts_save_and_autosave_bump_nothing(filed, bumped):
    draft = draft_of("市交通局")
    jtj = User.objects.get(username="jtj")

    def save(autosave):
        current = MonthlyUpdate.objects.get(pk=draft.pk)
        return services.update_save(
            update=current,
            content=content(),
            expected_version=current.version,
            user=jtj,
            autosave=autosave,
        )

    assert bumped(lambda: save(False)) == set()
    assert bumped(lambda: save(True)) == set()


def test_a_submission_bumps_its_own_months_reporting_and_problems_only(filed, bumped, users):
    draft = draft_of("市交通局")
    jtj = User.objects.get(username="jtj")
    submit = lambda: services.update_submit(  # noqa: E731
        update=draft, user=jtj, expected_version=draft.version
    )
    assert bumped(submit) == {
        topics.reporting(draft.period_id, draft.industry_id),
        topics.problems(draft.industry_id),
    }
    # Its review moves only its month's reporting counts.
    accept = lambda: services.update_accept(update=draft, user=users["drc"])  # noqa: E731
    assert bumped(accept) == {topics.reporting(draft.period_id, draft.industry_id)}


def test_a_statistics_import_bumps_its_month_and_the_same_month_a_year_on(
    filed, bumped, tmp_path, users, indicators
):
    path = industry_workbook(tmp_path / "september.xlsx", ROWS)
    imported = lambda: call_command(  # noqa: E731
        "import_statistics", str(path), "--user", "stats", verbosity=0
    )
    assert bumped(imported) == {topics.figures(2025, 9), topics.figures(2026, 9)}


def test_after_a_submission_the_dashboard_computes_only_what_it_changed(
    client, users, filed, django_capture_on_commit_callbacks
):
    client.force_login(users["drc"])
    url = reverse("dashboard")
    finance = {"month": filed.slug, "industry": "financial-services"}
    logistics = {"month": filed.slug, "industry": "commerce-logistics"}
    keys = {
        name: client.get(url, query).context["cache_key"]
        for name, query in (("all", {"month": filed.slug}), ("finance", finance))
    }
    draft = draft_of("市交通局")
    jtj = User.objects.get(username="jtj")
    with django_capture_on_commit_callbacks(execute=True):
        services.update_submit(update=draft, user=jtj, expected_version=draft.version)

    # Another industry's view keeps its cached page.
    assert client.get(url, finance).context["cache_key"] == keys["finance"]
    # The whole city's is rendered again, computing the reporting counts, the grid and the
    # problems, and reading every other part from the cache.
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"month": filed.slug})
    assert response.context["cache_key"] != keys["all"]
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "reporting_monthlyupdate" in tables and "reporting_problem" in tables
    for untouched in (
        "chains_enterprise",
        "reporting_landitem",
        "reporting_project",
        "reporting_planitem",
        "chains_industryfigure",
        "reporting_actionitem",
        "reporting_innovationplatform",
    ):
        assert untouched not in tables, untouched
    # And it shows the submission.
    rows = {r.code: r for r in response.context["dash"]["rows"]}
    assert rows["commerce-logistics"].received == 2
    assert client.get(url, logistics).context["dash"]["rows"][0].received == 2


def test_a_returned_updates_save_bumps_its_problems_only_when_they_change(filed, bumped, users):
    update = MonthlyUpdate.objects.get(
        unit__name="市工信局", industry__code="electronic-information"
    )
    services.update_return(update=update, user=users["drc"], reason="请补充用地情况。")
    gxj = users["gxj"]
    problem = {
        "description": "用地指标不足",
        "type": "land",
        "concerned": "",
        "needs_meeting": False,
    }

    def save(problems):
        current = MonthlyUpdate.objects.get(pk=update.pk)
        return services.update_save(
            update=current,
            content=services.UpdateContent(fields={}, key_projects=None, problems=problems),
            expected_version=current.version,
            user=gxj,
            autosave=True,
        )

    assert bumped(lambda: save([])) == set()  # as filed: no problems, none now
    assert bumped(lambda: save([problem])) == {topics.problems(update.industry_id)}
    assert bumped(lambda: save([problem])) == set()  # written again as it was
