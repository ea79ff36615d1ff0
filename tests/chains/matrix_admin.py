"""What the matrix tests do in the admin as an administrator would: post the assignment change
form, upload a file to the import page, confirm it, and read the preview."""

import html as html_lib
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chains.models import Assignment, Industry, Official, Unit

HEADER = "category,industry,lead_officials,lead_units,responsible_units\n"
CSV_FORMAT, XLSX_FORMAT, TSV_FORMAT = "0", "1", "2"


def upload(client, data, *, name="matrix.csv", fmt=CSV_FORMAT, url="admin:chains_industry_import"):
    """The import page's first step: the preview (or the errors)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return client.post(
        reverse(url),
        {"resource": "0", "format": fmt, "import_file": SimpleUploadedFile(name, data)},
    )


def confirm(client, preview_html: str, url="admin:chains_industry_process_import"):
    """The preview's 确认导入 button."""
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', preview_html))
    assert "import_file_name" in form, "the preview offers no confirmation"
    return client.post(reverse(url), form)


def text_of(fragment: str) -> str:
    """A fragment of HTML as the reader sees it: tags dropped, spaces collapsed."""
    inline = re.sub(r"</?(?:ins|del|span|strong|a|em)\b[^>]*>", "", fragment)
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", inline))).strip()


def preview_row(page: str, industry: str, field: str) -> dict[str, str]:
    """One line of the import preview: the industry's field before and after, what is added,
    removed, and which recorded changes the import undoes."""
    match = re.search(
        rf'<tr[^>]*data-industry="{re.escape(industry)}"[^>]*data-field="{field}"[^>]*>(.*?)</tr>',
        page,
        re.S,
    )
    assert match, f"no preview line for {industry} / {field}"
    cells = dict(re.findall(r'<td[^>]*class="([\w-]+)"[^>]*>(.*?)</td>', match.group(1), re.S))
    return {name: text_of(cell) for name, cell in cells.items()}


def preview_industry(page: str, industry: str) -> str:
    """Everything the preview says about one industry."""
    rows = re.findall(rf'<tr[^>]*data-industry="{re.escape(industry)}"[^>]*>(.*?)</tr>', page, re.S)
    assert rows, f"the preview does not name {industry}"
    return " ".join(text_of(row) for row in rows)


def assignment_form(assignment: Assignment, *, officials: list[str], units: list[tuple]):
    """The assignment's change form as an administrator leaves it: each existing row kept (with
    its new role and order) or ticked for deletion, new rows added at the end."""
    data = {"code": assignment.code}
    for prefix, links, wanted, key in (
        (
            "official_links",
            list(assignment.official_links.order_by("position", "id")),
            officials,
            "official",
        ),
        (
            "unit_links",
            list(assignment.unit_links.order_by("role", "position", "id")),
            units,
            "unit",
        ),
    ):
        wanted = [(w, None) if isinstance(w, str) else w for w in wanted]
        names = [name for name, _role in wanted]
        forms = []
        for link in links:
            name = getattr(link, key).name
            form = {"id": link.pk, "assignment": assignment.pk, key: getattr(link, key).pk}
            if name in names:
                role = dict(wanted)[name] or getattr(link, "role", None)
                form |= {"position": names.index(name), **({"role": role} if role else {})}
            else:
                form |= {"position": link.position, "DELETE": "on"}
                if key == "unit":
                    form["role"] = link.role
            forms.append(form)
        existing = {getattr(link, key).name for link in links}
        model = Official if key == "official" else Unit
        for position, (name, role) in enumerate(wanted):
            if name in existing:
                continue
            form = {"assignment": assignment.pk, key: model.objects.get(name=name).pk}
            form |= {"position": position, **({"role": role} if role else {})}
            forms.append(form)
        data |= {
            f"{prefix}-TOTAL_FORMS": str(len(forms)),
            f"{prefix}-INITIAL_FORMS": str(len(links)),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
        for i, form in enumerate(forms):
            data |= {f"{prefix}-{i}-{k}": v for k, v in form.items()}
    return data


def post_assignment(client, industry_name: str, *, officials, units):
    """Save the assignment of `industry_name` in the admin with these officials and units
    (units as (name, "lead" | "responsible"))."""
    assignment = Industry.objects.get(name=industry_name).assignment
    url = reverse("admin:chains_assignment_change", args=[assignment.pk])
    return client.post(url, assignment_form(assignment, officials=officials, units=units))


def units_of(industry_name: str) -> list[tuple[str, str]]:
    assignment = Industry.objects.get(name=industry_name).assignment
    return [
        (link.unit.name, link.role)
        for link in assignment.unit_links.select_related("unit").order_by("role", "position")
    ]
