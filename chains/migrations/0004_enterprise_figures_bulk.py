"""Enterprise figures are loaded a hundred thousand at a time. PostgreSQL checks a foreign key
row by row, which took twice as long as storing the rows; here each statement's new rows are
checked at once instead, by triggers, with the same guarantees:

- rows inserted or updated must refer to existing enterprises, indicators and imports; the
  rows referred to are locked FOR KEY SHARE, as a foreign key does, so a concurrent delete
  waits and then fails;
- an enterprise, indicator or import that a figure refers to cannot be deleted (or renumbered).

Other databases (SQLite for development) rely on the import's own checks and Django's PROTECT."""

import django.db.models.deletion
from django.db import migrations, models

CHECK_NEW_ROWS = r"""
CREATE OR REPLACE FUNCTION chains_lock_referenced(referenced text, ids bigint[], referencing text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  locked bigint;
BEGIN
  EXECUTE format('SELECT count(*) FROM (SELECT 1 FROM %I WHERE id = ANY($1) FOR KEY SHARE) r',
                 referenced) INTO locked USING ids;
  IF locked <> cardinality(ids) THEN
    RAISE EXCEPTION 'insert or update on table "%" violates its reference to "%"',
      referencing, referenced
      USING ERRCODE = 'foreign_key_violation',
            DETAIL = format('Not all of the ids %s are in %s.', ids, referenced);
  END IF;
END $$;

CREATE OR REPLACE FUNCTION chains_enterprisefigure_check_references() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  imports bigint[];
  indicators bigint[];
  enterprises bigint[];
BEGIN
  -- A hundred thousand new rows hold a few thousand combinations: one scan reduces them.
  WITH combos AS MATERIALIZED (
    SELECT DISTINCT source_id, superseded_by_id, indicator_id, enterprise_id FROM new_rows
  )
  SELECT ARRAY(SELECT source_id FROM combos
               UNION SELECT superseded_by_id FROM combos WHERE superseded_by_id IS NOT NULL),
         ARRAY(SELECT DISTINCT indicator_id FROM combos),
         ARRAY(SELECT DISTINCT enterprise_id FROM combos)
    INTO imports, indicators, enterprises;
  PERFORM chains_lock_referenced('chains_figureimport', imports, TG_TABLE_NAME);
  PERFORM chains_lock_referenced('chains_indicator', indicators, TG_TABLE_NAME);
  PERFORM chains_lock_referenced('chains_enterprise', enterprises, TG_TABLE_NAME);
  RETURN NULL;
END $$;
"""

REFUSE_IF_REFERENCED = r"""
CREATE OR REPLACE FUNCTION chains_refuse_if_referenced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  used boolean;
BEGIN
  -- TG_ARGV: referencing table, then its columns that refer to this table
  IF TG_OP = 'UPDATE' AND NEW.id = OLD.id THEN
    RETURN NEW;
  END IF;
  FOR i IN 1 .. TG_NARGS - 1 LOOP
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE %I = $1)', TG_ARGV[0], TG_ARGV[i])
      INTO used USING OLD.id;
    IF used THEN
      RAISE EXCEPTION 'delete or update on table "%" violates a reference from "%"',
        TG_TABLE_NAME, TG_ARGV[0]
        USING ERRCODE = 'foreign_key_violation',
              DETAIL = format('Key (id)=(%s) is still referred to by %s.%s.',
                              OLD.id, TG_ARGV[0], TG_ARGV[i]);
    END IF;
  END LOOP;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END $$;
"""

# The rows of one import are stored together, in order: a BRIN index finds them at a fraction
# of a B-tree's cost to keep up. (SQLite has no BRIN: a B-tree there.)
SOURCE_INDEX = (
    "CREATE INDEX enterprise_figures_source ON chains_enterprisefigure {using} (source_id)"
)
TRIGGERS = [
    """CREATE TRIGGER chains_enterprisefigure_insert_refs AFTER INSERT ON chains_enterprisefigure
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
        EXECUTE FUNCTION chains_enterprisefigure_check_references()""",
    """CREATE TRIGGER chains_enterprisefigure_update_refs AFTER UPDATE ON chains_enterprisefigure
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
        EXECUTE FUNCTION chains_enterprisefigure_check_references()""",
    """CREATE TRIGGER chains_enterprise_figures_protect BEFORE DELETE OR UPDATE OF id
        ON chains_enterprise FOR EACH ROW
        EXECUTE FUNCTION chains_refuse_if_referenced('chains_enterprisefigure', 'enterprise_id')""",
    """CREATE TRIGGER chains_indicator_figures_protect BEFORE DELETE OR UPDATE OF id
        ON chains_indicator FOR EACH ROW
        EXECUTE FUNCTION chains_refuse_if_referenced('chains_enterprisefigure', 'indicator_id')""",
    """CREATE TRIGGER chains_figureimport_figures_protect BEFORE DELETE OR UPDATE OF id
        ON chains_figureimport FOR EACH ROW
        EXECUTE FUNCTION chains_refuse_if_referenced(
            'chains_enterprisefigure', 'source_id', 'superseded_by_id')""",
]
DROP = [
    "DROP INDEX IF EXISTS enterprise_figures_source",
    "DROP TRIGGER IF EXISTS chains_enterprisefigure_insert_refs ON chains_enterprisefigure",
    "DROP TRIGGER IF EXISTS chains_enterprisefigure_update_refs ON chains_enterprisefigure",
    "DROP TRIGGER IF EXISTS chains_enterprise_figures_protect ON chains_enterprise",
    "DROP TRIGGER IF EXISTS chains_indicator_figures_protect ON chains_indicator",
    "DROP TRIGGER IF EXISTS chains_figureimport_figures_protect ON chains_figureimport",
    "DROP FUNCTION IF EXISTS chains_enterprisefigure_check_references()",
    "DROP FUNCTION IF EXISTS chains_lock_referenced(text, bigint[], text)",
    "DROP FUNCTION IF EXISTS chains_refuse_if_referenced()",
]


def _run(statements, elsewhere=()):
    def run(apps, schema_editor):
        postgresql = schema_editor.connection.vendor == "postgresql"
        with schema_editor.connection.cursor() as cursor:
            for statement in statements if postgresql else elsewhere:
                cursor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("chains", "0003_registers"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="enterprisefigure",
            name="current_enterprise_figures",
        ),
        migrations.AlterField(
            model_name="enterprisefigure",
            name="enterprise",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="figures",
                to="chains.enterprise",
            ),
        ),
        migrations.AlterField(
            model_name="enterprisefigure",
            name="indicator",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="chains.indicator",
            ),
        ),
        migrations.AlterField(
            model_name="enterprisefigure",
            name="source",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="enterprise_figures",
                to="chains.figureimport",
            ),
        ),
        migrations.AlterField(
            model_name="enterprisefigure",
            name="superseded_by",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="chains.figureimport",
            ),
        ),
        migrations.AddIndex(
            model_name="enterprisefigure",
            index=models.Index(
                fields=["enterprise", "year", "month"], name="enterprise_figures_by_month"
            ),
        ),
        migrations.AddIndex(
            model_name="enterprisefigure",
            index=models.Index(
                condition=models.Q(("superseded_by__isnull", False)),
                fields=["superseded_by"],
                name="enterprise_figures_superseded",
            ),
        ),
        migrations.RunPython(
            _run(
                [
                    SOURCE_INDEX.format(using="USING brin"),
                    CHECK_NEW_ROWS,
                    REFUSE_IF_REFERENCED,
                    *TRIGGERS,
                ],
                elsewhere=[SOURCE_INDEX.format(using="")],
            ),
            _run(DROP, elsewhere=["DROP INDEX IF EXISTS enterprise_figures_source"]),
        ),
    ]
