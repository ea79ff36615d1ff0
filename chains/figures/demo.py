"""A year of plausible figures and a few hundred key enterprises for `seed_demo`, brought in
through the same import service as real files (so they are revisions with a file), marked demo."""

import datetime
import io
import random

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User

from ..choices import UnitKind
from ..creditcode import generate
from ..models import Enterprise, FigureImport, Indicator, Industry, Unit
from . import importer

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


def _import(user, name: str, rows: list[list]) -> None:
    record = importer.upload_record(upload=SimpleUploadedFile(name, _xlsx(rows)), user=user)
    importer.apply(record)
    FigureImport.objects.filter(pk=record.pk).update(is_demo=True)


def _months(today: datetime.date, count: int) -> list[tuple[int, int]]:
    year, month, out = today.year, today.month, []
    for _ in range(count):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        out.append((year, month))
    return list(reversed(out))


def demo_figures_seed(today: datetime.date | None = None, enterprises: int = 300) -> int:
    """Twelve months of industry figures (whole city and by district) and key enterprises with
    their monthly revenue. Skipped when demo figures exist."""
    if FigureImport.objects.filter(is_demo=True).exists() or not Indicator.objects.exists():
        return 0  # already seeded, or no indicators loaded (`make run` loads them first)
    today = today or datetime.date.today()
    user = (
        User.objects.filter(username="tjj").first()
        or User.objects.filter(is_superuser=True).first()
    )
    rng = random.Random(2026)
    industries = list(Industry.objects.all())
    districts = list(Unit.objects.filter(kind=UnitKind.DISTRICT).values_list("name", flat=True))
    base = {i.pk: rng.uniform(8e4, 6e5) for i in industries}
    running: dict[tuple, tuple[int, float]] = {}
    for year, month in _months(today, 12):
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

        def cumulative(key, value, year=year, month=month):
            # 1–N月累计 starts again each January.
            carried = running.get(key, (None, 0.0))
            total = value + (carried[1] if month > 1 and carried[0] == year else 0.0)
            running[key] = (year, total)
            return round(total, 1)

        for industry in industries:
            monthly = base[industry.pk] * rng.uniform(0.9, 1.1)
            rows.append(
                [
                    industry.name,
                    None,
                    round(monthly, 1),
                    cumulative((industry.pk, "output"), monthly),
                    round(rng.uniform(-3, 15), 1),
                    round(monthly * 1.1, 1),
                    cumulative((industry.pk, "revenue"), monthly * 1.1),
                ]
            )
            for district in districts[:3]:
                share = monthly * rng.uniform(0.05, 0.3)
                rows.append(
                    [
                        industry.name,
                        district,
                        round(share, 1),
                        cumulative((industry.pk, district), share),
                        None,
                        None,
                        None,
                    ]
                )
        _import(user, f"demo-industry-{year}-{month:02d}.xlsx", rows)

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
        tiers = [
            rng.choice([None, None, None, rng.randint(2016, today.year - 1)]) for _ in range(5)
        ]
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
    for year, month in _months(today, 12):
        rows = [
            [f"{year}年{month}月重点企业主要指标"],
            ["统一社会信用代码", "企业名称", "营业收入当月(万元)", "营业收入累计(万元)"],
        ]
        for code in codes:
            value = rng.uniform(500, 50000)
            rows.append([code, None, round(value, 1), round(value * month, 1)])
        _import(user, f"demo-enterprise-figures-{year}-{month:02d}.xlsx", rows)
    return len(codes)
