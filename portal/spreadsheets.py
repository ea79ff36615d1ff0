"""Every cell of every xlsx or csv the portal writes passes through `cell()`: the dashboard,
the district assessment, the figure, cultivation and template downloads, `export_matrix` and
the admin's exports (through SafeExportMixin).

Two things go wrong otherwise. openpyxl refuses lazy translations ("Cannot convert …"), so a
label such as a problem type or an enterprise tier made the export answer 500. And text a
user typed that starts with "=", "+", "-", "@", a tab or a carriage return is run by Excel
or WPS as a formula (`=HYPERLINK(...)`, DDE): such text is prefixed with a single quote, as
OWASP advises for CSV injection. Numbers, negative ones too, stay numbers; only text is
escaped. Reading such a file back (the admin's imports, `load_matrix`), `unescape_text()` drops
that quote again, so an exported file re-imports unchanged."""

import datetime
import io
from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone
from django.utils.encoding import force_str
from import_export import widgets

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Types openpyxl and csv write as values of their own, never as a formula.
_NATIVE = (bool, int, float, datetime.date, datetime.time, datetime.timedelta)


def escape_formula(text: str) -> str:
    """Text that a spreadsheet would read as a formula, made plain text. Text that already
    looks escaped ("'=x") gets a quote too, so that `unescape_text` gives back exactly it."""
    return "'" + text if text.lstrip("'").startswith(FORMULA_STARTS) else text


def unescape_text(value):
    """A cell read back from a file the portal wrote: exactly one leading quote is dropped when
    (after any further quotes) "=", "+", "-", "@", a tab or a CR follows: the quote
    `escape_formula` added. Anything else, numbers included, is returned as it is."""
    if (
        isinstance(value, str)
        and value.startswith("'")
        and value.lstrip("'").startswith(FORMULA_STARTS)
    ):
        return value[1:]
    return value


def cell(value):
    """A value ready for a spreadsheet cell: None and numbers as they are (Decimal as float),
    aware datetimes in local time (Excel has no time zones), everything else as escaped text
    (lazy translations and model instances included)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.make_naive(value)
    if isinstance(value, _NATIVE):
        return value
    return escape_formula(force_str(value))


def cells(values: Iterable) -> list:
    return [cell(v) for v in values]


def workbook(sheets: Iterable[tuple[str, Iterable[Iterable]]]) -> bytes:
    """An xlsx of (title, rows) sheets, the header being the first row."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title[:31])  # Excel's limit on a sheet's name
        for row in rows:
            sheet.append(cells(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# Widgets that render a typed value (in csv as text, such as "-1"): never escaped.
_TYPED_WIDGETS = (
    widgets.NumberWidget,
    widgets.BooleanWidget,
    widgets.DateWidget,
    widgets.DateTimeWidget,
    widgets.TimeWidget,
    widgets.DurationWidget,
)


class SafeExportMixin:
    """For django-import-export resources: each exported text cell goes through `cell()`.

    The library's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT is off (see settings): it only
    deletes a leading "=" (so "=-1+2" still becomes "-1+2"), ignores "+", "-", "@", tab and
    CR, and turns every cell of an xlsx into text, numbers and empty cells ("None") included.
    The escaping happens here, where the widget still tells a number from text."""

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        if isinstance(field.widget, _TYPED_WIDGETS):
            return value  # a number or date, even when rendered as text ("-1"): not escaped
        return cell(value)


class SafeImportMixin:
    """For django-import-export resources whose exports go through SafeExportMixin: the text
    escaped on export is read back as it was typed ("'-x" becomes "-x" again), whatever the
    format. `escaped=False` for files the portal writes unescaped (export_matrix's JSON)."""

    def import_data(self, dataset, *args, escaped: bool = True, **kwargs):
        if escaped:
            for index, row in enumerate(list(dataset)):
                dataset[index] = [unescape_text(value) for value in row]
        return super().import_data(dataset, *args, **kwargs)
