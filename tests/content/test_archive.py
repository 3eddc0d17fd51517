"""A course exported as a zip reads back the same; a bad upload is refused before unpacking."""

from __future__ import annotations

import dataclasses
import functools
import io
import struct
import warnings
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.content.archive import (
    DEFAULT_LIMITS,
    FORMAT_MESSAGE,
    LAYOUT_MESSAGE,
    NOT_A_ZIP_MESSAGE,
    UPLOAD,
    ArchiveLimits,
    _copy_limited,
    course_to_zip,
    read_course_zip,
)
from app.content.reader import Problem, read_course
from app.content.spec import CourseSpec, QuizSpec
from app.content.writer import write_course
from tests.content.conftest import EXAMPLE_COURSE, EXAMPLE_SLUG, REAL_CATALOG

MIB = 1024 * 1024
LESSON = f"{EXAMPLE_SLUG}/first-steps/orienting-to-the-room.md"


def _read(course_dir: Path) -> CourseSpec:
    """Read a course folder that must have no problems."""
    spec, problems = read_course(course_dir)
    assert problems == [] and spec is not None
    return spec


def _course_files() -> dict[str, bytes]:
    """The example course's files, by their name inside a zip."""
    return {
        path.relative_to(EXAMPLE_COURSE.parent).as_posix(): path.read_bytes()
        for path in sorted(EXAMPLE_COURSE.rglob("*"))
        if path.is_file()
    }


def _zip(files: dict[str, bytes | str], *infos: tuple[zipfile.ZipInfo, bytes]) -> bytes:
    """Zip `files` (name to content) and any hand-made entries, in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
        for info, content in infos:
            archive.writestr(info, content)
    return buffer.getvalue()


def _course_zip_with(name: str, content: bytes | str = b"text") -> bytes:
    """The example course zipped with one extra entry."""
    return _zip({**_course_files(), name: content})


def test_the_example_course_round_trips() -> None:
    spec = _read(EXAMPLE_COURSE)
    assert read_course_zip(course_to_zip(spec)) == (spec, [])


def test_a_real_course_round_trips() -> None:
    spec = _read(REAL_CATALOG / "kap-core-clinical-skills")
    assert read_course_zip(course_to_zip(spec)) == (spec, [])


def test_a_final_quiz_round_trips() -> None:
    spec = _read(EXAMPLE_COURSE)
    question = dataclasses.replace(spec.modules[0].quiz.questions[0], objective="use-orienting")
    spec = dataclasses.replace(spec, final_quiz=QuizSpec(title="Last", questions=(question,)))
    data = course_to_zip(spec)
    assert f"{EXAMPLE_SLUG}/final-quiz.yml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert read_course_zip(data) == (spec, [])


def test_the_zip_holds_exactly_what_write_course_writes(tmp_path: Path) -> None:
    spec = _read(EXAMPLE_COURSE)
    folder = write_course(spec, tmp_path / spec.slug)
    written = {
        path.relative_to(tmp_path).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file()
    }
    archive = zipfile.ZipFile(io.BytesIO(course_to_zip(spec)))
    files = {info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()}
    folders = [info.filename for info in archive.infolist() if info.is_dir()]
    assert files == written
    assert folders == [f"{EXAMPLE_SLUG}/", f"{EXAMPLE_SLUG}/first-steps/"]


def test_exporting_twice_gives_identical_bytes() -> None:
    spec = _read(REAL_CATALOG / "kap-core-clinical-skills")
    data = course_to_zip(spec)
    assert course_to_zip(spec) == data
    infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    assert [info.filename for info in infos] == sorted(info.filename for info in infos)
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {oct(info.external_attr >> 16) for info in infos} == {"0o100644", "0o40755"}


def test_a_zip_without_folder_entries_is_read() -> None:
    assert read_course_zip(_zip(_course_files())) == (_read(EXAMPLE_COURSE), [])


def test_macos_junk_and_hidden_files_are_left_out() -> None:
    files = {
        **_course_files(),
        f"__MACOSX/{EXAMPLE_SLUG}/._course.yml": b"\x00\x05",
        f"{EXAMPLE_SLUG}/.DS_Store": b"\x00\x00",
        f"{EXAMPLE_SLUG}/first-steps/.notes.md": b"draft",
    }
    assert read_course_zip(_zip(files)) == (_read(EXAMPLE_COURSE), [])


@pytest.mark.parametrize(
    ("size", "message"),
    [
        (int(12.3 * MIB), "The file is 12.3 MB; the limit is 5 MB."),
        (5 * MIB + 1, "The file is 5.1 MB; the limit is 5 MB."),
    ],
)
def test_an_oversized_upload_is_refused(size: int, message: str) -> None:
    assert read_course_zip(b"PK" * (size // 2) + b"x" * (size % 2)) == (
        None,
        [Problem(UPLOAD, 1, message)],
    )


@pytest.mark.parametrize("data", [b"", b"course.yml: nope", b"PK\x03\x04broken", b"%PDF-1.7\n"])
def test_a_file_that_is_not_a_zip_is_refused(data: bytes) -> None:
    assert read_course_zip(data) == (None, [Problem(UPLOAD, 1, NOT_A_ZIP_MESSAGE)])


def test_too_many_files_are_refused() -> None:
    files = {f"{EXAMPLE_SLUG}/first-steps/lesson-{i}.md": "x" for i in range(501)}
    message = "The zip holds 501 files and folders; the limit is 500."
    assert read_course_zip(_zip(files)) == (None, [Problem(UPLOAD, 1, message)])
    message = "The zip holds 4 files and folders; the limit is 3."
    assert read_course_zip(_zip(_course_files()), ArchiveLimits(max_files=3)) == (
        None,
        [Problem(UPLOAD, 1, message)],
    )


def test_a_zip_bomb_is_refused_from_its_declared_size() -> None:
    data = _course_zip_with(LESSON.replace("orienting", "zeros"), bytes(25 * MIB))
    assert len(data) < 100_000
    message = "The zip unpacks to 25.1 MB; the limit is 20 MB."
    assert read_course_zip(data) == (None, [Problem(UPLOAD, 1, message)])


def test_one_file_over_the_entry_limit_is_refused() -> None:
    name = f"{EXAMPLE_SLUG}/first-steps/long.md"
    message = "unpacks to 3 MB; the limit for one file is 2 MB"
    assert read_course_zip(_course_zip_with(name, bytes(3 * MIB))) == (
        None,
        [Problem(name, 1, message)],
    )


def _patch_directory(data: bytes, name: str, offset: int, value: bytes) -> bytes:
    """Overwrite bytes of `name`'s central directory header (what zipfile lists)."""
    header, encoded = data.index(b"PK\x01\x02"), name.encode()
    while not data[header + 46 :].startswith(encoded):
        header = data.index(b"PK\x01\x02", header + 4)
    start = header + offset
    return data[:start] + value + data[start + len(value) :]


def test_an_entry_that_lies_about_its_size_is_refused() -> None:
    name = f"{EXAMPLE_SLUG}/first-steps/zeros.md"
    size_field = 24  # the uncompressed size, 4 bytes
    data = _course_zip_with(name, bytes(25 * MIB))
    data = _patch_directory(data, name, size_field, struct.pack("<I", 100))
    assert zipfile.ZipFile(io.BytesIO(data)).getinfo(name).file_size == 100
    message = "could not be unpacked (damaged, or compressed in a way not supported)"
    assert read_course_zip(data) == (None, [Problem(name, 1, message)])


def test_unpacking_stops_at_the_declared_size() -> None:
    sink = io.BytesIO()
    assert _copy_limited(io.BytesIO(bytes(1000)), sink, 999) is False
    assert len(sink.getvalue()) <= 999
    assert _copy_limited(io.BytesIO(bytes(1000)), io.BytesIO(), 1000) is True


def _symlink(name: str) -> tuple[zipfile.ZipInfo, bytes]:
    """A symbolic-link entry pointing at /etc/passwd."""
    info = zipfile.ZipInfo(name)
    info.external_attr = 0o120777 << 16
    return info, b"/etc/passwd"


@pytest.mark.parametrize(
    ("name", "shown", "message"),
    [
        ("../evil.md", "../evil.md", "the name leads out of its folder with '..'"),
        (f"{EXAMPLE_SLUG}/../../evil.md", None, "the name leads out of its folder with '..'"),
        ("/etc/passwd", None, "an absolute path; names in the zip start with the course folder"),
        ("C:\\x", None, "the name starts with a drive letter"),
        ("a\\b.md", None, "the name holds a backslash; zip names separate folders with '/'"),
        (
            f"{EXAMPLE_SLUG}/a\x01.md",
            f"{EXAMPLE_SLUG}/a\\x01.md",
            "the name holds a control character",
        ),
        (f"{EXAMPLE_SLUG}//a.md", None, "the name has an empty or '.' part"),
        (f"./{EXAMPLE_SLUG}/a.md", None, "the name has an empty or '.' part"),
    ],
)
def test_unsafe_names_are_refused(name: str, shown: str | None, message: str) -> None:
    assert read_course_zip(_course_zip_with(name)) == (None, [Problem(shown or name, 1, message)])


def test_a_nul_in_a_name_is_refused() -> None:
    data = _course_zip_with(f"{EXAMPLE_SLUG}/evilXname.md").replace(b"evilXname", b"evil\0name")
    problem = Problem(f"{EXAMPLE_SLUG}/evil\\x00name.md", 1, "the name holds a control character")
    assert read_course_zip(data) == (None, [problem])


def test_a_symbolic_link_is_refused() -> None:
    name = f"{EXAMPLE_SLUG}/first-steps/link.md"
    message = "a symbolic link; the zip may hold only files and folders"
    assert read_course_zip(_zip(_course_files(), _symlink(name))) == (
        None,
        [Problem(name, 1, message)],
    )


def test_an_encrypted_entry_is_refused() -> None:
    name, flags_field = f"{EXAMPLE_SLUG}/first-steps/secret.md", 8
    data = _patch_directory(_course_zip_with(name), name, flags_field, struct.pack("<H", 0x1))
    assert zipfile.ZipFile(io.BytesIO(data)).getinfo(name).flag_bits & 0x1
    message = "encrypted; upload a zip without a password"
    assert read_course_zip(data) == (None, [Problem(name, 1, message)])


def test_an_entry_named_twice_is_refused() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns about the duplicate
        data = _zip(_course_files(), (zipfile.ZipInfo(LESSON), b"other"))
    assert read_course_zip(data) == (
        None,
        [Problem(LESSON, 1, "appears more than once in the zip")],
    )


@pytest.mark.parametrize(
    "files",
    [
        {},
        {**_course_files(), "other-course/course.yml": "slug: other-course\n"},
        {
            name.removeprefix(f"{EXAMPLE_SLUG}/"): content
            for name, content in _course_files().items()
        },
        {**_course_files(), "README.md": "read me"},
    ],
    ids=["empty", "two-folders", "no-folder", "loose-file"],
)
def test_a_zip_without_exactly_one_course_folder_is_refused(files: dict[str, bytes]) -> None:
    assert read_course_zip(_zip(dict(files))) == (None, [Problem(UPLOAD, 1, LAYOUT_MESSAGE)])


@pytest.mark.parametrize(
    "name",
    [
        f"{EXAMPLE_SLUG}/notes.txt",
        f"{EXAMPLE_SLUG}/first-steps/image.png",
        f"{EXAMPLE_SLUG}/first-steps/deeper/lesson.md",
        f"{EXAMPLE_SLUG}/first-steps/deeper/",
    ],
)
def test_files_the_format_does_not_name_are_refused(name: str) -> None:
    assert read_course_zip(_course_zip_with(name)) == (None, [Problem(name, 1, FORMAT_MESSAGE)])


def test_a_name_used_for_a_file_and_a_folder_is_refused() -> None:
    name = f"{EXAMPLE_SLUG}/course.yml"
    data = _course_zip_with(f"{name}/quiz.yml")
    assert read_course_zip(data) == (None, [Problem(name, 1, "is both a file and a folder")])


def test_a_course_folder_without_course_yml_is_refused() -> None:
    files = {n: c for n, c in _course_files().items() if not n.endswith("/course.yml")}
    message = f"The course folder {EXAMPLE_SLUG}/ has no course.yml."
    assert read_course_zip(_zip(files)) == (None, [Problem(UPLOAD, 1, message)])


def test_invalid_yaml_is_reported_at_its_line_in_the_zip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _course_files()
    course_yml = f"{EXAMPLE_SLUG}/course.yml"
    files[course_yml] = files[course_yml].replace(b"level: beginning", b"level: beginning: x")
    spec, problems = read_course_zip(_zip(files))
    message = "invalid YAML: mapping values are not allowed here"
    assert (spec, problems) == (None, [Problem(course_yml, 13, message)])
    for name, content in files.items():  # the same files on disk give the same problems
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(content)
    monkeypatch.chdir(tmp_path)
    assert read_course(EXAMPLE_SLUG) == (None, problems)


def test_course_rules_apply_with_paths_inside_the_zip() -> None:
    files = _course_files()
    files[LESSON] = files[LESSON].replace(b"minutes: 9", b"minutes: 0")
    spec, problems = read_course_zip(_zip(files))
    assert spec is None
    assert [str(problem).split(": ")[0] for problem in problems] == [f"{LESSON}:3"]


def test_nothing_is_left_in_the_temporary_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    spec = _read(EXAMPLE_COURSE)
    assert read_course_zip(course_to_zip(spec)) == (spec, [])
    broken = _course_files()
    broken[LESSON] = b"no front matter"
    assert read_course_zip(_zip(broken))[0] is None
    assert list(tmp_path.iterdir()) == []


def test_the_default_limits() -> None:
    limits = DEFAULT_LIMITS
    assert (limits.max_bytes, limits.max_uncompressed_bytes) == (5 * MIB, 20 * MIB)
    assert (limits.max_files, limits.max_entry_bytes) == (500, 2 * MIB)


@functools.cache
def _valid_zip() -> bytes:
    """The example course as an exported zip (built once: every fuzz example damages a copy)."""
    return course_to_zip(_read(EXAMPLE_COURSE))


@settings(deadline=None, max_examples=150)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    spec, problems = read_course_zip(data)
    assert (spec is None) != (problems == [])


@settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_damaged_course_zip_never_raises(data: st.DataObject) -> None:
    original = bytearray(_valid_zip())
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(original) - 1))
        original[position] = data.draw(st.integers(0, 255))
    spec, problems = read_course_zip(bytes(original))
    assert (spec is None) != (problems == [])
