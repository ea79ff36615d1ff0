"""The pages of the monthly update loop, as the clerk and the reviewer use them."""

import datetime
import io
import os
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chains.models import Industry, Unit
from reporting.choices import EventKind, UpdateStatus
from reporting.models import Attachment, MonthlyUpdate, UpdateEvent
from reporting.periods import services as periods_services
from reporting.updates import services
from tests.reporting.conftest import FULL_TEXT, content


def form_data(update, **changes):
    data = {"version": update.version}
    for prefix in ("projects", "problems"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "50",
            }
        )
    return {**data, **FULL_TEXT, **changes}


def test_save_submit_and_read_only_after_acceptance(client, electronics_update, users):
    update = electronics_update
    client.force_login(users["gxj"])
    url = reverse("reporting:edit", args=[update.pk])
    data = form_data(
        update,
        **{
            "projects-TOTAL_FORMS": "1",
            "projects-0-name": "厦门天马第8.6代产线",
            "projects-0-stage": "construction",
            "projects-0-investment": "330",
            "projects-0-progress": "主体厂房封顶",
            "problems-TOTAL_FORMS": "1",
            "problems-0-description": "产线用电负荷需扩容",
            "problems-0-type": "energy",
            "problems-0-concerned": "天马微电子",
            "problems-0-needs_meeting": "on",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.key_projects.get().name == "厦门天马第8.6代产线"
    problem = update.problems.get()
    assert problem.type == "energy" and problem.needs_meeting
    response = client.post(url, {**data, "version": update.version, "submit": "1"})
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.status == UpdateStatus.SUBMITTED
    services.update_accept(update=update, user=users["drc"])
    assert client.get(url).status_code == 302  # the form is gone: read-only now
    response = client.post(url, {**data, "version": update.version + 1})
    assert response.status_code == 400
    assert MonthlyUpdate.objects.get(pk=update.pk).status == UpdateStatus.ACCEPTED


def test_second_save_refused_with_both_texts_on_the_page(
    client, electronics_update, users, make_user
):
    colleague = make_user("gxj2", unit="市工信局")
    url = reverse("reporting:edit", args=[electronics_update.pk])
    client.force_login(users["gxj"])
    assert (
        client.post(
            url, form_data(electronics_update, progress_policy="甲写的政策进展")
        ).status_code
        == 302
    )
    client.force_login(colleague)
    response = client.post(
        url, form_data(electronics_update, progress_policy="乙写的政策进展")
    )  # stale version
    assert response.status_code == 409
    html = response.content.decode()
    assert "乙写的政策进展" in html  # their own text, still in the form
    assert "甲写的政策进展" in html  # and the colleague's, to compare
    assert MonthlyUpdate.objects.get(pk=electronics_update.pk).progress_policy == "甲写的政策进展"
    assert (
        UpdateEvent.objects.filter(update=electronics_update, kind=EventKind.CONFLICT_KEPT).count()
        == 1
    )


def test_autosave_answers_json_and_refuses_stale_versions(client, electronics_update, users):
    client.force_login(users["gxj"])
    url = reverse("reporting:autosave", args=[electronics_update.pk])
    response = client.post(url, form_data(electronics_update, progress_policy="自动保存的文字"))
    assert response.status_code == 200 and response.json()["ok"]
    assert response.json()["version"] == electronics_update.version + 1
    assert (
        UpdateEvent.objects.filter(update=electronics_update, kind=EventKind.AUTOSAVED).count() == 1
    )
    stale = client.post(url, form_data(electronics_update, progress_policy="过期的版本"))
    assert stale.status_code == 409 and stale.json()["conflict"]


def test_return_with_section_reason_then_diff_on_resubmission(client, filled, users):
    services.update_submit(update=filled, user=users["gxj"], expected_version=filled.version)
    client.force_login(users["drc"])
    review = reverse("reporting:review", args=[filled.pk])
    response = client.post(
        review, {"action": "return", "reason": "", "section_policy": "请写明惠及企业数"}
    )
    assert response.status_code == 302
    filled.refresh_from_db()
    assert filled.status == UpdateStatus.RETURNED
    client.force_login(users["gxj"])
    edit = reverse("reporting:edit", args=[filled.pk])
    assert "请写明惠及企业数" in client.get(edit).content.decode()
    client.post(
        edit,
        {**form_data(filled, progress_policy="兑现扶持资金1.2亿元，惠及企业35家。"), "submit": "1"},
    )
    client.force_login(users["drc"])
    html = client.get(review).content.decode()
    assert 'id="diff"' in html and "<ins>" in html and "惠及企业35家" in html
    assert client.post(review, {"action": "accept"}).status_code == 302
    assert MonthlyUpdate.objects.get(pk=filled.pk).status == UpdateStatus.ACCEPTED


def test_bulk_accept_from_the_queue(client, filled, users, september):
    services.update_submit(update=filled, user=users["gxj"], expected_version=filled.version)
    client.force_login(users["drc"])
    url = reverse("reporting:review_queue")
    html = client.get(url, {"period": september.slug}).content.decode()
    assert f'value="{filled.pk}"' in html
    response = client.post(
        url, {"period": september.slug, "action": "accept", "updates": [filled.pk]}
    )
    assert response.status_code == 302
    assert MonthlyUpdate.objects.get(pk=filled.pk).status == UpdateStatus.ACCEPTED


@pytest.mark.parametrize("reason", ["", "  "])
def test_returning_many_at_once_needs_a_reason(client, filled, users, september, reason):
    second = services.update_start(
        industry=Industry.objects.get(name="新材料产业"),
        unit=Unit.objects.get(name="市工信局"),
        period=september,
        user=users["gxj"],
    )
    second = services.update_save(
        update=second, content=content(), expected_version=second.version, user=users["gxj"]
    )
    submitted = [
        services.update_submit(update=u, user=users["gxj"], expected_version=u.version).pk
        for u in (filled, second)
    ]
    client.force_login(users["drc"])
    response = client.post(
        reverse("reporting:review_queue"),
        {"period": september.slug, "action": "return", "updates": submitted, "reason": reason},
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    assert shown == ["退回须填写理由。"]
    stored = MonthlyUpdate.objects.filter(pk__in=submitted)
    assert [u.status for u in stored] == [UpdateStatus.SUBMITTED] * 2
    assert not UpdateEvent.objects.filter(update__in=submitted, kind=EventKind.RETURNED).exists()


def test_one_lead_unit_cannot_edit_anothers_update_of_the_same_industry(
    client, users, september, make_user
):
    """商贸物流 has three lead units, each filing its own update: 市交通局 may file for the
    industry, but not in 市商务局's name."""
    jtj = make_user("jtj", unit="市交通局")
    update = services.update_start(
        industry=Industry.objects.get(name="商贸物流产业集群"),
        unit=Unit.objects.get(name="市商务局"),
        period=september,
        user=users["swj"],
    )
    update = services.update_save(
        update=update,
        content=content(progress_policy="商务局的文字"),
        expected_version=update.version,
        user=users["swj"],
    )
    edit = reverse("reporting:edit", args=[update.pk])
    data = form_data(update, progress_policy="交通局改写的文字")
    client.force_login(jtj)
    assert client.get(edit).status_code in (403, 404)
    assert client.post(edit, data).status_code in (403, 404)
    assert client.post(edit, {**data, "submit": "1"}).status_code in (403, 404)
    autosave = reverse("reporting:autosave", args=[update.pk])
    assert client.post(autosave, data).status_code in (403, 404)
    stored = MonthlyUpdate.objects.get(pk=update.pk)
    assert stored.progress_policy == "商务局的文字" and stored.status == UpdateStatus.DRAFT
    assert stored.version == update.version
    # The unit that files it can.
    client.force_login(users["swj"])
    assert client.get(edit).status_code == 200
    assert client.post(edit, form_data(update, progress_policy="商务局改的文字")).status_code == 302
    assert MonthlyUpdate.objects.get(pk=update.pk).progress_policy == "商务局改的文字"


def test_responsible_unit_adds_input_that_the_lead_unit_sees(client, filled, users):
    client.force_login(users["siming"])
    detail = reverse("reporting:update", args=[filled.pk])
    assert 'id="contribute"' in client.get(detail).content.decode()
    client.post(
        reverse("reporting:contribute", args=[filled.pk]),
        {"text": "思明区本月新增数字经济企业12家。"},
    )
    client.force_login(users["gxj"])
    assert (
        "思明区本月新增数字经济企业12家。"
        in client.get(reverse("reporting:edit", args=[filled.pk])).content.decode()
    )
    # The district may not edit.
    client.force_login(users["siming"])
    assert client.get(reverse("reporting:edit", args=[filled.pk])).status_code == 403


def test_due_page_lists_what_is_owed_with_lights(client, users, september, clock):
    client.force_login(users["gxj"])
    html = client.get(reverse("reporting:due")).content.decode()
    assert 'data-industry="electronic-information" data-period="2025-09"' in html
    assert "light-green" in html
    clock.set(september.deadline.replace(day=15))
    # Days later the idle timeout has ended the session: the clerk logs in again.
    assert client.get(reverse("reporting:due")).status_code == 302
    client.force_login(users["gxj"])
    html = client.get(reverse("reporting:due")).content.decode()
    assert "light-red" in html


def test_start_from_last_month_marks_the_draft(client, filled, users, clock):
    services.update_submit(update=filled, user=users["gxj"], expected_version=filled.version)
    services.update_accept(update=MonthlyUpdate.objects.get(pk=filled.pk), user=users["drc"])
    october = periods_services.period_get_or_create(2025, 10)
    clock.set(october.first_day.replace(day=20))
    client.force_login(users["gxj"])
    response = client.post(
        reverse("reporting:start"),
        {"industry": "electronic-information", "period": october.slug, "carry_over": "1"},
    )
    update = MonthlyUpdate.objects.get(period=october, industry__code="electronic-information")
    assert response["Location"] == reverse("reporting:edit", args=[update.pk])
    html = client.get(response["Location"]).content.decode()
    assert 'id="carried-over"' in html and FULL_TEXT["progress_policy"] in html


def pdf_bytes():
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_attachment_accepted_and_served_only_to_those_who_may_see(
    client, electronics_update, users
):
    client.force_login(users["gxj"])
    data = form_data(electronics_update)
    data["attachment"] = SimpleUploadedFile("产业报告.pdf", pdf_bytes(), "application/pdf")
    assert (
        client.post(reverse("reporting:edit", args=[electronics_update.pk]), data).status_code
        == 302
    )
    attachment = Attachment.objects.get(update=electronics_update)
    url = reverse("reporting:attachment", args=[attachment.pk])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    client.force_login(users["drc"])
    assert client.get(url).status_code == 200
    client.force_login(users["swj"])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    ("name", "payload", "message"),
    [
        ("报告.pdf", b"MZ\x90\x00 this is a windows executable", "不符"),
        ("表格.xlsx", b"PK\x03\x04 not really a workbook", "不符"),
        ("脚本.exe", b"MZ\x90\x00", "不支持的附件类型"),
        ("空.pdf", b"", "空文件"),
    ],
)
def test_bad_attachments_are_refused_and_the_text_is_kept(
    client, electronics_update, users, name, payload, message
):
    client.force_login(users["gxj"])
    data = form_data(electronics_update, progress_policy="这段文字不能丢")
    data["attachment"] = SimpleUploadedFile(name, payload)
    response = client.post(reverse("reporting:edit", args=[electronics_update.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "这段文字不能丢" in html  # the rest of the form is kept
    assert not Attachment.objects.exists()


def test_oversized_attachment_is_refused(client, electronics_update, users, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    client.force_login(users["gxj"])
    data = form_data(electronics_update)
    data["attachment"] = SimpleUploadedFile("大文件.pdf", pdf_bytes() + b"0" * 2048)
    response = client.post(reverse("reporting:edit", args=[electronics_update.pk]), data)
    assert response.status_code == 400 and "超过了" in response.content.decode()


def test_a_real_docx_is_accepted(client, electronics_update, users):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    client.force_login(users["gxj"])
    data = form_data(electronics_update)
    data["attachment"] = SimpleUploadedFile("说明.docx", buffer.getvalue())
    assert (
        client.post(reverse("reporting:edit", args=[electronics_update.pk]), data).status_code
        == 302
    )
    assert Attachment.objects.get().name == "说明.docx"


def test_history_page_shows_who_and_what_changed(client, filled, users):
    client.force_login(users["gxj"])
    html = client.get(reverse("reporting:history", args=[filled.pk])).content.decode()
    # base.html prints the signed-in user on every page: look in the history's own rows.
    rows = {
        kind: row.split("</tr>")[0]
        for kind, row in (part.split('">', 1) for part in html.split('<tr data-kind="')[1:])
    }
    assert set(rows) == {"created", "saved"}
    for kind in ("created", "saved"):
        assert f"<td>{users['gxj'].display_name} " in rows[kind]
        assert users["gxj"].unit.display_name in rows[kind]
    assert "v1" in rows["created"] and f"v{filled.version}" in rows["saved"]
    assert "兑现扶持资金1.2亿元。" in rows["saved"]  # what changed, not only who


def test_saving_again_keeps_existing_rows(client, electronics_update, users):
    """Re-posting the form unchanged must not drop key projects or problems."""
    client.force_login(users["gxj"])
    url = reverse("reporting:edit", args=[electronics_update.pk])
    data = form_data(
        electronics_update,
        **{
            "projects-TOTAL_FORMS": "1",
            "projects-0-name": "项目甲",
            "projects-0-stage": "signed",
            "problems-TOTAL_FORMS": "1",
            "problems-0-description": "问题甲",
            "problems-0-type": "land",
        },
    )
    client.post(url, data)
    update = MonthlyUpdate.objects.get(pk=electronics_update.pk)
    again = form_data(
        update,
        **{
            "projects-TOTAL_FORMS": "2",
            "projects-INITIAL_FORMS": "1",
            "projects-0-name": "项目甲",
            "projects-0-stage": "signed",
            "projects-1-stage": "",  # the untouched empty row
            "problems-TOTAL_FORMS": "2",
            "problems-INITIAL_FORMS": "1",
            "problems-0-description": "问题甲",
            "problems-0-type": "land",
            "problems-1-type": "",
        },
    )
    assert client.post(url, again).status_code == 302
    update = MonthlyUpdate.objects.get(pk=electronics_update.pk)
    assert list(update.key_projects.values_list("name", flat=True)) == ["项目甲"]
    assert list(update.problems.values_list("description", flat=True)) == ["问题甲"]
    # Ticking "delete" removes a row.
    again.update({"version": update.version, "projects-0-DELETE": "on"})
    client.post(url, again)
    assert not MonthlyUpdate.objects.get(pk=electronics_update.pk).key_projects.exists()


def test_kjj_fills_the_six_future_industries_on_one_page(client, users, september):
    from chains.models import Industry, Unit

    kjj = users["kjj"]
    unit = Unit.objects.get(name="市科技局")
    future = list(Industry.objects.filter(category__code="future"))
    updates = [
        services.update_start(industry=i, unit=unit, period=september, user=kjj) for i in future
    ]
    client.force_login(kjj)
    url = reverse("reporting:batch", args=[september.slug])
    html = client.get(url).content.decode()
    assert all(f'data-industry="{i.code}"' in html for i in future)
    data = {}
    for update in updates:
        data[f"u{update.pk}-version"] = update.version
        data.update({f"u{update.pk}-{k}": v for k, v in FULL_TEXT.items()})
        data[f"u{update.pk}-progress_policy"] = f"{update.industry.name}的政策进展"
    response = client.post(url, {**data, "submit": "1"})
    assert response.status_code == 302
    for update in updates:
        stored = MonthlyUpdate.objects.get(pk=update.pk)
        assert stored.status == UpdateStatus.SUBMITTED
        assert stored.progress_policy == f"{update.industry.name}的政策进展"
    # Another unit cannot open 市科技局's page for the month.
    client.force_login(users["gxj"])
    assert client.get(url).status_code in (403, 404)


def test_a_row_autosaved_then_saved_by_hand_is_kept(client, electronics_update, users):
    """The page still calls an autosaved row new; saving it again must not drop it."""
    client.force_login(users["gxj"])
    row = {"projects-TOTAL_FORMS": "1", "projects-0-name": "项目乙", "projects-0-stage": "signed"}
    auto = client.post(
        reverse("reporting:autosave", args=[electronics_update.pk]),
        form_data(electronics_update, **row),
    )
    assert auto.status_code == 200
    data = {**form_data(electronics_update, **row), "version": auto.json()["version"]}
    assert (
        client.post(reverse("reporting:edit", args=[electronics_update.pk]), data).status_code
        == 302
    )
    assert list(
        MonthlyUpdate.objects.get(pk=electronics_update.pk).key_projects.values_list(
            "name", flat=True
        )
    ) == ["项目乙"]


def test_conflict_panel_shows_every_section_of_the_colleagues_version(
    client, electronics_update, users, make_user
):
    colleague = make_user("gxj2", unit="市工信局")
    url = reverse("reporting:edit", args=[electronics_update.pk])
    client.force_login(users["gxj"])
    first = client.post(
        url,
        form_data(
            electronics_update,
            next_plan="甲的下月计划",
            **{
                "problems-TOTAL_FORMS": "1",
                "problems-0-description": "甲提出的问题",
                "problems-0-type": "land",
            },
        ),
    )
    assert first.status_code == 302, first.content.decode()[-3000:]
    client.force_login(colleague)
    html = client.post(
        url, form_data(electronics_update, next_plan="乙的下月计划")
    ).content.decode()
    conflict = html[html.index('id="conflict"') :]
    assert "甲的下月计划" in conflict and "甲提出的问题" in conflict


def test_batch_conflict_keeps_the_refused_text(client, users, september, make_user):
    from chains.models import Industry, Unit

    unit = Unit.objects.get(name="市科技局")
    update = services.update_start(
        industry=Industry.objects.get(code="future-networks"),
        unit=unit,
        period=september,
        user=users["kjj"],
    )
    services.update_save(
        update=update,
        content=services.UpdateContent(fields={"progress_policy": "同事先保存"}),
        expected_version=1,
        user=users["kjj"],
    )
    client.force_login(make_user("kjj2", unit="市科技局"))
    client.post(
        reverse("reporting:batch", args=[september.slug]),
        {
            f"u{update.pk}-version": 1,
            **{f"u{update.pk}-{k}": v for k, v in FULL_TEXT.items()},
            f"u{update.pk}-progress_policy": "我的文字",
        },
    )
    kept = UpdateEvent.objects.get(update=update, kind=EventKind.CONFLICT_KEPT)
    assert kept.snapshot["fields"]["progress_policy"] == "我的文字"
    assert MonthlyUpdate.objects.get(pk=update.pk).progress_policy == "同事先保存"


MISSING_FILE = "文件本身不在服务器上"


def test_a_missing_attachment_file_answers_404_in_chinese(client, electronics_update, users):
    """A database restored without its media folder: the record is there, the file is not."""
    client.force_login(users["gxj"])
    data = form_data(electronics_update)
    data["attachment"] = SimpleUploadedFile("产业报告.pdf", pdf_bytes(), "application/pdf")
    client.post(reverse("reporting:edit", args=[electronics_update.pk]), data)
    attachment = Attachment.objects.get()
    os.remove(attachment.file.path)
    response = client.get(reverse("reporting:attachment", args=[attachment.pk]))
    assert response.status_code == 404
    assert MISSING_FILE in response.content.decode()


def browser_upload(name: str, content: bytes, content_type: str) -> SimpleUploadedFile:
    """An upload under the name a browser sends: Django's UploadedFile would cut it to 255
    characters before the test client sends it, which a browser does not."""
    upload = SimpleUploadedFile("x", content, content_type)
    upload._name = name
    return upload


def test_a_400_character_file_name_keeps_the_form_and_is_shortened(
    client, electronics_update, users
):
    """Before, Django refused the request's headers with a bare 400 and the typed text was
    lost."""
    client.force_login(users["gxj"])
    data = form_data(electronics_update, progress_policy="这段文字不能丢")
    name = "关于" + "产业链" * 133 + ".pdf"  # 403 characters, 1,200 bytes
    data["attachment"] = browser_upload(name, pdf_bytes(), "application/pdf")
    response = client.post(reverse("reporting:edit", args=[electronics_update.pk]), data)
    assert response.status_code == 302
    electronics_update.refresh_from_db()
    assert electronics_update.progress_policy == "这段文字不能丢"
    attachment = Attachment.objects.get()
    assert len(attachment.name) <= 200
    assert attachment.name.startswith("关于产业链") and attachment.name.endswith("….pdf")
    response = client.get(reverse("reporting:attachment", args=[attachment.pk]))
    assert response.status_code == 200 and ".pdf" in response["Content-Disposition"]


@pytest.mark.parametrize("slug", ["九月", "2025-9x", "2025", "2031-01"])
def test_a_month_that_is_not_open_is_404(client, users, electronics_update, slug):
    """The month in a link is 2025-09; a malformed one, or a month with no period, is a 404,
    not an error page (and the month that exists answers)."""
    client.force_login(users["gxj"])
    assert client.get(reverse("reporting:batch", args=["2025-09"])).status_code == 200
    assert client.get(reverse("reporting:batch", args=[slug])).status_code == 404


def test_the_work_list_waits_across_months_and_marks_resubmissions(
    client, filled, users, september, django_assert_max_num_queries
):
    """The DRC's queue by default: everything submitted, whatever the month, the oldest first;
    a resubmission is marked 重新提交 with the sections changed since it was returned; many
    accepted at once across months."""
    gxj = users["gxj"]
    august = periods_services.period_get_or_create(2025, 8)

    def waiting_since(industry_name, day):  # August's, submitted late and waiting
        when = datetime.datetime(2025, 9, day, 10, tzinfo=datetime.UTC)
        return MonthlyUpdate.objects.create(
            industry=Industry.objects.get(name=industry_name),
            unit=gxj.unit,
            period=august,
            status=UpdateStatus.SUBMITTED,
            first_submitted_at=when,
            submitted_at=when,
        )

    older = waiting_since("新材料产业", 1)
    # September's: submitted, returned, its policy section rewritten, submitted again.
    filled = services.update_submit(update=filled, user=gxj, expected_version=filled.version)
    filled = services.update_return(update=filled, user=users["drc"], reason="请补充政策兑现数据")
    filled = services.update_save(
        update=filled,
        content=content(progress_policy="兑现扶持资金1.2亿元，惠及企业35家。"),
        expected_version=filled.version,
        user=gxj,
    )
    filled = services.update_submit(update=filled, user=gxj, expected_version=filled.version)
    client.force_login(users["drc"])
    url = reverse("reporting:review_queue")
    with django_assert_max_num_queries(16) as counted:
        response = client.get(url)
    rows = response.context["waiting"]
    assert [row["update"].pk for row in rows] == [older.pk, filled.pk]  # oldest first
    assert rows[0]["returned"] is None and rows[1]["returned"] is not None
    assert rows[1]["changed"] == ["政策"]  # only the section rewritten
    html = response.content.decode()
    assert "重新提交" in html and "修改了： 政策" in html and "首次提交" in html
    assert "2025年8月" in html and "2025年9月" in html

    # More waiting updates: the same number of queries.
    waiting_since("机械装备产业集群", 2)
    waiting_since("生物医药产业", 3)
    with django_assert_max_num_queries(16) as grown:
        assert len(client.get(url).context["waiting"]) == 4
    assert len(grown.captured_queries) == len(counted.captured_queries)

    # Accept two months' updates at once, from the work list (no month given).
    response = client.post(url, {"action": "accept", "updates": [older.pk, filled.pk]})
    assert response.status_code == 302 and response["Location"] == url
    accepted = MonthlyUpdate.objects.filter(pk__in=[older.pk, filled.pk])
    assert {u.status for u in accepted} == {UpdateStatus.ACCEPTED}
    assert len(client.get(url).context["waiting"]) == 2  # the two others still wait


def test_a_lead_unit_sees_what_was_returned_to_it_across_months(client, filled, users, september):
    gxj = users["gxj"]
    august = periods_services.period_get_or_create(2025, 8)
    older = MonthlyUpdate.objects.create(
        industry=Industry.objects.get(name="新材料产业"),
        unit=gxj.unit,
        period=august,
        status=UpdateStatus.RETURNED,
    )
    UpdateEvent.objects.create(
        update=older,
        kind=EventKind.RETURNED,
        actor=users["drc"],
        reason="请补充八月用地数据",
        version=older.version,
    )
    filled = services.update_submit(update=filled, user=gxj, expected_version=filled.version)
    services.update_return(update=filled, user=users["drc"], reason="请补充政策兑现数据")
    # The DRC's review page of a returned update says where it is, not 尚未提交.
    client.force_login(users["drc"])
    review = client.get(reverse("reporting:review", args=[filled.pk])).content.decode()
    assert "已退回牵头单位修改" in review and "尚未提交" not in review
    client.force_login(gxj)
    response = client.get(reverse("reporting:due"))
    returned = response.context["returned"]
    assert [item.update.pk for item, _event in returned] == [older.pk, filled.pk]
    html = response.content.decode()
    section = html[html.index('id="returned-to-me"') :]
    assert "请补充八月用地数据" in section and "请补充政策兑现数据" in section
    assert section.index("2025年8月") < section.index("2025年9月")
    assert reverse("reporting:edit", args=[older.pk]) in section
    # Another unit sees none of it.
    client.force_login(users["swj"])
    assert client.get(reverse("reporting:due")).context["returned"] == []
