"""A supervised item's life (交办 → 签收 → 办理 → 反馈 → 复核 → 办结) at the service level: who
may take each step, in which state, who is told, what the history keeps; problems handled
without a meeting (assigned, linked, resolved); duplicates merged and items cancelled."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Notification
from chains.models import Industry, Unit
from reporting.choices import ActionStatus, ProblemStatus
from reporting.models import ActionFile, ActionItem, Problem
from reporting.supervision import selectors
from reporting.supervision import services as supervision
from reporting.updates import services
from tests.reporting.conftest import content

DEADLINE = datetime.date(2025, 11, 28)


@pytest.fixture
def problems(users, september, clock):
    """Two open problems in 市商务局's September update of 商贸物流."""
    update = services.update_start(
        industry=Industry.objects.get(code="commerce-logistics"),
        unit=Unit.objects.get(name="市商务局"),
        period=september,
        user=users["swj"],
    )
    update = services.update_save(
        update=update,
        content=services.UpdateContent(
            fields=content().fields,
            problems=[
                {"description": "冷链物流园用地未落实", "type": "land", "concerned": ""},
                {"description": "冷链园区用地指标不足", "type": "land", "concerned": ""},
            ],
        ),
        expected_version=update.version,
        user=users["swj"],
    )
    return list(update.problems.order_by("position"))


@pytest.fixture
def jtj(make_user):
    return make_user("jtj", unit="市交通局")


@pytest.fixture
def haicang(make_user):
    return make_user("haicang", unit="海沧区")


def assign(problem, drc, **changes):
    return supervision.action_assign(
        **{
            "industry": problem.update.industry,
            "decision": "市交通局牵头落实冷链物流园用地",
            "unit": Unit.objects.get(name="市交通局"),
            "co_units": [Unit.objects.get(name="海沧区")],
            "deadline": DEADLINE,
            "user": drc,
            "problem": problem,
        }
        | changes
    )


def told(user) -> list[str]:
    return list(
        Notification.objects.filter(user=user).order_by("id").values_list("text", flat=True)
    )


def pdf(name="佐证.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 evidence")


def test_each_step_is_told_to_whom_it_concerns(
    problems, users, jtj, haicang, django_capture_on_commit_callbacks
):
    drc = users["drc"]
    with django_capture_on_commit_callbacks(execute=True):
        item = assign(problems[0], drc)
    assert item.status == ActionStatus.ASSIGNED and item.source == "problem"
    assert Problem.objects.get(pk=problems[0].pk).status == ProblemStatus.ASSIGNED
    assert "请主办单位签收" in told(jtj)[-1] and "市交通局主办，海沧区协办" in told(haicang)[-1]
    assert told(drc) == []

    with django_capture_on_commit_callbacks(execute=True):
        supervision.action_acknowledge(action=item, user=jtj)
    assert told(drc)[-1].startswith("市交通局已签收")
    with django_capture_on_commit_callbacks(execute=True):
        supervision.action_contribute(action=item, user=haicang, text="已踏勘", files=[pdf()])
    assert "海沧区（协办）" in told(jtj)[-1]
    with django_capture_on_commit_callbacks(execute=True):
        supervision.action_report(action=item, user=jtj, evidence="已纳入供地计划", files=[pdf()])
    assert "请复核" in told(drc)[-1]
    with django_capture_on_commit_callbacks(execute=True):
        supervision.action_review(action=item, user=drc, accept=False, reason="请补批复文号")
    assert "请补批复文号" in told(jtj)[-1] and len(told(haicang)) == 1  # the co-unit not
    with django_capture_on_commit_callbacks(execute=True):
        supervision.action_report(action=item, user=jtj, evidence="厦府〔2025〕12号")
        supervision.action_review(action=item, user=drc, accept=True)
    assert "已办结" in told(jtj)[-1] and "已办结" in told(haicang)[-1]

    item.refresh_from_db()
    assert item.status == ActionStatus.CLOSED and item.acknowledged_at and item.closed_at
    assert Problem.objects.get(pk=problems[0].pk).status == ProblemStatus.RESOLVED
    kinds = list(item.events.order_by("id").values_list("kind", flat=True))
    assert kinds == [
        "created",
        "acknowledged",
        "co_input",
        "reported",
        "returned",
        "reported",
        "closed",
    ]
    files = ActionFile.objects.filter(action=item).select_related("event")
    assert [(f.event.kind, f.name, f.uploaded_by) for f in files] == [
        ("co_input", "佐证.pdf", haicang),
        ("reported", "佐证.pdf", jtj),
    ]


def test_a_rolled_back_step_tells_nobody(problems, users, jtj, django_capture_on_commit_callbacks):
    item = assign(problems[0], users["drc"])
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        supervision.action_report(action=item, user=jtj, evidence="x")  # not yet acknowledged
    assert told(users["drc"]) == []


@pytest.mark.parametrize(
    "step,state",
    [
        ("acknowledge", ActionStatus.IN_PROGRESS),  # twice
        ("progress", ActionStatus.ASSIGNED),  # before 签收
        ("report", ActionStatus.ASSIGNED),
        ("report", ActionStatus.REPORTED),  # twice
        ("review", ActionStatus.IN_PROGRESS),  # nothing reported
        ("review", ActionStatus.CLOSED),
        ("contribute", ActionStatus.REPORTED),
        ("cancel", ActionStatus.CLOSED),
        ("extend", ActionStatus.REPORTED),
    ],
)
def test_a_step_out_of_turn_is_refused_in_chinese(problems, users, jtj, haicang, step, state):
    """A stale page (someone moved the item on) gets a clear refusal, and nothing changes."""
    item = assign(problems[0], users["drc"])
    ActionItem.objects.filter(pk=item.pk).update(status=state)
    events = item.events.count()
    calls = {
        "acknowledge": lambda: supervision.action_acknowledge(action=item, user=jtj),
        "progress": lambda: supervision.action_progress(action=item, user=jtj, text="进展"),
        "report": lambda: supervision.action_report(action=item, user=jtj, evidence="已办"),
        "review": lambda: supervision.action_review(action=item, user=users["drc"], accept=True),
        "contribute": lambda: supervision.action_contribute(action=item, user=haicang, text="x"),
        "cancel": lambda: supervision.action_cancel(action=item, user=users["drc"], reason="x"),
        "extend": lambda: supervision.action_request_extension(
            action=item, user=jtj, until=DEADLINE + datetime.timedelta(days=9), reason="x"
        ),
    }
    with pytest.raises(ValidationError, match="不能进行此操作"):
        calls[step]()
    assert ActionItem.objects.get(pk=item.pk).status == state
    assert item.events.count() == events


def test_an_extension_is_asked_for_then_granted_or_refused(
    problems, users, jtj, django_capture_on_commit_callbacks
):
    drc = users["drc"]
    item = assign(problems[0], drc)
    later = DEADLINE + datetime.timedelta(days=14)
    with django_capture_on_commit_callbacks(execute=True):
        supervision.action_request_extension(
            action=item, user=jtj, until=later, reason="待省厅批复"
        )
    assert "申请将期限延至 2025-12-12" in told(drc)[-1]
    with pytest.raises(ValidationError, match="已有待批复"):
        supervision.action_request_extension(action=item, user=jtj, until=later, reason="再申请")
    with pytest.raises(ValidationError, match="须说明理由"):
        supervision.action_decide_extension(action=item, user=drc, grant=False)
    with django_capture_on_commit_callbacks(execute=True):
        supervision.action_decide_extension(action=item, user=drc, grant=False, reason="不宜延期")
    item.refresh_from_db()
    assert (item.deadline, item.requested_deadline) == (DEADLINE, None)
    assert "未同意（不宜延期）" in told(jtj)[-1]
    supervision.action_request_extension(action=item, user=jtj, until=later, reason="确需延期")
    with django_capture_on_commit_callbacks(execute=True):
        supervision.action_decide_extension(action=item, user=drc, grant=True)
    item.refresh_from_db()
    assert (item.deadline, item.requested_deadline) == (later, None)
    assert "新期限 2025-12-12" in told(jtj)[-1]
    assert list(item.events.values_list("kind", flat=True)) == [
        "created",
        "extension_requested",
        "extension_refused",
        "extension_requested",
        "extension_granted",
    ]


def test_a_duplicate_is_merged_and_its_problem_follows(problems, users, jtj):
    drc = users["drc"]
    first = assign(problems[0], drc)
    second = assign(problems[1], drc, decision="落实冷链园区用地指标")
    supervision.action_merge(action=second, into=first, user=drc, reason="同一地块")
    second.refresh_from_db()
    assert second.status == ActionStatus.MERGED and second.merged_into == first
    assert second.closed_at is not None
    assert first.events.last().kind == "merged_in" and second.events.last().kind == "merged"
    with pytest.raises(ValidationError):  # a merged item takes no more steps
        supervision.action_acknowledge(action=second, user=jtj)
    # Closing the item that carried on resolves both problems.
    supervision.action_acknowledge(action=first, user=jtj)
    supervision.action_report(action=first, user=jtj, evidence="已落实")
    supervision.action_review(action=first, user=drc, accept=True)
    assert set(Problem.objects.values_list("status", flat=True)) == {ProblemStatus.RESOLVED}


def test_merging_across_industries_is_refused(problems, users):
    drc = users["drc"]
    item = assign(problems[0], drc)
    other = supervision.action_assign(
        industry=Industry.objects.get(code="electronic-information"),
        decision="另一产业的事项",
        unit=Unit.objects.get(name="市工信局"),
        deadline=DEADLINE,
        user=drc,
    )
    with pytest.raises(ValidationError, match="同一产业"):
        supervision.action_merge(action=item, into=other, user=drc)
    assert ActionItem.objects.get(pk=item.pk).status == ActionStatus.ASSIGNED


def test_a_cancelled_item_leaves_its_problem_open_and_the_lists(problems, users, jtj):
    item = assign(problems[0], users["drc"])
    with pytest.raises(ValidationError, match="撤销须说明理由"):
        supervision.action_cancel(action=item, user=users["drc"], reason=" ")
    supervision.action_cancel(action=item, user=users["drc"], reason="已由其他渠道解决")
    item.refresh_from_db()
    assert item.status == ActionStatus.CANCELLED and not item.is_open
    # nothing was closed (办结): not resolved, but open again for the DRC to assign anew
    assert Problem.objects.get(pk=problems[0].pk).status == ProblemStatus.OPEN  # the DRC's again
    assert selectors.unit_actions(jtj, datetime.date(2025, 10, 9)) == []


def test_the_drc_resolves_or_links_a_problem_without_a_meeting(problems, users, jtj):
    drc = users["drc"]
    first, second = problems
    item = assign(first, drc)
    with pytest.raises(ValidationError, match="未办结的督办事项"):
        supervision.problem_resolve(problem=first, user=drc, note="已解决")
    supervision.problem_link(problem=second, action=item, user=drc)
    assert Problem.objects.get(pk=second.pk).status == ProblemStatus.ASSIGNED
    assert item.events.last().kind == "linked"
    supervision.action_acknowledge(action=item, user=jtj)
    supervision.action_report(action=item, user=jtj, evidence="已落实")
    supervision.action_review(action=item, user=drc, accept=True)
    assert Problem.objects.get(pk=second.pk).status == ProblemStatus.RESOLVED

    third = Problem.objects.create(update=first.update, description="冷库用电", type="energy")
    with pytest.raises(ValidationError, match="说明问题的解决情况"):
        supervision.problem_resolve(problem=third, user=drc, note="")
    supervision.problem_resolve(problem=third, user=drc, note="供电公司已增容")
    third.refresh_from_db()
    assert (third.status, third.resolution, third.resolved_by) == (
        ProblemStatus.RESOLVED,
        "供电公司已增容",
        drc,
    )
    with pytest.raises(ValidationError, match="已解决"):
        assign(third, drc)


def test_a_problem_is_assigned_once(problems, users):
    assign(problems[0], users["drc"])
    with pytest.raises(ValidationError, match="已交办"):
        assign(problems[0], users["drc"])
    assert ActionItem.objects.count() == 1


def test_a_file_that_is_not_what_it_says_is_refused_and_the_step_with_it(problems, users, jtj):
    item = assign(problems[0], users["drc"])
    supervision.action_acknowledge(action=item, user=jtj)
    fake = SimpleUploadedFile("批复.pdf", b"MZ\x90\x00 an executable")
    with pytest.raises(ValidationError):
        supervision.action_report(action=item, user=jtj, evidence="已办结", files=[fake])
    item.refresh_from_db()
    assert item.status == ActionStatus.IN_PROGRESS and not ActionFile.objects.exists()
    with pytest.raises(ValidationError, match="最多上传 10 个"):
        supervision.action_progress(
            action=item, user=jtj, text="进展", files=[pdf(f"{n}.pdf") for n in range(11)]
        )


def test_the_co_unit_sees_the_item_on_its_due_list_and_the_host_its_part(
    problems, users, jtj, haicang
):
    item = assign(problems[0], users["drc"])
    today = datetime.date(2025, 10, 9)
    assert [a.pk for a, _light in selectors.unit_actions(haicang, today)] == [item.pk]
    assert [a.pk for a, _light in selectors.unit_actions(jtj, today)] == [item.pk]
    assert selectors.hosted_in_progress(jtj, today) == []  # not yet acknowledged
    supervision.action_acknowledge(action=item, user=jtj)
    assert [a.pk for a, _l in selectors.hosted_in_progress(jtj, today)] == [item.pk]
    assert selectors.hosted_in_progress(haicang, today) == []


def test_the_item_page_shows_each_party_its_own_step(problems, users, jtj, haicang, client):
    from django.urls import reverse

    item = assign(problems[0], users["drc"])
    url = reverse("reporting:action", args=[item.pk])
    forms = {
        "jtj": ('id="host-step"', True),
        "haicang": ('id="co-step"', True),
        "drc": ('id="review-step"', True),
        "swj": ('id="host-step"', False),  # the lead unit of the industry only reads
    }
    people = {"jtj": jtj, "haicang": haicang, "drc": users["drc"], "swj": users["swj"]}
    for who, (marker, shown) in forms.items():
        client.force_login(people[who])
        html = client.get(url).content.decode()
        assert (marker in html) == shown, who
        assert ('id="review-step"' in html) == (who == "drc"), who


def test_the_item_page_takes_the_same_queries_however_long_its_history(
    problems, users, jtj, haicang, client, django_assert_num_queries
):
    from django.urls import reverse

    from reporting.supervision import chasing

    item = assign(problems[0], users["drc"])
    url = reverse("reporting:action", args=[item.pk])
    client.force_login(users["drc"])
    client.get(url)
    with django_assert_num_queries(ITEM_PAGE_QUERIES) as few:
        assert client.get(url).status_code == 200
    supervision.action_acknowledge(action=item, user=jtj)
    for n in range(5):
        supervision.action_progress(action=item, user=jtj, text=f"进展{n}", files=[pdf(), pdf()])
        supervision.action_contribute(action=item, user=haicang, text=f"协办{n}", files=[pdf()])
        chasing.chase_by_hand(action=item, user=users["drc"], text=f"催办{n}")
    supervision.problem_link(problem=problems[1], action=item, user=users["drc"])
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


# the user; the item (with its industry, meeting, unit, problem, merged-into); the viewer's part
# (co-unit?); co-units; history with actors, their files and units; problems; chases; the open
# items to merge into; its instructions (批示); its comments; the header's notices (the DRC's
# menu asks nothing about leads: it reads every one); the session is read from the cache and not
# written (at most once a minute), and the working-day calendar is the process's, read once
ITEM_PAGE_QUERIES = 13


def test_the_problem_list_filters_pages_and_exports(problems, users, client, make_user):
    import io

    import openpyxl
    from django.urls import reverse

    first, second = problems
    Problem.objects.filter(pk=second.pk).update(description="=HYPERLINK(1)", type="energy")
    assign(first, users["drc"])
    for n in range(55):
        Problem.objects.create(update=first.update, description=f"问题{n}", type="talent")
    client.force_login(users["drc"])
    url = reverse("reporting:problems")
    page = client.get(url, {"type": "talent"})
    assert page.context["page"].paginator.count == 55 and len(page.context["page"]) == 50
    assert "type=talent&amp;page=2" in page.content.decode()
    shown = client.get(url, {"status": "assigned", "industry": "commerce-logistics"})
    assert [p.pk for p in shown.context["page"]] == [first.pk]
    assert client.get(url, {"age": "older"}).context["page"].paginator.count == 0  # September
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(url, {"type": "energy", "format": "xlsx"}).content)
    )
    rows = list(book.active.values)
    assert rows[0][:3] == ("月份", "产业", "提出单位") and rows[1][3] == "'=HYPERLINK(1)"
    client.force_login(users["gxj"])  # 电子信息 only
    assert client.get(url).context["page"].paginator.count == 0
