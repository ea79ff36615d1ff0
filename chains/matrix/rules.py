"""The rules for one row of the matrix, in one place: the admin's assignment form, the admin's
import and `load_matrix` (both through MatrixResource) and the service that writes a row
(services.industry_assign) all ask `matrix_row_errors`, so a row one of them refuses the
others refuse too, in the same words. Which assignment an industry belongs to (the six future
industries share one, every other industry has its own) is here too: the services that write
the matrix give an industry that assignment (`assignment_code_for`) and the admin's industry
form refuses any other (`industry_assignment_error`). A file-level rule (the six future
industries' rows must agree) stays with the import; names unknown to the portal can only come
from a file and are refused where the file's cells are read (resources.NameListWidget)."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError

from chains.choices import LIST_SEPARATOR, SHARED_FUTURE_ASSIGNMENT, CategoryCode

FIELD_LABELS = {
    "lead_officials": "牵头市领导",
    "lead_units": "牵头单位",
    "responsible_units": "责任单位",
}


def _repeated(names: Sequence[str]) -> list[str]:
    return sorted({n for n in names if list(names).count(n) > 1})


def matrix_row_errors(
    *,
    lead_officials: Sequence[str],
    lead_units: Sequence[str],
    responsible_units: Sequence[str],
) -> dict[str, str]:
    """What is wrong with a row (canonical names in order), by field, in Chinese; empty when
    the row may be saved."""
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    if not lead_officials:
        add("lead_officials", "至少需要一位牵头市领导。")
    if not lead_units:
        add("lead_units", "至少需要一个牵头单位。")
    lists = {
        "lead_officials": lead_officials,
        "lead_units": lead_units,
        "responsible_units": responsible_units,
    }
    both = [n for n in dict.fromkeys(lead_units) if n in set(responsible_units)]
    if both:
        add(
            "responsible_units",
            f"{LIST_SEPARATOR.join(both)}不能既是牵头单位又是责任单位。",
        )
    for field, names in lists.items():
        if repeated := _repeated(names):
            add(field, f"{FIELD_LABELS[field]}重复列出：{LIST_SEPARATOR.join(repeated)}。")
    return {field: "".join(messages) for field, messages in problems.items()}


def check_matrix_row(
    *,
    lead_officials: Sequence[str],
    lead_units: Sequence[str],
    responsible_units: Sequence[str],
) -> None:
    """Raise ValidationError (by field) unless the row may be saved."""
    errors = matrix_row_errors(
        lead_officials=lead_officials, lead_units=lead_units, responsible_units=responsible_units
    )
    if errors:
        raise ValidationError(errors)


def assignment_code_for(*, industry_code: str, category_code: str) -> str:
    """The code of the assignment an industry belongs to: the one the six future industries
    share, or for any other industry its own, coded as the industry is."""
    return SHARED_FUTURE_ASSIGNMENT if category_code == CategoryCode.FUTURE else industry_code


def industry_assignment_error(
    *, industry_code: str, category_code: str, assignment_code: str
) -> str:
    """Why an industry may not have this assignment, in Chinese; empty when it may. (The
    import and load_matrix would give it back the assignment `assignment_code_for` names.)"""
    wanted = assignment_code_for(industry_code=industry_code, category_code=category_code)
    if assignment_code == wanted:
        return ""
    if category_code == CategoryCode.FUTURE:
        return (
            "六个未来产业共用一套分工：未来产业只能使用未来产业共用的分工"
            f"（分工代码 {SHARED_FUTURE_ASSIGNMENT}）。"
        )
    shared = assignment_code == SHARED_FUTURE_ASSIGNMENT
    return (
        f"未来产业以外的产业各有自己的分工（分工代码与产业代码相同：{industry_code}），"
        f"不能使用{'未来产业共用的分工' if shared else '其他产业的分工'}。"
        f"如尚无此分工，请先在“分工”中新增代码为 {industry_code} 的分工，再选择它。"
    )
