"""The report page's preview: the PDF itself, page by page, as images in the page (PDFium
draws them), so a draft reads as it will print, on a desk or a phone, without a frame that
scrolls on its own."""

import io
import threading

import pypdfium2 as pdfium

SCALE = 1.4  # PDF points are 1/72 in: an A4 page 833 px wide, sharp on a phone
# PDFium is not thread-safe (pypdfium2's documentation): one document at a time per process,
# whatever the server's threads (runserver, the tests' live server) ask at once.
_PDFIUM = threading.Lock()


def page_count(pdf: bytes) -> int:
    with _PDFIUM:
        document = pdfium.PdfDocument(pdf)
        try:
            return len(document)
        finally:
            document.close()


def page_png(pdf: bytes, number: int) -> bytes:
    """Page `number` (from 1) as a PNG; IndexError when the PDF has no such page."""
    with _PDFIUM:
        document = pdfium.PdfDocument(pdf)
        try:
            if not 1 <= number <= len(document):
                raise IndexError(number)
            image = document[number - 1].render(scale=SCALE).to_pil()
        finally:
            document.close()
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
