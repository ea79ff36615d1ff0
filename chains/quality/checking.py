"""The statistics import's checks for sense, run on a file that passed the shape checks and
before anything is written: every active validation rule and every indicator's outlier
thresholds, over the file's figures together with the current figures around them (the
file's own figures win where it repeats a month).

All of it is arithmetic on one array per file, values[series key, indicator, month], built
once: a rule or a threshold is a handful of numpy operations whatever the file's size."""

import re
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from chains.choices import UnitKind
from chains.figures.models import Indicator, IndicatorPeriod
from chains.matrix.models import Industry, SubSegment, Unit
from chains.quality.expressions import Number, Ref, parse
from chains.quality.models import (
    FlagKind,
    Importance,
    Operator,
    OutlierThreshold,
    RuleScope,
    ValidationRule,
)

HISTORY_MONTHS = 24  # the outlier check's window
MAX_FINDINGS = 2000  # warnings kept (and shown) per file; a file with more is refused
MAX_ERRORS = 200
NAN = float("nan")


@dataclass
class Finding:
    kind: str
    test: str
    importance: str
    sheet_row: int
    key: dict  # industry_id, subsegment_id, district_id or enterprise_id
    indicator_id: int
    year: int
    month: int
    value: float | None
    message: str
    rule_id: int | None = None

    @property
    def fingerprint(self) -> str:
        key = ",".join(f"{k}={v}" for k, v in sorted(self.key.items()))
        value = "" if self.value is None else f"{self.value:.4f}"
        return f"{self.kind}|{self.test}|{key}|{self.indicator_id}|{self.year}-{self.month:02d}|{value}"


@dataclass
class Findings:
    """Warnings, the first MAX_FINDINGS kept (beyond them the file is refused as a whole: no
    warning is ever imported unconfirmed), and every broken rule of importance error."""

    items: list[Finding] = field(default_factory=list)
    errors: list[Finding] = field(default_factory=list)
    total: int = 0  # warnings found, kept or not

    def room(self, importance: str) -> int:
        """How many more findings of this importance are kept (only counted beyond)."""
        if importance == Importance.ERROR:
            return MAX_ERRORS - len(self.errors)
        return MAX_FINDINGS + 1 - len(self.items)

    def add(self, finding: Finding) -> None:
        if finding.importance == Importance.ERROR:
            if len(self.errors) < MAX_ERRORS:
                self.errors.append(finding)
            self.error_total += 1
            return
        self.total += 1
        if len(self.items) < MAX_FINDINGS:
            self.items.append(finding)

    def skip(self, importance: str, count: int) -> None:
        """Findings counted and not built (there is no room to keep them)."""
        if importance == Importance.ERROR:
            self.error_total += count
        else:
            self.total += count

    error_total: int = 0


def month_index(year, month):
    return year * 12 + month - 1


@dataclass
class Checks:
    """What the checks run with, read once per file: the active rules, the outlier
    thresholds and the indicators (three queries)."""

    rules: list
    thresholds: list
    indicators: dict  # pk → Indicator


def checks_load() -> Checks:
    return Checks(
        rules=list(ValidationRule.objects.filter(is_active=True)),
        thresholds=list(OutlierThreshold.objects.select_related("indicator")),
        indicators={i.pk: i for i in Indicator.objects.all()},
    )


def needs(checks: Checks | None = None) -> tuple[int, set[int]]:
    """How many months before a file's the checks read (24 for the outlier score, 12 for a
    year-on-year reference, none without checks) and which indicators they name."""
    checks = checks or checks_load()
    codes = {
        code
        for rule in checks.rules
        for side in (rule.left, rule.right)
        for code in parse(side).codes()
    }
    wanted = {pk for pk, i in checks.indicators.items() if i.code in codes}
    wanted |= {t.indicator_id for t in checks.thresholds}
    if any(t.max_z for t in checks.thresholds):
        return HISTORY_MONTHS, wanted
    return (12 if checks.rules or checks.thresholds else 0), wanted


def window(
    months: list[tuple[int, int]], back: int = HISTORY_MONTHS
) -> tuple[tuple[int, int], tuple[int, int]]:
    """The first and last month whose current figures the checks need for these months."""
    first = min(month_index(y, m) for y, m in months) - back
    last = max(month_index(y, m) for y, m in months)
    return (first // 12, first % 12 + 1), (last // 12, last % 12 + 1)


def number(value: float) -> str:
    if value is None or not np.isfinite(value):
        return "—"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


class _Cube:
    """values, the given growth, the sheet row (-1: not from the file) and whether it comes
    from the file, indexed [series key, indicator, month - first month]."""

    def __init__(self, figures: pd.DataFrame, key_columns: list[str], indicators: list[int]):
        self.key_columns = key_columns
        codes, keys = pd.factorize(
            pd.MultiIndex.from_frame(figures[key_columns].astype("float64").fillna(0))
        )
        self.keys = keys  # key tuples, 0 for none
        self.indicators = {pk: i for i, pk in enumerate(indicators)}
        months = month_index(figures["year"].to_numpy(int), figures["month"].to_numpy(int))
        self.first = int(months.min())
        span = int(months.max()) - self.first + 1
        shape = (len(keys), len(indicators), span)
        self.value = np.full(shape, np.nan)
        self.yoy = np.full(shape, np.nan)
        self.row = np.full(shape, -1, dtype=np.int64)
        where = (
            codes,
            figures["indicator_id"].map(self.indicators).to_numpy(int),
            months - self.first,
        )
        self.value[where] = figures["value"].to_numpy(float)
        self.yoy[where] = figures["yoy"].to_numpy(float)
        self.row[where] = figures["sheet_row"].fillna(-1).to_numpy(np.int64)

    def lookup(self, keys: np.ndarray, months: np.ndarray, ref: Ref, field_: str | None = None):
        """Each point's value of a reference (NaN where there is none)."""
        at = self.indicators.get(ref.indicator_id)
        if at is None:
            return np.full(len(keys), np.nan)
        target = months + ref.offset
        ok = (target >= 0) & (target < self.value.shape[2])
        if ref.offset == -1:  # the month before in the same year: none in January
            ok &= (months + self.first) % 12 != 0
        source = self.yoy if (field_ or ref.field) == "yoy" else self.value
        out = np.full(len(keys), np.nan)
        out[ok] = source[keys[ok], at, target[ok]]
        return out

    def rows(self, keys, months, ref: Ref):
        at = self.indicators.get(ref.indicator_id)
        target = months + ref.offset
        ok = (target >= 0) & (target < self.value.shape[2]) & (at is not None)
        out = np.full(len(keys), -1, dtype=np.int64)
        if at is not None:
            out[ok] = self.row[keys[ok], at, target[ok]]
        return out

    def key_dict(self, code: int) -> dict:
        return {
            column: int(v) or None
            for column, v in zip(self.key_columns, self.keys[code], strict=True)
        }


@dataclass(frozen=True)
class _BoundRef(Ref):
    indicator_id: int = 0


def _bind(node, ids: dict[str, int]):
    """The expression with each indicator code resolved to its id."""
    if isinstance(node, Ref):
        return _BoundRef(node.code, node.offset, node.field, ids.get(node.code, 0))
    if hasattr(node, "left"):
        return type(node)(node.op, _bind(node.left, ids), _bind(node.right, ids))
    return node


def _compare(rule: ValidationRule, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """True where the rule is broken (points with a side missing are never broken)."""
    tolerance = float(rule.tolerance)
    if rule.tolerance_is_percent:
        tolerance = np.abs(right) * tolerance / 100
    with np.errstate(invalid="ignore"):
        broken = {
            Operator.LE: left > right + tolerance,
            Operator.GE: left < right - tolerance,
            Operator.EQ: np.abs(left - right) > tolerance + 1e-9,
            Operator.NE: np.abs(left - right) <= tolerance,
        }[rule.operator]
    return broken & np.isfinite(left) & np.isfinite(right)


def describe(text: str, names: dict[str, str]) -> str:
    """A side of a rule in words: {output-ytd}[-1] is 工业总产值（累计）（同年上月）."""

    def word(match):
        name = names.get(match["code"], match["code"])
        suffix = {"-1": "（同年上月）", "-12": "（上年同月）"}.get(match["offset"] or "", "")
        return f"{name}{suffix}{'同比' if match['yoy'] else ''}"

    return re.sub(r"(?P<yoy>yoy)?\{(?P<code>[\w-]+)\}(?:\[(?P<offset>[^\]]*)\])?", word, text)


class _Sides:
    """How a rule's two sides read in its messages, worked out once per rule."""

    def __init__(self, rule: ValidationRule, names: dict[str, str]):
        def side(text):
            return describe(text, names) if isinstance(parse(text), Ref) else "按公式计算"

        self.only_left = isinstance(parse(rule.right), Number)  # 营业收入（当月） -5
        if rule.scope != RuleScope.SERIES:
            self.left = "各细分领域之和" if rule.scope == RuleScope.SUBSEGMENTS else "六个区之和"
            self.right = "合计"
        else:
            self.left, self.right = side(rule.left), side(rule.right)

    def text(self, a: float, b: float) -> str:
        if self.only_left:
            return f"{self.left} {number(a)}"
        return f"{self.left} {number(a)}，{self.right} {number(b)}"


def run(
    records: pd.DataFrame,
    current: pd.DataFrame,
    key_columns: list[str],
    checks: Checks | None = None,
) -> Findings:
    """The findings of every active rule and outlier threshold on a file's figures.

    records: the file's figures (key columns, indicator_id, year, month, value, yoy, sheet_row);
    current: the current figures of the same kind around its months (window())."""
    findings = Findings()
    checks = checks or checks_load()
    rules, thresholds, indicators = checks.rules, checks.thresholds, checks.indicators
    if records.empty or not (rules or thresholds):
        return findings
    ids = {i.code: i.pk for i in indicators.values()}
    full_key = [*key_columns, "indicator_id", "year", "month"]
    mine = records[[*full_key, "value", "yoy", "sheet_row"]]
    others = current[[*full_key, "value", "yoy"]].assign(sheet_row=np.nan)
    figures = pd.concat([others, mine], ignore_index=True)
    for column in full_key:
        figures[column] = pd.to_numeric(figures[column]).astype("float64").fillna(0)
    figures = figures.drop_duplicates(subset=full_key, keep="last")
    figures = figures.astype({"value": "float64", "yoy": "float64", "sheet_row": "float64"})
    # Only the indicators the figures hold: a reference to another finds nothing either way.
    cube = _Cube(figures, key_columns, sorted(int(i) for i in pd.unique(figures["indicator_id"])))
    in_file = figures[figures["sheet_row"].notna()]
    codes = cube.keys.get_indexer(pd.MultiIndex.from_frame(in_file[key_columns].astype("float64")))
    months = month_index(in_file["year"].to_numpy(int), in_file["month"].to_numpy(int)) - cube.first
    points = pd.DataFrame({"key": codes, "month": months}).drop_duplicates()
    names = {
        i.code: f"{i.name}（{'当月' if i.period == IndicatorPeriod.MONTH else '累计'}）"
        for i in indicators.values()
    }

    for rule in rules:
        left = _bind(parse(rule.left), ids)
        right = _bind(parse(rule.right), ids)
        if rule.scope == RuleScope.SERIES:
            _series_rule(rule, left, right, cube, points, findings, names)
        elif "subsegment_id" in key_columns:
            _sum_rule(rule, left, right, cube, points, findings, names, _parts(rule.scope))
    for threshold in thresholds:
        _outliers(threshold, cube, in_file, findings)
    return findings


def _parts(scope: str) -> dict[int, set[int]]:
    if scope == RuleScope.SUBSEGMENTS:
        parts = {}
        for industry, pk in SubSegment.objects.values_list("industry_id", "pk"):
            parts.setdefault(industry, set()).add(pk)
        return parts
    districts = set(Unit.objects.filter(kind=UnitKind.DISTRICT).values_list("pk", flat=True))
    return {pk: districts for pk in Industry.objects.values_list("pk", flat=True)}


def _evaluate(expression, cube: _Cube, keys: np.ndarray, months: np.ndarray) -> np.ndarray:
    """An expression's value at each point (key, month)."""
    value = expression.evaluate(lambda ref: cube.lookup(keys, months, ref))
    return np.broadcast_to(np.asarray(value, float), keys.shape)


def _series_rule(rule, left, right, cube: _Cube, points, findings: Findings, names) -> None:
    keys, months = points["key"].to_numpy(), points["month"].to_numpy()
    a, b = _evaluate(left, cube, keys, months), _evaluate(right, cube, keys, months)
    refs = sorted(left.refs() | right.refs(), key=lambda r: (r.offset != 0, r not in left.refs()))
    # Broken where one of the rule's figures comes from the file (old figures' faults are not
    # the file's).
    involved = np.zeros(len(keys), dtype=bool)
    for ref in refs:
        involved |= cube.rows(keys, months, ref) >= 0
    broken = np.flatnonzero(_compare(rule, a, b) & involved)
    room = max(0, findings.room(rule.importance))
    findings.skip(rule.importance, max(0, len(broken) - room))
    sides = _Sides(rule, names)
    for i in broken[:room]:
        _rule_finding(rule, cube, [(keys[i], refs)], months[i], a[i], b[i], findings, sides)


def _sum_rule(rule, left, right, cube: _Cube, points, findings: Findings, names, parts) -> None:
    """Left over each sub-segment (or district) summed, against the right over the industry
    (or the whole city): industry files only. `parts` maps each industry to the sub-segments it
    has (or every industry to the six districts: the development zones lie within them). A
    sum that must reach the right side (=, ≥) is compared only when every part is there."""
    key_frame = pd.DataFrame(list(cube.keys), columns=cube.key_columns)
    child = "subsegment_id" if rule.scope == RuleScope.SUBSEGMENTS else "district_id"
    other = "district_id" if child == "subsegment_id" else "subsegment_id"
    children = key_frame[(key_frame[child] != 0) & (key_frame[other] == 0)]
    belongs = [
        c in parts.get(i, ()) for i, c in zip(children["industry_id"], children[child], strict=True)
    ]
    children = children.loc[np.array(belongs, dtype=bool)]
    parents = key_frame[(key_frame[child] == 0) & (key_frame[other] == 0)]
    parent_of = dict(zip(parents["industry_id"], parents.index, strict=True))
    whole = rule.operator in (Operator.EQ, Operator.GE)
    sides = _Sides(rule, names)
    for month in sorted(points["month"].unique()):
        keys = children.index.to_numpy()
        values = _evaluate(left, cube, keys, np.full(len(keys), month))
        frame = pd.DataFrame({"industry": children["industry_id"].to_numpy(), "value": values})
        sums = frame.groupby("industry")["value"].agg(["sum", "count"])
        touched = set(points.loc[points["month"] == month, "key"])
        for industry, total, count in zip(sums.index, sums["sum"], sums["count"], strict=True):
            parent = parent_of.get(industry)
            if parent is None or not count or (whole and count < len(parts.get(industry, ()))):
                continue
            family = {parent, *children.index[children["industry_id"] == industry]}
            if not family & touched:
                continue  # nothing of this industry in the file for this month
            b = _evaluate(right, cube, np.array([parent]), np.array([month]))[0]
            if _compare(rule, np.array([total]), np.array([b]))[0]:
                # On the total if the file brought it, else on the first part it brought.
                candidates = [(parent, sorted(right.refs(), key=lambda r: r.offset != 0))]
                candidates += [
                    (child, sorted(left.refs(), key=lambda r: r.offset != 0))
                    for child in sorted(family - {parent})
                ]
                _rule_finding(rule, cube, candidates, month, total, b, findings, sides)


def _rule_finding(rule, cube: _Cube, candidates, month, a, b, findings: Findings, sides) -> None:
    """The finding sits on the first figure of the rule the file brought: candidates are
    (key, references) to try in turn."""
    for key, refs in candidates:
        for ref in refs:
            row = cube.rows(np.array([key]), np.array([month]), ref)[0]
            if row >= 0:
                break
        else:
            continue
        break
    else:
        return  # none of the rule's figures at this point comes from the file
    at = cube.indicators[ref.indicator_id]
    value = cube.value[key, at, month + ref.offset]
    year, month0 = divmod(int(month + ref.offset + cube.first), 12)
    findings.add(
        Finding(
            kind=FlagKind.RULE,
            test=rule.code,
            importance=rule.importance,
            sheet_row=int(row),
            key=cube.key_dict(key),
            indicator_id=ref.indicator_id,
            year=year,
            month=month0 + 1,
            value=None if np.isnan(value) else float(value),
            message=f"{rule.message}（{sides.text(a, b)}）",
            rule_id=rule.pk,
        )
    )


def _outliers(threshold: OutlierThreshold, cube: _Cube, in_file: pd.DataFrame, findings) -> None:
    indicator = threshold.indicator
    mine = in_file[(in_file["indicator_id"] == indicator.pk) & in_file["value"].notna()]
    if mine.empty:
        return
    keys = cube.keys.get_indexer(pd.MultiIndex.from_frame(mine[cube.key_columns].astype("float64")))
    months = month_index(mine["year"].to_numpy(int), mine["month"].to_numpy(int)) - cube.first
    at = cube.indicators[indicator.pk]
    value = cube.value[keys, at, months]
    rows = cube.row[keys, at, months]
    label = str(indicator)

    def flag(test, where, message):
        found = np.flatnonzero(where)
        room = max(0, findings.room(Importance.WARNING))
        findings.skip(Importance.WARNING, max(0, len(found) - room))
        for i in found[:room]:
            year, month0 = divmod(int(months[i] + cube.first), 12)
            findings.add(
                Finding(
                    kind=FlagKind.OUTLIER,
                    test=test,
                    importance=Importance.WARNING,
                    sheet_row=int(rows[i]),
                    key=cube.key_dict(keys[i]),
                    indicator_id=indicator.pk,
                    year=year,
                    month=month0 + 1,
                    value=float(value[i]),
                    message=message(i),
                )
            )

    # Year on year: the growth the file gives, else the one computed from a year before.
    if threshold.yoy_min is not None or threshold.yoy_max is not None:
        before = cube.lookup(keys, months, _BoundRef(indicator.code, -12, "value", indicator.pk))
        given = cube.yoy[keys, at, months]
        with np.errstate(divide="ignore", invalid="ignore"):
            computed = np.where(before > 0, (value / before - 1) * 100, np.nan)
        growth = np.where(np.isfinite(given), given, computed)
        low = -np.inf if threshold.yoy_min is None else float(threshold.yoy_min)
        high = np.inf if threshold.yoy_max is None else float(threshold.yoy_max)
        with np.errstate(invalid="ignore"):
            out = np.isfinite(growth) & ((growth < low) | (growth > high))
        bounds = f"{number(low) if np.isfinite(low) else '—'}%～{number(high) if np.isfinite(high) else '—'}%"
        flag(
            "yoy",
            out,
            lambda i: f"{label}同比 {growth[i]:.1f}%，超出该指标的合理范围（{bounds}）。",
        )
    if indicator.period != IndicatorPeriod.MONTH:
        return  # a cumulative figure grows through the year: only its growth is compared
    if threshold.mom_max_ratio:
        ratio_max = float(threshold.mom_max_ratio)
        before = np.full(len(keys), np.nan)
        target = months - 1
        ok = target >= 0
        before[ok] = cube.value[keys[ok], at, target[ok]]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where((before > 0) & (value >= 0), value / before, np.nan)
            out = np.isfinite(ratio) & ((ratio > ratio_max) | (ratio < 1 / ratio_max))
        flag(
            "mom",
            out,
            lambda i: (
                f"{label}为 {number(value[i])}，是上月（{number(before[i])}）的 {ratio[i]:.2f} 倍，"
                f"超出该指标的合理范围（{1 / ratio_max:.2f}～{number(ratio_max)} 倍）。"
            ),
        )
    if threshold.max_z:
        counts, median, z = _robust_z(cube, keys, at, months, value)
        limit = float(threshold.max_z)
        out = (counts >= threshold.min_history) & np.isfinite(z) & (np.abs(z) > limit)
        flag(
            "z",
            out,
            lambda i: (
                f"{label}为 {number(value[i])}，明显偏离近 {counts[i]} 个月的水平"
                f"（中位数 {number(median[i])}，稳健 z 值 {z[i]:.1f}，阈值 {number(limit)}）。"
            ),
        )


def _robust_z(cube: _Cube, keys, at: int, months, value, chunk: int = 10_000):
    """Each figure's history count, median and robust z-score against the same series' last
    HISTORY_MONTHS months, a chunk of figures at a time (a 100,000-row file's whole window
    at once would take a few hundred MB)."""
    counts = np.zeros(len(keys), dtype=np.int64)
    median, z = np.full(len(keys), np.nan), np.full(len(keys), np.nan)
    span = np.arange(-HISTORY_MONTHS, 0)
    for start in range(0, len(keys), chunk):
        part = slice(start, start + chunk)
        target = months[part, None] + span[None, :]
        ok = target >= 0
        past = np.full(target.shape, np.nan)
        past[ok] = cube.value[np.broadcast_to(keys[part, None], target.shape)[ok], at, target[ok]]
        counts[part] = np.sum(np.isfinite(past), axis=1)
        # numpy warns of an all-NaN slice: those rows have no history to count.
        with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            middle = np.nanmedian(past, axis=1)
            deviation = np.abs(past - middle[:, None])
            mad = np.nanmedian(deviation, axis=1)
            # All history alike: the mean absolute deviation (scaled to agree with MAD on
            # normal data) instead, and no score where even that is zero.
            mean_ad = np.nanmean(deviation, axis=1) * 1.2533 / 1.4826
            spread = np.where(mad > 0, mad, mean_ad)
            z[part] = np.where(spread > 0, 0.6745 * (value[part] - middle) / spread, np.nan)
        median[part] = middle
    return counts, median, z
