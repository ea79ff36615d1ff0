"""The API for the statistics bureau's system and the city's data platform (issue 16, item 8):
a month's figures accepted from a token as JSON and as xlsx, previewed by the very checks of
the upload page (the same messages, the same flags) and imported only when applied; tokens
refused when missing, unknown, expired, revoked or out of scope; every call recorded; a client
sees only its own imports; the read-only endpoints in a bounded number of queries; the schema
valid."""

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from chains.api import services
from chains.api.models import ApiCall, ApiToken, TokenScope
from chains.api.throttling import AddressRateThrottle
from chains.creditcode import check_character
from chains.figures import writing
from chains.figures.models import ImportStatus
from chains.models import (
    Enterprise,
    EnterpriseFigure,
    FigureImport,
    Industry,
    IndustryFigure,
    Unit,
)
from chains.quality.models import Importance, ValidationRule
from tests.chains.test_quality import (  # noqa: F401 (fixtures)
    ELECTRONICS,
    HEADER,
    NOVEMBER,
    broken,
    good_row,
    history,
    output,
    rules,
    workbook,
)

IMPORTS = reverse("api:statistics_imports")


def json_row(row: tuple) -> dict:
    """A row of test_quality's workbook (HEADER) as the API's JSON."""
    cells = dict(zip(HEADER, row, strict=True))
    figures = {
        "output-month": cells["工业总产值当月(万元)"],
        "output-ytd": cells["工业总产值累计(万元)"],
        "revenue-month": cells["营业收入当月(万元)"],
        "revenue-ytd": cells["营业收入累计(万元)"],
    }
    return {
        "industry": cells["产业"],
        "subsegment": cells["细分领域"],
        "district": cells["区"],
        "month": cells["月份"],
        "figures": figures,
        "yoy": {"output-month": cells["同比(%)"]},
    }


def submission(*rows, month="2025-11") -> dict:
    return {"kind": "industry_figures", "month": month, "rows": [json_row(r) for r in rows]}


@pytest.fixture
def before_november(history):  # noqa: F811 (test_quality's fixture, imported above)
    """电子信息's figures of the 24 months before November 2025, and the default rules."""
    return history


@pytest.fixture
def bureau(stats_db):
    return services.api_client_create(
        code="tjj-platform", name="市统计局数据平台", unit=Unit.objects.get(name="市统计局")
    )


@pytest.fixture
def platform(stats_db):
    return services.api_client_create(
        code="data-platform", name="城市大数据平台", unit=Unit.objects.get(name="市发改委")
    )


def issue(client, scope=TokenScope.STATISTICS_WRITE, *, by, days=30) -> str:
    _token, plain = services.api_token_issue(
        client=client,
        scope=scope,
        expires_at=timezone.now() + datetime.timedelta(days=days),
        created_by=by,
    )
    return plain


@pytest.fixture
def write_token(bureau, users):
    return issue(bureau, by=users["admin"])


@pytest.fixture
def read_token(platform, users):
    return issue(platform, TokenScope.READ, by=users["admin"])


def post_json(client, url, body, token=None, keyword="Bearer"):
    headers = {"HTTP_AUTHORIZATION": f"{keyword} {token}"} if token else {}
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def post_file(client, path: Path, token, **data):
    with open(path, "rb") as handle:
        return client.post(
            IMPORTS,
            {"file": SimpleUploadedFile(path.name, handle.read()), **data},
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )


def get(client, url, token=None, **query):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.get(url, query, **headers)


def apply_url(pk):
    return reverse("api:statistics_import_apply", args=[pk])


def november_figures():
    return IndustryFigure.objects.filter(year=2025, month=11)


# --- a month's figures, as JSON and as xlsx ---------------------------------------------------


def test_a_months_figures_as_json_are_previewed_then_imported_on_apply(
    before_november, bureau, write_token, client
):
    response = post_json(client, IMPORTS, submission(good_row(2025, 11)), write_token)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["kind"], body["months"]) == (
        "preview",
        "industry_figures",
        ["2025-11"],
    )
    assert (body["rows_added"], body["errors"], body["flags"]) == (4, [], [])
    assert body["first_row"] == 2
    record = FigureImport.objects.get(pk=body["id"])
    # Recorded as sent by the client's own service account, with the workbook it imported.
    assert record.uploaded_by == bureau.service_user
    assert record.file.name.endswith(".xlsx")
    assert not november_figures().exists()  # a preview: nothing imported yet

    response = post_json(client, apply_url(record.pk), {}, write_token)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "applied"
    output = november_figures().get(indicator__code="output-month", is_current=True)
    assert output.value == Decimal(str(NOVEMBER)) and output.source == record
    assert output.industry.name == ELECTRONICS
    assert list(
        ApiCall.objects.order_by("pk").values_list("method", "status", "figure_import_id")
    ) == [("POST", 201, record.pk), ("POST", 200, record.pk)]


def test_a_months_figures_as_xlsx_are_previewed_then_imported(
    before_november, write_token, client, tmp_path
):
    path = workbook(tmp_path / "11月.xlsx", [good_row(2025, 11)])
    response = post_file(client, path, write_token)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["file_name"], body["rows_added"], body["first_row"]) == ("11月.xlsx", 4, None)
    assert not november_figures().exists()
    assert post_json(client, apply_url(body["id"]), {}, write_token).status_code == 200
    assert november_figures().filter(is_current=True).count() == 4
    # Read back through the same record.
    detail = get(client, reverse("api:statistics_import", args=[body["id"]]), write_token)
    assert detail.status_code == 200 and detail.json()["status"] == "applied"


def test_the_token_keyword_is_accepted_too(before_november, write_token, client):
    response = post_json(
        client, IMPORTS, submission(good_row(2025, 11)), write_token, keyword="Token"
    )
    assert response.status_code == 201


def test_enterprise_figures_by_credit_code(stats_db, write_token, client):
    first17 = "91350200MA2Y00000"
    code = first17 + check_character(first17)
    Enterprise.objects.create(
        credit_code=code,
        name="厦门示例电子有限公司",
        industry=Industry.objects.get(name=ELECTRONICS),
    )
    body = {
        "kind": "enterprise_figures",
        "month": "2025-11",
        "rows": [
            {"credit_code": code, "figures": {"revenue-month": 5210.5, "revenue-ytd": 48011.2}}
        ],
    }
    response = post_json(client, IMPORTS, body, write_token)
    assert response.status_code == 201, response.json()
    assert post_json(client, apply_url(response.json()["id"]), {}, write_token).status_code == 200
    assert EnterpriseFigure.objects.get(indicator__code="revenue-month").value == Decimal("5210.5")
    # An enterprise not in the directory: the importer's own message, for rows[0] (sheet row 2).
    body["rows"][0]["credit_code"] = "91350200MA2Y000019"
    refused = post_json(client, IMPORTS, body, write_token)
    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        "第 2 行：未知企业：统一社会信用代码「91350200MA2Y000019」不在重点企业名录中（请先导入企业名录）。"
    ]


def test_a_body_of_the_wrong_shape_is_refused_and_nothing_kept(stats_db, write_token, client):
    body = submission(good_row(2025, 11))
    body["rows"][0]["figures"]["tax-month"] = 1.0
    body["rows"].append({"industry": None, "figures": {}})
    response = post_json(client, IMPORTS, body, write_token)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        "rows：rows[0]：未知指标代码 tax-month（指标见 /api/v1/indicators/）。",
        "rows：rows[1]：缺少 industry（产业名称）。",
    ]
    body = submission(good_row(2025, 11), month="2025-10")  # the row says November
    response = post_json(client, IMPORTS, body, write_token)
    assert response.status_code == 400
    assert "与报送的月份 2025-10 不一致" in response.json()["errors"][0]
    assert not FigureImport.objects.exists()


# --- the same checks as the upload page ---------------------------------------------------------


def test_a_broken_rule_of_importance_error_answers_400_with_the_previews_messages(
    before_november, users, write_token, client, tmp_path
):
    ValidationRule.objects.filter(code="revenue-month-non-negative").update(
        importance=Importance.ERROR
    )
    row = broken(**{"营业收入当月(万元)": -5})
    path = workbook(tmp_path / "负数.xlsx", [row])
    response = post_file(client, path, write_token)
    assert response.status_code == 400
    # The upload page's preview of the same file.
    record = writing.upload_record(
        upload=SimpleUploadedFile(path.name, path.read_bytes()), user=users["stats"]
    )
    writing.preview(record)
    record.refresh_from_db()
    assert record.status == ImportStatus.REFUSED
    assert response.json()["errors"] == record.errors
    assert any("第 3 行" in m and "该指标不应为负数" in m for m in record.errors)
    assert response.json()["status"] == "refused"
    # The same row as JSON: the same message, for its own sheet row (rows[0] is row 2).
    as_json = post_json(client, IMPORTS, submission(row), write_token)
    assert as_json.status_code == 400
    assert as_json.json()["errors"] == [m.replace("第 3 行", "第 2 行") for m in record.errors]
    # Refused: it cannot be applied.
    refused = post_json(client, apply_url(as_json.json()["id"]), {}, write_token)
    assert refused.status_code == 409
    assert not november_figures().exists()


def test_warnings_are_flags_and_apply_needs_a_reason(before_november, bureau, write_token, client):
    response = post_json(
        client, IMPORTS, submission(broken(**{"营业收入当月(万元)": -5})), write_token
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    flagged = {(f["test"], f["indicator"]) for f in body["flags"]}
    assert ("revenue-month-non-negative", "revenue-month") in flagged
    assert body["unconfirmed_flags"] == len(body["flags"]) > 0
    assert all(f["sheet_row"] == 2 and not f["confirmed"] for f in body["flags"])
    assert any("该指标不应为负数" in f["message"] for f in body["flags"])

    for reason in ({}, {"confirm_reason": "  "}):
        refused = post_json(client, apply_url(body["id"]), reason, write_token)
        assert refused.status_code == 400
        assert "需要核实" in refused.json()["detail"]
        assert len(refused.json()["flags"]) == len(body["flags"])
    assert not november_figures().exists()

    accepted = post_json(
        client, apply_url(body["id"]), {"confirm_reason": "退货冲减，已与企业核实"}, write_token
    )
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["unconfirmed_flags"] == 0
    record = FigureImport.objects.get(pk=body["id"])
    assert set(record.flags.values_list("confirmation", "confirmed_by")) == {
        ("退货冲减，已与企业核实", bureau.service_user.pk)
    }
    assert november_figures().get(indicator__code="revenue-month").value == -5
    again = post_json(client, apply_url(body["id"]), {}, write_token)
    assert again.status_code == 409 and again.json()["detail"] == "该文件已经导入过。"


def test_apply_checks_the_file_again_as_the_page_does(before_november, write_token, client):
    """Between preview and apply the figures around the file may change (new findings to
    confirm), a rule may become an error (refused), or the file may be lost (410)."""
    first = post_json(client, IMPORTS, submission(good_row(2025, 11)), write_token).json()
    assert first["flags"] == []
    # October's running total is revised: November's no longer adds up.
    IndustryFigure.objects.filter(indicator__code="output-ytd", year=2025, month=10).update(
        value=F("value") * Decimal("1.1")
    )
    more = post_json(client, apply_url(first["id"]), {}, write_token)
    assert more.status_code == 400
    assert "预览之后相关数据已有变化" in more.json()["detail"]
    assert {f["test"] for f in more.json()["flags"]} == {"output-ytd-running"}
    assert not november_figures().exists()
    assert post_json(client, apply_url(first["id"]), {}, write_token).status_code == 400
    done = post_json(
        client, apply_url(first["id"]), {"confirm_reason": "10月累计已修订"}, write_token
    )
    assert done.status_code == 200 and november_figures().exists()

    row = broken(**{"营业收入当月(万元)": -5}, **{"月份": "2025-11"})
    second = post_json(client, IMPORTS, submission(row), write_token).json()
    assert second["status"] == "preview" and second["flags"]
    ValidationRule.objects.filter(code="revenue-month-non-negative").update(
        importance=Importance.ERROR
    )
    refused = post_json(client, apply_url(second["id"]), {"confirm_reason": "已核实"}, write_token)
    assert refused.status_code == 400
    assert refused.json()["status"] == "refused"
    assert any("该指标不应为负数" in m for m in refused.json()["errors"])
    assert FigureImport.objects.get(pk=second["id"]).status == ImportStatus.REFUSED

    third = post_json(client, IMPORTS, submission(good_row(2025, 11)), write_token).json()
    record = FigureImport.objects.get(pk=third["id"])
    record.file.storage.delete(record.file.name)
    gone = post_json(client, apply_url(record.pk), {"confirm_reason": "已核实"}, write_token)
    assert gone.status_code == 410 and "重新报送" in gone.json()["detail"]


def test_a_body_over_the_size_limit_is_refused_unread(stats_db, write_token, client, settings):
    settings.STATS_MAX_UPLOAD_BYTES = 100
    response = post_json(client, IMPORTS, submission(good_row(2025, 11)), write_token)
    assert response.status_code == 413
    assert not FigureImport.objects.exists()
    assert ApiCall.objects.get().status == 413


# --- tokens ---------------------------------------------------------------------------------


def test_a_missing_or_unknown_token_is_refused_with_401_and_recorded(stats_db, client):
    body = submission(good_row(2025, 11))
    missing = post_json(client, IMPORTS, body)
    assert missing.status_code == 401
    assert missing.json()["detail"].startswith("缺少令牌")
    assert missing["WWW-Authenticate"].startswith("Bearer")
    unknown = post_json(client, IMPORTS, body, "cp_00000000_guessed")
    assert (unknown.status_code, unknown.json()["detail"]) == (401, "令牌无效。")
    spaced = client.get(reverse("api:matrix"), HTTP_AUTHORIZATION="Bearer two parts")
    assert spaced.status_code == 401
    latin = client.get(reverse("api:matrix"), HTTP_AUTHORIZATION="Bearer caf\xe9")
    assert (latin.status_code, latin.json()["detail"]) == (401, "令牌无效。")
    assert list(ApiCall.objects.order_by("pk").values_list("token", "status", "error")) == [
        (None, 401, missing.json()["detail"]),
        (None, 401, "令牌无效。"),
        (None, 401, spaced.json()["detail"]),
        (None, 401, "令牌无效。"),
    ]
    assert not FigureImport.objects.exists()


def test_expired_and_revoked_tokens_are_refused_with_401(bureau, users, client, clock):
    plain = issue(bureau, by=users["admin"], days=1)
    token = ApiToken.objects.get()
    assert get(client, reverse("api:matrix"), plain).status_code == 200
    clock.set(timezone.now() + datetime.timedelta(days=2))
    expired = get(client, reverse("api:matrix"), plain)
    assert expired.status_code == 401 and "过期" in expired.json()["detail"]

    fresh = issue(bureau, by=users["admin"])
    assert get(client, reverse("api:matrix"), fresh).status_code == 200
    fresh_token = ApiToken.objects.exclude(pk=token.pk).get()
    assert services.api_token_revoke(token=fresh_token, user=users["admin"])
    assert not services.api_token_revoke(token=fresh_token, user=users["admin"])  # once
    revoked = get(client, reverse("api:matrix"), fresh)
    assert revoked.status_code == 401 and "吊销" in revoked.json()["detail"]
    # Refused calls are recorded against the token they presented.
    assert list(ApiCall.objects.order_by("pk").values_list("token", "status")) == [
        (token.pk, 200),
        (token.pk, 401),
        (fresh_token.pk, 200),
        (fresh_token.pk, 401),
    ]
    fresh_token.refresh_from_db()
    assert fresh_token.revoked_by == users["admin"] and fresh_token.last_used_at is not None


def test_a_token_is_issued_for_a_known_scope_and_a_future_expiry(bureau, users):
    with pytest.raises(ValueError):
        services.api_token_issue(
            client=bureau, scope="admin", expires_at=timezone.now(), created_by=users["admin"]
        )
    with pytest.raises(ValidationError, match="有效期须在今后"):
        issue(bureau, by=users["admin"], days=-1)
    assert not ApiToken.objects.exists()


def test_a_deactivated_client_is_refused(bureau, write_token, client):
    bureau.is_active = False
    services.api_client_update(client=bureau)
    assert not bureau.service_user.is_active
    response = get(client, reverse("api:matrix"), write_token)
    assert response.status_code == 401 and "停用" in response.json()["detail"]


def test_a_read_only_token_cannot_submit(before_november, read_token, client, tmp_path):
    imports = FigureImport.objects.count()
    response = post_json(client, IMPORTS, submission(good_row(2025, 11)), read_token)
    assert response.status_code == 403
    assert "只能读取" in response.json()["detail"]
    path = workbook(tmp_path / "11月.xlsx", [good_row(2025, 11)])
    assert post_file(client, path, read_token).status_code == 403
    assert FigureImport.objects.count() == imports
    assert get(client, reverse("api:matrix"), read_token).status_code == 200
    assert list(ApiCall.objects.values_list("status", flat=True).order_by("pk")) == [403, 403, 200]


def test_a_portal_session_does_not_open_the_api(stats_db, users, client):
    """Token only: a signed-in statistics clerk's session is not a credential here (and so no
    cross-site request can use it)."""
    client.force_login(users["stats"])
    assert post_json(client, IMPORTS, submission(good_row(2025, 11))).status_code == 401
    assert client.get(reverse("api:matrix")).status_code == 401


def test_a_client_sees_only_its_own_imports(before_november, users, write_token, client):
    other = services.api_client_create(
        code="other", name="另一个系统", unit=Unit.objects.get(name="市统计局")
    )
    other_token = issue(other, by=users["admin"])
    theirs = post_json(client, IMPORTS, submission(good_row(2025, 11)), other_token).json()["id"]
    # And the upload page's imports are nobody's through the API.
    page = writing.upload_record(upload=SimpleUploadedFile("x.csv", b"a"), user=users["stats"])
    for pk in (theirs, page.pk):
        detail = get(client, reverse("api:statistics_import", args=[pk]), write_token)
        assert detail.status_code == 404
        assert detail.json()["detail"] == "没有这个导入（或它不是本系统报送的）。"
        applied = post_json(client, apply_url(pk), {"confirm_reason": "x"}, write_token)
        assert applied.status_code == 404
    assert not november_figures().exists()
    assert (
        get(client, reverse("api:statistics_import", args=[theirs]), other_token).status_code == 200
    )


def test_calls_from_one_address_are_limited(stats_db, read_token, client, monkeypatch):
    monkeypatch.setattr(AddressRateThrottle, "THROTTLE_RATES", {"api_address": "3/minute"})
    answers = [get(client, reverse("api:indicators"), read_token).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    # Even without a token: guessing is limited before any token is looked at.
    assert get(client, reverse("api:indicators"), "cp_guess").status_code == 429
    assert ApiCall.objects.filter(status=429).count() == 2


# --- the read-only endpoints ------------------------------------------------------------------


def test_the_matrix_and_the_indicators(stats_db, read_token, client):
    matrix = get(client, reverse("api:matrix"), read_token)
    assert matrix.status_code == 200
    industries = {row["name"]: row for row in matrix.json()}
    assert len(industries) == Industry.objects.count() == 14
    electronics = industries[ELECTRONICS]
    assert electronics["category"] == "pillar"
    assert "市工信局" in electronics["lead_units"] and electronics["lead_officials"]
    assert "思明区" in electronics["responsible_units"]
    indicators = get(client, reverse("api:indicators"), read_token).json()
    assert [i["code"] for i in indicators][:2] == ["output-month", "output-ytd"]
    assert indicators[0] == {
        "code": "output-month",
        "name": "工业总产值",
        "name_en": "Gross industrial output",
        "unit": "万元",
        "period": "month",
        "is_active": True,
    }


def test_current_figures_filtered_and_paged(before_november, read_token, client):
    url = reverse("api:figures")
    response = get(client, url, read_token, industry="electronic-information", year=2025, month=10)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["count"] == 4
    output_of_october = output(2025, 10)
    october = next(r for r in body["results"] if r["indicator"] == "output-month")
    assert october["value"] == output_of_october
    assert (october["industry_name"], october["district"], october["unit"]) == (
        ELECTRONICS,
        None,
        "万元",
    )
    everything = get(client, url, read_token).json()
    assert everything["count"] == 24 * 4 and len(everything["results"]) == 96
    bad = get(client, url, read_token, industry="no-such", month=13)
    assert bad.status_code == 400
    assert get(client, url, read_token, industry="no-such").json()["errors"] == [
        "未知产业代码「no-such」（产业见 /api/v1/matrix/）。"
    ]


def more_history(months: int) -> None:
    """Figures for every industry and district of `months` months, current."""
    source = FigureImport.objects.first()
    districts = list(Unit.objects.filter(kind="district"))
    indicator = source.industry_figures.first().indicator
    IndustryFigure.objects.bulk_create(
        IndustryFigure(
            source=source,
            indicator=indicator,
            industry=industry,
            district=district,
            year=2024,
            month=month,
            value=Decimal(1),
        )
        for industry in Industry.objects.all()
        for district in districts
        for month in range(1, months + 1)
    )


@pytest.mark.parametrize("name", ["api:matrix", "api:indicators", "api:figures"])
def test_the_lists_answer_in_a_bounded_number_of_queries(
    name, before_november, read_token, client, django_assert_max_num_queries
):
    # The token (with its client and account), its last use, the list and its count, the call.
    with django_assert_max_num_queries(8):
        assert get(client, reverse(name), read_token).status_code == 200
    more_history(12)
    with django_assert_max_num_queries(8):
        assert get(client, reverse(name), read_token).status_code == 200


# --- the schema, the docs and the admin ---------------------------------------------------------


def test_the_schema_validates(db, tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text(encoding="utf-8")
    for path in (
        "/api/v1/statistics/imports/:",
        "/api/v1/statistics/imports/{id}/apply/:",
        "/api/v1/matrix/:",
        "/api/v1/figures/:",
    ):
        assert path in text
    assert "bearer" in text and "multipart/form-data" in text


def test_the_schema_needs_a_token_or_a_portal_login(stats_db, users, read_token, client):
    url = reverse("api:schema")
    assert client.get(url).status_code == 401
    with_token = get(client, url, read_token, format="json")
    assert with_token.status_code == 200
    assert "/api/v1/statistics/imports/" in with_token.json()["paths"]
    assert ApiCall.objects.filter(path__startswith=url).count() == 2
    client.force_login(users["gxj"])
    assert client.get(url, {"format": "json"}).status_code == 200
    assert ApiCall.objects.filter(path__startswith=url).count() == 2  # the docs page's read


def test_the_docs_page_loads_nothing_from_elsewhere_and_nothing_inline(stats_db, users, client):
    url = reverse("api:docs")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(users["gxj"])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<style" not in html and "<script>" not in html
    assert "http://" not in html and "https://" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "script-src 'self'" in page["Content-Security-Policy"]
    script = client.get(url, {"script": ""})
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert reverse("api:schema") in script.content.decode()


def test_an_administrator_issues_a_token_seen_once_and_revokes_it(bureau, users, client):
    client.force_login(users["admin"])
    expires = timezone.localtime() + datetime.timedelta(days=90)
    response = client.post(
        reverse("admin:chains_apitoken_add"),
        {
            "client": bureau.pk,
            "scope": TokenScope.READ,
            "expires_at_0": expires.strftime("%Y-%m-%d"),
            "expires_at_1": expires.strftime("%H:%M:%S"),
            "note": "数据平台正式环境",
        },
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    token = ApiToken.objects.get()
    html = response.content.decode()
    plain = html.split('<code id="issued-token">')[1].split("</code>")[0]
    assert plain.startswith(token.prefix) and token.key_hash == services.token_hash(plain)
    assert plain not in json.dumps(list(ApiToken.objects.values()), default=str)
    assert "no-store" in response["Cache-Control"]
    assert (token.created_by, token.scope) == (users["admin"], TokenScope.READ)
    # Never shown again.
    assert (
        plain
        not in client.get(reverse("admin:chains_apitoken_change", args=[token.pk])).content.decode()
    )
    assert get(client, reverse("api:matrix"), plain).status_code == 200

    client.post(
        reverse("admin:chains_apitoken_changelist"),
        {"action": "revoke_tokens", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == users["admin"]
    assert get(client, reverse("api:matrix"), plain).status_code == 401
    # Never deleted.
    assert client.get(reverse("admin:chains_apitoken_delete", args=[token.pk])).status_code == 403
    assert client.get(reverse("admin:chains_apicall_changelist")).status_code == 200


def test_a_client_gets_a_service_account_that_cannot_sign_in(users, client):
    client.force_login(users["admin"])
    response = client.post(
        reverse("admin:chains_apiclient_add"),
        {
            "code": "tjj",
            "name": "市统计局报送系统",
            "unit": Unit.objects.get(name="市统计局").pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    account = Unit.objects.get(name="市统计局").staff.get(username="api-tjj")
    assert account.role == "statistics" and not account.has_usable_password()
    assert account.api_client.name == "市统计局报送系统"
    assert account.display_name == "接口：市统计局报送系统"
