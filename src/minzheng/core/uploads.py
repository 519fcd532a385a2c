"""One checker for uploaded files: the real type by its first bytes (the name and the browser's content
type are only the sender's word), a size limit, the kinds a form allows, and Chinese messages. Photos are
also re-encoded so that EXIF (position, device) is dropped. Every line that takes a file calls this."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile

MB = 1024 * 1024


@dataclass(frozen=True)
class Kind:
    ext: str  # the extension we store the file under
    label: str  # what people read in a message
    magic: tuple[bytes, ...]  # how the file starts
    names: tuple[str, ...]  # the extensions a sender may give it
    pil: str = ""  # Pillow's format name, for photos


PDF = Kind(".pdf", "PDF", (b"%PDF-",), (".pdf",))
JPG = Kind(".jpg", "JPG", (b"\xff\xd8\xff",), (".jpg", ".jpeg"), "JPEG")
PNG = Kind(".png", "PNG", (b"\x89PNG\r\n\x1a\n",), (".png",), "PNG")
# A workbook is a zip archive; openpyxl then tells whether it really is one.
XLSX = Kind(".xlsx", "Excel（.xlsx）", (b"PK\x03\x04",), (".xlsx",))
DOCUMENTS = (PDF, JPG, PNG)
PHOTOS = (JPG, PNG)


def _size(upload: UploadedFile, *, max_bytes: int, what: str) -> None:
    size = upload.size or 0
    if size == 0:
        raise ValidationError(f"{what}为空")
    if size > max_bytes:
        raise ValidationError(f"{what}不能超过{max_bytes // MB}MB")


def real_kind(upload: UploadedFile, kinds: tuple[Kind, ...]) -> Kind | None:
    """The kind the file's first bytes say it is, among `kinds` (None when none matches)."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    return next((k for k in kinds if any(head.startswith(m) for m in k.magic)), None)


def _labels(kinds: tuple[Kind, ...]) -> str:
    return "、".join(k.label for k in kinds[:-1]) + ("或" if len(kinds) > 1 else "") + kinds[-1].label


def checked_file(
    upload: UploadedFile,
    *,
    kinds: tuple[Kind, ...] = DOCUMENTS,
    max_bytes: int = 10 * MB,
    what: str = "文件",
) -> str:
    """The checked upload's real extension (".pdf", ".jpg", ".png"): not empty, not over `max_bytes`, its
    content one of `kinds`, and its name's extension agreeing with the content (a renamed file is
    refused). Store it under a name of your own with this extension, never the sender's name."""
    _size(upload, max_bytes=max_bytes, what=what)
    real = real_kind(upload, kinds)
    name = upload.name or ""
    named = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if real is None or named not in real.names:
        raise ValidationError(f"只能上传{_labels(kinds)}文件（按文件内容识别，改扩展名无效）")
    return real.ext


def clean_photo(upload: UploadedFile, *, max_bytes: int = 8 * MB, what: str = "照片") -> ContentFile[bytes]:
    """A JPG or PNG photo by content, at most `max_bytes`, re-encoded from its pixels so that EXIF, XMP
    and text chunks are dropped. The returned file is named photo.jpg / photo.png."""
    from PIL import Image, UnidentifiedImageError

    _size(upload, max_bytes=max_bytes, what=what)
    kind = real_kind(upload, PHOTOS)
    if kind is None:
        raise ValidationError(f"只能上传JPG或PNG{what}（按文件内容识别）")
    try:
        with Image.open(upload) as opened:
            opened.load()
            img: Image.Image = opened
            if img.mode not in ("RGB", "L") + (("RGBA", "LA") if kind is PNG else ()):
                img = img.convert("RGBA" if kind is PNG else "RGB")
            # Pixels only: a new image from the raw bytes carries no EXIF, XMP or text chunks.
            clean = Image.frombytes(img.mode, img.size, img.tobytes())
            out = io.BytesIO()
            clean.save(out, format=kind.pil)
    except (UnidentifiedImageError, OSError, ValueError) as e:
        raise ValidationError(f"{what}文件已损坏，无法识别") from e
    return ContentFile(out.getvalue(), name=f"photo{kind.ext}")
