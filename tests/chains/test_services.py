"""The services that write the matrix (chains.matrix.services, chains.matrix.history)."""

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.choices import Role
from chains import loads as services
from chains.choices import ChangeMethod
from chains.matrix import services as matrix_services
from chains.matrix.history import assignment_update
from chains.matrix.selectors import assignment_row
from chains.models import Industry, Official

NEW_ENERGY = "新能源产业"


def _statements(run) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        with transaction.atomic():
            run()
    return [query["sql"] for query in queries.captured_queries]


def _locks_assignment(sql: str) -> bool:
    return "FOR UPDATE" in sql and 'FROM "chains_assignment"' in sql


def test_setting_an_assignments_members_locks_it_before_reading_them(matrix, postgres):
    """Two writes to one assignment at once (two admins saving, a form save and an import)
    each delete and re-create its links: the second waits for the first and then reads its
    result, instead of both starting from the same links."""
    assignment = Industry.objects.get(name=NEW_ENERGY).assignment
    row = assignment_row(assignment)
    row["responsible_units"] = [*row["responsible_units"], "市海洋局"]
    sql = _statements(
        lambda: matrix_services.assignment_set_members(
            assignment=assignment,
            officials=list(Official.objects.filter(name__in=row["lead_officials"])),
            official_order=row["lead_officials"],
            lead_units=row["lead_units"],
            responsible_units=row["responsible_units"],
        )
    )
    lock = next(i for i, s in enumerate(sql) if _locks_assignment(s))
    first_read = next(i for i, s in enumerate(sql) if '"chains_assignmentofficial"' in s)
    assert lock < first_read


def test_the_admins_form_write_locks_the_assignment_before_reading_the_matrix(
    matrix, postgres, make_user
):
    """The change record's "before" is read after the lock, so it is the matrix the write
    changes, not one a concurrent write has just replaced."""
    admin = make_user("root", role=Role.ADMIN, is_staff=True, is_superuser=True)
    assignment = Industry.objects.get(name=NEW_ENERGY).assignment
    row = assignment_row(assignment)
    sql = _statements(
        lambda: assignment_update(
            assignment=assignment,
            lead_officials=row["lead_officials"],
            lead_units=row["lead_units"],
            responsible_units=[*row["responsible_units"], "市海洋局"],
            who=services.Load(actor=admin, method=ChangeMethod.FORM),
        )
    )
    lock = next(i for i, s in enumerate(sql) if _locks_assignment(s))
    first_read = next(i for i, s in enumerate(sql) if '"chains_industry"' in s)
    assert lock < first_read
