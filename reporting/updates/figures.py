"""The numbers of a monthly update: 签约项目数 (a count, in 个), 签约金额 and each key project's
总投资 (in 亿元). Their units and limits are stated here once, for the model (so every path
refuses a bad number), the forms and the messages; and so is the month-on-month jump (more
than ten times last month's) that the unit must confirm (核实) before such a number is saved.

No model is imported here: the models import this module for their validators."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator

# A figure more than this many times last month's is, more often than not, a slip: a value in
# 万元 typed where 亿元 is asked, a digit too many. It is saved only once the unit confirms it.
JUMP_FACTOR = 10

# 10,000 亿元 is more than Xiamen's whole GDP in a year (about 8,000 亿元): no industry signs
# or invests that much in a month or in one project. A larger number was typed in 万元 or 元.
AMOUNT_MAX = Decimal("10000")
# No industry signs ten thousand projects in a month; a larger number is a typing slip.
COUNT_MAX = 10_000


@dataclass(frozen=True)
class Figure:
    """One kind of figure: its name in messages, its unit, its upper limit, whole or not."""

    name: str
    unit: str
    maximum: int | Decimal
    whole: bool = False

    @property
    def validators(self) -> list:
        return [MinValueValidator(0), MaxValueValidator(self.maximum)]

    @property
    def error_messages(self) -> dict[str, str]:
        """Messages by validation code, for the model field and the form field alike."""
        unit = f"（单位：{self.unit}）"
        if self.whole:
            too_big = f"{self.name}不能超过 {self.maximum:,} {self.unit}{unit}"
        else:
            too_big = (
                f"{self.name}不能超过 {self.maximum:,} {self.unit}，"
                f"请检查是否误按万元或元填报{unit}"
            )
        messages = {
            "invalid": f"{self.name}须为{'整数' if self.whole else '数字'}{unit}",
            "min_value": f"{self.name}不能为负数{unit}",
            "max_value": too_big,
        }
        if not self.whole:  # the codes of a decimal's digits
            messages |= {
                "max_digits": too_big,
                "max_whole_digits": too_big,
                "max_decimal_places": f"{self.name}最多保留两位小数{unit}",
            }
        return messages

    def plain(self, value) -> str:
        """The value as the database keeps it: a whole number, or two decimals."""
        if self.whole:
            return str(int(value))
        return str(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


PROJECTS_SIGNED = Figure("签约项目数", "个", COUNT_MAX, whole=True)
SIGNED_AMOUNT = Figure("签约金额", "亿元", AMOUNT_MAX)
INVESTMENT = Figure("重点项目总投资", "亿元", AMOUNT_MAX)

# The update's own figures, by field name; a key project's investment is keyed
# "investment:<project name>" (the same project, by name, in last month's update).
UPDATE_FIGURES = {"projects_signed": PROJECTS_SIGNED, "signed_amount": SIGNED_AMOUNT}
PROJECT_PREFIX = "investment:"


def figure_of(key: str) -> tuple[Figure, str]:
    """The kind of figure a key names, and how messages call that one figure."""
    if key.startswith(PROJECT_PREFIX):
        return INVESTMENT, f"重点项目“{key.removeprefix(PROJECT_PREFIX)}”总投资"
    figure = UPDATE_FIGURES[key]
    return figure, figure.name


def figure_values(update, projects=None) -> dict[str, Decimal]:
    """The figures of an update (with `projects`, or else its saved key projects) that have a
    value, keyed as above. A project named twice counts with its first line."""
    values = {
        name: Decimal(getattr(update, name))
        for name in UPDATE_FIGURES
        if getattr(update, name) is not None
    }
    for project in update.key_projects.all() if projects is None else projects:
        key = f"{PROJECT_PREFIX}{project.name}"
        if project.investment is not None and key not in values:
            values[key] = Decimal(project.investment)
    return values


@dataclass(frozen=True)
class Jump:
    """A figure more than JUMP_FACTOR times the same figure of last month's update."""

    key: str
    value: Decimal
    previous: Decimal

    @property
    def figure(self) -> Figure:
        return figure_of(self.key)[0]

    @property
    def label(self) -> str:
        return figure_of(self.key)[1]

    @property
    def times(self) -> str:
        """This month ÷ last month, to one decimal, without a trailing ".0" (15, 12.5)."""
        ratio = (self.value / self.previous).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return f"{ratio:,.0f}" if ratio == ratio.to_integral_value() else f"{ratio:,}"

    @property
    def confirmation(self) -> str:
        """What the confirming checkbox sends: the figure and the very value confirmed, so a
        tick given to one number never covers another typed later."""
        return f"{self.key}|{self.figure.plain(self.value)}"

    @property
    def warning(self) -> str:
        unit = self.figure.unit
        return (
            f"{self.label} {self.figure.plain(self.value)} {unit}，"
            f"是上月（{self.figure.plain(self.previous)} {unit}）的 {self.times} 倍"
        )

    def record(self, *, user, at) -> dict:
        """The confirmation as the update keeps it (and its history with it)."""
        return {
            "label": self.label,
            "unit": self.figure.unit,
            "value": self.figure.plain(self.value),
            "previous": self.figure.plain(self.previous),
            "times": self.times,
            "by": user.pk,
            "by_name": user.display_name,
            "at": at.isoformat(),
        }


def jumps(values: Mapping[str, Decimal], previous: Mapping[str, Decimal]) -> list[Jump]:
    """Every figure more than JUMP_FACTOR times last month's. None when last month's is
    missing or zero: there is nothing to compare with."""
    return [
        Jump(key=key, value=value, previous=previous[key])
        for key, value in values.items()
        if previous.get(key) and previous[key] > 0 and value > JUMP_FACTOR * previous[key]
    ]


def parse_confirmations(raw: list[str]) -> dict[str, Decimal]:
    """Ticked confirmations as {figure key: the value confirmed}; anything malformed is
    dropped (it then confirms nothing)."""
    confirmed = {}
    for item in raw or []:
        key, separator, number = str(item).rpartition("|")
        if not separator or not key:
            continue
        try:
            confirmed[key] = Decimal(number)
        except InvalidOperation:
            continue
    return confirmed


class FigureJumpError(ValidationError):
    """Figures more than ten times last month's that the unit has not confirmed yet: nothing
    was saved. `jumps` says which, for the form to ask for each confirmation."""

    def __init__(self, jumps: list[Jump], ticked: list[Jump] = ()):
        super().__init__(
            f"以下数值超过上月的 {JUMP_FACTOR} 倍，请核实数值和单位；"
            "确认无误请勾选“我已核实该数值”后再保存："
            + "；".join(jump.warning for jump in jumps)
            + "。"
        )
        self.jumps = jumps
        # Confirmed in the refused request itself: the form shows their boxes still ticked.
        self.ticked = list(ticked)


def _kept_for(jump: Jump, kept: Mapping) -> dict | None:
    """The confirmation an earlier save kept for this very value, if any."""
    earlier = kept.get(jump.key)
    return earlier if earlier and Decimal(earlier["value"]) == jump.value else None


def confirm(
    found: list[Jump], *, confirmations: Mapping[str, Decimal], kept: Mapping, user, at
) -> tuple[dict, list[Jump]]:
    """The confirmations an update keeps after a write, and those new in it. Each jump must
    be confirmed for its very value: ticked now, or kept from an earlier save; else
    FigureJumpError and nothing is written. A confirmation whose figure no longer jumps (or
    changed) is dropped; the update's history still holds it."""
    unconfirmed = [
        jump
        for jump in found
        if confirmations.get(jump.key) != jump.value and not _kept_for(jump, kept)
    ]
    if unconfirmed:
        ticked = [j for j in found if j not in unconfirmed and not _kept_for(j, kept)]
        raise FigureJumpError(unconfirmed, ticked)
    checks, new = {}, []
    for jump in found:
        checks[jump.key] = jump.record(user=user, at=at)
        earlier = _kept_for(jump, kept)
        if earlier:
            # Confirmed before, for this value: who and when stay those of that confirmation.
            checks[jump.key] |= {key: earlier[key] for key in ("by", "by_name", "at")}
        else:
            new.append(jump)
    return checks, new
