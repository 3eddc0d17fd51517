"""RDF Dataset Canonicalization of JSON-LD with bundled contexts: nothing is ever fetched."""

from __future__ import annotations

import copy
import functools
import json
import re
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cachetools import LRUCache
from pyld.context_resolver import ContextResolver
from pyld.jsonld import JsonLdProcessor

CONTEXTS_DIR = Path(__file__).parent / "contexts"
VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_V3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DID_V1_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1_CONTEXT = "https://w3id.org/security/multikey/v1"
#: Context URL -> bundled file (sources in contexts/README.md). The last two are for the
#: DID document that lists the issuer's keys.
BUNDLED_CONTEXTS = {
    VC_V2_CONTEXT: "credentials-v2.jsonld",
    OB_V3_CONTEXT: "ob-v3p0-context-3.0.3.json",
    DID_V1_CONTEXT: "did-v1.jsonld",
    MULTIKEY_V1_CONTEXT: "multikey-v1.jsonld",
}


class ContextNotBundled(ValueError):
    """A document named a JSON-LD context that is not bundled (we never fetch one)."""


@functools.cache
def bundled_context(url: str) -> dict[str, Any]:
    """The parsed JSON of a bundled context, read once per process."""
    if url not in BUNDLED_CONTEXTS:
        raise ContextNotBundled(f"JSON-LD context not bundled: {url}")
    document: dict[str, Any] = json.loads((CONTEXTS_DIR / BUNDLED_CONTEXTS[url]).read_text())
    return document


def _loader(extra: Mapping[str, dict[str, Any]]) -> Any:
    """A pyld document loader that answers from bundled (or `extra`) contexts only."""

    def load(url: str, options: object = None) -> dict[str, Any]:
        document = extra[url] if url in extra else bundled_context(url)
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": copy.deepcopy(document),
        }

    return load


#: Resolved contexts per thread (cachetools caches are not thread-safe), kept apart from
#: pyld's process-wide cache so that no other document loader can feed them.
_PER_THREAD = threading.local()
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S*")


class LossyDocument(ValueError):
    """JSON-LD would silently drop part of the document, leaving it outside the signature."""


def _resolved_contexts() -> LRUCache[Any, Any]:
    """This thread's cache of resolved bundled contexts."""
    if not hasattr(_PER_THREAD, "cache"):
        _PER_THREAD.cache = LRUCache(maxsize=64)
    cache: LRUCache[Any, Any] = _PER_THREAD.cache
    return cache


def _refuse_dropped(expanded_property: str | None) -> None:
    """pyld calls this for a term no context defines; such a property would go unsigned."""
    raise LossyDocument(f"undefined term: {expanded_property or 'a property'} would be dropped")


def _refuse_relative(node: object) -> None:
    """Refuse @id and @type values that are not absolute IRIs (RDF would drop them)."""
    if isinstance(node, list):
        for item in node:
            _refuse_relative(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "@id" and not _is_node_name(value):
                raise LossyDocument(f"relative IRI would be dropped: {value!r}")
            if key == "@type":
                for name in value if isinstance(value, list) else [value]:
                    if not _is_node_name(name) and name != "@json":
                        raise LossyDocument(f"relative type would be dropped: {name!r}")
            elif key != "@value":
                _refuse_relative(value)


def _is_node_name(value: object) -> bool:
    """An absolute IRI or a blank node identifier."""
    return isinstance(value, str) and (
        value.startswith("_:") or bool(_ABSOLUTE_IRI.fullmatch(value))
    )


def _options(extra_contexts: Mapping[str, dict[str, Any]] | None) -> dict[str, Any]:
    """pyld options that resolve bundled (or `extra`) contexts only, with a cache."""
    extra = dict(extra_contexts or {})
    loader = _loader(extra)
    cache = LRUCache(maxsize=16) if extra else _resolved_contexts()
    return {"documentLoader": loader, "contextResolver": ContextResolver(cache, loader)}


def expand_document(
    document: Mapping[str, Any], extra_contexts: Mapping[str, dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """Return `document` in JSON-LD expanded form: every term a full IRI, `id` as `@id`.

    What a document means is read from here, never from its keys as spelled: `id` and
    `@id`, a compact or an already-expanded document, an alias in an added context, all
    expand alike. Raises `LossyDocument` where expansion would drop part of the document.
    """
    processor = JsonLdProcessor(on_property_dropped=_refuse_dropped)
    expanded: list[dict[str, Any]] = processor.expand(
        copy.deepcopy(dict(document)), _options(extra_contexts)
    )
    _refuse_relative(expanded)
    return expanded


def canonical_nquads(
    document: Mapping[str, Any], extra_contexts: Mapping[str, dict[str, Any]] | None = None
) -> str:
    """Return `document` canonicalized with RDFC-1.0 (URDNA2015) as canonical N-Quads.

    Like jsonld.js's "safe mode", it raises `LossyDocument` rather than silently dropping
    an undefined term or a relative IRI, so every part of a signed document is signed.
    `extra_contexts` adds contexts for this call only (the W3C test vectors need one).
    Any other remote context raises `ContextNotBundled` (wrapped by pyld in a JsonLdError).
    """
    expanded = expand_document(document, extra_contexts)
    options = _options(extra_contexts)
    options.update(algorithm="URDNA2015", format="application/n-quads")
    result: str = JsonLdProcessor(on_property_dropped=_refuse_dropped).normalize(expanded, options)
    return result
