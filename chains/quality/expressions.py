"""The expressions of validation rules, parsed by hand (a few lines; `eval` never sees them):

    {output-month}          the indicator's value, same industry (or enterprise) and month
    {output-ytd}[-1]        the month before, in the same year (missing in January: a
                            cumulative figure starts again)
    {output-month}[-12]     the same month a year before
    yoy{output-month}       the year-on-year growth (%) the file gives for the figure
    numbers, + - * / and brackets

A side with a value missing is not checked (DHIS2's "skip if any value missing"); nor is a
division by zero."""

import re
from dataclasses import dataclass

import numpy as np

OFFSETS = {"-1": -1, "-12": -12}
TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?)|(?P<ref>(?P<yoy>yoy)?\{(?P<code>[\w-]+)\}"
    r"(?:\[(?P<offset>[^\]]*)\])?)|(?P<op>[-+*/()]))"
)


class ExpressionError(ValueError):
    pass


@dataclass(frozen=True)
class Ref:
    code: str
    offset: int = 0  # months back: 0, -1 or -12
    field: str = "value"  # or "yoy"

    def codes(self) -> set[str]:
        return {self.code}

    def refs(self) -> set["Ref"]:
        return {self}

    def evaluate(self, lookup):
        return lookup(self)


@dataclass(frozen=True)
class Number:
    value: float

    def codes(self) -> set[str]:
        return set()

    def refs(self) -> set[Ref]:
        return set()

    def evaluate(self, lookup):
        return self.value


@dataclass(frozen=True)
class Operation:
    op: str
    left: object
    right: object

    def codes(self) -> set[str]:
        return self.left.codes() | self.right.codes()

    def refs(self) -> set[Ref]:
        return self.left.refs() | self.right.refs()

    def evaluate(self, lookup):
        a, b = self.left.evaluate(lookup), self.right.evaluate(lookup)
        if self.op == "+":
            return a + b
        if self.op == "-":
            return a - b
        if self.op == "*":
            return a * b
        with np.errstate(divide="ignore", invalid="ignore"):
            result = np.divide(a, b)
        return np.where(np.isfinite(result), result, np.nan)


def _tokens(text: str) -> list:
    found, at = [], 0
    text = text.strip()
    while at < len(text):
        match = TOKEN.match(text, at)
        if not match or match.end() == at:
            rest = text[at:].lstrip()
            place = len(text) - len(rest) + 1
            raise ExpressionError(f"无法识别「{rest[:10]}」（第 {place} 个字符）。")
        if match["number"]:
            found.append(Number(float(match["number"])))
        elif match["ref"]:
            offset = match["offset"]
            if offset is not None and offset not in OFFSETS:
                raise ExpressionError(
                    f"「{match['ref']}」：方括号中只能写 -1（同年上月）或 -12（上年同月）。"
                )
            found.append(
                Ref(match["code"], OFFSETS.get(offset, 0), "yoy" if match["yoy"] else "value")
            )
        else:
            found.append(match["op"])
        at = match.end()
    return found


def parse(text: str):
    """The expression's tree; ExpressionError, in Chinese, for anything else."""
    tokens = _tokens(text or "")
    if not tokens:
        raise ExpressionError("表达式为空。")
    node, at = _sum(tokens, 0)
    if at != len(tokens):
        raise ExpressionError("表达式有多余的部分，请检查括号和运算符。")
    return node


def _sum(tokens, at):
    node, at = _product(tokens, at)
    while at < len(tokens) and tokens[at] in ("+", "-"):
        right, after = _product(tokens, at + 1)
        node, at = Operation(tokens[at], node, right), after
    return node, at


def _product(tokens, at):
    node, at = _factor(tokens, at)
    while at < len(tokens) and tokens[at] in ("*", "/"):
        right, after = _factor(tokens, at + 1)
        node, at = Operation(tokens[at], node, right), after
    return node, at


def _factor(tokens, at):
    if at >= len(tokens):
        raise ExpressionError("表达式不完整：运算符后缺少数值或指标。")
    token = tokens[at]
    if token == "-":
        node, at = _factor(tokens, at + 1)
        return Operation("-", Number(0.0), node), at
    if token == "(":
        node, at = _sum(tokens, at + 1)
        if at >= len(tokens) or tokens[at] != ")":
            raise ExpressionError("括号没有闭合。")
        return node, at + 1
    if isinstance(token, (Ref, Number)):
        return token, at + 1
    raise ExpressionError(f"此处不应是「{token}」。")
