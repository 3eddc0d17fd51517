"""Parsing untrusted XML with defusedxml (ElementTree is imported for its types only)."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # nosec B405

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from app.questionbank.result import MAX_TEXT_FILE_BYTES, ImportRefused


def parse_xml(data: bytes, name: str) -> ET.Element:
    """Return the root element; refuse a DOCTYPE, entities, oversize or malformed XML."""
    if len(data) > MAX_TEXT_FILE_BYTES:
        raise ImportRefused(
            f"{name} is {len(data)} bytes; the limit for a question file is "
            f"{MAX_TEXT_FILE_BYTES // (1024 * 1024)} MB."
        )
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise ImportRefused(
            f"{name} declares a DOCTYPE or entities, which are refused for safety."
        ) from None
    except ET.ParseError as error:
        line = error.position[0] if error.position else 1
        raise ImportRefused(f"{name} is not well-formed XML (line {line}).") from None


def local(tag: object) -> str:
    """Return an element's tag without its namespace."""
    return str(tag).rsplit("}", 1)[-1]
