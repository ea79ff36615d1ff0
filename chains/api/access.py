"""The scoped fetch of an import through the API: a client system sees only the imports it
sent itself (those its service account uploaded); any other is answered 404, as if absent."""

from accounts.access import fetch
from chains.api.models import ApiClient
from chains.figures.models import FigureImport


def access_api_import(*, client: ApiClient, pk: int) -> FigureImport:
    return fetch(FigureImport.objects.filter(uploaded_by_id=client.service_user_id), pk=pk)
