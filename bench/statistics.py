"""The statistics import at scale: a 100,000-row xlsx of enterprise figures, timed against the
time pandas alone takes to read it (the floor), with the import's peak memory. The default
validation rules and outlier thresholds are loaded and ten years of each enterprise's history
lie before the file's months, so the import's checks for sense run as they would in the city:
`stats_validate_100k_s` is those checks alone, over the file and the figures around it."""

import math
import random
import tempfile
import time
import tracemalloc
from pathlib import Path

import openpyxl
import pandas as pd
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from chains.creditcode import generate
from chains.figures import reading, validating, writing
from chains.figures.services import indicators_load
from chains.matrix.io import matrix_load
from chains.models import Enterprise, EnterpriseFigure, FigureImport, Indicator
from chains.quality import checking
from chains.quality.services import flags_confirm, flags_record, rules_load
from portal.months import months_before

ROWS = 100_000
ENTERPRISES = 3_000


def _months(count: int) -> list[str]:
    return [f"{y}-{m:02d}" for y, m in months_before(timezone.localdate(), count)]


def build_files(folder: Path) -> tuple[Path, Path]:
    rng = random.Random(7)
    codes = []
    for _ in range(ENTERPRISES):
        codes.append(generate(rng, prefix="9135020"))
    directory = openpyxl.Workbook(write_only=True)
    sheet = directory.create_sheet("名录")
    sheet.append(["企业名称", "统一社会信用代码", "所在区", "产业", "是否规上"])
    for n, code in enumerate(codes):
        sheet.append([f"企业{n}", code, "思明区", "电子信息产业集群", "是"])
    directory_path = folder / "directory.xlsx"
    directory.save(directory_path)

    bases = [rng.uniform(100, 50000) for _ in codes]
    figures_path = write_figures(folder / "enterprise-figures-100k.xlsx", codes, bases)
    return directory_path, figures_path, dict(zip(codes, bases, strict=True))


def write_figures(path: Path, codes: list[str], bases: list[float]) -> Path:
    """The 100,000 enterprise-months of the file."""
    months = _months(ROWS // ENTERPRISES + 1)
    figures = openpyxl.Workbook(write_only=True)
    sheet = figures.create_sheet("企业月度")
    sheet.append(["重点企业主要指标"])
    sheet.append(["统一社会信用代码", "企业名称", "月份", "营业收入（万元）", None, None])
    sheet.append([None, None, None, "当月", "累计", "同比(%)"])
    for i in range(ROWS):
        e, month = i % ENTERPRISES, months[i // ENTERPRISES]
        year, number = int(month[:4]), int(month[5:])
        sheet.append(
            [
                codes[e],
                None,
                month,
                round(revenue(bases[e], year, number), 1),
                round(sum(revenue(bases[e], year, m) for m in range(1, number + 1)), 1),
                round(
                    (revenue(bases[e], year, number) / revenue(bases[e], year - 1, number) - 1)
                    * 100,
                    1,
                ),
            ]
        )
    figures.save(path)
    return path


def revenue(base: float, year: int, month: int) -> float:
    """An enterprise's monthly revenue: its own level, 6 % growth a year, a seasonal swing."""
    return base * 1.06 ** (year - 2016 + month / 12) * (1 + 0.08 * math.sin(month))


def history(codes_to_ids: dict, bases: dict, months: list[str], years: int = 10) -> int:
    """Ten years of current figures before the file's first month, written as one import."""
    first = min(months)
    y0, m0 = int(first[:4]), int(first[5:])
    source = FigureImport.objects.create(
        kind="enterprise_figures",
        status="applied",
        uploaded_by=User.objects.get(username="bench-stats"),
    )
    indicators = {i.code: i.pk for i in Indicator.objects.all()}
    rows = []
    for back in range(1, years * 12 + 1):
        year, month = divmod(y0 * 12 + m0 - 1 - back, 12)
        month += 1
        for code, pk in codes_to_ids.items():
            value = revenue(bases[code], year, month)
            total = sum(revenue(bases[code], year, m) for m in range(1, month + 1))
            rows.append(
                (source.pk, True, indicators["revenue-month"], pk, year, month, value, None)
            )
            rows.append((source.pk, True, indicators["revenue-ytd"], pk, year, month, total, None))
    frame = pd.DataFrame(
        rows,
        columns=[
            "source_id",
            "is_current",
            "indicator_id",
            "enterprise_id",
            "year",
            "month",
            "value",
            "yoy",
        ],
    )
    if connection.vendor == "postgresql":
        writing._copy(EnterpriseFigure, frame)
    else:
        writing._bulk_create(EnterpriseFigure, frame)
    return len(rows)


def _import(path: Path, user) -> reading.Plan:
    """Upload and import, confirming whatever the checks flag (the bench's data is smooth:
    hardly anything is)."""
    record = writing.upload_record(
        upload=SimpleUploadedFile(path.name, path.read_bytes()), user=user
    )
    try:
        return writing.apply(record)
    except writing.NotConfirmed as exc:
        flags_record(record, exc.findings)
        flags_confirm(record, user=user, reasons={}, reason_for_all="基准测试")
        return writing.apply(record)


def stored_revisions(source_id: int, count: int) -> None:
    """`count` earlier revisions of one import's figures, stored as superseded by it."""
    table = connection.ops.quote_name(EnterpriseFigure._meta.db_table)
    columns = "indicator_id, enterprise_id, year, month, value, yoy"
    with connection.cursor() as cursor:
        for _ in range(count):
            cursor.execute(
                f"INSERT INTO {table} (source_id, is_current, superseded_by_id, {columns})"
                f" SELECT source_id, FALSE, source_id, {columns} FROM {table}"
                " WHERE source_id = %s AND is_current",
                [source_id],
            )
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {table}")


def write_floor(source_id: int) -> float:
    """The database's own floor for the import's writes: the rows one import brought, copied
    server-side into the same table (no Python, no parsing, no network), with the indexes and the
    reference checks they cost, then rolled back."""
    table = connection.ops.quote_name(EnterpriseFigure._meta.db_table)
    columns = "source_id, is_current, indicator_id, enterprise_id, year, month, value, yoy"
    start = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {table} WHERE source_id = %s",
                [source_id],
            )
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the checks commit would run
        seconds = time.perf_counter() - start
        transaction.set_rollback(True)
    return seconds


def run() -> dict:
    matrix_load()
    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    indicators_load(fixtures / "indicators.json")
    rules_load(fixtures / "validation_rules.json")
    user = User.objects.create_superuser("bench-stats", password="bench-password-1234")
    with tempfile.TemporaryDirectory() as folder:
        directory_path, figures_path, bases = build_files(Path(folder))
        _import(directory_path, user)
        ids = dict(Enterprise.objects.values_list("credit_code", "pk"))
        history_rows = history(ids, bases, _months(ROWS // ENTERPRISES + 1))

        # The checks for sense alone, over the file's figures and the current ones around them.
        plan = validating.plan_file(figures_path, figures_path.name)
        back, wanted = checking.needs()
        first, last = checking.window(plan.months, back)
        around = validating._current(
            EnterpriseFigure,
            ["enterprise_id"],
            first,
            last,
            scope=list(ids.values()),
            indicators=sorted(wanted | set(plan.records["indicator_id"].unique())),
        )
        start = time.perf_counter()
        checking.run(plan.records, around, ["enterprise_id"])
        validate = time.perf_counter() - start

        start = time.perf_counter()
        frame = pd.read_excel(figures_path, engine="calamine", header=None, dtype=object)
        read_only = time.perf_counter() - start
        assert len(frame) >= ROWS
        del frame

        # Peak memory of the import, traced apart from the timed run (tracing slows Python
        # down) and rolled back.
        with transaction.atomic():
            tracemalloc.start()
            _import(figures_path, user)
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            transaction.set_rollback(True)

        start = time.perf_counter()
        plan = _import(figures_path, user)
        seconds = time.perf_counter() - start
        assert plan.ok and plan.added == ROWS * 2, (plan.added, plan.messages()[:3])
        write_only = write_floor(EnterpriseFigure.objects.latest("pk").source_id)

        # The same file again (a month sent twice): checked as a whole against the first, whose
        # figures it repeats; nothing is written again.
        start = time.perf_counter()
        _import(figures_path, user)
        reimport = time.perf_counter() - start

        # The same file over five revisions of its figures stored behind the current ones (the
        # bureau corrected the months five times): it must take no longer than with none, and
        # no longer than the first import. Stored by the database (a corrected file of 100,000
        # rows would be refused by the checks for sense as a whole file in error).
        stored_revisions(EnterpriseFigure.objects.latest("pk").source_id, 5)
        start = time.perf_counter()
        again = _import(figures_path, user)
        fifth = time.perf_counter() - start
        assert again.ok and again.added == 0 and again.changed == 0, again.messages()[:3]
    return {
        "stats_validate_100k_s": validate,
        "stats_history_rows": history_rows,
        "stats_findings_100k": plan.findings_total,
        "stats_import_100k_s": seconds,
        "stats_read_only_100k_s": read_only,
        "stats_import_vs_floor": seconds / read_only,
        "stats_write_only_100k_s": write_only,
        "stats_read_plus_write_floor_s": read_only + write_only,
        "stats_import_rows_per_s": ROWS / seconds,
        "stats_reimport_100k_s": reimport,
        "stats_reimport_5th_s": fifth,
        "stats_reimport_5th_vs_import": fifth / seconds,
        "stats_import_peak_mb": peak / 1024 / 1024,
    }
