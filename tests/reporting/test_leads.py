"""Investment leads (招商线索): districts and lead units keep their own, 市招商办 sees and guides
all, an enterprise courted by two units is caught, and a signed lead enters the project
register."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.choices import Role
from accounts.models import Notification
from chains.models import Industry
from reporting.leads import services as leads
from reporting.leads.services import target_key
from reporting.models import InvestmentLead
from reporting.projects.access import can_change_project


@pytest.fixture
def zsb(make_user, matrix):
    return make_user("zsb", role=Role.INVESTMENT, unit="市招商办")


@pytest.fixture
def huli(make_user, matrix):
    return make_user("huli", unit="湖里区")


@pytest.fixture
def new_energy():
    return Industry.objects.get(code="new-energy")


@pytest.fixture
def lead(users, new_energy, clock):
    return leads.lead_add(
        user=users["siming"],
        target="宁德时代新能源科技股份有限公司",
        source="referral",
        industry=new_energy,
        expected_investment=Decimal("120"),
        next_step="12月赴宁德拜访",
    )


def test_a_district_records_its_lead_in_its_own_district(lead):
    assert (lead.unit.name, lead.district.name, lead.stage) == ("思明区", "思明区", "lead")
    assert lead.events.get().kind == "created"


def test_who_reads_a_lead(lead, users, zsb, huli, client):
    url = reverse("reporting:lead", args=[lead.pk])
    for user, status in (
        (users["siming"], 200),  # keeps it
        (zsb, 200),  # guides every lead
        (users["gxj"], 200),  # leads 新能源
        (users["drc"], 200),
        (huli, 403),  # another district
        (users["swj"], 403),  # a lead unit of another industry
    ):
        client.force_login(user)
        assert client.get(url).status_code == status, user


def test_names_are_compared_without_their_company_form():
    assert target_key("宁德时代新能源科技股份有限公司") == target_key("宁德时代 新能源科技（集团）")
    assert target_key("厦门天马微电子有限公司") != target_key("天马微电子")


def test_an_enterprise_courted_by_two_units_is_caught_and_the_office_told(
    lead, huli, zsb, new_energy, client
):
    second = leads.lead_add(
        user=huli, target="宁德时代 新能源科技（集团）", source="fair", industry=new_energy
    )
    notices = Notification.objects.filter(
        user=zsb, link=reverse("reporting:lead", args=[second.pk])
    )
    assert notices.get().text.startswith(
        "湖里区登记的招商线索“宁德时代 新能源科技（集团）”，思明区也在跟进"
    )
    client.force_login(zsb)
    listed = client.get(reverse("reporting:leads"), {"duplicates": "1"}).context["page"]
    assert {x.pk for x in listed} == {lead.pk, second.pk}
    page = client.get(reverse("reporting:lead", args=[lead.pk])).content.decode()
    assert "湖里区" in page and 'id="lead-duplicates"' in page


def test_the_office_guides_and_assigns_and_the_units_are_told(lead, zsb, huli, users):
    with pytest.raises(PermissionDenied):
        leads.lead_guide(lead=lead, user=users["siming"], text="自己指导自己")
    with pytest.raises(ValidationError, match="请填写指导意见"):
        leads.lead_guide(lead=lead, user=zsb, text=" ")
    guided = leads.lead_guide(lead=lead, user=zsb, text="请联合市工信局对接", unit=huli.unit)
    assert guided.unit == huli.unit
    kinds = list(guided.events.order_by("id").values_list("kind", "text"))
    assert kinds[1:] == [("assigned", "由思明区改为湖里区跟进"), ("guided", "请联合市工信局对接")]
    told = set(
        Notification.objects.filter(text="请联合市工信局对接").values_list(
            "user__username", flat=True
        )
    )
    assert told == {"siming", "huli"}


def test_signing_enters_the_register_and_the_district_follows_the_project(lead, users, zsb):
    with pytest.raises(ValidationError, match="不能从“线索”改为“落地”"):
        leads.lead_move(lead=lead, user=users["siming"], version=lead.version, stage="landed")
    talks = leads.lead_move(lead=lead, user=users["siming"], version=lead.version, stage="talks")
    signed = leads.lead_move(
        lead=talks, user=zsb, version=talks.version, stage="signed", text="签约仪式"
    )
    project = signed.project
    assert (project.name, project.stage, project.investor) == (
        "宁德时代新能源科技股份有限公司投资项目",
        "signed",
        "宁德时代新能源科技股份有限公司",
    )
    assert project.district.name == "思明区" and project.responsible_unit.name == "思明区"
    assert project.investment == Decimal("120.00") and project.signed_on == signed.signed_on
    assert can_change_project(users["siming"], project)
    # The district is told that 市招商办 moved its lead.
    assert Notification.objects.filter(user=users["siming"], text__contains="改为“已签约”").exists()
    with pytest.raises(ValidationError, match="请在项目库中将项目改为“终止”"):
        leads.lead_move(
            lead=signed, user=users["siming"], version=signed.version, stage="dropped", text="撤资"
        )
    with pytest.raises(ValidationError, match="已签约入库，不能移除"):
        leads.lead_remove(lead=signed, user=users["siming"], version=signed.version, reason="误录")


def test_dropping_needs_the_reason_and_removal_keeps_the_lead(lead, users):
    with pytest.raises(ValidationError, match="放弃线索时请写明原因"):
        leads.lead_move(lead=lead, user=users["siming"], version=lead.version, stage="dropped")
    dropped = leads.lead_move(
        lead=lead, user=users["siming"], version=lead.version, stage="dropped", text="企业转投他市"
    )
    assert dropped.drop_reason == "企业转投他市"
    removed = leads.lead_remove(
        lead=dropped, user=users["siming"], version=dropped.version, reason="误录"
    )
    assert InvestmentLead.objects.filter(pk=removed.pk, removed_at__isnull=False).exists()
    assert next(iter(removed.events.values_list("kind", flat=True))) == "removed"


def test_a_stale_change_is_refused_and_others_may_not_change(lead, users, huli):
    leads.lead_change(lead=lead, user=users["siming"], version=lead.version, next_step="改期")
    with pytest.raises(ValidationError, match="已被他人修改"):
        leads.lead_change(lead=lead, user=users["siming"], version=lead.version, next_step="旧")
    with pytest.raises(PermissionDenied):
        leads.lead_change(lead=lead, user=huli, version=lead.version + 1, next_step="不是我的")
    lead.refresh_from_db()
    assert lead.next_step == "改期"


def test_only_districts_lead_units_and_the_office_record_leads(users, new_energy):
    for who in ("kjj", "hyj"):  # 市海洋局 leads nothing; 市科技局 leads, so it may
        if who == "kjj":
            assert leads.lead_add(user=users[who], target="甲", source="other", industry=new_energy)
            continue
        with pytest.raises(PermissionDenied):
            leads.lead_add(user=users[who], target="甲", source="other", industry=new_energy)


def test_the_list_filters_pages_and_exports(
    lead, users, zsb, new_energy, client, django_assert_max_num_queries
):
    for n in range(52):
        leads.lead_add(user=users["siming"], target=f"企业{n}", source="visit", industry=new_energy)
    leads.lead_add(
        user=users["siming"], target="=HYPERLINK(1)", source="visit", industry=new_energy
    )
    client.force_login(zsb)
    url = reverse("reporting:leads")
    client.get(url)
    with django_assert_max_num_queries(15):
        page = client.get(url, {"stage": "lead", "district": "siming"})
    assert page.context["page"].paginator.count == 54 and len(page.context["page"]) == 50
    assert client.get(url, {"q": "宁德"}).context["page"].paginator.count == 1
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(url, {"q": "HYPER", "format": "xlsx"}).content)
    )
    rows = list(book.active.values)
    assert rows[0][0] == "目标企业" and rows[1][0] == "'=HYPERLINK(1)"
    client.force_login(users["swj"])  # 商贸物流's lead unit: none of these
    assert client.get(url).context["page"].paginator.count == 0


def test_a_districts_signed_leads_count_where_an_indicator_says_so(lead, users, huli, new_energy):
    from reporting.assessment.scoring import district_assessment
    from reporting.models import AssessmentIndicator

    AssessmentIndicator.objects.create(
        name="招商线索签约数", metric="leads_signed", weight=10, full_marks_at=4
    )
    talks = leads.lead_move(lead=lead, user=users["siming"], version=lead.version, stage="talks")
    leads.lead_move(lead=talks, user=users["siming"], version=talks.version, stage="signed")
    other = leads.lead_add(user=huli, target="乙企业", source="visit", industry=new_energy)
    leads.lead_move(lead=other, user=huli, version=other.version, stage="dropped", text="放弃")
    rows = {row.unit.name: row for row in district_assessment(year=2025, as_of_month=10)}
    scores = {
        row: next(s for s in rows[row].scores if s.indicator.metric == "leads_signed")
        for row in ("思明区", "湖里区")
    }
    assert scores["思明区"].measure.value == 1 and scores["思明区"].score == 25
    assert "招商线索签约 1 个" in scores["思明区"].measure.explanation
    assert scores["湖里区"].measure.value == 0


def test_the_report_carries_the_leads_signed_in_its_months(lead, users, zsb, clock):
    from reporting.periods import services as periods
    from reporting.reports import render
    from reporting.reports.gather import gather

    periods.period_get_or_create(2025, 10)
    talks = leads.lead_move(lead=lead, user=users["siming"], version=lead.version, stage="talks")
    leads.lead_move(lead=talks, user=zsb, version=talks.version, stage="signed")
    data = gather("monthly", 2025, 10)
    assert data["leads"]["signed"] == [
        {
            "target": "宁德时代新能源科技股份有限公司",
            "industry": "新能源产业",
            "unit": "思明区",
            "investment": "120.00",
            "signed_on": "2025-10-09",
        }
    ]
    assert {"label": "已签约", "count": 1, "investment": "120.00"} in data["leads"]["stages"]
    html = render.report_html(data)
    assert "精准招商" in html and "本期签约1个" in html
    assert gather("monthly", 2025, 9)["leads"]["signed"] == []
