"""A year of the statistics bureau's monthly analyses for `seed_demo`, written from the demo
figures themselves (each industry's output value and growth, its largest district and its
largest key enterprise that month), sent through the service (so the history is real), then
dated a little after the figures arrived and never in the future. Marked is_demo."""

import datetime
import random
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from chains.matrix.demo import DEMO_FIRST
from chains.models import EnterpriseFigure, Industry, IndustryFigure
from chains.quality.selectors import industry_measures
from portal.months import months_before, previous_month
from reporting.analysis import services
from reporting.analysis.selectors import figures_arrival
from reporting.models import AnalysisEvent, ReportingPeriod, StatisticsAnalysis
from reporting.periods import services as periods_services

OUTPUT = "output-month"
REVENUE = "revenue-month"


def _yi(value: Decimal) -> str:
    """万元 as 亿元, two decimals."""
    return f"{value / 10000:.2f}"


def _change(percent, against: str) -> str:
    """同比增长6.2% / 环比下降1.5% / 同比持平."""
    if percent > 0:
        return f"{against}增长{percent:.1f}%"
    if percent < 0:
        return f"{against}下降{-percent:.1f}%"
    return f"{against}持平"


def _growth(value, yoy, last_month) -> str:
    """Growth as the figures allow: year on year when the bureau gave it, else against the
    month before (the demo has one year of figures)."""
    if yoy is not None:
        return _change(yoy, "同比")
    if last_month:
        return _change((value / last_month - 1) * 100, "环比")
    return "上月无可比数据"


def _month_figures(year: int, month: int, headline: dict[int, str]):
    """Each industry's current headline figure of the month (output value, or revenue for the
    industries measured by it: `headline` maps an industry to its indicator code) for the whole
    city, with the month before's, and by district; and each industry's largest key
    enterprise by revenue: four queries."""
    figures = IndustryFigure.objects.filter(
        is_current=True, indicator__code__in=[OUTPUT, REVENUE], subsegment__isnull=True
    )

    def own(rows):  # the rows of each industry's own headline indicator
        return [(i, *rest) for i, code, *rest in rows if headline.get(i, OUTPUT) == code]

    last_year, last_month = previous_month(year, month)
    before = {
        i: v
        for i, v in own(
            figures.filter(district__isnull=True, year=last_year, month=last_month).values_list(
                "industry_id", "indicator__code", "value"
            )
        )
    }
    figures = figures.filter(year=year, month=month)
    city = {
        i: (v, yoy, before.get(i))
        for i, v, yoy in own(
            figures.filter(district__isnull=True).values_list(
                "industry_id", "indicator__code", "value", "yoy"
            )
        )
        if v is not None
    }
    districts = defaultdict(list)
    for i, name, v in own(
        figures.filter(district__isnull=False).values_list(
            "industry_id", "indicator__code", "district__name", "value"
        )
    ):
        districts[i].append((v, name))
    leaders = {}
    for i, name, v in EnterpriseFigure.objects.filter(
        is_current=True, year=year, month=month, indicator__code=REVENUE
    ).values_list("enterprise__industry_id", "enterprise__name", "value"):
        if v is not None and (i not in leaders or v > leaders[i][0]):
            leaders[i] = (v, name)
    return city, districts, leaders


def _measure(code: str) -> str:
    return "营业收入" if code == REVENUE else "工业总产值"


def _industry_text(period, industry, figures, districts, leader, rng, code=OUTPUT) -> str:
    value, yoy, last_month = figures
    parts = [
        f"{period}，{industry.name}实现{_measure(code)}{_yi(value)}亿元，"
        f"{_growth(value, yoy, last_month)}。"
    ]
    if districts:
        share, name = max(districts)
        parts.append(f"分区看，{name}贡献{_yi(share)}亿元，占全市的{share / value * 100:.1f}%。")
    if leader:
        revenue, name = leader
        parts.append(f"重点企业中，{name}当月营业收入{_yi(revenue)}亿元，居本产业首位。")
    parts.append(
        rng.choice(
            [
                "从运行趋势看，订单总体饱满，产能利用率保持在较高水平。",
                "部分企业反映原材料价格波动，利润空间有所收窄，需持续关注。",
                "新投产项目逐步释放产能，对产值增长形成支撑。",
                "受外需走弱影响，出口交货值有所回落，建议加强市场开拓。",
            ]
        )
    )
    return "".join(parts)


def _city_text(period, city, names, headline: dict[int, str], counted_in: dict) -> str:
    """The city's month: output value summed over the manufacturing industries and revenue
    over those measured by revenue, each industry once (a future industry's figures are in the
    cluster counting it already)."""
    totals = {}
    for i, (v, _yoy, _last) in city.items():
        if i not in counted_in:
            code = headline.get(i, OUTPUT)
            count, total = totals.get(code, (0, Decimal(0)))
            totals[code] = (count + 1, total + v)
    sums = [
        f"{count}个产业合计实现{_measure(code)}{_yi(total)}亿元"
        for code, (count, total) in sorted(totals.items())
    ]
    text = f"{period}，全市重点产业中，" + "；".join(sums)
    if counted_in:
        text += "（未来产业的数据已计入相关产业集群和战略性新兴产业，不重复相加）"
    # Growth over the industries the totals add (a future industry's is in its cluster's),
    # naming how many it covers: the bureau gives year-on-year growth for output alone.
    once = {i: figures for i, figures in city.items() if i not in counted_in}
    with_yoy = {i: yoy for i, (_v, yoy, _last) in once.items() if yoy is not None}
    with_last = {i: (v / last - 1) * 100 for i, (v, _yoy, last) in once.items() if last}
    growth, against = (with_yoy, "同比") if with_yoy else (with_last, "环比")
    if growth:
        rising = sum(1 for g in growth.values() if g > 0)
        fastest = max(growth, key=growth.get)
        fastest_text = f"{names[fastest]}{_change(growth[fastest], against)}"
        count = len(growth)
        if not rising:
            text += f"。{count}个产业{against}均有所回落，降幅最小的是{fastest_text}"
        elif rising == count:
            text += f"。{count}个产业{against}均实现增长，增速最快的是{fastest_text}"
        else:
            text += f"。{count}个产业中{rising}个{against}增长，增速最快的是{fastest_text}"
    return text + "。下一步将加强对重点产业和重点企业的运行监测，及时反映苗头性、倾向性问题。"


@transaction.atomic
def demo_analyses_seed(today: datetime.date | None = None, months: int = 12) -> int:
    """The analyses of the last `months` months that have demo figures; skipped when demo
    analyses exist or there is no statistics account. Returns how many were written."""
    today = today or periods_services.today()
    if StatisticsAnalysis.objects.filter(is_demo=True).exists():
        return 0
    author = User.objects.filter(role=Role.STATISTICS, is_active=True).order_by(*DEMO_FIRST).first()
    if author is None:
        return 0
    now = min(
        timezone.now(),
        timezone.make_aware(datetime.datetime.combine(today, datetime.time(23, 59))),
    )
    periods_services.periods_ensure(today, months_back=months)
    industries = list(Industry.objects.order_by("category__position", "position"))
    names = {i.pk: i.name for i in industries}
    measures = industry_measures()
    headline = {i.pk: m.code for i in industries if (m := measures.of(i.pk))}
    rng = random.Random(1608)
    written = 0
    for year, month in months_before(today, months):
        period = ReportingPeriod.objects.get(year=year, month=month)
        record = figures_arrival(period)
        city, districts, leaders = _month_figures(year, month, headline)
        if record is None or not city:
            continue  # no figures, nothing to analyse
        arrived = record.applied_at
        deadline = timezone.make_aware(
            datetime.datetime.combine(period.analysis_deadline, datetime.time(16))
        )
        texts = [(None, _city_text(period, city, names, headline, measures.counted_in))] + [
            (
                industry,
                _industry_text(
                    period,
                    industry,
                    city[industry.pk],
                    districts.get(industry.pk, []),
                    leaders.get(industry.pk),
                    rng,
                    headline.get(industry.pk, OUTPUT),
                ),
            )
            for industry in industries
            if industry.pk in city
        ]
        for industry, text in texts:
            late = rng.random() < 0.1
            when = deadline + datetime.timedelta(
                days=rng.randint(1, 3) if late else -rng.randint(0, 2), minutes=rng.randint(0, 90)
            )
            when = max(when, arrived + datetime.timedelta(hours=2))
            if when > now:
                continue  # its plausible time has not come yet: not sent yet
            analysis = services.analysis_save(
                period=period, industry=industry, text=text, expected_version=0, user=author
            )
            StatisticsAnalysis.objects.filter(pk=analysis.pk).update(
                is_demo=True, submitted_at=when, first_submitted_at=when
            )
            AnalysisEvent.objects.filter(analysis=analysis).update(at=when)
            written += 1
    return written
