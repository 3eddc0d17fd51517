"""A course as a zip of its files: deterministic export, and an import that checks first."""

from __future__ import annotations

import dataclasses
import io
import math
import os
import re
import stat
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from app.content.casefile import CASE_FILE
from app.content.modulefile import LESSON_SUFFIX, MODULE_FILE, QUIZ_FILE
from app.content.problems import Problem
from app.content.reader import COURSE_FILE, FINAL_QUIZ_FILE, read_course
from app.content.spec import CourseSpec
from app.content.writer import write_course

__all__ = ["DEFAULT_LIMITS", "ArchiveLimits", "course_to_zip", "read_course_zip"]

UPLOAD = "<upload>"
MIB = 1024 * 1024
LAYOUT_MESSAGE = "The zip must contain exactly one course folder, e.g. my-course/course.yml"
NOT_A_ZIP_MESSAGE = "This file is not a zip archive."
FORMAT_MESSAGE = (
    "not part of the course format (a course folder holds course.yml, final-quiz.yml and "
    "module folders of module.yml, quiz.yml, an optional case.yml and <lesson>.md files)"
)
# Fixed entry metadata, so two exports of the same spec are the same bytes.
_EPOCH = (1980, 1, 1, 0, 0, 0)
_FILE_MODE = stat.S_IFREG | 0o644
_FOLDER_MODE = stat.S_IFDIR | 0o755
_UNIX = 3
_MSDOS_FOLDER = 0x10
_CHUNK = 64 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")
_JUNK_FOLDER = "__MACOSX"


@dataclass(frozen=True)
class ArchiveLimits:
    """What an uploaded course zip may weigh, compressed, in entries and unpacked."""

    max_bytes: int = 5 * MIB
    max_files: int = 500
    max_uncompressed_bytes: int = 20 * MIB
    max_entry_bytes: int = 2 * MIB


DEFAULT_LIMITS = ArchiveLimits()


def course_to_zip(spec: CourseSpec) -> bytes:
    """Return the course's files (as `write_course` writes them) zipped under its slug."""
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="groundwork-export-") as tmp:
        folder = write_course(spec, Path(tmp) / spec.slug)
        paths = sorted([folder, *folder.rglob("*")], key=lambda p: p.relative_to(tmp).as_posix())
        with zipfile.ZipFile(buffer, "w") as archive:
            for path in paths:
                name = path.relative_to(tmp).as_posix()
                if path.is_dir():
                    archive.writestr(_entry(f"{name}/", _FOLDER_MODE, zipfile.ZIP_STORED), b"")
                else:
                    info = _entry(name, _FILE_MODE, zipfile.ZIP_DEFLATED)
                    archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def _entry(name: str, mode: int, compression: int) -> zipfile.ZipInfo:
    """Return an entry header with a fixed date, owner-neutral permissions and system."""
    info = zipfile.ZipInfo(name, date_time=_EPOCH)
    info.create_system = _UNIX
    info.external_attr = mode << 16 | (_MSDOS_FOLDER if stat.S_ISDIR(mode) else 0)
    info.compress_type = compression
    return info


def read_course_zip(
    data: bytes, limits: ArchiveLimits = DEFAULT_LIMITS
) -> tuple[CourseSpec | None, list[Problem]]:
    """Check an uploaded zip, unpack it into a temporary folder and read the course in it."""
    if len(data) > limits.max_bytes:
        size, limit = _size(len(data), round_up=True), _size(limits.max_bytes)
        return None, [Problem(UPLOAD, 1, f"The file is {size}; the limit is {limit}.")]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception:  # zipfile raises many exception types on malformed input
        return None, [Problem(UPLOAD, 1, NOT_A_ZIP_MESSAGE)]
    with archive:
        problems = _archive_problems(archive.infolist(), limits)
        if problems:
            return None, problems
        kept = [info for info in archive.infolist() if not _is_junk(info.filename)]
        slug = _course_folder(kept)
        if slug is None:
            return None, [Problem(UPLOAD, 1, LAYOUT_MESSAGE)]
        problems = _layout_problems(kept, slug)
        if problems:
            return None, problems
        with tempfile.TemporaryDirectory(prefix="groundwork-import-") as tmp:
            problems = _unpack(archive, kept, Path(tmp), limits)
            if problems:
                return None, problems
            return _read_unpacked(Path(tmp) / slug, slug)


def _archive_problems(infos: list[zipfile.ZipInfo], limits: ArchiveLimits) -> list[Problem]:
    """Return the refusals that need only the zip's directory: limits, names, entry kinds."""
    if len(infos) > limits.max_files:
        message = f"The zip holds {len(infos)} files and folders; the limit is {limits.max_files}."
        return [Problem(UPLOAD, 1, message)]
    declared = sum(info.file_size for info in infos)
    if declared > limits.max_uncompressed_bytes:
        size, limit = _size(declared, round_up=True), _size(limits.max_uncompressed_bytes)
        return [Problem(UPLOAD, 1, f"The zip unpacks to {size}; the limit is {limit}.")]
    problems = []
    seen: set[str] = set()
    for info in infos:
        shown = _shown_name(info.orig_filename)
        problems += [Problem(shown, 1, message) for message in _entry_problems(info, limits)]
        if info.orig_filename in seen:
            problems.append(Problem(shown, 1, "appears more than once in the zip"))
        seen.add(info.orig_filename)
    return sorted(problems)


def _entry_problems(info: zipfile.ZipInfo, limits: ArchiveLimits) -> Iterator[str]:
    """Yield what is wrong with one entry's name, kind, encryption or declared size."""
    name = info.orig_filename
    parts = name.removesuffix("/").split("/")
    if any(unicodedata.category(char) == "Cc" for char in name):
        yield "the name holds a control character"
    elif name.startswith("/"):
        yield "an absolute path; names in the zip start with the course folder"
    elif _DRIVE.match(name):
        yield "the name starts with a drive letter"
    elif "\\" in name:
        yield "the name holds a backslash; zip names separate folders with '/'"
    elif ".." in parts:
        yield "the name leads out of its folder with '..'"
    elif any(part in ("", ".") for part in parts):
        yield "the name has an empty or '.' part"
    kind = stat.S_IFMT(info.external_attr >> 16)
    if kind == stat.S_IFLNK:
        yield "a symbolic link; the zip may hold only files and folders"
    elif kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        yield "not a regular file or folder"
    if info.flag_bits & 0x1:
        yield "encrypted; upload a zip without a password"
    if info.file_size > limits.max_entry_bytes:
        size, limit = _size(info.file_size, round_up=True), _size(limits.max_entry_bytes)
        yield f"unpacks to {size}; the limit for one file is {limit}"


def _is_junk(name: str) -> bool:
    """Whether an entry is left out silently: hidden files and folders, macOS `__MACOSX/`."""
    parts = name.split("/")
    return parts[0] == _JUNK_FOLDER or any(part.startswith(".") for part in parts)


def _course_folder(infos: list[zipfile.ZipInfo]) -> str | None:
    """Return the one top-level folder every kept entry sits in, or None."""
    tops = {info.filename.split("/")[0] for info in infos}
    loose = any("/" not in info.filename for info in infos)
    return tops.pop() if len(tops) == 1 and not loose else None


def _layout_problems(infos: list[zipfile.ZipInfo], slug: str) -> list[Problem]:
    """Return entries the course format does not name, and a missing course.yml."""
    problems = [
        Problem(info.filename, 1, FORMAT_MESSAGE)
        for info in infos
        if not _in_format(info.filename.split("/")[1:], info.is_dir())
    ]
    files = {info.filename for info in infos if not info.is_dir()}
    folders = {name.rsplit("/", 1)[0] for name in files}
    folders |= {info.filename.removesuffix("/") for info in infos if info.is_dir()}
    problems += [Problem(name, 1, "is both a file and a folder") for name in files & folders]
    if not any(info.filename == f"{slug}/{COURSE_FILE}" for info in infos):
        problems.append(Problem(UPLOAD, 1, f"The course folder {slug}/ has no {COURSE_FILE}."))
    return sorted(problems)


def _in_format(parts: list[str], is_dir: bool) -> bool:
    """Whether a path inside the course folder is one the format names."""
    if is_dir:
        return parts in ([""], [parts[0], ""])
    if len(parts) == 1:
        return parts[0] in (COURSE_FILE, FINAL_QUIZ_FILE)
    return len(parts) == 2 and (
        parts[1] in (MODULE_FILE, QUIZ_FILE, CASE_FILE) or parts[1].endswith(LESSON_SUFFIX)
    )


def _unpack(
    archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], root: Path, limits: ArchiveLimits
) -> list[Problem]:
    """Write the checked entries under `root`; return a problem for each that fails."""
    problems = []
    for info in infos:
        message = _unpack_entry(archive, info, root, min(info.file_size, limits.max_entry_bytes))
        if message:
            problems.append(Problem(info.filename, 1, message))
    return problems


def _unpack_entry(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, root: Path, limit: int
) -> str | None:
    """Write one entry under `root`, stopping if it inflates past `limit` bytes."""
    target = root / info.filename
    if not target.resolve().is_relative_to(root.resolve()):  # names were checked; be sure
        return "the name leads out of its folder"
    try:
        if info.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            return None
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(info) as source, target.open("xb") as sink:
            complete = _copy_limited(source, sink, limit)
    except Exception:  # zlib, bz2, lzma, zipfile and the file system each raise their own
        return "could not be unpacked (damaged, or compressed in a way not supported)"
    return None if complete else "holds more data than the zip declares"


def _copy_limited(source: IO[bytes], sink: IO[bytes], limit: int) -> bool:
    """Copy `source` to `sink`; stop and return False as soon as it passes `limit` bytes."""
    copied = 0
    while chunk := source.read(min(_CHUNK, limit - copied + 1)):
        copied += len(chunk)
        if copied > limit:
            return False
        sink.write(chunk)
    return True


def _read_unpacked(folder: Path, slug: str) -> tuple[CourseSpec | None, list[Problem]]:
    """Read the unpacked course, showing problem paths as they are inside the zip."""
    spec, problems = read_course(folder)
    shown_root = os.fspath(folder)
    return spec, [
        dataclasses.replace(problem, path=slug + problem.path.removeprefix(shown_root))
        for problem in problems
    ]


def _shown_name(name: str) -> str:
    """Return an entry name fit to print: control characters written as escapes."""
    return "".join(
        char.encode("unicode_escape").decode("ascii")
        if unicodedata.category(char) == "Cc"
        else char
        for char in name
    )


def _size(count: int, *, round_up: bool = False) -> str:
    """Return a byte count for people: `12.3 MB`, `400 KB`, `20 bytes`."""
    for unit, name in ((1024 * MIB, "GB"), (MIB, "MB"), (1024, "KB")):
        if count >= unit:
            tenths = math.ceil(count * 10 / unit) if round_up else round(count * 10 / unit)
            return f"{tenths / 10:.1f}".removesuffix(".0") + f" {name}"
    return f"{count} bytes"
