"""HTML to PDF with WeasyPrint, for the documents the portal prints (reports, meeting
minutes): A4 as each document's CSS sets it, the Noto CJK fonts embedded (subset), and nothing
fetched (no network, no disk): a document carries everything it shows."""

from django.conf import settings


def _no_fetching(url: str, *args, **kwargs):
    raise ValueError(f"the document fetches no external resources: {url}")


def html_pdf(html: str) -> bytes:
    """Takes seconds and a few hundred MB for a long report: run that in the worker."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    document = HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_no_fetching)
    return document.write_pdf(font_config=font_config)
