"""Charts for the reports, drawn on the server as plain SVG: WeasyPrint runs no JavaScript, and
hand-written SVG needs no new dependency. Text stays text (in the report's CJK font), so the PDF
stays searchable and sharp at any zoom.

`bar_chart` draws one bar per label (horizontal, so long industry names fit), each with its
value and, when given, its year-on-year growth; `month_chart` draws twelve months of this year
against last year. Both take numbers as floats, Decimals or the snapshot's decimal strings,
skip None, and return "" when there is nothing to draw. The result is escaped SVG, marked safe.
"""

import math
from collections.abc import Sequence
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

FONT = "Noto Sans CJK SC"
WIDTH = 590  # px: the A4 text block (210 mm - 28 mm - 26 mm = 156 mm) at 96 px per inch
FONT_SIZE = 11
INK = "#222"
GRID = "#d9d9d9"
MUTED = "#666"
THIS_YEAR = "#2f5597"
LAST_YEAR = "#a9bcd8"
UP = "#c00000"  # red for growth, as Chinese reports print it
DOWN = "#2e7d32"

Number = float | int | Decimal | str | None


def _float(value: Number) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _text_width(text: str, size: float = FONT_SIZE) -> float:
    """A CJK glyph is one em wide, Latin letters and digits about half; good enough to lay out
    columns without measuring the font."""
    return sum(size if ord(char) >= 0x2E80 else size * 0.56 for char in text)


def _fmt(value: float) -> str:
    """12345.6 → "12,345.6": thousands grouped, at most two decimals, no trailing zeros."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _pct(value: float) -> str:
    return f"{value:+.1f}%"


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 times a power of ten) covering low..high."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if raw <= m * magnitude)
    first = math.floor(low / step + 1e-9) * step
    last = math.ceil(high / step - 1e-9) * step
    return [first + i * step for i in range(round((last - first) / step) + 1)]


def _text(x: float, y: float, text: str, **attrs) -> str:
    """A <text> element; keyword arguments become attributes (font_size → font-size)."""
    extra = "".join(f' {name.replace("_", "-")}="{value}"' for name, value in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(text)}</text>'


def _svg(height: float, title: str, body: list[str]) -> SafeString:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-label="{escape(title)}" width="{WIDTH}" height="{height:.0f}" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" font-family="{FONT}" font-size="{FONT_SIZE}" '
        f'fill="{INK}">' + "".join(body) + "</svg>"
    )


def _heading(title: str, unit: str) -> tuple[list[str], float]:
    """The title centred on top, the unit in small print under it on the right; returns the
    elements and the height they take."""
    parts = []
    y = 4.0
    if title:
        y += 15
        parts.append(
            _text(WIDTH / 2, y, title, text_anchor="middle", font_size=13, font_weight=700)
        )
    if unit:
        y += 15
        parts.append(
            _text(WIDTH - 2, y, f"单位：{unit}", text_anchor="end", fill=MUTED, font_size=10)
        )
    return parts, y + 8


def bar_chart(
    labels: Sequence[str],
    values: Sequence[Number],
    *,
    unit: str = "",
    title: str = "",
    yoy: Sequence[Number] | None = None,
) -> SafeString:
    """Horizontal bars, one per label, with the value at the end of each bar and, when `yoy`
    is given, the year-on-year growth after it (red up, green down). A None value gets no bar
    and a dash; no values at all give ""."""
    numbers = [_float(v) for v in values]
    rows = list(zip(labels, numbers, strict=False))
    if not rows or all(v is None for _label, v in rows):
        return mark_safe("")
    growth = [_float(g) for g in (yoy or [])] + [None] * len(rows)

    parts, top = _heading(title, unit)
    row_height, bar_height = 26, 16
    label_width = min(max(_text_width(str(label)) for label, _v in rows) + 10, WIDTH * 0.34)
    notes = []
    for (_label, value), change in zip(rows, growth, strict=False):
        note = "—" if value is None else _fmt(value)
        if change is not None:
            note += f"  同比{_pct(change)}"
        notes.append(note)
    note_width = max(_text_width(n, 10) for n in notes) + 10
    left, right = label_width, WIDTH - note_width
    present = [v for _label, v in rows if v is not None]
    ticks = _ticks(min(present), max(present))
    low, high = ticks[0], ticks[-1]

    def x_of(value: float) -> float:
        return left + (value - low) / (high - low) * (right - left)

    bottom = top + row_height * len(rows)
    for tick in ticks:
        x = x_of(tick)
        parts.append(
            f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" '
            f'stroke="{GRID}" stroke-width="0.6"/>'
        )
        parts.append(
            _text(x, bottom + 13, _fmt(tick), text_anchor="middle", fill=MUTED, font_size=9)
        )
    zero = x_of(0.0)
    for index, ((label, value), change, note) in enumerate(zip(rows, growth, notes, strict=False)):
        y = top + index * row_height + (row_height - bar_height) / 2
        baseline = y + bar_height / 2 + 4
        parts.append(_text(left - 6, baseline, str(label), text_anchor="end"))
        end = zero
        if value is not None:
            end = x_of(value)
            x, width = min(zero, end), abs(end - zero)
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0.5):.1f}" '
                f'height="{bar_height}" fill="{THIS_YEAR}"/>'
            )
        note_x = max(end, zero) + 4
        if change is None:
            parts.append(_text(note_x, baseline, note, font_size=10))
        else:
            amount, _sep, growth_text = note.partition("  ")
            parts.append(_text(note_x, baseline, amount, font_size=10))
            parts.append(
                _text(
                    note_x + _text_width(amount, 10) + 6,
                    baseline,
                    growth_text,
                    font_size=10,
                    fill=UP if change > 0 else DOWN if change < 0 else MUTED,
                )
            )
    parts.append(
        f'<line x1="{zero:.1f}" y1="{top:.1f}" x2="{zero:.1f}" y2="{bottom:.1f}" '
        f'stroke="{INK}" stroke-width="0.8"/>'
    )
    return _svg(bottom + 20, title, parts)


def month_chart(
    this_year: Sequence[Number],
    last_year: Sequence[Number],
    *,
    unit: str = "",
    title: str = "",
    names: tuple[str, str] = ("本年", "上年"),
) -> SafeString:
    """Twelve months of this year against last year as paired vertical bars, with a legend
    naming the two series (`names`). Missing months (None) are left empty; no values at all
    give ""."""
    current = ([_float(v) for v in this_year] + [None] * 12)[:12]
    previous = ([_float(v) for v in last_year] + [None] * 12)[:12]
    present = [v for v in current + previous if v is not None]
    if not present:
        return mark_safe("")

    parts, top = _heading(title, "")
    # The legend shares a line with the unit.
    legend_y = top + 4
    x = WIDTH - 2
    legend = []
    for name, colour in reversed(list(zip(names, (THIS_YEAR, LAST_YEAR), strict=True))):
        x -= _text_width(name, 10)
        legend.append(_text(x, legend_y + 9, name, font_size=10))
        x -= 14
        legend.append(
            f'<rect x="{x:.1f}" y="{legend_y:.1f}" width="10" height="10" fill="{colour}"/>'
        )
        x -= 14
    parts += legend
    if unit:
        parts.append(_text(0, legend_y + 9, f"单位：{unit}", fill=MUTED, font_size=10))
    ticks = _ticks(min(present), max(present))
    low, high = ticks[0], ticks[-1]
    left = max(_text_width(_fmt(t), 9) for t in ticks) + 8
    right = WIDTH - 4
    plot_top, plot_bottom = legend_y + 24, legend_y + 24 + 170

    def y_of(value: float) -> float:
        return plot_bottom - (value - low) / (high - low) * (plot_bottom - plot_top)

    for tick in ticks:
        y = y_of(tick)
        parts.append(
            f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{right:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="0.6"/>'
        )
        parts.append(_text(left - 4, y + 3, _fmt(tick), text_anchor="end", fill=MUTED, font_size=9))
    group = (right - left) / 12
    bar = group * 0.32
    zero = y_of(0.0)
    for month in range(12):
        centre = left + group * (month + 0.5)
        for offset, value, colour in (
            (-bar, current[month], THIS_YEAR),
            (0, previous[month], LAST_YEAR),
        ):
            if value is None:
                continue
            y = y_of(value)
            parts.append(
                f'<rect x="{centre + offset:.1f}" y="{min(y, zero):.1f}" width="{bar:.1f}" '
                f'height="{max(abs(zero - y), 0.5):.1f}" fill="{colour}"/>'
            )
        parts.append(
            _text(centre, plot_bottom + 14, f"{month + 1}月", text_anchor="middle", font_size=9)
        )
    parts.append(
        f'<line x1="{left:.1f}" y1="{zero:.1f}" x2="{right:.1f}" y2="{zero:.1f}" '
        f'stroke="{INK}" stroke-width="0.8"/>'
    )
    return _svg(plot_bottom + 22, title, parts)
