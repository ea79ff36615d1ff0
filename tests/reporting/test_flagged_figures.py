"""A figure imported with a flag stays visible until statistics staff explain it: on the
数据核查 list, marked on the dashboard, the industry's figures page and in the reports, and a
report using it is finalised only when the DRC ticks 发布含未核实数据, which its version keeps."""

import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from chains.models import FigureImport, Indicator, Industry, IndustryFigure
from chains.quality import services as quality
from chains.quality.models import FigureFlag
from reporting.choices import ReportStatus
from reporting.reports import services as reports

SEPTEMBER = reports.Period("monthly", 2025, 9)
FOLLOW_UP = "stats:follow_up"


@pytest.fixture
def flag(figures, users):
    """The September 2025 output of 电子信息 (12,345.6), imported with an outlier flag confirmed
    on import and not yet explained."""
    return FigureFlag.objects.create(
        source=figures,
        fingerprint="outlier|z|electronics|2025-09",
        kind="outlier",
        test="z",
        importance="warning",
        sheet_row=5,
        indicator=Indicator.objects.get(code="output-month"),
        industry=Industry.objects.get(code="electronic-information"),
        year=2025,
        month=9,
        value=Decimal("12345.6"),
        message="工业总产值（当月，万元）为 12,345.6，明显偏离近 24 个月的水平。",
        confirmed_by=users["stats"],
        confirmed_at=timezone.now(),
        confirmation="已与统计局核实",
    )


@pytest.fixture
def indicators_loaded(indicators):
    return indicators


# --- the 数据核查 list --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status", "form"),
    [("stats", 200, True), ("drc", 200, False), ("gxj", 403, False), ("siming", 403, False)],
)
def test_who_reads_the_follow_up_list_and_who_explains(
    indicators, flag, users, client, who, status, form
):
    client.force_login(users[who])
    response = client.get(reverse(FOLLOW_UP))
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert "明显偏离近 24 个月的水平" in page and "已与统计局核实" in page
        assert ('name="explanation"' in page) is form


def test_anonymous_is_sent_to_log_in(indicators, flag, client):
    response = client.get(reverse(FOLLOW_UP))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_statistics_staff_explain_a_figure_once(indicators, flag, users, client):
    url = reverse(FOLLOW_UP)
    client.force_login(users["drc"])
    assert client.post(url, {"flag": flag.pk, "explanation": "x"}).status_code == 403
    client.force_login(users["stats"])
    page = client.post(url, {"flag": flag.pk, "explanation": "  "}, follow=True).content.decode()
    assert "请先填写数据无误的原因" in page
    flag.refresh_from_db()
    assert flag.explained_at is None

    page = client.post(
        url, {"flag": flag.pk, "explanation": "某龙头企业新产线投产"}, follow=True
    ).content.decode()
    assert "已移出数据核查清单" in page and 'id="no-flags"' in page
    flag.refresh_from_db()
    assert (flag.explanation, flag.explained_by) == ("某龙头企业新产线投产", users["stats"])
    page = client.post(url, {"flag": flag.pk, "explanation": "另一个说明"}, follow=True)
    assert "已说明过该数据：某龙头企业新产线投产" in page.content.decode()
    flag.refresh_from_db()
    assert flag.explanation == "某龙头企业新产线投产"
    explained = client.get(url, {"show": "explained"}).content.decode()
    assert "某龙头企业新产线投产" in explained


def test_a_figure_with_two_flags_is_one_card_explained_once(indicators, flag, users, client):
    """A jump is often flagged twice (against the median and against the month before): the
    list shows the figure once, with both messages, and one explanation covers both; another
    figure's flag stays."""
    from django.forms.models import model_to_dict

    def copy(**changes):
        fields = model_to_dict(flag, exclude=["id", "source", "indicator", "industry"])
        fields.update(
            source=flag.source, indicator=flag.indicator, industry=flag.industry, **changes
        )
        fields = {k: v for k, v in fields.items() if not k.endswith("by")}
        return FigureFlag.objects.create(**fields, confirmed_by=users["stats"])

    sibling = copy(fingerprint="outlier|mom", test="mom", message="是上月的 5.69 倍。")
    # Found at the preview, no longer at the import: kept, never explained, never listed.
    dropped = copy(
        fingerprint="rule|gone", test="ytd", message="已不再出现的问题。", dropped_at=timezone.now()
    )
    other = copy(fingerprint="outlier|z|2024", year=2024, message="上年同月的数据。")
    client.force_login(users["stats"])
    page = client.get(reverse(FOLLOW_UP)).content.decode()
    assert page.count('class="card"') == 2 and "待说明（2）" in page
    assert page.count("explain-form") == 2 and "是上月的 5.69 倍。" in page
    client.post(reverse(FOLLOW_UP), {"flag": flag.pk, "explanation": "新产线投产"})
    sibling.refresh_from_db(), other.refresh_from_db()
    assert (sibling.explanation, sibling.explained_by) == ("新产线投产", users["stats"])
    assert other.explained_at is None
    dropped.refresh_from_db()
    assert dropped.explained_at is None
    explained = client.get(reverse(FOLLOW_UP), {"show": "explained"}).content.decode()
    assert "是上月的 5.69 倍。" in explained and "已不再出现的问题。" not in explained


def test_the_list_pages_by_figure_and_never_splits_one(indicators, flag, users, client):
    """Fifty figures a page: a figure's flags all on the page that has it."""
    from django.forms.models import model_to_dict

    flag.delete()
    now = timezone.now()
    fields = model_to_dict(flag, exclude=["id", "source", "indicator", "industry"])
    fields = {k: v for k, v in fields.items() if not k.endswith("by")}
    fields.update(source=flag.source, indicator=flag.indicator, industry=flag.industry)
    flags = [
        FigureFlag(
            **{
                **fields,
                "fingerprint": f"f{n}|{test}",
                "test": test,
                "year": 2000 + n,
                "message": f"第{n}个数据（{test}）",
                "explanation": "核实无误",
                "explained_at": now,
            },
            explained_by=users["stats"],
        )
        for n in range(51)
        for test in (("z", "mom") if n in (49, 50) else ("z",))
    ]
    FigureFlag.objects.bulk_create(flags)
    client.force_login(users["stats"])
    pages = [
        client.get(reverse(FOLLOW_UP), {"show": "explained", "page": n}).content.decode()
        for n in (1, 2)
    ]
    assert [p.count('class="card"') for p in pages] == [50, 1]
    for n in range(51):
        holding = [p for p in pages if f"第{n}个数据（z）" in p]
        assert len(holding) == 1
        if n in (49, 50):
            assert f"第{n}个数据（mom）" in holding[0]


def test_a_figure_replaced_by_a_later_import_leaves_the_list(indicators, flag, users, figures):
    from chains.quality.selectors import open_flags

    assert list(open_flags()) == [flag]
    later = FigureImport.objects.create(
        kind="industry_figures", status="applied", uploaded_by=users["stats"]
    )
    IndustryFigure.objects.filter(source=figures, year=2025).update(
        is_current=False, superseded_by=later
    )
    assert list(open_flags()) == []
    assert FigureFlag.objects.filter(pk=flag.pk, explained_at__isnull=True).exists()  # on record


# --- marks ----------------------------------------------------------------------------------


def test_the_dashboard_marks_the_flagged_figure_until_explained(
    indicators, flag, users, client, september, django_capture_on_commit_callbacks
):
    client.force_login(users["drc"])
    url = reverse("dashboard")
    params = {"month": september.slug}
    response = client.get(url, params)
    cells = dict(
        (industry.code, cells) for industry, cells in response.context["dash"]["figures"]["table"]
    )
    assert [c["flagged"] for c in cells["electronic-information"]] == [True]
    page = response.content.decode()
    assert "flag-mark" in page and 'id="figures-flag-note"' in page
    with django_capture_on_commit_callbacks(execute=True):  # the cached dashboard is dropped
        quality.flag_explain(pk=flag.pk, user=users["stats"], explanation="核实无误")
    page = client.get(url, params).content.decode()
    assert "flag-mark" not in page and 'id="figures-flag-note"' not in page


def test_the_industry_figures_page_marks_the_flagged_figure(indicators, flag, users, client):
    client.force_login(users["gxj"])
    url = reverse("stats:industry", args=["electronic-information"])
    page = client.get(url, {"year": 2025}).content.decode()
    assert page.count('class="flag-mark"') == 1 and 'id="figures-flag-note"' in page


# --- reports --------------------------------------------------------------------------------


@pytest.fixture
def draft(accepted, indicators, figures, flag, users):
    job, _created = reports.report_request(period=SEPTEMBER, user=users["drc"])
    return reports.job_run(job.pk)


def electronics(data):
    return next(
        i
        for c in data["categories"]
        for i in c["industries"]
        if i["code"] == "electronic-information"
    )


def test_the_report_marks_the_flagged_figure_and_lists_it(draft):
    (row,) = [r for r in electronics(draft.data)["figures"] if r["flagged"]]
    assert row["indicator"] == "工业总产值（当月）"
    assert [u["label"] for u in draft.data["unverified"]] == [
        "电子信息产业集群 工业总产值（当月） 2025年9月"
    ]
    assert draft.data["headline"][0]["flagged"] is True


def test_a_report_with_unexplained_figures_is_finalised_only_when_the_drc_ticks(
    draft, users, client
):
    with pytest.raises(reports.UnverifiedFigures) as refused:
        reports.report_finalise(
            report=draft, user=users["drc"], expected_version=draft.edit_version
        )
    assert refused.value.labels == ["电子信息产业集群 工业总产值（当月） 2025年9月"]
    draft.refresh_from_db()
    assert draft.status == ReportStatus.DRAFT

    client.force_login(users["drc"])
    url = reverse("reports:edit", args=[draft.pk])
    page = client.get(reverse("reports:report", args=[draft.pk])).content.decode()
    assert 'id="publish_unverified"' in page
    response = client.post(
        url,
        {
            "edit_version": draft.edit_version,
            "summary": "9月总体平稳。",
            "finalise": "1",
            "confirm_final": "1",
        },
        follow=True,
    )
    assert "未定稿" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ReportStatus.DRAFT and draft.summary == "9月总体平稳。"  # text kept

    client.post(
        url,
        {
            "edit_version": draft.edit_version,
            "summary": "9月总体平稳。",
            "finalise": "1",
            "confirm_final": "1",
            "publish_unverified": "1",
        },
    )
    draft.refresh_from_db()
    assert draft.status == ReportStatus.FINAL and draft.data["published_unverified"] is True
    text = subprocess.run(
        ["pdftotext", draft.pdf.path, "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "※" in text and "尚未说明原因" in text and "含未核实数据发布" in text


def test_a_figure_explained_before_finalising_loses_its_mark(draft, flag, users):
    quality.flag_explain(pk=flag.pk, user=users["stats"], explanation="企业投产")
    final = reports.report_finalise(
        report=draft, user=users["drc"], expected_version=draft.edit_version
    )
    assert final.data["unverified"] == [] and final.data["published_unverified"] is False
    assert not any(r["flagged"] for r in electronics(final.data)["figures"])
    assert final.data["headline"][0]["flagged"] is False
    text = subprocess.run(
        ["pdftotext", final.pdf.path, "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "※" not in text
