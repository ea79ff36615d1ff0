"""Attachment checks done on the server: size, and the file's real type read from its first
bytes, which must agree with its extension. A renamed executable is not a PDF."""

import os
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

KINDS = {
    # extension: (content type, check on the first bytes / the file)
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}

ALLOWED_TEXT = "PDF、Word（doc/docx）、Excel（xls/xlsx）、图片（jpg/png）"


@dataclass(frozen=True)
class UploadInfo:
    name: str
    extension: str
    content_type: str


NAME_MAX = 200  # Attachment.name's max_length


def clean_name(name: str) -> str:
    """The name shown and offered on download: no path or control characters, and at most
    NAME_MAX characters, keeping its beginning and its extension ("很长的名称….pdf")."""
    name = os.path.basename(name.replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if len(name) > NAME_MAX:
        stem, extension = os.path.splitext(name)
        if len(extension) > 10:  # not an extension we accept anyway
            stem, extension = name, ""
        name = stem[: NAME_MAX - len(extension) - 1] + "…" + extension
    return name or "附件"


def _zip_has(upload, folder: str) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)


def _matches(extension: str, head: bytes, upload) -> bool:
    if extension == ".pdf":
        return head.startswith(b"%PDF-")
    if extension in (".doc", ".xls"):
        return head.startswith(OLE)
    if extension == ".docx":
        return head.startswith(b"PK\x03\x04") and _zip_has(upload, "word/")
    if extension == ".xlsx":
        return head.startswith(b"PK\x03\x04") and _zip_has(upload, "xl/")
    if extension in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    return False


def inspect_upload(upload) -> UploadInfo:
    """Raise ValidationError (in Chinese) unless the upload is an allowed, honest file."""
    name = clean_name(upload.name or "")
    extension = os.path.splitext(name)[1].lower()
    if extension not in KINDS:
        raise ValidationError(
            f"不支持的附件类型「{extension or '无扩展名'}」：只接受 {ALLOWED_TEXT}。"
        )
    if upload.size == 0:
        raise ValidationError(f"附件「{name}」是空文件。")
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"附件「{name}」大小为 {filesizeformat(upload.size)}，超过了 {filesizeformat(limit)} 的上限。"
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not _matches(extension, head, upload):
        raise ValidationError(
            f"附件「{name}」的内容与扩展名 {extension} 不符，可能已损坏或被改名，未予接收。"
        )
    return UploadInfo(name=name, extension=extension, content_type=KINDS[extension])
