import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from chains.models import FigureImport, Indicator, Industry, IndustryFigure
from reporting.models import ReportingPeriod
from reporting.periods import services as periods_services
from reporting.updates import services
from tests import url_security_world as world_data
from tests.conftest import _moment

# The day the cockpit's and search's tests see the permission walk's world on.
WALK_DAY = datetime.date(2026, 11, 20)


@pytest.fixture(scope="module")
def walk_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world of url_security_world on WALK_DAY, built once for the module that asks (which
    keeps its files in the module's media folder: it overrides `media_root` with a no-op)."""
    media = tmp_path_factory.mktemp("media")
    # built an hour before the tests' 10:00, so that nothing it made is later than their clock
    built_at = _moment(WALK_DAY) - datetime.timedelta(hours=1)
    with world_data.built_once(django_db_blocker, media, built_at) as world:
        yield world


@pytest.fixture
def september(db, clock):
    """September 2025: due on the 5th working day of October 2025 (after Golden Week and a
    make-up Saturday), locked 5 working days later."""
    return periods_services.period_get_or_create(2025, 9)


@pytest.fixture
def electronics_update(users, september, clock):
    from chains.models import Industry, Unit

    return services.update_start(
        industry=Industry.objects.get(name="电子信息产业集群"),
        unit=Unit.objects.get(name="市工信局"),
        period=september,
        user=users["gxj"],
    )


FULL_TEXT = {
    "progress_organisation": "召开专班会议2次。",
    "progress_roadmap": "更新产业链图谱。",
    "progress_policy": "兑现扶持资金1.2亿元。",
    "progress_platform": "火炬高新区新增载体5万平方米。",
    "progress_projects": "储备项目12个。",
    "progress_investment": "签约项目3个。",
    "projects_signed": 3,
    "signed_amount": "15.50",
    "suggestions": "建议统筹用地指标。",
    "next_plan": "推进重点项目开工。",
}


def content(**changes):
    fields = {**FULL_TEXT, **changes}
    return services.UpdateContent(fields=fields, key_projects=[], problems=[])


@pytest.fixture
def filled(electronics_update, users):
    return services.update_save(
        update=electronics_update,
        content=content(),
        expected_version=electronics_update.version,
        user=users["gxj"],
    )


@pytest.fixture
def accepted(filled, users):
    update = services.update_submit(
        update=filled, user=users["gxj"], expected_version=filled.version
    )
    return services.update_accept(update=update, user=users["drc"])


@pytest.fixture
def figures(users, db):
    record = FigureImport.objects.create(
        kind="industry_figures",
        status="applied",
        original_name="9月.xlsx",
        sha256="0" * 64,
        uploaded_by=users["stats"],
        file="statistics/none.xlsx",
    )
    output = Indicator.objects.get(code="output-month")
    electronics = Industry.objects.get(code="electronic-information")
    for year, value in ((2025, "12345.60"), (2024, "10000.00")):
        IndustryFigure.objects.create(
            source=record,
            indicator=output,
            industry=electronics,
            year=year,
            month=9,
            value=Decimal(value),
        )
    return record


@pytest.fixture
def indicators(db):
    call_command("load_indicators", verbosity=0)


__all__ = ["FULL_TEXT", "ReportingPeriod", "content"]
