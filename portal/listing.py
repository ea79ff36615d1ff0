"""Lists that scale: a page of fifty, an order chosen in the URL among the orders a list names,
and the list's other parameters kept for its links (sort headers, pager, export). Django's
Paginator does the paging; this adds only the order and the query strings."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.http import QueryDict

PER_PAGE = 50


@dataclass
class Listing:
    page: Page
    rows: object  # every row the filters select, in the order in force (what an export gives)
    sort: str  # the order in force: a name of `orders`, "-" first when descending
    query: str  # the URL's parameters but the page: for the pager
    unsorted: str  # …and but the order: for the sort headers


def ordered(rows, orders: dict[str, tuple[str, ...]], key: str | None, default: str):
    """`rows` in the order `key` names ("-name" reverses it); an unknown key is the default.
    Returns the rows and the key in force."""
    if not key or key.lstrip("-") not in orders:
        key = default
    fields = orders[key.lstrip("-")]
    if key.startswith("-"):
        fields = tuple(_reversed(f) for f in fields)
    return rows.order_by(*fields), key


def _reversed(field):
    """ "name" ↔ "-name"; an ordering expression (F(…).asc(nulls_first=True)) the other way,
    its nulls at the other end."""
    if isinstance(field, str):
        return field[1:] if field.startswith("-") else f"-{field}"
    flipped = field.copy()
    flipped.reverse_ordering()
    return flipped


def listing(request, rows, orders: dict[str, tuple[str, ...]], default: str) -> Listing:
    """A page of `rows` as the request asks (?sort=, ?page=)."""
    rows, key = ordered(rows, orders, request.GET.get("sort"), default)
    return Listing(
        page=Paginator(rows, PER_PAGE).get_page(request.GET.get("page")),
        rows=rows,
        sort=key,
        query=_without(request.GET, "page"),
        unsorted=_without(request.GET, "page", "sort", "format"),
    )


def _without(params: QueryDict, *names: str) -> str:
    kept = params.copy()
    for name in names:
        kept.pop(name, None)
    return kept.urlencode()
