"""The blank files the statistics page offers, in the layout the importer reads (see
chains.figures.layout): one column group per active indicator, so an indicator an
administrator adds (税收) appears in them at once and one taken out of use disappears. Each
file carries a sample row, and its title names last month, which the importer reads."""

import datetime
from dataclasses import dataclass, field

from chains.choices import ImportKind
from chains.figures.models import IndicatorPeriod
from chains.figures.workbook import column_letter
from chains.models import Indicator

SAMPLE_CODE = "91350200MA2XXXXXXX"


@dataclass
class Blank:
    title: str  # the sheet's and the file's name
    rows: list[list] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)


def _last_month(today: datetime.date) -> tuple[int, int]:
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


def _indicator_columns(blank: Blank, keys: list[str], indicators: list[Indicator], month: int):
    """The header (two rows: the indicator's name over 当月 / 1-N月累计 and its 同比), the
    units row and the sample row's values, after the key columns."""
    groups: dict[str, list[Indicator]] = {}
    for indicator in indicators:
        groups.setdefault(indicator.name, []).append(indicator)
    top, sub, units, sample = list(keys), [None] * len(keys), [None] * len(keys), []
    for name, members in groups.items():
        first = len(top)
        members.sort(key=lambda i: i.period != IndicatorPeriod.MONTH)
        for n, indicator in enumerate(members, start=1):
            cumulative = indicator.period == IndicatorPeriod.CUMULATIVE
            sub.append(f"1-{month}月累计" if cumulative else "当月")
            units.append(indicator.unit)
            sample.append(round(1000 * n * (month if cumulative else 1), 2))
            if indicator.unit != "%":  # no growth rate of a rate
                sub.append("同比增长(%)")
                units.append("%")
                sample.append(5.5)
        top.extend([name] + [None] * (len(sub) - first - 1))
        if len(sub) - first > 1:
            blank.merges.append(f"{column_letter(first)}2:{column_letter(len(sub) - 1)}2")
    blank.rows += [top, sub, units]
    blank.merges += [f"{column_letter(c)}2:{column_letter(c)}3" for c in range(len(keys))]
    return sample


def blank_file(kind: str, today: datetime.date) -> Blank:
    """The blank file of one kind (ImportKind); KeyError for another."""
    year, month = _last_month(today)
    if kind == ImportKind.ENTERPRISES:
        return Blank(
            "重点企业名录",
            [
                [f"{year}年重点企业名录"],
                [
                    "企业名称",
                    "统一社会信用代码",
                    "所在区",
                    "产业",
                    "细分领域",
                    "是否规上",
                    "国家高新技术企业",
                    '专精特新"小巨人"',
                    "独角兽",
                    "隐形冠军",
                    "制造业单项冠军",
                ],
                ["示例科技有限公司", SAMPLE_CODE, "思明区", "电子信息产业集群", None, "是", 2022],
            ],
        )
    indicators = list(Indicator.objects.filter(is_active=True))
    if kind == ImportKind.INDUSTRY_FIGURES:
        blank = Blank("产业指标", [[f"{year}年1-{month}月厦门市重点产业主要指标"]])
        sample = _indicator_columns(blank, ["产业", "细分领域", "区"], indicators, month)
        blank.rows.append(["电子信息产业集群", None, None, *sample])
        return blank
    if kind == ImportKind.ENTERPRISE_FIGURES:
        blank = Blank("企业月度数据", [[f"{year}年{month}月重点企业主要指标"]])
        sample = _indicator_columns(blank, ["统一社会信用代码", "企业名称"], indicators, month)
        blank.rows.append([SAMPLE_CODE, "示例科技有限公司", *sample])
        return blank
    raise KeyError(kind)
