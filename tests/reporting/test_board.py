"""The supervision board (督办看板) on items of every kind: waiting for 签收, in progress,
reported on time and late, closed on time and late, cancelled, merged, chased and overdue.
Its counts, each unit's on-time closure rate, its filters, its export and its query count."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from chains.models import Industry, Unit
from reporting.models import ActionItem
from reporting.supervision import board, chasing
from reporting.supervision import services as supervision

D = datetime.date
TODAY = D(2025, 10, 20)


@pytest.fixture
def items(users, clock, make_user):
    """Assigned on 9 October by the DRC; the board is read on 20 October."""
    jtj = make_user("jtj", unit="市交通局")
    drc, swj = users["drc"], users["swj"]
    commerce = Industry.objects.get(code="commerce-logistics")
    electronics = Industry.objects.get(code="electronic-information")

    def item(decision, deadline, unit="市商务局", industry=commerce):
        return supervision.action_assign(
            industry=industry,
            decision=decision,
            unit=Unit.objects.get(name=unit),
            deadline=deadline,
            user=drc,
        )

    made = {
        "waiting": item('=HYPERLINK("http://x")待签收', D(2025, 10, 31)),
        "overdue": item("逾期未办", D(2025, 10, 15)),
        "reported_on_time": item("按期反馈待复核", D(2025, 10, 15)),
        "reported_late": item("逾期后反馈", D(2025, 10, 13)),
        "closed_on_time": item("按期办结", D(2025, 10, 31)),
        "closed_late": item("逾期办结", D(2025, 10, 14)),
        "cancelled": item("已撤销", D(2025, 10, 31)),
        "merged": item("重复事项", D(2025, 10, 31)),
        "other_unit": item("市交通局的事项", D(2025, 10, 31), unit="市交通局"),
        "other_industry": item("电子信息的事项", D(2025, 10, 16), "市工信局", electronics),
    }
    for key in ("overdue", "reported_on_time", "reported_late", "closed_on_time", "closed_late"):
        supervision.action_acknowledge(action=made[key], user=swj)
    clock.set(datetime.datetime(2025, 10, 14, 10))
    for key in ("reported_on_time", "closed_on_time"):
        supervision.action_report(action=made[key], user=swj, evidence="已办")
    supervision.action_review(action=made["closed_on_time"], user=drc, accept=True)
    clock.set(datetime.datetime(2025, 10, 16, 10))
    for key in ("reported_late", "closed_late"):
        supervision.action_report(action=made[key], user=swj, evidence="已办")
    supervision.action_review(action=made["closed_late"], user=drc, accept=True)
    supervision.action_cancel(action=made["cancelled"], user=drc, reason="另行安排")
    supervision.action_merge(action=made["merged"], into=made["waiting"], user=drc)
    chasing.chase_due(D(2025, 10, 16))  # 签收 chases and the overdue ones
    clock.set(datetime.datetime(2025, 10, 20, 10))
    supervision.action_acknowledge(action=made["other_unit"], user=jtj)
    return made


def test_the_counts_on_every_kind_of_item(items):
    found = board.items(board.Filters(), TODAY)
    totals = board.totals(found, TODAY)
    assert totals == {
        "total": 10,
        "open": 6,  # waiting, overdue, the two reported, other unit, other industry
        "assigned": 2,  # waiting, other industry
        "in_progress": 2,
        "reported": 2,
        "overdue": 3,  # overdue, reported late, other industry (not: reported on time)
        "chased": 4,  # 16 October: overdue 签收 of two, the overdue and the reported-late one
        "closed": 2,
        "closed_on_time": 1,
        "on_time_rate": 50.0,
    }
    units = {row["name"]: row for row in board.by("unit", found, TODAY)}
    assert (units["市商务局"]["total"], units["市商务局"]["on_time_rate"]) == (8, 50.0)
    assert (units["市交通局"]["open"], units["市交通局"]["on_time_rate"]) == (1, None)
    officials = {row["name"]: row["total"] for row in board.by("official", found, TODAY)}
    # 商贸物流 has three lead officials, 电子信息 one (黄晓舟 leads both)
    assert officials == {"黄晓舟": 10, "黄燕添": 9, "庄荣良": 9}


def test_the_chased_and_overdue_numbers_agree_with_the_items(items):
    overdue = board.items(board.Filters(overdue=True), TODAY)
    assert set(overdue.values_list("decision", flat=True)) == {
        "逾期未办",
        "逾期后反馈",
        "电子信息的事项",
    }
    chased = set(board.items(board.Filters(chased=True), TODAY).values_list("pk", flat=True))
    assert chased == set(
        ActionItem.objects.filter(chases__isnull=False).values_list("pk", flat=True)
    )


def test_the_assessment_counts_overdue_items_as_the_board_does(items):
    from reporting.assessment import scoring

    assert scoring.overdue_q is board.overdue_q


@pytest.mark.parametrize(
    "query,expected",
    [
        ({"state": "reported"}, {"按期反馈待复核", "逾期后反馈"}),
        ({"state": "ended"}, {"已撤销", "重复事项"}),
        ({"unit": "jtj"}, {"市交通局的事项"}),
        ({"industry": "electronic-information"}, {"电子信息的事项"}),
        ({"official": "lihuiyue"}, set()),
        (
            {"state": "open", "overdue": "1", "industry": "commerce-logistics"},
            {"逾期未办", "逾期后反馈"},
        ),
    ],
)
def test_the_filters_stay_in_the_url(items, users, client, query, expected):
    client.force_login(users["drc"])
    page = client.get(reverse("reporting:board"), query)
    assert page.status_code == 200
    shown = {a.decision for a, _light in page.context["rows"]}
    assert shown == expected
    if expected:
        assert "&amp;page=" not in page.content.decode() or "page" not in query


def test_the_export_holds_the_filtered_items_escaped_and_the_units_rates(items, users, client):
    client.force_login(users["drc"])
    response = client.get(reverse("reporting:board"), {"unit": "swj", "format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book["督办事项"].values)
    assert len(rows) == 1 + 8 and rows[0][:3] == ("编号", "事项", "来源")
    decisions = {row[1]: row for row in rows[1:]}
    assert '\'=HYPERLINK("http://x")待签收' in decisions  # a formula stays text
    assert decisions["逾期后反馈"][9] == "是" and decisions["按期反馈待复核"][9] is None
    units = list(book["各单位办结情况"].values)
    assert units[1][0] == "市商务局" and units[1][-1] == 50.0


def test_the_board_takes_the_same_queries_however_many_items(
    items, users, client, django_assert_num_queries
):
    client.force_login(users["drc"])
    url = reverse("reporting:board")
    client.get(url)
    with django_assert_num_queries(QUERIES) as few:
        client.get(url)
    for n in range(30):
        supervision.action_assign(
            industry=Industry.objects.get(code="commerce-logistics"),
            decision=f"追加事项{n}",
            unit=Unit.objects.get(name="市交通局"),
            deadline=D(2025, 11, 30),
            user=users["drc"],
        )
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


# the user; the items' count; totals, by unit, by industry, by official; the page of items; the
# header (the user's unit, unread notices, the menus' industries, units and officials of the
# filters); the session is read from the cache and not written (at most once a minute), and the
# working-day calendar is the process's, read once (both since issue 20)
QUERIES = 12  # the DRC's menu asks nothing about leads: it reads every one
