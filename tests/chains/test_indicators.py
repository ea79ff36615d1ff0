"""Indicators are deactivated, never deleted once figures refer to them: the statistics
templates are built from the active indicators, the importer refuses a column of an inactive
one, and the figures already imported still show."""

import io

import openpyxl
import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chains.figures.validating import plan_file
from chains.models import FigureImport, Indicator, IndustryFigure
from tests.chains.stats_files import industry_workbook
from tests.chains.test_statistics import ROWS


def history(indicator) -> list[str]:
    return [
        entry.get_change_message()
        for entry in LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Indicator),
            object_id=str(indicator.pk),
            action_flag=CHANGE,
        ).order_by("pk")
    ]


def act(client, action: str, *indicators):
    return client.post(
        reverse("admin:chains_indicator_changelist"),
        {"action": action, "_selected_action": [i.pk for i in indicators]},
        follow=True,
    )


def import_rows(client, users, tmp_path):
    client.force_login(users["stats"])
    upload = SimpleUploadedFile(
        "ind.xlsx", industry_workbook(tmp_path / "ind.xlsx", ROWS).read_bytes()
    )
    response = client.post(reverse("stats:home"), {"file": upload})
    client.post(response["Location"])
    assert IndustryFigure.objects.exists()


def test_an_indicator_is_deactivated_and_activated_with_history(client, stats_db):
    output = Indicator.objects.get(code="output-month")
    revenue = Indicator.objects.get(code="revenue-month")
    client.force_login(stats_db["admin"])

    response = act(client, "deactivate_indicators", output, revenue)
    assert response.status_code == 200
    assert "已停用 2 个指标" in response.content.decode()
    assert not Indicator.objects.filter(pk__in=[output.pk, revenue.pk], is_active=True).exists()
    assert history(output) == ["停用：不再出现在统计数据模板中，导入时拒绝该指标的数据列。"]
    # The list says which are in use, and filters by it.
    listing = client.get(reverse("admin:chains_indicator_changelist"), {"is_active__exact": "0"})
    assert {i.pk for i in listing.context["cl"].result_list} == {output.pk, revenue.pk}
    assert "停用所选指标" in listing.content.decode()

    act(client, "activate_indicators", output)
    assert Indicator.objects.get(pk=output.pk).is_active
    assert history(output)[-1] == "启用：重新出现在统计数据模板中，可以导入。"
    # Activating an active one again records nothing more.
    act(client, "activate_indicators", output)
    assert len(history(output)) == 2


def test_an_indicator_with_figures_is_not_deleted_and_the_admin_says_why(
    client, stats_db, tmp_path
):
    import_rows(client, stats_db, tmp_path)
    output = Indicator.objects.get(code="output-month")
    used = IndustryFigure.objects.filter(indicator=output).count()
    client.force_login(stats_db["admin"])

    delete = reverse("admin:chains_indicator_delete", args=[output.pk])
    response = client.get(delete, follow=True)
    html = response.content.decode()
    assert f"不能删除指标「{output}」：已有 {used} 条统计数据引用它" in html
    assert "停用" in html
    assert "受保护" not in html  # not Django's list of every figure
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert Indicator.objects.filter(pk=output.pk).exists()

    # The bulk action refuses too, and deletes nothing of the selection.
    spare = Indicator.objects.create(code="spare", name="备用", unit="万元", period="month")
    response = client.post(
        reverse("admin:chains_indicator_changelist"),
        {"action": "delete_selected", "_selected_action": [output.pk, spare.pk], "post": "yes"},
        follow=True,
    )
    assert f"不能删除指标「{output}」" in response.content.decode()
    assert Indicator.objects.filter(pk__in=[output.pk, spare.pk]).count() == 2
    # An indicator nothing refers to (added by mistake) can still be deleted.
    client.post(reverse("admin:chains_indicator_delete", args=[spare.pk]), {"post": "yes"})
    assert not Indicator.objects.filter(pk=spare.pk).exists()


def template_headers(client, kind: str) -> tuple[list, bytes]:
    response = client.get(reverse("stats:template", args=[kind]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    return rows, response.content


def test_the_templates_are_built_from_the_active_indicators(client, stats_db, tmp_path):
    Indicator.objects.create(
        code="tax-month", name="税收", unit="万元", period="month", position=10
    )
    Indicator.objects.create(
        code="tax-ytd", name="税收", unit="万元", period="cumulative", position=11
    )
    Indicator.objects.filter(code="revenue-month").update(is_active=False)
    active = Indicator.objects.filter(is_active=True).count()
    client.force_login(stats_db["stats"])

    rows, content = template_headers(client, "industry_figures")
    header = [cell for row in rows[1:3] for cell in row if cell]
    assert "税收" in header and "增加值" in header
    # Read back, the sample row brings one value of each active indicator, and nothing of
    # the inactive one.
    path = tmp_path / "template.xlsx"
    path.write_bytes(content)
    plan = plan_file(path, "template.xlsx")
    assert plan.ok, plan.messages()
    assert plan.added == active
    imported = set(plan.records["indicator_id"])
    assert imported == set(Indicator.objects.filter(is_active=True).values_list("pk", flat=True))

    rows, _content = template_headers(client, "enterprise_figures")
    header = [cell for row in rows[1:3] for cell in row if cell]
    assert "税收" in header and "营业收入" in header


def test_an_indicator_the_importer_would_misread_is_refused(db):
    """A column headed 增速 is read as the growth of the column before it: an indicator named
    so would be misread in the very template built from it."""
    with pytest.raises(ValidationError) as refused:
        Indicator(code="va-growth", name="工业增加值增速", unit="%", period="month").full_clean()
    assert "增速" in refused.value.message_dict["name"][0]
    with pytest.raises(ValidationError) as refused:
        Indicator(
            code="ly", name="产值", aliases="上年产值", unit="万元", period="month"
        ).full_clean()
    assert "上年" in refused.value.message_dict["aliases"][0]
    Indicator(code="tax", name="税收", unit="万元", period="month").full_clean()


def test_the_importer_refuses_an_inactive_indicator_and_old_figures_still_show(
    client, stats_db, tmp_path
):
    import_rows(client, stats_db, tmp_path)
    Indicator.objects.filter(code="output-month").update(is_active=False)

    plan = plan_file(industry_workbook(tmp_path / "again.xlsx", ROWS), "again.xlsx")
    assert not plan.ok
    [message] = [m for m in plan.messages() if "停用" in m]
    assert message.startswith("第 3 行：D列「工业总产值」（当月）")
    assert "已停用" in message
    # The cumulative output is another indicator, still active: not refused.
    assert not any("E列" in m for m in plan.messages())

    client.force_login(stats_db["gxj"])
    html = client.get(
        reverse("stats:industry", args=["electronic-information"]), {"year": 2025}
    ).content.decode()
    assert "1234.50" in html  # the month's output, imported before it was deactivated
    assert FigureImport.objects.count() == 1

    # The cumulative one taken out of use too: its column is named as the cumulative (累计) one.
    Indicator.objects.filter(code="output-ytd").update(is_active=False)
    plan = plan_file(industry_workbook(tmp_path / "third.xlsx", ROWS), "third.xlsx")
    [cumulative] = [m for m in plan.messages() if "E列" in m]
    assert cumulative == (
        "第 3 行：E列「工业总产值」（累计）是已停用的指标，不再导入：请删除该列后再导入；"
        "如仍需导入，请管理员在后台“指标”中重新启用。"
    )
