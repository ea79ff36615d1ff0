"""The demo's statistics pass the validation rules `make run` loads before seeding, whatever
the day it is seeded: only the one jump it seeds on purpose (新能源's last month, a new plant
in 翔安区) is flagged, confirmed at its import and waiting on 数据核查. seed_demo once failed
on most days of the year with findings nobody confirmed."""

import datetime

import pytest
from django.core.management import call_command

from chains.figures.demo import demo_figures_seed
from chains.models import FigureImport, IndustryFigure
from chains.quality.models import FigureFlag
from chains.quality.selectors import industry_measures
from portal.months import months_before


@pytest.mark.parametrize("month", range(1, 13))
def test_the_demo_figures_pass_the_checks_on_any_day(stats_db, clock, month):
    day = datetime.date(2026 if month < 12 else 2027, month, 10)
    clock.set(day)
    call_command("load_validation_rules", verbosity=0)
    demo_figures_seed(today=day, enterprises=40)  # raises on a finding it did not seed
    year, last = months_before(day, 1)[0]
    flags = FigureFlag.objects.select_related("industry", "district", "source")
    assert flags.exists()
    assert {(f.industry.name, f.year, f.month) for f in flags} == {("新能源产业", year, last)}
    assert {f.district.name if f.district else "全市" for f in flags} == {"全市", "翔安区"}
    assert all(f.confirmed_at and "投产" in f.confirmation for f in flags)
    assert FigureImport.objects.filter(is_demo=True).count() == 12 * 2 + 1
    # A future industry is a part of the cluster counting it, in each district and month too.
    measures = industry_measures()
    output = {
        (i, d, y, m): v
        for i, d, y, m, v in IndustryFigure.objects.filter(
            is_current=True, indicator__code="output-month", subsegment__isnull=True
        ).values_list("industry_id", "district_id", "year", "month", "value")
    }
    assert measures.counted_in
    for (i, d, y, m), v in output.items():
        if parent := measures.counted_in.get(i):
            assert v < output[parent, d, y, m]
