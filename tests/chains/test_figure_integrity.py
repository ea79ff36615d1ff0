"""Enterprise figures keep their references without row-by-row foreign keys: on PostgreSQL the
triggers of migration chains 0004 check each statement's rows, lock what they refer to, and
refuse to delete what a figure refers to; everywhere, Django's PROTECT refuses it too. And a
re-import supersedes exactly the figures it replaces."""

import threading
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import (
    DatabaseError,
    IntegrityError,
    OperationalError,
    connection,
    connections,
    transaction,
)
from django.db.models import ProtectedError

from chains.figures import writing
from chains.models import Enterprise, EnterpriseFigure, FigureImport, Indicator
from tests.chains.stats_files import credit_code, enterprise_directory, enterprise_figures
from tests.chains.test_statistics import run


@pytest.fixture
def figures(stats_db, tmp_path):
    codes = [credit_code(i) for i in range(3)]
    enterprise_directory(
        tmp_path / "dir.xlsx",
        [
            (f"厦门企业{i}有限公司", code, "思明区", "电子信息产业集群", "是", None, None)
            for i, code in enumerate(codes)
        ],
    )
    run(tmp_path / "dir.xlsx")
    enterprise_figures(
        tmp_path / "v1.xlsx",
        [(codes[0], "", 500, 4000, 8.8), (codes[1], "", 700, 6000, None)],
    )
    run(tmp_path / "v1.xlsx")
    return {
        "used": Enterprise.objects.get(credit_code=codes[0]),
        "unused": Enterprise.objects.get(credit_code=codes[2]),
        "source": FigureImport.objects.get(kind="enterprise_figures"),
        "codes": codes,
        "path": tmp_path / "v1.xlsx",
    }


def _figure(**fields):
    values = {"year": 2025, "month": 9, "value": Decimal("1"), **fields}
    return EnterpriseFigure(**values)


def test_orm_deletes_are_protected(figures):
    with pytest.raises(ProtectedError):
        figures["used"].delete()
    with pytest.raises(ProtectedError):
        figures["source"].delete()
    figures["unused"].delete()  # nothing refers to it
    assert not Enterprise.objects.filter(pk=figures["unused"].pk).exists()


def test_the_database_refuses_figures_that_refer_to_nothing(postgres, figures):
    indicator = Indicator.objects.get(code="revenue-month")
    good = {"source": figures["source"], "indicator": indicator, "enterprise": figures["used"]}
    for wrong, message in (
        ({"enterprise_id": 999_999}, "chains_enterprise"),
        ({"indicator_id": 999_999}, "chains_indicator"),
        ({"source_id": 999_999}, "chains_figureimport"),
    ):
        fields = {**good}
        fields.pop(next(iter(wrong)).removesuffix("_id"))
        with pytest.raises(IntegrityError, match=message), transaction.atomic():
            _figure(**fields, **wrong).save()
    # Updates are checked too, and bulk inserts statement by statement.
    figure = EnterpriseFigure.objects.filter(enterprise=figures["used"]).first()
    with pytest.raises(IntegrityError, match="chains_figureimport"), transaction.atomic():
        EnterpriseFigure.objects.filter(pk=figure.pk).update(superseded_by_id=999_999)
    with pytest.raises(IntegrityError, match="chains_enterprise"), transaction.atomic():
        orphan = {k: v for k, v in good.items() if k != "enterprise"}
        EnterpriseFigure.objects.bulk_create(
            [_figure(**good), _figure(**orphan, enterprise_id=999_999)]
        )
    before = EnterpriseFigure.objects.count()
    EnterpriseFigure.objects.bulk_create([_figure(**good, month=8)])
    assert EnterpriseFigure.objects.count() == before + 1


def test_the_database_refuses_to_delete_what_figures_refer_to(postgres, figures):
    for table, pk in (
        ("chains_enterprise", figures["used"].pk),
        ("chains_figureimport", figures["source"].pk),
        ("chains_indicator", Indicator.objects.get(code="revenue-month").pk),
    ):
        with pytest.raises(IntegrityError, match="violates a reference"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {table} WHERE id = %s", [pk])
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM chains_enterprise WHERE id = %s", [figures["unused"].pk])
    assert not Enterprise.objects.filter(pk=figures["unused"].pk).exists()
    assert Enterprise.objects.filter(pk=figures["used"].pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_delete_waits_for_an_import_that_refers_to_it(postgres, figures):
    """As with a foreign key, the rows a new figure refers to are locked until it commits: a
    concurrent delete of its enterprise waits rather than leaving the figure an orphan."""
    enterprise = figures["unused"]
    indicator = Indicator.objects.get(code="revenue-month")
    inserted, finished = threading.Event(), threading.Event()
    outcome = {}

    def delete_meanwhile():
        other = connections.create_connection("default")
        try:
            inserted.wait(10)
            with other.cursor() as cursor:
                cursor.execute("SET lock_timeout = '300ms'")
                try:
                    cursor.execute("DELETE FROM chains_enterprise WHERE id = %s", [enterprise.pk])
                    outcome["deleted"] = True
                except OperationalError as exc:
                    outcome["error"] = str(exc)
        finally:
            other.close()
            finished.set()

    thread = threading.Thread(target=delete_meanwhile)
    thread.start()
    with transaction.atomic():
        _figure(source=figures["source"], indicator=indicator, enterprise=enterprise).save()
        inserted.set()
        finished.wait(10)
    thread.join()
    assert "lock timeout" in outcome.get("error", ""), outcome
    assert EnterpriseFigure.objects.filter(enterprise=enterprise).count() == 1


def test_a_reimport_supersedes_exactly_the_figures_it_replaces(figures, tmp_path):
    codes = figures["codes"]
    # The second revision changes one value, keeps one, and adds a third enterprise.
    enterprise_figures(
        tmp_path / "v2.xlsx",
        [(codes[0], "", 550, 4000, 8.8), (codes[2], "", 90, 800, None)],
    )
    run(tmp_path / "v2.xlsx")
    second = FigureImport.objects.filter(kind="enterprise_figures").latest("pk")
    current = {
        (f.enterprise.credit_code, f.indicator.code): (f.value, f.source_id)
        for f in EnterpriseFigure.objects.filter(is_current=True).select_related(
            "enterprise", "indicator"
        )
    }
    first = figures["source"].pk
    assert current == {
        (codes[0], "revenue-month"): (Decimal("550"), second.pk),
        # Repeated unchanged: not written again, it stays with the import that brought it.
        (codes[0], "revenue-ytd"): (Decimal("4000"), first),
        (codes[1], "revenue-month"): (Decimal("700"), first),  # not in the new file: stays
        (codes[1], "revenue-ytd"): (Decimal("6000"), first),
        (codes[2], "revenue-month"): (Decimal("90"), second.pk),
        (codes[2], "revenue-ytd"): (Decimal("800"), second.pk),
    }
    old = EnterpriseFigure.objects.filter(is_current=False)
    assert sorted(old.values_list("enterprise__credit_code", "value", "superseded_by")) == [
        (codes[0], Decimal("500"), second.pk),
    ]
    assert (second.rows_added, second.rows_changed, second.rows_unchanged) == (2, 1, 1)
    assert EnterpriseFigure.objects.filter(source=second).count() == 3


def test_the_same_file_again_writes_nothing_and_changes_nothing(figures, tmp_path):
    """A month re-imported as it was: every figure is counted unchanged and none is written
    again (a re-sent 100,000-row file must not double the table)."""
    before = sorted(EnterpriseFigure.objects.values_list("pk", "value", "is_current", "source"))
    run(figures["path"])
    again = FigureImport.objects.filter(kind="enterprise_figures").latest("pk")
    assert again.pk != figures["source"].pk and again.status == "applied"
    assert (again.rows_added, again.rows_changed, again.rows_unchanged) == (0, 0, 4)
    assert sorted(EnterpriseFigure.objects.values_list("pk", "value", "is_current", "source")) == (
        before
    )


@pytest.mark.django_db(transaction=True)
def test_an_import_that_fails_half_way_leaves_nothing_behind(postgres, figures, tmp_path):
    """The database fails after the new figures are written but while the old ones are being
    marked replaced (a trigger refusing one row, as a full disk or a lost lock would): the
    import must leave no figure of its own and stay unapplied, or the month would have two
    current values for one key."""
    codes = figures["codes"]
    before = sorted(
        EnterpriseFigure.objects.values_list(
            "enterprise_id", "indicator_id", "value", "is_current", "source_id"
        )
    )
    failing = EnterpriseFigure.objects.get(
        enterprise=figures["used"], indicator__code="revenue-ytd"
    )
    enterprise_figures(
        tmp_path / "v2.xlsx",
        [(codes[0], "", 550, 4100, 8.8), (codes[2], "", 90, 800, None)],
    )
    upload = SimpleUploadedFile("v2.xlsx", (tmp_path / "v2.xlsx").read_bytes())
    record = writing.upload_record(upload=upload, user=figures["source"].uploaded_by)
    assert writing.preview(record).ok
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION test_refuse_row() RETURNS trigger LANGUAGE plpgsql AS"
            " $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER test_refuse_row BEFORE UPDATE ON chains_enterprisefigure"
            f" FOR EACH ROW WHEN (OLD.id = {failing.pk}) EXECUTE FUNCTION test_refuse_row()"
        )
    try:
        with pytest.raises(DatabaseError, match="refused by the test"):
            writing.apply(record)
    finally:
        # Tables are emptied between transactional tests, not dropped: the trigger would stay.
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER test_refuse_row ON chains_enterprisefigure")
            cursor.execute("DROP FUNCTION test_refuse_row()")
    assert not EnterpriseFigure.objects.filter(source=record).exists()
    after = sorted(
        EnterpriseFigure.objects.values_list(
            "enterprise_id", "indicator_id", "value", "is_current", "source_id"
        )
    )
    assert after == before
    record.refresh_from_db()
    assert record.status == "preview" and record.applied_at is None
    # Once the database is well again, the same record imports.
    writing.apply(record)
    assert EnterpriseFigure.objects.filter(source=record, is_current=True).count() == 4


def test_copy_and_insert_store_the_same_figures(postgres, figures):
    """PostgreSQL imports with COPY, other databases with INSERT: both must store what the file
    says, to the same decimals, with blanks as NULL, across the slices COPY is fed in."""
    import pandas as pd

    enterprise = figures["used"]
    indicator = Indicator.objects.get(code="revenue-month")
    frame = pd.DataFrame(
        {
            "enterprise_id": pd.array([enterprise.pk] * 5, dtype="Int64"),
            "indicator_id": pd.array([indicator.pk] * 5, dtype="Int64"),
            "year": pd.array([2024] * 5, dtype="Int64"),
            "month": pd.array([1, 2, 3, 4, 5], dtype="Int64"),
            "value": [1234567.8912, 0.00015, -15.5, 9999999999999.5, float("nan")],
            "yoy": [12.34, -100.0, float("nan"), 0.125, 7.0],
        }
    )
    frame["source_id"] = figures["source"].pk
    frame["is_current"] = False
    stored = EnterpriseFigure.objects.filter(year=2024).order_by("month")

    def rows():
        return list(stored.values_list("month", "value", "yoy", "is_current"))

    writing._copy(EnterpriseFigure, frame)
    copied = rows()
    assert copied == [
        (1, Decimal("1234567.8912"), Decimal("12.34"), False),
        (2, Decimal("0.0002"), Decimal("-100"), False),  # half away from zero
        (3, Decimal("-15.5"), None, False),
        (4, Decimal("9999999999999.5"), Decimal("0.13"), False),
        (5, None, Decimal("7"), False),
    ]
    stored.delete()
    writing._bulk_create(EnterpriseFigure, frame)
    assert rows() == copied

    # Fed in slices of two rows, COPY stores the same five.
    stored.delete()
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {EnterpriseFigure._meta.db_table} ({', '.join(frame.columns)}) "
            "FROM STDIN WITH (FORMAT csv, NULL '\\N')",
            writing._CsvSlices(frame, rows=2),
            7,  # a read size smaller than a line: lines are cut across reads too
        )
    assert rows() == copied
