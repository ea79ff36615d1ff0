"""Pages of the project register (项目库): the list (filters in the URL, 50 a page, sorted,
exported to xlsx as filtered), the pipeline, a project with its months and history, and the
lead unit's add, edit, remove and restore. Access through reporting.projects.access, writes
through reporting.projects.services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.access import industries_for, require
from accounts.choices import Action
from accounts.policies import Policy
from chains.models import Unit
from portal.responses import sheets_response
from portal.viewhelpers import add_form_errors, error_text
from reporting.choices import ProjectStage
from reporting.periods.services import today
from reporting.projects import selectors, services
from reporting.projects.access import access_project, can_change_project, readable_projects
from reporting.projects.forms import ProjectEditForm, ProjectForm, RemoveForm

SORT_CHOICES = [
    ("industry", "按产业"),
    ("-investment", "总投资从高到低"),
    ("investment", "总投资从低到高"),
    ("stage_since", "在当前阶段最久"),
    ("name", "按名称"),
]


def _money(value) -> str:
    return "" if value is None else f"{value:.2f}"


class ProjectListView(TemplateView):
    """The register as the user may read it (their industries, their district, the projects
    their unit follows; the DRC and leaders: all)."""

    access_policy = Policy.AUTHENTICATED
    template_name = "reporting/projects/project_list.html"

    def filters(self) -> selectors.RegisterFilters:
        return selectors.RegisterFilters(
            industry=self.request.GET.get("industry", ""),
            stage=self.request.GET.get("stage", ""),
            district=self.request.GET.get("district", ""),
            stuck=self.request.GET.get("stuck") == "1",
            removed=self.request.GET.get("removed") == "1",
            q=self.request.GET.get("q", "").strip()[:100],
            sort=self.request.GET.get("sort", "industry"),
        )

    def get(self, request, *args, **kwargs):
        filters = self.filters()
        on = today()
        projects = selectors.register(request.user, filters, on)
        if request.GET.get("format") == "xlsx":
            return self.xlsx(projects, on)
        page = Paginator(projects, 50).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return self.render_to_response(
            self.get_context_data(
                page=page,
                filters=filters,
                query=query.urlencode(),
                stages=ProjectStage.choices,
                sorts=SORT_CHOICES,
                industries=industries_for(request.user, Action.VIEW).order_by("position"),
                districts=Unit.objects.filter(kind__in=["district", "zone"]).order_by("position"),
                can_add=industries_for(request.user, Action.FILE).exists(),
                stuck_before=selectors.stuck_before(on),
                stuck_months=selectors.stuck_months(),
            )
        )

    def xlsx(self, projects, on):
        header = [
            "产业",
            "项目",
            "投资方",
            "所在区（开发区）",
            "载体",
            "总投资（亿元）",
            "阶段",
            "进入该阶段",
            "签约日期",
            "开工日期",
            "投产日期",
            "暂停或终止原因",
            "用地需求（亩）",
            "计划供地月份",
            "跟进单位",
        ]
        rows = [header] + [
            [
                p.industry.name,
                p.name,
                p.investor,
                p.district.name if p.district_id else "",
                p.carrier.name if p.carrier_id else "",
                _money(p.investment),
                p.get_stage_display(),
                p.stage_since,
                p.signed_on,
                p.started_on,
                p.operating_on,
                p.stop_reason,
                _money(p.land_mu),
                f"{p.land_supply_month:%Y-%m}" if p.land_supply_month else "",
                p.responsible_unit.name,
            ]
            for p in projects.iterator(chunk_size=500)
        ]
        return sheets_response(f"项目库{on:%Y%m%d}", [("项目库", rows)])


class PipelineView(TemplateView):
    """The register in numbers: by stage, industry and district, and the projects stuck."""

    access_policy = Policy.AUTHENTICATED
    template_name = "reporting/projects/pipeline.html"

    def get_context_data(self, **kwargs):
        on = today()
        return super().get_context_data(
            pipeline=selectors.pipeline(readable_projects(self.request.user), on),
            stages=selectors.PIPELINE,
            **kwargs,
        )


class ProjectDetailView(TemplateView):
    access_policy = Policy.OBJECT
    template_name = "reporting/projects/project_detail.html"

    def get_context_data(self, **kwargs):
        project = access_project(user=self.request.user, pk=kwargs["pk"])
        return super().get_context_data(
            project=project,
            can_change=can_change_project(self.request.user, project),
            remove_form=RemoveForm(initial={"version": project.version}, auto_id="remove_%s"),
            **selectors.project_page(project),
        )


class ProjectAddView(TemplateView):
    """Register a project of an industry the user's unit leads (403 for a unit leading none)."""

    access_policy = Policy.OBJECT
    template_name = "reporting/projects/project_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require(industries_for(request.user, Action.FILE).exists())
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        industry = industries_for(request.user, Action.FILE).filter(
            code=request.GET.get("industry", "")
        )
        form = ProjectForm(
            user=request.user,
            initial={"industry": industry.first(), "stage": ProjectStage.PLANNING},
        )
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = ProjectForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                project = services.project_add(
                    user=request.user,
                    industry=form.cleaned_data["industry"],
                    land_items=list(form.cleaned_data["land_items"]),
                    **form.changes(),
                )
                messages.success(request, _("Project registered."))
                return redirect("reporting:project", project.pk)
            except ValidationError as exc:
                add_form_errors(form, exc)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ProjectEditView(TemplateView):
    """Change a project: a save over a colleague's newer one is refused (409), the typed
    values kept and the saved ones shown beside them."""

    access_policy = Policy.OBJECT
    template_name = "reporting/projects/project_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.project = access_project(user=request.user, pk=kwargs["pk"], change=True)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        form = ProjectEditForm(
            instance=self.project, user=request.user, initial={"version": self.project.version}
        )
        return self.render_to_response(self.get_context_data(form=form, project=self.project))

    def post(self, request, *args, **kwargs):
        form = ProjectEditForm(request.POST, instance=self.project, user=request.user)
        # The form's validation writes into the instance; the service works on a fresh copy.
        project = access_project(user=request.user, pk=self.project.pk, change=True)
        if form.is_valid():
            try:
                services.project_change(
                    project=project,
                    user=request.user,
                    version=form.cleaned_data["version"],
                    land_items=list(form.cleaned_data["land_items"]),
                    **form.changes(),
                )
                messages.success(request, _("Project saved."))
                return redirect("reporting:project", project.pk)
            except ValidationError as exc:
                if getattr(exc, "code", None) == "conflict":
                    messages.error(request, error_text(exc))
                    form.data = form.data.copy()
                    form.data["version"] = project.version
                    return self.render_to_response(
                        self.get_context_data(form=form, project=project, conflict=project),
                        status=409,
                    )
                add_form_errors(form, exc)
        return self.render_to_response(
            self.get_context_data(form=form, project=project), status=400
        )


class ProjectRemoveView(View):
    access_policy = Policy.OBJECT
    http_method_names = ["post"]

    def post(self, request, pk):
        project = access_project(user=request.user, pk=pk, change=True)
        form = RemoveForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Write why the project leaves the register."))
            return redirect("reporting:project", pk)
        try:
            services.project_remove(
                project=project,
                user=request.user,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Taken out of the register; it can be restored."))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return redirect("reporting:project", pk)


class ProjectRestoreView(View):
    access_policy = Policy.OBJECT
    http_method_names = ["post"]

    def post(self, request, pk):
        project = access_project(user=request.user, pk=pk, change=True)
        version = request.POST.get("version", "")
        try:
            if not version.isdigit():
                raise ValidationError("页面已过期，请刷新后重试。")
            services.project_restore(project=project, user=request.user, version=int(version))
            messages.success(request, _("Restored to the register."))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return redirect("reporting:project", pk)
