"""The API's endpoints (under /api/): statistics submitted, previewed and imported by the
bureau's system; the matrix, indicators and current figures read by the city's data platform;
the OpenAPI schema and its docs page. Each call is authenticated by a client system's token
(chains.api.authentication), allowed by the token's scope (chains.api.permissions) and
recorded (ApiCall), refused ones too."""

import ipaddress
import time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions, generics, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.policies import Policy
from chains.api import selectors, services, workbooks
from chains.api.access import access_api_import
from chains.api.authentication import ApiTokenAuthentication
from chains.api.models import ApiToken
from chains.api.permissions import CanRead, CanSubmitStatistics
from chains.api.serializers import (
    ApplySerializer,
    ErrorSerializer,
    FigureSerializer,
    FiguresQuerySerializer,
    FiguresSubmissionSerializer,
    FileSubmissionSerializer,
    ImportSerializer,
    IndicatorSerializer,
    MatrixIndustrySerializer,
    RefusedSerializer,
)
from chains.api.throttling import AddressRateThrottle
from chains.figures import reading, writing
from chains.figures.layout import parse_month
from chains.figures.workbook import too_large
from chains.matrix.models import Industry

MISSING_TOKEN = "缺少令牌：请在请求头中加 Authorization: Bearer <令牌>。"
REFUSALS = {
    401: OpenApiResponse(ErrorSerializer, description="缺少令牌，或令牌无效、已过期、已吊销。"),
    403: OpenApiResponse(ErrorSerializer, description="令牌的权限范围不包括此操作。"),
}


class RecordedCall:
    """The API's common behaviour: no portal login (the token is the credential), a limit per
    address checked before the token is looked at, a 401 in Chinese for a call without a
    token, and every call recorded, answered or refused."""

    access_policy = Policy.TOKEN
    figure_import = None  # the import a call concerned, set by the view

    @classmethod
    def as_view(cls, **initkwargs):
        return login_not_required(super().as_view(**initkwargs))

    def initial(self, request, *args, **kwargs):
        throttle = AddressRateThrottle()
        if not throttle.allow_request(request, self):
            self.throttled(request, throttle.wait())
        super().initial(request, *args, **kwargs)

    def permission_denied(self, request, message=None, code=None):
        if request.authenticators and not request.successful_authenticator:
            raise exceptions.NotAuthenticated(MISSING_TOKEN)
        raise exceptions.PermissionDenied(detail=message, code=code)

    def recorded(self, request) -> bool:
        return True

    def dispatch(self, request, *args, **kwargs):
        started = time.monotonic()
        response = None
        try:
            response = super().dispatch(request, *args, **kwargs)
            return response
        finally:
            request = getattr(self, "request", request)
            if self.recorded(request):
                services.api_call_record(
                    token=_token(request),
                    method=request.method,
                    path=request.get_full_path(),
                    status=response.status_code if response is not None else 500,
                    ip=_address(request, self),
                    duration_ms=round((time.monotonic() - started) * 1000),
                    figure_import=self.figure_import,
                    error=_refusal(response),
                )


def _token(request) -> ApiToken | None:
    try:
        auth = request.auth
    except (exceptions.APIException, AttributeError):
        auth = None
    if isinstance(auth, ApiToken):
        return auth
    # An expired or revoked token is refused, and its call recorded against it.
    return getattr(request, "api_token_refused", None)


def _address(request, view) -> str | None:
    address = AddressRateThrottle().get_ident(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def _refusal(response) -> str:
    """What a refused call was told, in a line."""
    if response is None:
        return "服务器内部错误"
    data = getattr(response, "data", None)
    if response.status_code < 400 or not isinstance(data, dict):
        return ""
    if data.get("detail"):
        return str(data["detail"])
    errors = data.get("errors") or []
    return f"{len(errors)} 处错误：{errors[0]}" if errors else ""


def _shape_errors(detail, path="") -> list[str]:
    """A serializer's errors as one list of lines, each naming its field."""
    if isinstance(detail, dict):
        return [line for k, v in detail.items() for line in _shape_errors(v, f"{path}{k}：")]
    if isinstance(detail, list):
        return [line for item in detail for line in _shape_errors(item, path)]
    return [f"{path}{detail}"]


def _checked(serializer):
    if not serializer.is_valid():
        raise _ShapeError(_shape_errors(serializer.errors))
    return serializer.validated_data


class _ShapeError(exceptions.ValidationError):
    def __init__(self, lines):
        super().__init__({"errors": lines})


class StatisticsImportsView(RecordedCall, APIView):
    """POST /api/v1/statistics/imports/: a month's figures, previewed."""

    permission_classes = [CanSubmitStatistics]
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        operation_id="statistics_import_create",
        summary="报送统计数据（预览，不导入）",
        description=(
            "报送一个月的统计数据：JSON（产业指标或企业月度数据），或与统计数据页面相同版式的 "
            "xlsx/csv 文件（multipart 的 file 字段，可加 month）。数据经过与页面上传完全相同的检查："
            "通过时返回 201，含新增/变更行数、变更明细和需要核实的数据（flags）；有错误时返回 400，"
            "errors 与页面预览的错误信息逐字相同。此时尚未导入：核实后调用 apply 导入。"
        ),
        request={
            "application/json": FiguresSubmissionSerializer,
            "multipart/form-data": FileSubmissionSerializer,
        },
        responses={
            201: ImportSerializer,
            400: OpenApiResponse(RefusedSerializer, description="数据有错误（errors），未导入。"),
            413: ErrorSerializer,
            **REFUSALS,
        },
        examples=[
            OpenApiExample(
                "产业指标",
                request_only=True,
                media_type="application/json",
                value={
                    "kind": "industry_figures",
                    "month": "2026-10",
                    "rows": [
                        {
                            "industry": "电子信息产业集群",
                            "subsegment": None,
                            "district": None,
                            "figures": {"output-month": 147445.9, "output-ytd": 1398765.4},
                            "yoy": {"output-month": 8.0},
                        }
                    ],
                },
            ),
            OpenApiExample(
                "企业月度数据",
                request_only=True,
                media_type="application/json",
                value={
                    "kind": "enterprise_figures",
                    "month": "2026-10",
                    "rows": [
                        {
                            "credit_code": "91350200MA2XXXXXXX",
                            "figures": {"revenue-month": 5210.5, "revenue-ytd": 48011.2},
                        }
                    ],
                },
            ),
        ],
    )
    def post(self, request):
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > settings.STATS_MAX_UPLOAD_BYTES:
            return Response(
                {"detail": too_large(length) or "请求过大。"},
                status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        from_json = not request.content_type.startswith("multipart/")
        if from_json:
            data = _checked(FiguresSubmissionSerializer(data=request.data))
            used = {
                code
                for row in data["rows"]
                for part in ("figures", "yoy")
                for code in (row.get(part) or {})
            }
            content = workbooks.figures_workbook(
                kind=data["kind"],
                rows=data["rows"],
                indicators=[i for i in selectors.indicators() if i.code in used],
            )
            name = f"api-{data['kind']}-{data.get('month') or 'rows'}.json.xlsx"
            upload = SimpleUploadedFile(name, content)
        else:
            data = _checked(FileSubmissionSerializer(data=request.data))
            upload = data["file"]
            problem = too_large(upload.size)
            if problem:
                raise _ShapeError([problem])
        month = data.get("month")
        record, plan = services.api_import_submit(
            client=request.auth.client,
            upload=upload,
            month=parse_month(month) if month else None,
        )
        self.figure_import = record
        return Response(
            selectors.import_body(record, from_json=from_json),
            status=status.HTTP_201_CREATED if plan.ok else status.HTTP_400_BAD_REQUEST,
        )


def _own_import(request, pk):
    try:
        return access_api_import(client=request.auth.client, pk=pk)
    except Http404:
        raise exceptions.NotFound("没有这个导入（或它不是本系统报送的）。") from None


class StatisticsImportView(RecordedCall, APIView):
    """GET /api/v1/statistics/imports/{id}/: an import's state, errors, changes and flags."""

    permission_classes = [CanSubmitStatistics]

    @extend_schema(
        operation_id="statistics_import_retrieve",
        summary="查看报送的导入",
        responses={200: ImportSerializer, 404: ErrorSerializer, **REFUSALS},
    )
    def get(self, request, pk):
        record = _own_import(request, pk)
        self.figure_import = record
        return Response(selectors.import_body(record))


class StatisticsImportApplyView(RecordedCall, APIView):
    """POST /api/v1/statistics/imports/{id}/apply/: confirm the flags with a reason and import."""

    permission_classes = [CanSubmitStatistics]

    @extend_schema(
        operation_id="statistics_import_apply",
        summary="核实并导入",
        description=(
            "导入已预览的数据，全部成功或全部不导入。有需要核实的数据（flags）时须在 confirm_reason "
            "中写明理由（随每一项保存），否则返回 400 并列出这些数据。"
        ),
        request=ApplySerializer,
        responses={
            200: ImportSerializer,
            400: OpenApiResponse(
                RefusedSerializer, description="需要核实理由（flags），或文件已有错误（errors）。"
            ),
            404: ErrorSerializer,
            409: OpenApiResponse(ErrorSerializer, description="已经导入过，或未通过预览检查。"),
            410: OpenApiResponse(ErrorSerializer, description="服务器上已没有该文件。"),
            **REFUSALS,
        },
    )
    def post(self, request, pk):
        record = _own_import(request, pk)
        self.figure_import = record
        reason = _checked(ApplySerializer(data=request.data)).get("confirm_reason", "")
        try:
            services.api_import_apply(client=request.auth.client, record=record, reason=reason)
        except services.ReasonNeeded:
            body = selectors.import_body(record)
            flags = [f for f in body["flags"] if not f["confirmed"]]
            return Response(
                {
                    "id": record.pk,
                    "status": record.status,
                    "detail": f"有 {len(flags)} 项数据需要核实：请核实后在 confirm_reason 中写明理由"
                    "再导入（理由随每一项保存）。未做任何更改。",
                    "flags": flags,
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        except services.MoreFindings as exc:
            body = selectors.import_body(record)
            return Response(
                {
                    "id": record.pk,
                    "status": record.status,
                    "detail": f"预览之后相关数据已有变化，又有 {exc.count} 项需要核实：请核实后"
                    "在 confirm_reason 中写明理由再导入。未做任何更改。",
                    "flags": [f for f in body["flags"] if not f["confirmed"]],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        except reading.ImportRefused:
            record.refresh_from_db()
            return Response(
                {
                    **selectors.import_body(record),
                    "detail": "文件有错误，未导入，未做任何更改。",
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        except writing.AlreadyImported:
            return Response({"detail": "该文件已经导入过。"}, status=status.HTTP_409_CONFLICT)
        except writing.NotPreviewed:
            return Response(
                {"detail": "该文件未通过预览检查，不能导入：请改正后重新报送。未做任何更改。"},
                status=status.HTTP_409_CONFLICT,
            )
        except writing.FileGone:
            return Response(
                {
                    "detail": "服务器上已没有该文件（可能在恢复数据库时丢失）：请重新报送。未做任何更改。"
                },
                status=status.HTTP_410_GONE,
            )
        record.refresh_from_db()
        return Response(selectors.import_body(record))


class MatrixView(RecordedCall, APIView):
    """GET /api/v1/matrix/: the responsibility matrix."""

    permission_classes = [CanRead]

    @extend_schema(
        operation_id="matrix_list",
        summary="责任矩阵",
        description="每个产业的类别、牵头市领导、牵头单位和责任单位。",
        responses={200: MatrixIndustrySerializer(many=True), **REFUSALS},
    )
    def get(self, request):
        return Response(selectors.matrix_industries())


class IndicatorsView(RecordedCall, generics.ListAPIView):
    """GET /api/v1/indicators/: the indicators, those out of use included."""

    permission_classes = [CanRead]
    serializer_class = IndicatorSerializer
    pagination_class = None

    @extend_schema(
        operation_id="indicators_list",
        summary="指标",
        responses={200: IndicatorSerializer(many=True), **REFUSALS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.indicators()


class FiguresView(RecordedCall, generics.ListAPIView):
    """GET /api/v1/figures/: current industry figures, by industry, year and month, in pages."""

    permission_classes = [CanRead]
    serializer_class = FigureSerializer

    @extend_schema(
        operation_id="figures_list",
        summary="产业数据（当前版本）",
        description="当前有效的产业指标数据（每月以最新一次导入为准），可按产业、年、月筛选，分页返回。",
        parameters=[FiguresQuerySerializer],
        responses={200: FigureSerializer(many=True), 400: ErrorSerializer, **REFUSALS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = _checked(FiguresQuerySerializer(data=self.request.query_params))
        industry = query.get("industry")
        if industry and not Industry.objects.filter(code=industry).exists():
            raise _ShapeError([f"未知产业代码「{industry}」（产业见 /api/v1/matrix/）。"])
        return selectors.current_industry_figures(
            industry=industry, year=query.get("year"), month=query.get("month")
        )


class ApiSchemaView(RecordedCall, SpectacularAPIView):
    """The OpenAPI schema: for a client system's token (any scope) or a signed-in portal user,
    whose docs page (below) reads it. Calls with a token are recorded; the docs page's are not
    API calls."""

    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]

    def recorded(self, request) -> bool:
        try:
            return not isinstance(request.successful_authenticator, SessionAuthentication)
        except exceptions.APIException:
            return True


class ApiDocsView(SpectacularSwaggerSplitView):
    """The API's docs (Swagger UI, served from our static files, its script from this view:
    nothing inline, nothing from another origin, as the CSP requires), for signed-in users."""

    access_policy = Policy.AUTHENTICATED
    authentication_classes = [SessionAuthentication]
    permission_classes = [IsAuthenticated]
    template_name = "chains/api/docs.html"
    url_name = "api:schema"
    title = "接口文档 · 厦门市现代化产业体系工作平台"

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        # Django REST framework exempts its views from LoginRequiredMiddleware (they
        # authenticate themselves); this page is the portal's: anonymous users sign in first.
        view.login_required = True
        return view
