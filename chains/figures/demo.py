"""A year of plausible figures and a few hundred key enterprises for `seed_demo`, brought in
through the same import service as real files (so they are revisions with a file), marked demo."""

import datetime
import io
import random
import statistics
from decimal import Decimal

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from chains.choices import UnitKind
from chains.creditcode import generate
from chains.figures import writing
from chains.figures.models import Tier
from chains.matrix.demo import DEMO_FIRST
from chains.models import (
    DoublingTarget,
    Enterprise,
    EnterpriseTier,
    FigureImport,
    Indicator,
    Industry,
    TierStage,
    Unit,
)
from chains.quality.selectors import industry_measures
from chains.quality.services import flags_confirm, flags_record
from portal.months import months_before

NAMES = (
    "鹭岛",
    "海峡",
    "嘉庚",
    "同安",
    "翔鹭",
    "厦芯",
    "天成",
    "华夏",
    "万达",
    "金龙",
    "海沧",
    "湖光",
)
TRADES = ("科技", "电子", "装备", "物流", "生物", "材料", "能源", "文化", "智能", "微电子")


def _xlsx(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _import(
    user,
    name: str,
    rows: list[list],
    at: datetime.datetime | None = None,
    confirm: str = "",
    of_industry: int | None = None,
) -> None:
    """Import as the bureau's clerk would: the findings of the checks on the industry
    `of_industry` are confirmed with the reason `confirm` gives; any other finding stops the
    demo (its figures are meant to pass)."""
    record = writing.upload_record(upload=SimpleUploadedFile(name, _xlsx(rows)), user=user)
    try:
        writing.apply(record)
    except writing.NotConfirmed as exc:
        if not confirm or any(f.key.get("industry_id") != of_industry for f in exc.findings):
            raise
        flags_record(record, exc.findings)
        flags_confirm(record, user=user, reasons={}, reason_for_all=confirm)
        writing.apply(record)
    stamps = {"uploaded_at": at, "applied_at": at} if at is not None else {}
    FigureImport.objects.filter(pk=record.pk).update(is_demo=True, **stamps)
    if at is not None:
        record.flags.update(confirmed_at=at)


def arrival(year: int, month: int) -> datetime.datetime:
    """When the bureau's figures of a month plausibly came in: the 6th of the next month, in
    the morning (or now, for a month whose figures would only be arriving today). Demo data
    never lies in the future; the statistics analysis of the demo comes after its figures."""
    following = datetime.date(year + month // 12, month % 12 + 1, 6)
    at = timezone.make_aware(datetime.datetime.combine(following, datetime.time(9, 30)))
    return min(at, timezone.now())


def _level(year: int, month: int, draw: float) -> float:
    """A month's level against an industry's or enterprise's usual month: 6 % growth a year
    and a fifth of the random draw's spread around 1."""
    return 1.06 ** (year - 2026 + month / 12) * (1 + (draw - 1) / 5)


class _Steady:
    """Each series' months so far, and a new month kept within two robust deviations of their
    median: real monthly figures move that little month to month far more often than not,
    and demo figures must not make the statistics checks (their outlier test, |z| > 3.5 against
    up to 24 months) flag anything but the one jump the demo seeds on purpose, whatever the
    day the demo is seeded."""

    def __init__(self):
        self.months: dict = {}

    def __call__(self, key, value: float) -> float:
        past = self.months.setdefault(key, [])
        window = past[-24:]
        if len(window) >= 2:
            median = statistics.median(window)
            spread = statistics.median(abs(v - median) for v in window) or statistics.fmean(
                abs(v - median) for v in window
            )
            bound = 2 * spread / 0.6745
            value = min(max(value, median - bound), median + bound)
        past.append(value)
        return value


class _Cumulative:
    """Running totals for 1–N月累计, which start again each January. The months before the
    first one seeded are taken to be like it, so the first cumulative figures are plausible."""

    def __init__(self):
        self.totals: dict = {}  # key → (year, total so far)

    def add(self, key, year: int, month: int, value: float) -> float:
        carried_year, carried = self.totals.get(key, (None, None))
        if carried_year != year:
            carried = value * (month - 1)
        total = carried + value
        self.totals[key] = (year, total)
        return round(total, 1)


def _demo_cultivation(today, codes, running) -> None:
    """Candidates for the tiers next to the recognitions the directory brought, and
    doubling-plan targets whose base lies below this year's demo output."""
    rng = random.Random(2027)  # its own sequence: the figures that follow stay as they were
    tiers = list(Tier.values)
    held = set(
        EnterpriseTier.objects.filter(enterprise__credit_code__in=codes).values_list(
            "enterprise_id", "tier"
        )
    )
    candidates = []
    for enterprise_id in Enterprise.objects.filter(credit_code__in=codes).values_list(
        "pk", flat=True
    ):
        tier = rng.choice(tiers[:2] * 3 + tiers[2:])  # most are cultivated for 高新 or 小巨人
        if rng.random() < 0.2 and (enterprise_id, tier) not in held:
            candidates.append(
                EnterpriseTier(
                    enterprise_id=enterprise_id,
                    tier=tier,
                    stage=TierStage.CANDIDATE,
                    year=rng.randint(today.year - 2, today.year),
                )
            )
    EnterpriseTier.objects.bulk_create(candidates)
    indicators = Indicator.objects.in_bulk(["output-ytd", "revenue-month"], field_name="code")
    plan = {
        "electronic-information": "output-ytd",
        "machinery-equipment": "output-ytd",
        "new-materials": "output-ytd",
        "new-energy": "output-ytd",
        "biomedicine": "revenue-month",
    }
    for industry in Industry.objects.filter(code__in=plan):
        indicator = indicators.get(plan[industry.code])
        key = (
            industry.pk,
            "output" if indicator and indicator.period == "cumulative" else "revenue",
        )
        if indicator is None or key not in running.totals:
            continue
        # The latest demo year's total so far; the base year's value sits a good way below it.
        base = Decimal(str(round(running.totals[key][1] * rng.uniform(0.55, 0.8), -1)))
        DoublingTarget.objects.get_or_create(
            industry=industry,
            indicator=indicator,
            defaults={
                "base_year": today.year - 2,
                "base_value": base,
                "target_year": today.year + 3,
                "target_value": base * 2,
            },
        )


def demo_figures_seed(today: datetime.date | None = None, enterprises: int = 300) -> int:
    """Twelve months of industry figures (whole city and by district) and key enterprises with
    their monthly revenue. Skipped when demo figures exist."""
    if FigureImport.objects.filter(is_demo=True).exists() or not Indicator.objects.exists():
        return 0  # already seeded, or no indicators loaded (`make run` loads them first)
    today = today or timezone.localdate()
    user = (
        User.objects.filter(role=Role.STATISTICS, is_active=True).order_by(*DEMO_FIRST).first()
        or User.objects.filter(is_superuser=True).order_by(*DEMO_FIRST).first()
    )
    rng = random.Random(2026)
    industries = list(Industry.objects.all())
    districts = list(Unit.objects.filter(kind=UnitKind.DISTRICT).values_list("name", flat=True))
    base = {i.pk: rng.uniform(8e4, 6e5) for i in industries}
    # As the source document measures them (产值或营收): 商贸物流, 金融服务 and 文旅创意 by revenue
    # alone, with no industrial output; a future industry is a part of the cluster that counts
    # it (第三代半导体 of 电子信息), a tenth to a third of its size.
    measures = industry_measures()
    services = {
        i.pk for i in industries if (m := measures.of(i.pk)) and m.code.startswith("revenue")
    }
    sizes = random.Random(4466)
    for industry in industries:
        if parent := measures.counted_in.get(industry.pk):
            base[industry.pk] = base[parent] * sizes.uniform(0.1, 0.3)
    running, steady = _Cumulative(), _Steady()
    seeded = months_before(today, 12)
    # The last month's 新能源 output jumps by four fifths of its usual month (a new battery plant
    # in 翔安区 starts producing): the checks flag it, the clerk confirms it at the
    # import, and it waits on 数据核查 for the bureau's explanation, marked on the dashboard.
    jump = next((i.pk for i in industries if i.name.startswith("新能源")), None)
    parts = random.Random(446)
    shares = {(i.pk, d): parts.uniform(0.05, 0.3) for i in industries for d in districts}
    # Each industry's figures by district for three districts; 新能源's where it is made, the
    # plant in 翔安区 first.
    where = {i.pk: districts[:3] for i in industries}
    where[jump] = [d for d in ("翔安区", "海沧区", "集美区") if d in districts] or districts[:3]
    # A future industry lies where the cluster counting it does, in the same proportions (its
    # figure in a district is its share of the cluster's there).
    for industry in industries:
        if parent := measures.counted_in.get(industry.pk):
            where[industry.pk] = where[parent]
            for d in districts:
                shares[industry.pk, d] = shares[parent, d]
    for year, month in seeded:
        rows = [
            [f"{year}年1-{month}月厦门市重点产业主要指标"],
            [
                "产业",
                "区",
                "工业总产值当月(万元)",
                "工业总产值累计(万元)",
                "同比增长(%)",
                "营业收入当月(万元)",
                "营业收入累计(万元)",
            ],
        ]

        last = (year, month) == seeded[-1]
        for industry in industries:
            monthly = steady(
                industry.pk, base[industry.pk] * _level(year, month, rng.uniform(0.9, 1.1))
            )
            extra = base[industry.pk] * 0.8 if last and industry.pk == jump else 0.0
            growth = round(rng.uniform(-3, 15), 1)
            output = [
                round(monthly + extra, 1),
                running.add((industry.pk, "output"), year, month, monthly + extra),
                round(growth + extra / monthly * 100, 1),
            ]
            rows.append(
                [
                    industry.name,
                    None,
                    *([None] * 3 if industry.pk in services else output),
                    round(monthly * 1.1, 1),
                    running.add((industry.pk, "revenue"), year, month, monthly * 1.1),
                ]
            )
            for n, district in enumerate(where[industry.pk]):
                # Each district's part of an industry holds from month to month, within ±5 %
                # (the checks flag a district whose output jumps threefold in a month).
                noise = 0.95 + (rng.uniform(0.05, 0.3) - 0.05) * 0.4
                share = steady(
                    (industry.pk, district), monthly * shares[industry.pk, district] * noise
                )
                share += extra if n == 0 else 0
                part = [round(share, 1), running.add((industry.pk, district), year, month, share)]
                if industry.pk in services:  # its revenue by district
                    rows.append([industry.name, district, None, None, None, *part])
                else:
                    rows.append([industry.name, district, *part, None, None, None])
        _import(
            user,
            f"demo-industry-{year}-{month:02d}.xlsx",
            rows,
            at=arrival(year, month),
            confirm="已与市工信局核实：某龙头企业新建电池产线本月投产，产值大幅增加属实。"
            if last
            else "",
            of_industry=jump,
        )

    directory = [
        [
            "企业名称",
            "统一社会信用代码",
            "所在区",
            "产业",
            "是否规上",
            "国家高新技术企业",
            '专精特新"小巨人"',
            "独角兽",
            "隐形冠军",
            "制造业单项冠军",
        ]
    ]
    codes = []
    for n in range(enterprises):
        code = generate(rng, prefix="9135020")
        codes.append(code)
        industry = rng.choice(industries)
        tiers = [rng.choice([None, None, None, rng.randint(2016, today.year)]) for _ in range(5)]
        directory.append(
            [
                f"厦门{rng.choice(NAMES)}{rng.choice(TRADES)}{n + 1:03d}有限公司",
                code,
                rng.choice(districts),
                industry.name,
                rng.choice(["是", "是", "否"]),
                *tiers,
            ]
        )
    _import(user, "demo-enterprises.xlsx", directory)
    Enterprise.objects.filter(credit_code__in=codes).update(is_demo=True)
    _demo_cultivation(today, codes, running)
    scale = {code: rng.uniform(500, 50000) for code in codes}  # each enterprise's monthly size
    for year, month in months_before(today, 12):
        rows = [
            [f"{year}年{month}月重点企业主要指标"],
            ["统一社会信用代码", "企业名称", "营业收入当月(万元)", "营业收入累计(万元)"],
        ]
        for code in codes:
            value = steady(code, scale[code] * _level(year, month, rng.uniform(0.9, 1.1)))
            rows.append([code, None, round(value, 1), running.add(code, year, month, value)])
        _import(
            user,
            f"demo-enterprise-figures-{year}-{month:02d}.xlsx",
            rows,
            at=arrival(year, month),
        )
    return len(codes)
