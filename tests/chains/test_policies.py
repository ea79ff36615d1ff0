"""The industry policy register (一产业一政策): who may add, change, read and evaluate a policy,
what the register refuses, the averages of the latest evaluations, the industry page's section
and its query count."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from chains.models import Industry, Instrument, PolicyEvaluation, Unit
from chains.models import Policy as IndustryPolicy
from chains.policies import demo, selectors
from chains.policies import services as policies

ISSUED = datetime.date(2024, 3, 1)


@pytest.fixture
def ei(matrix):
    return Industry.objects.get(code="electronic-information")


def add(industry, user, title="厦门市加快电子信息产业发展若干措施", **fields):
    fields = {
        "issuer": Unit.objects.get(name="市工信局"),
        "issued_on": ISSUED,
        "instruments": [Instrument.FISCAL, Instrument.TALENT],
        "budget": Decimal("12000.50"),
        **fields,
    }
    return policies.policy_create(industry=industry, user=user, title=title, **fields)


def evaluate(policy, user, on, c, p, f, comment=""):
    return policies.policy_evaluate(
        policy=policy,
        user=user,
        evaluated_on=on,
        concentration=c,
        precision=p,
        fit=f,
        comment=comment,
    )


def form_data(**overrides):
    data = {
        "title": "集成电路产业扶持办法",
        "issuer": Unit.objects.get(name="市工信局").pk,
        "document_number": "厦工信规〔2024〕3号",
        "issued_on": "2024-03-01",
        "valid_from": "2024-04-01",
        "valid_until": "2027-03-31",
        "instruments": ["talent", "fiscal"],
        "budget": "5000",
        "summary": "对集成电路设计企业流片费用给予补助。",
    }
    data.update(overrides)
    return data


# --- services: who may write ---------------------------------------------------------------------


def test_the_lead_unit_adds_and_changes_its_industrys_policies(users, ei):
    policy = add(ei, users["gxj"], instruments=["talent", "fiscal", "talent"])
    assert policy.created_by == users["gxj"] and policy.industry == ei
    assert policy.instruments == ["fiscal", "talent"]  # the choices' order, each once
    assert policy.version == 1
    policy = policies.policy_update(
        policy=policy, user=users["gxj"], version=1, budget=Decimal(9000)
    )
    policy.refresh_from_db()
    assert policy.budget == Decimal(9000) and policy.industry == ei
    assert policy.version == 2  # a normal edit bumps the version


@pytest.mark.parametrize("who", ["swj", "siming", "drc", "stats", "leader_huang_yt", "admin"])
def test_no_one_else_adds_or_changes_an_industrys_policies(users, ei, who):
    with pytest.raises(PermissionDenied):
        add(ei, users[who])
    policy = add(ei, users["gxj"])
    with pytest.raises(PermissionDenied):
        policies.policy_update(policy=policy, user=users[who], version=1, title="改")
    policy.refresh_from_db()
    assert policy.title != "改"


def test_a_lead_unit_keeps_only_the_registers_it_files_for(users, matrix):
    commerce = Industry.objects.get(code="commerce-logistics")
    with pytest.raises(PermissionDenied):
        add(commerce, users["gxj"])
    assert add(commerce, users["swj"], issuer=Unit.objects.get(name="市商务局")).pk


def test_only_the_drc_evaluates(users, ei):
    policy = add(ei, users["gxj"])
    for who in ("gxj", "siming", "swj", "stats", "admin"):
        with pytest.raises(PermissionDenied):
            evaluate(policy, users[who], datetime.date(2024, 9, 1), 80, 80, 80)
    evaluation = evaluate(policy, users["drc"], datetime.date(2024, 9, 1), 80, 70, 90, " 良好 ")
    assert evaluation.evaluator == users["drc"] and evaluation.comment == "良好"
    assert evaluation.average == 80.0


# --- services: validation ------------------------------------------------------------------------


def test_a_policy_cannot_expire_before_it_comes_into_force(users, ei):
    with pytest.raises(ValidationError) as caught:
        add(ei, users["gxj"], valid_from=datetime.date(2025, 1, 1), valid_until=ISSUED)
    assert "valid_until" in caught.value.message_dict
    assert "2024-03-01" in caught.value.message_dict["valid_until"][0]
    assert not IndustryPolicy.objects.exists()
    policy = add(ei, users["gxj"], valid_from=ISSUED, valid_until=ISSUED)  # one day is fine
    with pytest.raises(ValidationError):
        policies.policy_update(
            policy=policy, user=users["gxj"], version=1, valid_until=datetime.date(2024, 2, 1)
        )
    policy.refresh_from_db()
    assert (policy.valid_until, policy.version) == (ISSUED, 1)


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"title": "   "}, "title"),
        ({"instruments": ["fiscal", "magic"]}, "instruments"),
        ({"budget": Decimal(-1)}, "budget"),
    ],
)
def test_the_register_refuses_bad_particulars(users, ei, fields, field):
    with pytest.raises(ValidationError) as caught:
        add(ei, users["gxj"], **fields)
    assert field in caught.value.message_dict


def test_a_policy_field_that_does_not_exist_is_a_programming_error(users, ei):
    with pytest.raises(TypeError):
        add(ei, users["gxj"], industry_id=1)


def test_evaluation_scores_and_dates_are_checked(users, ei):
    policy = add(ei, users["gxj"])
    drc = users["drc"]
    with pytest.raises(ValidationError) as caught:
        evaluate(policy, drc, datetime.date(2024, 9, 1), 101, -1, 50)
    assert {"concentration", "precision"} <= set(caught.value.message_dict)
    with pytest.raises(ValidationError) as caught:
        evaluate(policy, drc, ISSUED - datetime.timedelta(days=1), 50, 50, 50)
    assert "evaluated_on" in caught.value.message_dict
    with pytest.raises(ValidationError):
        evaluate(policy, drc, datetime.date.today() + datetime.timedelta(days=2), 50, 50, 50)
    assert not PolicyEvaluation.objects.exists()


# --- selectors -----------------------------------------------------------------------------------


def test_the_latest_evaluation_and_the_count_come_with_each_policy(users, ei):
    drc = users["drc"]
    first, second, never = add(ei, users["gxj"]), add(ei, users["gxj"]), add(ei, users["gxj"])
    evaluate(first, drc, datetime.date(2024, 6, 1), 60, 60, 60)
    latest = evaluate(first, drc, datetime.date(2024, 12, 1), 90, 80, 70)
    evaluate(first, drc, datetime.date(2024, 9, 1), 10, 10, 10)  # recorded late, dated earlier
    same_day = [evaluate(second, drc, datetime.date(2024, 6, 1), s, s, s) for s in (50, 70)]
    found = {p.pk: p for p in selectors.policies_for_industry(ei)}
    assert found[first.pk].latest_evaluation == latest and found[first.pk].evaluation_count == 3
    assert found[second.pk].latest_evaluation == same_day[-1]  # same date: the later record
    assert found[never.pk].latest_evaluation is None and found[never.pk].evaluation_count == 0


def test_summary_averages_the_latest_evaluation_of_each_policy(users, ei, matrix):
    drc, gxj = users["drc"], users["gxj"]
    a = add(ei, gxj, budget=Decimal("1000.25"))
    b = add(ei, gxj, budget=Decimal("3000"))
    add(ei, gxj, budget=None)  # neither evaluated nor budgeted: counted, not averaged
    evaluate(a, drc, datetime.date(2024, 6, 1), 10, 10, 10)  # superseded: does not count
    evaluate(a, drc, datetime.date(2024, 12, 1), 80, 70, 90)
    evaluate(b, drc, datetime.date(2024, 9, 1), 60, 91, 70)
    new_materials = Industry.objects.get(code="new-materials")
    other = add(new_materials, gxj, budget=Decimal(500))
    evaluate(other, drc, datetime.date(2024, 9, 1), 100, 100, 100)
    empty = Industry.objects.get(code="financial-services")

    summary = selectors.policy_summary([ei, empty, new_materials])
    assert [s.industry for s in summary] == [ei, empty, new_materials]
    ours = summary[0]
    assert (ours.policies, ours.budget, ours.evaluated) == (3, Decimal("4000.25"), 2)
    assert (ours.concentration, ours.precision, ours.fit) == (70.0, 80.5, 80.0)
    assert ours.average == round((70 + 80.5 + 80) / 3, 1) == 76.8
    assert (summary[1].policies, summary[1].budget, summary[1].average) == (0, 0, None)
    assert (summary[2].policies, summary[2].average) == (1, 100.0)


def test_summary_costs_two_queries_however_many_industries(
    users, matrix, django_assert_num_queries
):
    gxj, drc = users["gxj"], users["drc"]
    for industry in Industry.objects.filter(code__in=["electronic-information", "new-energy"]):
        for _ in range(3):
            evaluate(add(industry, gxj), drc, datetime.date(2024, 9, 1), 70, 70, 70)
    industries = list(Industry.objects.all())
    with django_assert_num_queries(2):
        summary = selectors.policy_summary(industries)
    assert len(summary) == 14 and sum(s.policies for s in summary) == 6


# --- pages ---------------------------------------------------------------------------------------


def test_the_lead_unit_adds_a_policy_with_checkboxes(users, client, ei):
    client.force_login(users["gxj"])
    url = reverse("chains:policy_new", args=[ei.code])
    html = client.get(url).content.decode()
    assert 'type="checkbox" name="instruments" value="fiscal"' in html
    response = client.post(url, form_data())
    policy = IndustryPolicy.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "chains:policy", args=[policy.pk]
    )
    assert policy.instruments == ["fiscal", "talent"] and policy.budget == Decimal(5000)
    assert policy.industry == ei and policy.created_by == users["gxj"]


def test_the_form_says_which_date_is_wrong(users, client, ei):
    client.force_login(users["gxj"])
    response = client.post(
        reverse("chains:policy_new", args=[ei.code]),
        form_data(valid_from="2025-01-01", valid_until="2024-12-31"),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["valid_until"]
    assert "2024-12-31" in errors["valid_until"][0] and "2025-01-01" in errors["valid_until"][0]
    assert not IndustryPolicy.objects.exists()
    # the rest of what was typed is kept
    assert "集成电路产业扶持办法" in response.content.decode()


def test_the_lead_unit_edits_and_others_are_refused(users, client, ei):
    policy = add(ei, users["gxj"])
    url = reverse("chains:policy_edit", args=[policy.pk])
    client.force_login(users["gxj"])
    html = client.get(url).content.decode()
    assert 'value="2024-03-01"' in html  # dates shown in the form the date input reads
    assert 'value="fiscal" id="id_instruments_0" checked' in html
    response = client.post(url, form_data(title="新标题", version=1))
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.title == "新标题" and policy.industry == ei and policy.version == 2
    for who, status in [("siming", 403), ("drc", 403), ("swj", 403)]:
        client.force_login(users[who])
        assert client.get(url).status_code == status, who
        assert client.post(url, form_data(title="越权")).status_code == status, who
    policy.refresh_from_db()
    assert policy.title == "新标题"


# --- concurrency ---------------------------------------------------------------------------------


def colleague_of(user):
    from accounts.models import User

    return User.objects.create(username=f"{user.username}2", unit=user.unit)


def test_a_stale_version_is_refused_and_the_policy_left_unchanged(users, ei):
    policy = add(ei, users["gxj"])
    policies.policy_update(
        policy=policy, user=colleague_of(users["gxj"]), version=1, title="同事改的标题"
    )
    with pytest.raises(ValidationError) as refused:
        policies.policy_update(
            policy=policy, user=users["gxj"], version=1, title="我的标题", budget=Decimal(1)
        )
    assert refused.value.code == "conflict"
    assert "已被他人修改" in refused.value.messages[0] and "第2版" in refused.value.messages[0]
    policy.refresh_from_db()
    assert (policy.title, policy.budget, policy.version) == (
        "同事改的标题",
        Decimal("12000.50"),
        2,
    )


def test_the_edit_page_answers_409_and_keeps_what_was_typed(users, client, ei):
    policy = add(ei, users["gxj"])
    url = reverse("chains:policy_edit", args=[policy.pk])
    client.force_login(users["gxj"])
    html = client.get(url).content.decode()
    assert 'type="hidden" name="version" value="1"' in html
    stale = form_data(title="我键入的标题", budget="321", version=1)
    policies.policy_update(
        policy=policy, user=colleague_of(users["gxj"]), version=1, summary="同事补充的摘要"
    )
    response = client.post(url, stale)
    assert response.status_code == 409
    page = response.content.decode()
    assert 'value="我键入的标题"' in page and 'value="321"' in page  # the user's values, kept
    conflict = page[page.index('id="conflict"') : page.index('id="policy-form"')]
    assert "同事补充的摘要" in conflict and "厦门市加快电子信息产业发展若干措施" in conflict
    assert 'name="version" value="2"' in page  # saving again now overwrites knowingly
    policy.refresh_from_db()
    assert (policy.title, policy.summary, policy.version) == (
        "厦门市加快电子信息产业发展若干措施",
        "同事补充的摘要",
        2,
    )
    # Having seen the colleague's version, the user saves again on purpose.
    assert client.post(url, stale | {"version": 2}).status_code == 302
    policy.refresh_from_db()
    assert (policy.title, policy.version) == ("我键入的标题", 3)


def test_who_reads_the_register(users, client, ei):
    policy = add(ei, users["gxj"])
    commerce = Industry.objects.get(code="commerce-logistics")
    other = add(
        commerce, users["swj"], title="商贸物流政策", issuer=Unit.objects.get(name="市商务局")
    )
    pages = [reverse("chains:policies", args=[ei.code]), reverse("chains:policy", args=[policy.pk])]
    for who, status in [("gxj", 200), ("siming", 200), ("drc", 200), ("swj", 403)]:
        client.force_login(users[who])
        for url in pages:
            assert client.get(url).status_code == status, (who, url)
    client.force_login(users["siming"])
    html = client.get(pages[0]).content.decode()
    assert policy.title in html and reverse("chains:policy_new", args=[ei.code]) not in html
    client.force_login(users["drc"])  # the DRC reads every industry's register
    for industry in Industry.objects.all():
        assert client.get(reverse("chains:policies", args=[industry.code])).status_code == 200
    assert client.get(reverse("chains:policy", args=[other.pk])).status_code == 200
    assert client.get(reverse("chains:policy", args=[99999])).status_code == 404


def test_the_drc_evaluates_on_the_policy_page(users, client, ei):
    policy = add(ei, users["gxj"])
    url = reverse("chains:policy", args=[policy.pk])
    data = {"evaluated_on": "2024-09-01", "concentration": 85, "precision": 75, "fit": 80}
    client.force_login(users["gxj"])
    assert 'id="evaluation-form"' not in client.get(url).content.decode()
    assert client.post(url, data | {"comment": "越权"}).status_code == 403
    client.force_login(users["drc"])
    assert 'id="evaluation-form"' in client.get(url).content.decode()
    assert client.post(url, data | {"concentration": 101}).status_code == 400
    assert client.post(url, data | {"comment": "资金投向集中"}).status_code == 302
    evaluation = PolicyEvaluation.objects.get()
    assert evaluation.evaluator == users["drc"] and evaluation.comment == "资金投向集中"
    client.force_login(users["siming"])  # everyone who reads the policy sees the history
    html = client.get(url).content.decode()
    assert "资金投向集中" in html and "80.0" in html and 'id="evaluation-form"' not in html


def test_the_industry_page_lists_the_policies(users, client, ei):
    policy = add(ei, users["gxj"], title="电子信息产业链专项政策", budget=Decimal("2500"))
    evaluate(policy, users["drc"], datetime.date(2024, 9, 1), 90, 60, 75)
    client.force_login(users["siming"])
    html = client.get(reverse("industry", args=[ei.code])).content.decode()
    assert reverse("chains:policy", args=[policy.pk]) in html
    assert "电子信息产业链专项政策" in html and "2024-03-01" in html and "2500" in html
    assert "75.0" in html  # the latest evaluation's average
    assert reverse("chains:policies", args=[ei.code]) in html
    assert reverse("chains:policy_new", args=[ei.code]) not in html  # siming does not file
    client.force_login(users["drc"])
    html = client.get(reverse("industry", args=[ei.code])).content.decode()
    assert "电子信息产业链专项政策" in html
    assert reverse("chains:policy_new", args=[ei.code]) not in html  # nor does the DRC
    client.force_login(users["gxj"])
    html = client.get(reverse("industry", args=[ei.code])).content.decode()
    assert reverse("chains:policy_new", args=[ei.code]) in html


def many_policies(industry, users, n):
    for i in range(n):
        policy = add(industry, users["gxj"], title=f"政策{i}")
        for month in (3, 6, 9):
            evaluate(policy, users["drc"], datetime.date(2024, month, 1), 70, 70, month * 10)


@pytest.mark.parametrize("page", ["industry", "chains:policies"])
def test_policy_lists_cost_the_same_queries_for_one_policy_or_many(
    users, client, ei, django_assert_max_num_queries, page
):
    client.force_login(users["gxj"])
    url = reverse(page, args=[ei.code])
    many_policies(ei, users, 1)
    with django_assert_max_num_queries(25) as one:
        assert client.get(url).status_code == 200
    many_policies(ei, users, 20)
    with django_assert_max_num_queries(25) as many:
        response = client.get(url)
    assert response.content.decode().count("data-policy=") == 21
    assert len(many.captured_queries) == len(one.captured_queries)


def test_the_policy_page_costs_the_same_queries_for_few_or_many_evaluations(
    users, client, ei, django_assert_max_num_queries
):
    policy = add(ei, users["gxj"])
    url = reverse("chains:policy", args=[policy.pk])
    client.force_login(users["drc"])
    evaluate(policy, users["drc"], datetime.date(2024, 6, 1), 50, 50, 50)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for day in range(1, 20):
        evaluate(policy, users["drc"], datetime.date(2024, 7, day), 50, 50, day)
    with django_assert_max_num_queries(20) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


# --- demo data and admin -------------------------------------------------------------------------


def test_demo_policies_are_plausible_and_made_once(users):
    made = demo.policies_demo(users["drc"])
    assert 14 <= made <= 42 and IndustryPolicy.objects.filter(is_demo=True).count() == made
    for industry in Industry.objects.all():
        assert 1 <= industry.policies.count() <= 3
    for policy in IndustryPolicy.objects.select_related("industry", "issuer"):
        assert policy.industry.name in policy.title
        assert policy.industry.assignment.unit_links.filter(
            unit=policy.issuer, role="lead"
        ).exists()
        assert 1 <= policy.evaluations.count() <= 2
    assert demo.policies_demo(users["drc"]) == 0
    assert demo.policies_demo(None) == 0


def test_admin_registers_load_and_record_the_author(users, client, ei):
    client.force_login(users["admin"])
    for model in ("policy", "leadingindustry", "carrierarea", "doublingtarget"):
        for page in ("changelist", "add"):
            url = reverse(f"admin:chains_{model}_{page}")
            assert client.get(url).status_code == 200, url
    response = client.post(
        reverse("admin:chains_policy_add"),
        {
            "industry": ei.pk,
            "title": "后台录入的政策",
            "issuer": Unit.objects.get(name="市工信局").pk,
            "issued_on": "2024-03-01",
            "instruments": ["land"],
            "evaluations-TOTAL_FORMS": "1",
            "evaluations-INITIAL_FORMS": "0",
            "evaluations-0-evaluated_on": "2024-09-01",
            "evaluations-0-concentration": "80",
            "evaluations-0-precision": "80",
            "evaluations-0-fit": "80",
        },
    )
    assert response.status_code == 302
    policy = IndustryPolicy.objects.get()
    assert policy.created_by == users["admin"] and policy.instruments == ["land"]
    assert policy.evaluations.get().evaluator == users["admin"]


def test_a_correction_in_the_admin_is_a_new_version(users, client, ei):
    policy = add(ei, users["gxj"])
    client.force_login(users["admin"])
    response = client.post(
        reverse("admin:chains_policy_change", args=[policy.pk]),
        {
            "industry": ei.pk,
            "title": "后台更正的标题",
            "issuer": policy.issuer_id,
            "issued_on": "2024-03-01",
            "instruments": ["fiscal"],
            "budget": "12000.50",
            "evaluations-TOTAL_FORMS": "0",
            "evaluations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert (policy.title, policy.version) == ("后台更正的标题", 2)
    with pytest.raises(ValidationError):  # an edit begun before the correction is refused
        policies.policy_update(policy=policy, user=users["gxj"], version=1, title="旧稿")
