import ast
import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from minzheng.core import uploads
from minzheng.core.uploads import checked_file, clean_photo

SRC = Path(__file__).resolve().parents[2] / "src" / "minzheng"


def _jpeg_with_exif() -> bytes:
    img = Image.new("RGB", (8, 8), "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (4, 4), "blue").save(out, format="PNG")
    return out.getvalue()


def test_a_pdf_named_pdf_passes_with_its_real_extension():
    assert checked_file(SimpleUploadedFile("证明.PDF", b"%PDF-1.4 body")) == ".pdf"


def test_a_jpeg_named_jpeg_is_stored_as_jpg():
    assert checked_file(SimpleUploadedFile("a.jpeg", _jpeg_with_exif())) == ".jpg"


def test_a_script_renamed_to_pdf_is_refused_by_its_content():
    with pytest.raises(ValidationError, match="按文件内容识别，改扩展名无效"):
        checked_file(SimpleUploadedFile("a.pdf", b"<script>alert(1)</script>"))


def test_a_real_pdf_under_a_png_name_is_refused():
    with pytest.raises(ValidationError, match="只能上传PDF、JPG或PNG文件"):
        checked_file(SimpleUploadedFile("a.png", b"%PDF-1.4 body"))


def test_a_kind_the_form_does_not_allow_is_refused_and_named():
    with pytest.raises(ValidationError, match=r"只能上传Excel（\.xlsx）文件"):
        checked_file(SimpleUploadedFile("a.pdf", b"%PDF-1.4"), kinds=(uploads.XLSX,))


def test_an_empty_or_too_large_file_is_refused_in_chinese():
    with pytest.raises(ValidationError, match="文件为空"):
        checked_file(SimpleUploadedFile("a.pdf", b""))
    with pytest.raises(ValidationError, match="文件不能超过1MB"):
        checked_file(SimpleUploadedFile("a.pdf", b"%PDF-" + b"x" * uploads.MB), max_bytes=uploads.MB)


def test_a_photo_is_re_encoded_without_its_exif():
    raw = _jpeg_with_exif()
    assert b"PhoneMaker" in raw
    clean = clean_photo(SimpleUploadedFile("x.jpg", raw))
    assert clean.name == "photo.jpg"
    data = clean.read()
    assert b"PhoneMaker" not in data
    assert Image.open(io.BytesIO(data)).size == (8, 8)


def test_a_png_photo_stays_png():
    assert clean_photo(SimpleUploadedFile("x.png", _png())).name == "photo.png"


def test_a_pdf_or_broken_image_is_not_a_photo():
    with pytest.raises(ValidationError, match="只能上传JPG或PNG照片"):
        clean_photo(SimpleUploadedFile("x.jpg", b"%PDF-1.4"))
    with pytest.raises(ValidationError, match="照片文件已损坏"):
        clean_photo(SimpleUploadedFile("x.jpg", b"\xff\xd8\xff\xe0 broken"))
    with pytest.raises(ValidationError, match="照片不能超过1MB"):
        clean_photo(SimpleUploadedFile("x.jpg", b"\xff\xd8\xff" * uploads.MB), max_bytes=uploads.MB)


@pytest.mark.parametrize("app", ["assistance", "visits", "governance", "villageaffairs", "credit"])
def test_the_lines_check_uploads_only_through_core_uploads(app):
    """No line keeps its own magic-byte table or imports another line's private photo cleaner."""
    tree = ast.parse((SRC / app / "services.py").read_text())
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | {
        n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)
    }
    imported = {
        (node.module, a.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level == 0  # not the app's own modules
        for a in node.names
    }
    assert not names & {"MAGIC", "PHOTO_MAGIC", "_clean_photo", "_real_extension", "_checked"}
    assert not [i for i in imported if i[1].startswith("_")]
    assert any(module == "minzheng.core.uploads" for module, _ in imported)
