"""QTI 3.0 in: single items and content packages; choice interactions become questions."""

from __future__ import annotations

import io
import posixpath
import xml.etree.ElementTree as ET  # nosec B405
import zipfile

from app.content.archive import ArchiveLimits, _archive_problems
from app.content.spec import ChoiceSpec
from app.questionbank.result import (
    ImportedQuestion,
    ImportRefused,
    ParseResult,
    SkippedItem,
    kind_for_choices,
    plain_to_markdown,
    tidy,
)
from app.questionbank.xmlsafe import local, parse_xml

ITEM_TYPE = "imsqti_item_xmlv3p0"
TEST_TYPE = "imsqti_test_xmlv3p0"
PACKAGE_LIMITS = ArchiveLimits(max_bytes=10 * 1024 * 1024, max_files=2000)
_BLOCKS = {"p", "div", "br", "li", "ul", "ol", "table", "tr", "h1", "h2", "h3", "h4", "pre"}
_BLOCKS |= {"blockquote", "qti-prompt"}
# Shown only on conditions (a response, an outcome) that a Groundwork question has no place for.
_CONDITIONAL = {"qti-feedback-inline", "qti-feedback-block"}


def _text_of(element: ET.Element, skip: set[str], images: list[int]) -> str:
    """Return an element's text, leaving out the subtrees whose local tag is in `skip`."""
    tag = local(element.tag)
    parts = ["\n" if tag in _BLOCKS else "", element.text or ""]
    if tag == "img":
        images[0] += 1
        if element.get("alt"):
            parts.append(f"[image: {element.get('alt')}]")
    for child in element:
        if local(child.tag) not in skip:
            parts.append(_text_of(child, skip, images))
        parts.append(child.tail or "")
    parts.append("\n" if tag in _BLOCKS else "")
    return "".join(parts)


def _markdown(element: ET.Element, skip: set[str], notes: list[str]) -> str:
    """Return an element's text as Markdown, noting dropped images."""
    images = [0]
    text = tidy(_text_of(element, skip, images))
    if images[0]:
        notes.append(f"{images[0]} image(s) left out; only their alt text is kept")
    return plain_to_markdown(text)


def parse_qti_item(data: bytes, name: str = "item.xml") -> ParseResult:
    """Read one QTI 3.0 assessment item file."""
    result = ParseResult()
    outcome = _item(parse_xml(data, name), name)
    if isinstance(outcome, SkippedItem):
        result.skipped.append(outcome)
    else:
        result.questions.append(outcome)
    return result


def _item(root: ET.Element, name: str) -> ImportedQuestion | SkippedItem:
    """Read an item whose body holds exactly one choice interaction."""
    if local(root.tag) != "qti-assessment-item":
        raise ImportRefused(f"{name} is not a QTI 3.0 item (no <qti-assessment-item>).")
    where = f"{name} ({root.get('identifier', 'no identifier')})"
    body = next((e for e in root if local(e.tag) == "qti-item-body"), None)
    interactions = (
        [] if body is None else [e for e in body.iter() if local(e.tag).endswith("-interaction")]
    )
    kinds = sorted(
        {local(e.tag).removeprefix("qti-").removesuffix("-interaction") for e in interactions}
    )
    if len(interactions) != 1 or kinds != ["choice"]:
        shown = ", ".join(kinds) or "none"
        return SkippedItem(
            where, f"interaction: {shown}", "only an item with one choice interaction is imported"
        )
    interaction = interactions[0]
    declaration = next(
        (
            e
            for e in root
            if local(e.tag) == "qti-response-declaration"
            and e.get("identifier") == interaction.get("response-identifier")
        ),
        None,
    )
    correct = set()
    if declaration is not None:
        correct = {
            (value.text or "").strip()
            for holder in declaration
            if local(holder.tag) == "qti-correct-response"
            for value in holder
        }
    if not correct:
        return SkippedItem(where, "choice", "no correct response is declared")
    notes: list[str] = []
    if declaration is not None and any(local(e.tag) == "qti-mapping" for e in declaration):
        notes.append("scored mapping dropped; the correct response is all-or-nothing")
    multiple = declaration is not None and declaration.get("cardinality") == "multiple"
    assert body is not None
    stem = _markdown(body, _CONDITIONAL | {"qti-choice-interaction"}, notes)
    prompts = [e for e in interaction if local(e.tag) == "qti-prompt"]
    prompt = "\n\n".join(p for p in [stem, *(_markdown(e, set(), notes) for e in prompts)] if p)
    choices = []
    for choice in interaction:
        if local(choice.tag) != "qti-simple-choice":
            continue
        feedback = [e for e in choice if local(e.tag) == "qti-feedback-inline"]
        text = _markdown(choice, {"qti-feedback-inline"}, notes)
        said = "\n\n".join(_markdown(e, set(), notes) for e in feedback)
        choices.append(
            ChoiceSpec(
                text=text, correct=choice.get("identifier") in correct, feedback=said or None
            )
        )
    modal = [e for e in root if local(e.tag) == "qti-modal-feedback"]
    explanation = _markdown(modal[0], set(), notes) if len(modal) == 1 else ""
    if len(modal) > 1:
        # Several modal feedbacks are shown on conditions Groundwork has no place for.
        notes.append(f"{len(modal)} conditional feedback messages left out")
    if any(not choice.text for choice in choices):
        notes.append("a choice has no text (only an image or formula)")
    kind = kind_for_choices(tuple(choices), multiple)
    title = root.get("title", "")
    return ImportedQuestion(
        where, title, kind, prompt, explanation, tuple(choices), tuple(dict.fromkeys(notes))
    )


def parse_qti_package(data: bytes, name: str = "package.zip") -> ParseResult:
    """Read a QTI 3.0 content package: the items its test lists (else its manifest), in order."""
    if len(data) > PACKAGE_LIMITS.max_bytes:
        raise ImportRefused(f"{name} is {len(data)} bytes; the limit for a package is 10 MB.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception:  # zipfile raises many exception types on malformed input
        raise ImportRefused(f"{name} is not a zip archive.") from None
    with archive:
        problems = _archive_problems(archive.infolist(), PACKAGE_LIMITS)
        if problems:
            shown = "; ".join(f"{p.path}: {p.message}" for p in problems[:5])
            raise ImportRefused(f"{name} is refused: {shown}")
        manifest = parse_xml(_read(archive, "imsmanifest.xml", name), "imsmanifest.xml")
        resources = [e for e in manifest.iter() if local(e.tag) == "resource"]
        items = [e.get("href", "") for e in resources if e.get("type") == ITEM_TYPE]
        tests = [e.get("href", "") for e in resources if e.get("type") == TEST_TYPE]
        if tests:
            items = _test_order(archive, tests[0], name) or items
        result = ParseResult()
        if not items:
            raise ImportRefused(f"{name}: the manifest lists no QTI 3.0 items.")
        for href in items:
            try:
                item = _item(parse_xml(_read(archive, href, name), href), href)
            except ImportRefused as error:
                result.skipped.append(SkippedItem(href, "item", str(error)))
                continue
            if isinstance(item, SkippedItem):
                result.skipped.append(item)
            else:
                result.questions.append(item)
        return result


def _test_order(archive: zipfile.ZipFile, href: str, name: str) -> list[str]:
    """Return the item files the assessment test refers to, in its order."""
    test = parse_xml(_read(archive, href, name), href)
    folder = posixpath.dirname(href)
    return [
        posixpath.normpath(posixpath.join(folder, e.get("href", "")))
        for e in test.iter()
        if local(e.tag) == "qti-assessment-item-ref"
    ]


def _read(archive: zipfile.ZipFile, href: str, name: str) -> bytes:
    """Return one entry's bytes (names and sizes were checked), or refuse if it is missing."""
    try:
        with archive.open(href) as entry:
            data = entry.read(PACKAGE_LIMITS.max_entry_bytes + 1)
    except KeyError:
        raise ImportRefused(f"{name}: {href} is named but not in the zip.") from None
    except Exception:  # zlib and zipfile raise their own on damaged entries
        raise ImportRefused(f"{name}: {href} could not be unpacked.") from None
    if len(data) > PACKAGE_LIMITS.max_entry_bytes:
        raise ImportRefused(f"{name}: {href} unpacks to more than its limit.")
    return data
