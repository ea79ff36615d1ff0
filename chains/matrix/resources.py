"""django-import-export resources: the admin's import/export and `load_matrix` share them, so
a file is validated and written the same way wherever it comes in."""

import hashlib
import json

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils.text import capfirst
from import_export import fields, resources, widgets
from import_export.results import Result

from chains import loads as services
from chains.choices import ALL_DISTRICTS, LIST_SEPARATOR, CategoryCode, ChangeMethod, UnitKind
from chains.matrix import services as matrix_services
from chains.matrix.history import matrix_preview, matrix_record
from chains.matrix.permissions import permissions_sync
from chains.matrix.rules import FIELD_LABELS, matrix_row_errors
from chains.matrix.selectors import (
    MATRIX_COLUMNS,
    assignment_names,
    industries_with_assignments,
    matrix_rows,
)
from chains.models import Category, Industry, Official, SubSegment, Unit
from portal.spreadsheets import SafeExportMixin, SafeImportMixin

SEPARATORS = (LIST_SEPARATOR, "，", ",", ";", "；", "\n")


def split_names(value) -> list[str]:
    """A list of names from a JSON list or a cell joined with "、" (or commas)."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        items = [str(v) for v in value]
    else:
        text = str(value)
        for sep in SEPARATORS[1:]:
            text = text.replace(sep, LIST_SEPARATOR)
        items = text.split(LIST_SEPARATOR)
    return [item.strip() for item in items if item and item.strip()]


class NameListWidget(widgets.Widget):
    """A cell listing canonical names; unknown names are refused with a message in Chinese."""

    def __init__(self, model, label: str, expand_districts: bool = False):
        super().__init__()
        self.model = model
        self.label = label
        self.expand_districts = expand_districts

    def clean(self, value, row=None, **kwargs) -> list[str]:
        names = split_names(value)
        if self.expand_districts and ALL_DISTRICTS in names:
            districts = list(
                Unit.objects.filter(kind=UnitKind.DISTRICT).values_list("name", flat=True)
            )
            at = names.index(ALL_DISTRICTS)
            names = names[:at] + districts + names[at + 1 :]
        known = set(self.model.objects.filter(name__in=names).values_list("name", flat=True))
        unknown = [n for n in dict.fromkeys(names) if n not in known]
        if unknown:
            raise ValueError(
                f"未知的{self.label}：{LIST_SEPARATOR.join(unknown)}（请使用规范名称）"
            )
        return names  # what a row may hold is matrix_rules' to say (MatrixResource)

    def render(self, value, obj=None, **kwargs) -> str:
        return LIST_SEPARATOR.join(value or [])


class CategoryWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        super().__init__(Category, field="code")

    def clean(self, value, row=None, **kwargs):
        code = (str(value).strip() if value is not None else "").lower()
        if code not in CategoryCode.values:
            raise ValueError(
                f"未知的产业类别「{value or ''}」，应为 pillar（支柱）、emerging（新兴）或 future（未来）"
            )
        return super().clean(code, row=row, **kwargs)


class AssignmentListField(fields.Field):
    """One list of the industry's assignment. Import keeps the cleaned list on the instance
    until the row is saved; export and the unchanged-row check read the saved assignment."""

    def get_value(self, instance):
        pending = instance.__dict__.get("_matrix_pending", {})
        if self.attribute in pending:
            return pending[self.attribute]
        if instance.pk is None:
            return []
        return assignment_names(instance)[self.attribute]

    def save(self, instance, row, is_m2m=False, **kwargs):
        instance.__dict__.setdefault("_matrix_pending", {})[self.attribute] = self.clean(
            row, **kwargs
        )


class SpreadsheetRowsResult(Result):
    """Rows numbered as a spreadsheet numbers them: the header is row 1, the first data row is
    row 2 (django-import-export counts data rows from 1). The admin's messages and
    `load_matrix`'s then name the row the administrator sees in Excel."""

    def append_invalid_row(self, number, row, validation_error):
        super().append_invalid_row(number + 1, row, validation_error)

    def append_error_row(self, number, row, errors):
        super().append_error_row(number + 1, row, errors)

    def row_errors(self):
        return [(error_row.number, error_row.errors) for error_row in self.error_rows]


class ColumnsMixin:
    """Rows numbered as in a spreadsheet, and each column's label for the admin: its Chinese
    name and the file's column, 「牵头市领导（lead_officials）」 (the export page's check boxes,
    the import's row errors)."""

    column_labels: dict[str, str] = {}

    def get_result_class(self):
        return SpreadsheetRowsResult

    @classmethod
    def column_label(cls, name: str) -> str:
        """The label of a field, found by its name or (as import errors name it) attribute."""
        field = cls.fields.get(name) or next(
            (f for f in cls.fields.values() if f.attribute == name), None
        )
        key = next((k for k, f in cls.fields.items() if f is field), name)
        column = field.column_name if field is not None else name
        label = cls.column_labels.get(key)
        if label is None:
            try:
                attribute = field.attribute if field is not None else name
                label = capfirst(cls._meta.model._meta.get_field(attribute).verbose_name)
            except FieldDoesNotExist:
                return column
        return f"{label}（{column}）"


class SyncPermissionsMixin:
    """A file is written all or nothing: one row refused rolls back every row (import-export's
    default keeps the good rows of a file with refused ones, and this mixin then neither
    re-synced nor recorded them). After a clean import, object permissions are brought in
    step with the matrix, in the same transaction (new units and officials get their groups,
    moved units their rights), and what the import changed in the matrix is recorded (a
    renamed unit changes it too).

    Only an import a user makes in the admin (which passes `user` and `file_name`) is recorded
    here; `load_matrix` records its whole load, catalogue included (chains.matrix.io)."""

    def import_data(self, dataset, *args, **kwargs):
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, *args, **kwargs)

    def before_import(self, dataset, **kwargs):
        self._matrix_before, self._matrix_after = matrix_rows(), None
        super().before_import(dataset, **kwargs)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if result.has_errors() or result.has_validation_errors():
            return  # the whole import is rolled back (import_data above)
        permissions_sync()
        self._matrix_after = matrix_rows()
        result.file_name = kwargs.get("file_name") or ""
        user = kwargs.get("user")
        if user is not None and not kwargs.get("dry_run", False):
            result.matrix_record = matrix_record(
                before=self._matrix_before,
                after=self._matrix_after,
                who=services.Load(actor=user, method=ChangeMethod.IMPORT),
                source=kwargs.get("file_name") or "",
            )


class ChangedSincePreview(Exception):
    """The table changed between the admin's preview and the confirmation: the confirmed
    import would not do what the preview showed. Nothing is written."""


class PreviewStateMixin:
    """The preview must be what confirming writes. The dry run leaves on its result a
    fingerprint of the table as the preview compared the file with (`preview_fingerprint`);
    the admin carries it through the confirm form and the confirmed import is given it back
    (`preview_fingerprint=`): if the table is no longer the same (a form edit landed between
    preview and confirm, which the import would silently undo), the import raises
    ChangedSincePreview in its transaction before any row, and the whole import is rolled
    back. An import given no fingerprint (`load_matrix`) is not checked."""

    changed_since_preview = (
        "预览之后数据已有更改，导入未执行，未做任何更改。请重新上传文件并核对预览。"
    )

    def preview_state(self) -> list[dict]:
        """The table as the import compares a file with it."""
        model = self._meta.model
        names = {f.name for f in model._meta.concrete_fields}
        fields = [name for name in self._meta.fields or () if name in names]
        return list(model.objects.order_by("pk").values("pk", *fields))

    @staticmethod
    def fingerprint(state) -> str:
        text = json.dumps(state, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._preview_fingerprint = self.fingerprint(self.preview_state())
        expected = kwargs.get("preview_fingerprint")
        if expected is not None and expected != self._preview_fingerprint:
            raise ChangedSincePreview(self.changed_since_preview)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        result.preview_fingerprint = getattr(self, "_preview_fingerprint", "")


class TableResource(
    ColumnsMixin,
    SafeExportMixin,
    SafeImportMixin,
    SyncPermissionsMixin,
    PreviewStateMixin,
    resources.ModelResource,
):
    """A table the matrix is made of (units, officials, the matrix itself), imported and
    exported by admins: Chinese columns, safe cells, permissions re-synced, and a preview the
    confirmed import must still match."""


class MatrixResource(TableResource):
    """One row per industry: category, industry, lead_officials, lead_units, responsible_units.
    After the rows are applied (in the preview's dry run too) the result carries
    `matrix_preview`: the matrix before → after, industry by industry."""

    column_labels = {"category": "产业类别", "industry": "产业", **FIELD_LABELS}
    changed_since_preview = (
        "预览之后责任分工已有更改，导入未执行，未做任何更改。请重新上传文件并核对预览。"
    )

    category = fields.Field(attribute="category", column_name="category", widget=CategoryWidget())
    industry = fields.Field(attribute="name", column_name="industry")
    lead_officials = AssignmentListField(
        attribute="lead_officials",
        column_name="lead_officials",
        widget=NameListWidget(Official, "牵头市领导"),
    )
    lead_units = AssignmentListField(
        attribute="lead_units",
        column_name="lead_units",
        widget=NameListWidget(Unit, "牵头单位", expand_districts=True),
    )
    responsible_units = AssignmentListField(
        attribute="responsible_units",
        column_name="responsible_units",
        widget=NameListWidget(Unit, "责任单位", expand_districts=True),
    )

    class Meta:
        model = Industry
        fields = MATRIX_COLUMNS
        import_id_fields = ("industry",)
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = False
        skip_html_diff = (
            True  # the preview is the matrix's own (templates/admin/chains/import.html)
        )
        name = "产业分工矩阵"

    def get_queryset(self):
        return industries_with_assignments()

    def preview_state(self) -> list[dict]:
        return self._matrix_before  # read by SyncPermissionsMixin.before_import, just before

    def before_import(self, dataset, **kwargs):
        """Refuse a file as a whole when its shape is wrong, before any row is written."""
        super().before_import(dataset, **kwargs)
        headers = [str(h).strip() if h is not None else "" for h in (dataset.headers or [])]
        dataset.headers = headers
        if not any(headers) and len(dataset) == 0:
            raise ValueError("文件是空的：没有表头，也没有数据行。")
        missing = [c for c in MATRIX_COLUMNS if c not in headers]
        if missing:
            raise ValueError(
                f"缺少列：{LIST_SEPARATOR.join(missing)}。需要的列为：{LIST_SEPARATOR.join(MATRIX_COLUMNS)}"
            )
        if len(dataset) == 0:
            raise ValueError("文件中没有数据行。")
        names = [str(r or "").strip() for r in dataset["industry"]]
        repeated = sorted({n for n in names if n and names.count(n) > 1})
        if repeated:
            raise ValueError(f"同一产业出现在多行：{LIST_SEPARATOR.join(repeated)}")
        self._check_future_rows(dataset)

    def _check_future_rows(self, dataset):
        """The six future industries share one assignment: their rows must agree."""
        seen = None
        for number, row in enumerate(dataset.dict, start=2):
            if str(row.get("category") or "").strip().lower() != CategoryCode.FUTURE:
                continue
            try:
                lists = tuple(
                    tuple(self.fields[c].widget.clean(row.get(c)))
                    for c in ("lead_officials", "lead_units", "responsible_units")
                )
            except ValueError:
                continue  # the row itself reports the bad name
            if seen is None:
                seen = (number, lists)
            elif lists != seen[1]:
                raise ValueError(
                    f"六个未来产业共用一套分工，但第 {number} 行与第 {seen[0]} 行的牵头市领导、"
                    "牵头单位或责任单位不一致。"
                )

    def get_or_init_instance(self, instance_loader, row):
        name = str(row.get("industry") or "").strip()
        if not name:
            raise ValidationError({"industry": "产业为空：请在industry列填写产业名称。"})
        instance = self.get_instance(instance_loader, row)
        if instance is None:
            raise ValidationError(
                {"industry": f"未知的产业「{name}」：产业由管理员在后台或基础数据文件中创建。"}
            )
        return instance, False

    def import_instance(self, instance, row, **kwargs):
        """The row's lists must pass the matrix's rules (chains.matrix.rules), the same the
        admin's form and the writing service apply. (A cell naming someone unknown has been
        refused already, by its widget.)"""
        super().import_instance(instance, row, **kwargs)
        pending = instance.__dict__.get("_matrix_pending", {})
        errors = matrix_row_errors(**{c: pending.get(c, []) for c in FIELD_LABELS})
        if errors:
            raise ValidationError(errors)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if self._matrix_after is not None:
            result.matrix_preview = matrix_preview(self._matrix_before, self._matrix_after)

    def after_save_instance(self, instance, row, **kwargs):
        pending = instance.__dict__.pop("_matrix_pending")
        matrix_services.industry_assign(industry=instance, **pending)


class KindWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        by_label = {str(label): code for code, label in UnitKind.choices}
        if text in UnitKind.values:
            return text
        if text in by_label:
            return by_label[text]
        raise ValueError(f"未知的单位类型「{text}」，应为：{LIST_SEPARATOR.join(UnitKind.values)}")


class UnitResource(TableResource):
    kind = fields.Field(attribute="kind", column_name="kind", widget=KindWidget())

    class Meta:
        model = Unit
        fields = ("code", "name", "name_en", "kind", "position")
        import_id_fields = ("name",)
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True
        name = "单位"


class OfficialResource(TableResource):
    class Meta:
        model = Official
        fields = ("code", "name", "name_en", "position")
        import_id_fields = ("name",)
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True
        name = "牵头市领导"


class SubSegmentResource(ColumnsMixin, SafeExportMixin, resources.ModelResource):
    """Export only (the admin's list of sub-segments), every field as before."""

    class Meta:
        model = SubSegment
        name = "细分领域"
