"""Calendar months as (year, month) pairs: the next, the previous, and the months before a day."""

import datetime


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def months_before(today: datetime.date, count: int) -> list[tuple[int, int]]:
    """The `count` months before today's, oldest first."""
    year, month, out = today.year, today.month, []
    for _ in range(count):
        year, month = previous_month(year, month)
        out.append((year, month))
    return out[::-1]
