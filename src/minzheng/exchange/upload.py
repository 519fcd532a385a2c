"""Safe unpacking of an uploaded snapshot .zip (one YYYY-MM folder) before snapshot_import.

Refused: entries outside one YYYY-MM/ folder, absolute paths, "..", backslashes, symbolic links,
encrypted entries, names other than manifest.json and <source>.parquet|csv, duplicates, more than
MAX_ENTRIES entries, archives over the size limits or whose entries expand more than max_ratio() times
(zip bombs; checked on the declared sizes and again while
copying, so a lying header cannot inflate past them). A corrupt entry (CRC, truncated data) is refused
too. inspect_snapshot_zip runs the checks that need only the central directory, at upload time, so the
background import job (services.import_job_create) is created only for a usable archive."""

from __future__ import annotations

import re
import stat
import zipfile
import zlib
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError

from .contract import SOURCES

MAX_ENTRIES = 64
ALLOWED_NAMES = {"manifest.json"} | {f"{s}.{ext}" for s in SOURCES for ext in ("parquet", "csv")}
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_IGNORED = ("__MACOSX/",)  # resource forks added by macOS Finder


def max_upload_bytes() -> int:
    return int(getattr(settings, "SNAPSHOT_UPLOAD_MAX_BYTES", 2 * 1024**3))


def max_unpacked_bytes() -> int:
    return int(getattr(settings, "SNAPSHOT_UPLOAD_MAX_UNPACKED_BYTES", 8 * 1024**3))


def max_ratio() -> float:
    """Largest uncompressed/compressed size ratio of an entry and of the whole archive. Parquet is already
    compressed (ratio about 1) and CSV exports compress about 5–10×; a zip bomb reaches 1,000× and more."""
    return float(getattr(settings, "SNAPSHOT_UPLOAD_MAX_RATIO", 100))


def _ratio_error(name: str, unpacked: int, packed: int) -> ValidationError:
    return ValidationError(
        f"压缩包{name}的压缩比异常（解压后{unpacked:,}字节，压缩后{packed:,}字节，"
        f"超过{max_ratio():g}倍），疑似压缩炸弹，已拒收"
    )


def _check_name(name: str) -> tuple[str, str] | None:
    """(month, file name) of a file entry, None for the month folder entry itself; raises otherwise."""
    if "\\" in name or name.startswith("/") or "\x00" in name:
        raise ValidationError(f"压缩包中的路径不安全：{name[:80]}")
    parts = name.split("/")
    if any(p in ("", ".", "..") for p in parts[:-1]) or ".." in parts:
        raise ValidationError(f"压缩包中的路径不安全：{name[:80]}")
    if len(parts) == 2 and parts[1] == "" and _MONTH.fullmatch(parts[0]):
        return None
    if len(parts) != 2 or not _MONTH.fullmatch(parts[0]):
        raise ValidationError(f"压缩包应只含一个YYYY-MM目录，发现：{name[:80]}")
    if parts[1] not in ALLOWED_NAMES:
        raise ValidationError(
            f"压缩包中有不允许的文件：{name[:80]}（只能是manifest.json和各数据源的parquet/csv文件）"
        )
    return parts[0], parts[1]


def _open_zip(archive: IO[bytes], size: int) -> zipfile.ZipFile:
    if size > max_upload_bytes():
        raise ValidationError(f"上传文件过大（{size:,}字节，上限{max_upload_bytes():,}字节）")
    try:
        return zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise ValidationError("上传的文件不是有效的zip压缩包") from e


def _zip_plan(zf: zipfile.ZipFile) -> tuple[str, list[tuple[zipfile.ZipInfo, str]]]:
    """The month folder and (entry, file name) of every file, after every check that needs only the
    central directory (names, symbolic links, encryption, duplicates, declared sizes)."""
    infos = [i for i in zf.infolist() if not i.filename.startswith(_IGNORED)]
    if len(infos) > MAX_ENTRIES:
        raise ValidationError(f"压缩包中的文件过多（{len(infos)}个）")
    plan: list[tuple[zipfile.ZipInfo, str]] = []
    months: set[str] = set()
    seen: set[str] = set()
    declared = packed = 0
    for info in infos:
        parsed = _check_name(info.filename)
        if parsed is None:
            continue
        month, name = parsed
        if stat.S_ISLNK(info.external_attr >> 16):
            raise ValidationError(f"压缩包中不允许符号链接：{info.filename[:80]}")
        if info.flag_bits & 0x1:
            raise ValidationError("压缩包不能加密")
        if name in seen:
            raise ValidationError(f"压缩包中的文件重复：{name}")
        seen.add(name)
        months.add(month)
        declared += info.file_size
        packed += info.compress_size
        if info.file_size > max(info.compress_size, 1) * max_ratio() and info.file_size > 1 << 20:
            raise _ratio_error(name, info.file_size, info.compress_size)
        plan.append((info, name))
    if len(months) != 1:
        raise ValidationError("压缩包应恰好包含一个YYYY-MM月份目录")
    if "manifest.json" not in seen:
        raise ValidationError("压缩包中缺少manifest.json")
    if declared > max_unpacked_bytes():
        raise ValidationError(f"解压后过大（{declared:,}字节，上限{max_unpacked_bytes():,}字节）")
    if declared > max(packed, 1) * max_ratio() and declared > 1 << 20:
        raise _ratio_error("内容", declared, packed)
    return months.pop(), plan


def inspect_snapshot_zip(*, archive: IO[bytes], size: int) -> str:
    """Every check of extract_snapshot_zip that reads only the zip's central directory (cheap even for a
    2 GB upload), so an unusable upload is refused at once; returns the month folder name."""
    with _open_zip(archive, size) as zf:
        month, _plan = _zip_plan(zf)
    return month


def extract_snapshot_zip(*, archive: IO[bytes], size: int, dest: Path) -> Path:
    """Unpack `archive` into dest/<YYYY-MM>/ and return that folder."""
    with _open_zip(archive, size) as zf:
        month, plan = _zip_plan(zf)
        folder = dest / month
        folder.mkdir(parents=True)
        total = 0
        for info, name in plan:
            written = 0
            with zf.open(info) as src, (folder / name).open("xb") as out:
                try:
                    while block := src.read(1 << 20):
                        written += len(block)
                        total += len(block)
                        if written > info.file_size or total > max_unpacked_bytes():
                            raise ValidationError(f"压缩包内容与声明的大小不符：{name}")
                        if written > (1 << 20) and written > max(info.compress_size, 1) * max_ratio():
                            raise _ratio_error(name, written, info.compress_size)
                        out.write(block)
                except (zipfile.BadZipFile, zlib.error, EOFError) as e:  # CRC, truncated or corrupt data
                    raise ValidationError(f"压缩包已损坏，无法解压：{name}") from e
    return folder
