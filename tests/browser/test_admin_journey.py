"""An administrator keeps the matrix and the calendar in the admin, in a real browser (issue 14):
changes a lead official in the assignment form, exports the matrix, edits the file and imports
it through a preview that shows old → new exactly, then imports a file exported before those
changes and is told, change by change, what it would undo; is refused deleting a unit's group
and the industry object permissions the matrix manages; adds a holiday and sees December's
deadline move."""

import datetime

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from chains.choices import ChangeMethod, LoadedTable
from chains.matrix.demo import DEMO_PASSWORD
from chains.matrix.selectors import matrix_rows
from chains.models import Industry, IndustryGroupObjectPermission, MatrixChange
from reporting.models import CalendarOverride, ReportingPeriod
from reporting.periods import services
from reporting.periods.workdays import package_knows

pytestmark = pytest.mark.browser

D = datetime.date
TODAY = D(2026, 12, 7)  # early December: the December period is open, its deadline ahead
NEW_ENERGY, ELECTRONICS = "新能源产业", "电子信息产业集群"
COLUMNS = ["category", "industry", "lead_officials", "lead_units", "responsible_units"]


def admin_log_in(page, live_server):
    page.goto(f"{live_server.url}/admin/")
    assert "/admin/login/" in page.url  # sent to log in first
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_label("密码").press("Enter")
    expect(page.get_by_role("heading", name="站点管理")).to_be_visible()


def watch_console(page) -> list[tuple[str, str]]:
    """The browser's errors, with the address of the page or file each came from, but for one
    known one: the admin's pages name no icon (a 404 for /favicon.ico; the portal's own pages
    give one). A Content Security Policy violation is an error too; each page also keeps its
    own, as the browser reports them to it, in `window.cspViolations`."""
    errors = []

    def seen(message):
        where = message.location.get("url", "") or page.url
        if message.type == "error" and not where.endswith("/favicon.ico"):
            errors.append((where, message.text))

    page.add_init_script(
        "window.cspViolations = [];"
        "document.addEventListener('securitypolicyviolation', (e) =>"
        " window.cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || e.sample)));"
    )

    page.on("console", seen)
    page.on("pageerror", lambda error: errors.append((page.url, str(error))))
    return errors


def row_of(industry: str) -> dict:
    return next(r for r in matrix_rows() if r["industry"] == industry)


def grants() -> list[tuple]:
    return sorted(
        IndustryGroupObjectPermission.objects.values_list(
            "group__name", "permission__codename", "content_object__code"
        )
    )


# --- the matrix: form, export, import, a stale file --------------------------------------------


def export_matrix(page, live_server, tmp_path, name: str):
    """产业 › 导出, as xlsx, every column: the downloaded file."""
    page.goto(f"{live_server.url}/admin/chains/industry/")
    page.get_by_role("link", name="导出", exact=True).click()
    expect(page.get_by_label("牵头市领导（lead_officials）")).to_be_checked()
    page.locator("#id_format").select_option(label="xlsx")
    with page.expect_download() as download:
        page.get_by_role("button", name="提交").click()
    path = tmp_path / name
    download.value.save_as(path)
    return path


def sheet_rows(path) -> dict[str, dict]:
    sheet = openpyxl.load_workbook(path).active
    header, *rows = sheet.iter_rows(values_only=True)
    assert list(header) == COLUMNS
    return {row[1]: dict(zip(header, row, strict=True)) for row in rows}


def edit_cell(path, industry: str, column: str, value: str, saved_as):
    book = openpyxl.load_workbook(path)
    sheet = book.active
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[header.index("industry")].value == industry:
            row[header.index(column)].value = value
            break
    else:
        raise AssertionError(f"{industry} is not in the exported file")
    book.save(saved_as)
    return saved_as


def import_preview(page, live_server, path):
    """产业 › 导入: upload the file; the preview (nothing written yet)."""
    page.goto(f"{live_server.url}/admin/chains/industry/")
    page.get_by_role("link", name="导入", exact=True).click()
    page.locator("#id_import_file").set_input_files(path)
    page.locator("#id_format").select_option(label="xlsx")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("heading", name="预览：文件与现有责任分工的对比")).to_be_visible()


def preview_line(page, industry: str, field: str) -> dict[str, str]:
    line = page.locator(f'tr[data-industry="{industry}"][data-field="{field}"]')
    expect(line).to_have_count(1)
    return {
        cell: line.locator(f"td.{cell}").inner_text().strip()
        for cell in ("field", "before", "after", "delta", "undoes")
    }


def changes_of(record: MatrixChange, industry: str) -> list[str]:
    """What a change record keeps of one industry: the lines of the fields that changed."""
    lines = record.changes
    start = lines.index(f"{industry}：") + 1
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith(" ")), len(lines))
    return [line.strip() for line in lines[start:end] if not line.endswith("：无变化")]


def undo_note(record: MatrixChange, what: str) -> str:
    at = timezone.localtime(record.at)
    how = "后台表单" if record.method == ChangeMethod.FORM else f"后台导入：{record.source}"
    return f"撤销 {at:%Y-%m-%d %H:%M} admin（{how}）{what}"


def test_admin_edits_the_matrix_by_form_and_by_file_and_a_stale_file_names_what_it_undoes(
    page, live_server, demo_accounts, clock, tmp_path
):
    clock.set(TODAY)
    errors = watch_console(page)
    admin_log_in(page, live_server)
    # The file an administrator kept from earlier: the matrix before today's changes.
    stale = export_matrix(page, live_server, tmp_path, "分工-旧.xlsx")
    assert sheet_rows(stale)[NEW_ENERGY]["lead_officials"] == "黄晓舟"

    # The export page's 全选 box unticks every column and ticks them all again, with nothing
    # refused by the Content Security Policy.
    page.goto(f"{live_server.url}/admin/chains/industry/export/")
    select_all = page.get_by_label("全选", exact=True)
    columns = page.locator(".selectable-field-export-row input:not(.select-toggle)")
    expect(columns).to_have_count(len(COLUMNS))
    expect(select_all).to_be_checked()
    select_all.click()
    for i in range(len(COLUMNS)):
        expect(columns.nth(i)).not_to_be_checked()
    select_all.click()
    for i in range(len(COLUMNS)):
        expect(columns.nth(i)).to_be_checked()
    assert page.evaluate("window.cspViolations") == []
    assert errors == []

    # 1. The assignment form: 新能源产业 is led by 黄燕添 instead of 黄晓舟.
    page.goto(f"{live_server.url}/admin/chains/assignment/")
    page.get_by_role("link", name=NEW_ENERGY, exact=True).click()
    expect(page.get_by_role("heading", name="修改 分工")).to_be_visible()
    official = page.locator("#official_links-0")
    expect(official.locator(".select2-selection__rendered")).to_have_text("黄晓舟")
    official.locator(".select2-selection").click()
    page.locator(".select2-search__field").fill("黄燕添")
    page.locator(".select2-results__option", has_text="黄燕添").click()
    expect(official.locator(".select2-selection__rendered")).to_have_text("黄燕添")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("ul.messagelist li.success")).to_have_text("成功修改了 分工“新能源产业”。")
    assert row_of(NEW_ENERGY)["lead_officials"] == ["黄燕添"]
    by_form = MatrixChange.objects.get(method=ChangeMethod.FORM)
    assert by_form.actor.username == "admin"
    assert list(by_form.industries.values_list("name", flat=True)) == [NEW_ENERGY]
    assert changes_of(by_form, NEW_ENERGY) == ["牵头市领导：黄晓舟 → 黄燕添"]
    # The list shows the new lead official.
    assert (
        "黄燕添"
        in page.locator("#result_list")
        .get_by_role("row")
        .filter(has=page.get_by_role("link", name=NEW_ENERGY, exact=True))
        .inner_text()
    )

    # 2. Export, change one cell (电子信息's lead official: 李辉跃), import.
    exported = export_matrix(page, live_server, tmp_path, "分工.xlsx")
    assert sheet_rows(exported)[NEW_ENERGY]["lead_officials"] == "黄燕添"  # the form's change
    assert sheet_rows(exported)[ELECTRONICS]["lead_officials"] == "黄晓舟"
    edited = edit_cell(exported, ELECTRONICS, "lead_officials", "李辉跃", tmp_path / "分工-改.xlsx")
    before_import = matrix_rows()
    import_preview(page, live_server, edited)
    assert matrix_rows() == before_import  # the preview wrote nothing

    assert preview_line(page, ELECTRONICS, "lead_officials") == {
        "field": "牵头市领导",
        "before": "黄晓舟",
        "after": "李辉跃",
        "delta": "新增：李辉跃；移除：黄晓舟",
        "undoes": "",
    }
    line = page.locator(f'tr[data-industry="{ELECTRONICS}"][data-field="lead_officials"]')
    expect(line.locator("td.before del")).to_have_text("黄晓舟")
    expect(line.locator("td.after ins")).to_have_text("李辉跃")
    for field in ("lead_units", "responsible_units"):
        assert preview_line(page, ELECTRONICS, field)["after"] == "无变化"
    # Nothing else is marked: one changed line, one name added, one removed; the other
    # thirteen industries say 无变化, and nothing is undone.
    expect(page.locator("table.matrix-preview tr.changed")).to_have_count(1)
    expect(page.locator("table.matrix-preview ins")).to_have_count(1)
    expect(page.locator("table.matrix-preview del")).to_have_count(1)
    expect(page.locator('table.matrix-preview tr[data-field="all"] td.same')).to_have_count(13)
    expect(page.locator("#matrix-preview-summary")).to_contain_text(
        "1 个产业将被更改，13 个产业无变化。"
    )
    expect(page.locator("#matrix-preview-undo")).to_have_count(0)

    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("ul.messagelist li.success")).to_have_text(
        "导入成功，新增0条记录，更新1条记录，删除0条记录，忽略13条记录。"
    )
    assert row_of(ELECTRONICS)["lead_officials"] == ["李辉跃"]
    assert row_of(NEW_ENERGY)["lead_officials"] == ["黄燕添"]
    by_import = MatrixChange.objects.get(method=ChangeMethod.IMPORT)
    assert by_import.actor.username == "admin" and by_import.source == "分工-改.xlsx"
    assert list(by_import.industries.values_list("name", flat=True)) == [ELECTRONICS]
    assert changes_of(by_import, ELECTRONICS) == ["牵头市领导：黄晓舟 → 李辉跃"]

    # 3. The stale file: each of the four recorded changes it would undo is named, with when,
    # who and how; it is not confirmed, and nothing is written.
    after_import = matrix_rows()
    import_preview(page, live_server, stale)
    expect(page.locator("#matrix-preview-undo")).to_have_text(
        "注意：导入将撤销 4 项已记录的更改（见“将撤销的更改”一列），请确认这是有意的。"
    )
    expect(page.locator("#matrix-preview-summary")).to_contain_text(
        "2 个产业将被更改，12 个产业无变化。"
    )
    # Both are read before the 确认导入 button is reached; the comparison follows it.
    top = {
        name: locator.bounding_box()["y"]
        for name, locator in (
            ("summary", page.locator("#matrix-preview-summary")),
            ("warning", page.locator("#matrix-preview-undo")),
            ("confirm", page.get_by_role("button", name="确认导入")),
            ("comparison", page.locator("table.matrix-preview")),
        )
    }
    assert top["summary"] < top["warning"] < top["confirm"] < top["comparison"], top
    new_energy = preview_line(page, NEW_ENERGY, "lead_officials")
    assert (new_energy["before"], new_energy["after"]) == ("黄燕添", "黄晓舟")
    assert new_energy["undoes"].splitlines() == [
        undo_note(by_form, "新增的「黄燕添」"),
        undo_note(by_form, "移除的「黄晓舟」"),
    ]
    electronics = preview_line(page, ELECTRONICS, "lead_officials")
    assert (electronics["before"], electronics["after"]) == ("李辉跃", "黄晓舟")
    assert electronics["undoes"].splitlines() == [
        undo_note(by_import, "新增的「李辉跃」"),
        undo_note(by_import, "移除的「黄晓舟」"),
    ]
    expect(page.locator("table.matrix-preview tr.changed")).to_have_count(2)
    expect(page.locator("table.matrix-preview td.undoes div")).to_have_count(4)
    assert matrix_rows() == after_import
    assert MatrixChange.objects.filter(table=LoadedTable.MATRIX, replaced=True).count() == 2
    assert errors == []


# --- what the matrix manages cannot be deleted by hand; the calendar moves December ------------


def test_admin_cannot_delete_what_the_matrix_manages_and_a_holiday_moves_december(
    page, live_server, demo_accounts, clock
):
    clock.set(TODAY)
    services.periods_ensure(TODAY, months_back=1)  # November and December are open
    assert not package_knows(2027), "chinese-calendar knows 2027 now: pick another holiday"
    december = ReportingPeriod.objects.get(year=2026, month=12)
    assert (december.deadline, december.lock_date) == (D(2027, 1, 7), D(2027, 1, 14))
    before = grants()
    gxj = Group.objects.get(name="unit:gxj")
    errors = watch_console(page)
    admin_log_in(page, live_server)

    # 4a. 市工信局's group, from the list's "delete selected": refused, with the reason.
    page.goto(f"{live_server.url}/admin/auth/group/")
    row = page.locator("#result_list tr", has=page.get_by_role("link", name="unit:gxj"))
    expect(row).to_contain_text("责任分工")  # the list says who manages it
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option("delete_selected")
    page.get_by_role("button", name="执行").click()
    refusal = page.locator("ul.messagelist li.error")
    expect(refusal).to_contain_text(
        "组“unit:gxj”由责任分工管理：其成员和产业对象权限按责任分工自动重新同步"
    )
    expect(refusal).to_contain_text("不能在此修改或删除")
    expect(page.get_by_role("button", name="是的，我确定")).to_have_count(0)

    # 4b. Its own page is read-only, offers no 删除, and the delete page sends one back.
    page.get_by_role("link", name="unit:gxj").click()
    expect(page.get_by_role("heading", name="查看 组")).to_be_visible()
    expect(page.locator("ul.messagelist li.warning")).to_contain_text("由责任分工管理")
    expect(page.get_by_role("link", name="删除")).to_have_count(0)
    expect(page.get_by_role("button", name="保存")).to_have_count(0)
    page.goto(f"{live_server.url}/admin/auth/group/{gxj.pk}/delete/")
    expect(page.locator("ul.messagelist li.error")).to_contain_text("不能在此修改或删除")
    expect(page.get_by_role("button", name="是的，我确定")).to_have_count(0)
    assert Group.objects.filter(pk=gxj.pk, name="unit:gxj").exists()

    # 4c. The industry object permissions the matrix manages: shown on the industry's page,
    # read-only, with no page (guardian's) to revoke them from.
    electronics = Industry.objects.get(name=ELECTRONICS)
    page.goto(f"{live_server.url}/admin/chains/industry/{electronics.pk}/change/")
    held = page.locator(".field-object_permissions .readonly")
    expect(held).to_contain_text("unit:gxj：查看、填报月度进展")
    expect(held).to_contain_text("（由责任分工管理：按分工自动同步，不在此修改。）")
    expect(page.get_by_role("link", name="对象权限")).to_have_count(0)
    page.goto(
        f"{live_server.url}/admin/chains/industry/{electronics.pk}/permissions/group-manage/"
        f"{gxj.pk}/"
    )
    assert page.url == f"{live_server.url}/admin/"  # no such page: back to the index
    assert grants() == before

    # 5. 日历调整 › 添加: 2027-01-01 (元旦, a Friday the package cannot know yet) as a holiday.
    page.goto(f"{live_server.url}/admin/reporting/calendaroverride/")
    page.get_by_role("link", name="增加 日历调整").click()
    page.get_by_label("日期").fill("2027-01-01")
    expect(page.get_by_label("是否工作日")).not_to_be_checked()
    page.get_by_label("备注").fill("元旦")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("ul.messagelist li.success")).to_have_text(
        "成功添加了 日历调整“2027-01-01 节假日（元旦）”。"
    )
    expect(page.locator("ul.messagelist li.info")).to_have_text(
        "按调整后的日历重新计算了 1 个报送期次的日期：2026年12月：截止 1月7日 → 1月8日，"
        "锁定 1月14日 → 1月15日。各期次的“历史”中有记录。"
    )
    assert CalendarOverride.objects.filter(date=D(2027, 1, 1), is_working_day=False).exists()
    december.refresh_from_db()
    assert (december.deadline, december.lock_date) == (D(2027, 1, 8), D(2027, 1, 15))
    assert not december.dates_set_by_hand

    # The periods' list shows December's new dates; November's did not move.
    page.goto(f"{live_server.url}/admin/reporting/reportingperiod/")
    line = page.locator("#result_list tr", has=page.get_by_role("link", name="2026年12月"))
    expect(line.locator("td.field-deadline")).to_have_text("2027年1月8日")
    expect(line.locator("td.field-lock_date")).to_have_text("2027年1月15日")
    november = ReportingPeriod.objects.get(year=2026, month=11)
    assert (november.deadline, november.lock_date) == (D(2026, 12, 7), D(2026, 12, 14))
    # December's history says who moved its dates, why, and from what to what.
    line.get_by_role("link", name="2026年12月").click()
    page.get_by_role("link", name="修改记录").click()
    expect(page.locator("#change-history")).to_contain_text(
        "按调整后的日历重新计算（日历调整：新增 2027-01-01（节假日））："
        "截止 2027-01-07 → 2027-01-08；锁定 2027-01-14 → 2027-01-15"
    )
    expect(page.locator("#change-history")).to_contain_text("admin")
    assert errors == []
