"""Search from the header finds every kind of row by a substring of its Chinese text, and
only what the user may open: each result's link opens for that user, and another scope's
markers never appear. On PostgreSQL the trigram indexes answer the ORM's own query."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from reporting.models import Problem
from reporting.search import selectors
from tests import url_security_world as world_data
from tests.reporting.conftest import WALK_DAY
from tests.url_security_world import CL_SECRET, EI_SECRET, FORBIDDEN


@pytest.fixture(autouse=True)
def media_root():
    """The world's files live in the module's media folder (`walk_world` sets it)."""


@pytest.fixture
def world(walk_world, db, clock):
    # a day of its own: search reads no date, so the date runs (make test-dates) leave it out
    clock.set(WALK_DAY)
    return walk_world


def results(client, user, q):
    client.force_login(user)
    response = client.get(reverse("search"), {"q": q})
    assert response.status_code == 200
    return response


def test_every_kind_is_found_by_a_part_of_its_text(client, world):
    drc = world["users"]["drc"]
    found = {g.kind: g.rows for g in selectors.search(drc, CL_SECRET)}
    # the marker sits in the middle of each row's text: "CL-SECRET 用电增容" and the like
    assert {"project", "problem", "update", "policy", "enterprise"} <= set(found)
    assert {p.description for p in found["problem"]} >= {f"{CL_SECRET} 用电增容"}
    # two words must both match
    both = {g.kind: g for g in selectors.search(drc, "用电 CL-SECRET")}["problem"].rows
    assert {p.description for p in both} == {f"{CL_SECRET} 用电增容"}
    problems = {g.kind: g for g in selectors.search(drc, "电增")}["problem"].rows
    assert {p.description for p in problems} == {f"{CL_SECRET} 用电增容", f"{EI_SECRET} 用电增容"}
    industries = {g.kind: g for g in selectors.search(drc, "商贸")}["industry"].rows
    assert [i.code for i in industries] == ["commerce-logistics"]


@pytest.mark.parametrize("role", [r for r in world_data.ROLES if r != "anonymous"])
def test_each_user_finds_only_what_it_may_open(client, world, role):
    user = world["users"][role]
    for q in ("SECRET", "用电增容", "登记项目"):
        response = results(client, user, q)
        page = response.content.decode()
        for marker in FORBIDDEN[role]:
            assert marker not in page, (role, q, marker)
        main = page[page.index('<main class="content">') :]
        for href in re.findall(r'href="(/[^"?#]+/)"', main):
            if href == reverse("search"):
                continue
            assert client.get(href).status_code == 200, (role, q, href)


def test_short_and_empty_queries_say_what_to_do(client, world):
    drc = world["users"]["drc"]
    assert "请至少输入 2 个字" in results(client, drc, "电").content.decode()
    assert "没有找到“无此内容”" in results(client, drc, "无此内容").content.decode()
    assert selectors.search(drc, "") == []


def test_the_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    drc = world["users"]["drc"]
    with django_assert_max_num_queries(12) as few:
        selectors.search(drc, "SECRET")
    update = world["update"]
    for n in range(30):
        Problem.objects.create(update=update, description=f"{CL_SECRET} 问题{n}", type="energy")
    with django_assert_max_num_queries(12) as many:
        groups = selectors.search(drc, "SECRET")
    assert len(many.captured_queries) == len(few.captured_queries)
    problem_group = {g.kind: g for g in groups}["problem"]
    assert len(problem_group.rows) == selectors.SHOWN and problem_group.more


def test_postgresql_answers_from_the_trigram_indexes(world):
    if connection.vendor != "postgresql":
        pytest.skip("trigram indexes are PostgreSQL's (SQLite scans)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'search_%%_trgm'")
        assert {row[0] for row in cursor.fetchall()} >= {
            "search_problem_trgm",
            "search_project_name_trgm",
            "search_enterprise_trgm",
            "search_policy_trgm",
        }
        sql, params = Problem.objects.filter(
            description__icontains="用电增容"
        ).query.sql_with_params()
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "search_problem_trgm" in plan, plan
