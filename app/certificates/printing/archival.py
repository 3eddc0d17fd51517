"""Tagged (PDF/UA-1) and archival (PDF/A-2b) PDFs with fpdf2: metadata, colour, structure.

fpdf2 writes PDF/A-2b itself (`enforce_compliance`: embedded fonts only, no encryption, XMP
identification); this module adds what it leaves to the caller: the sRGB output intent, XMP
that also says PDF/UA-1 (with the extension schema PDF/A asks for), the document title shown
by viewers, and a structure tree whose elements nest (a table's rows and cells) and carry the
text as written (`/ActualText`), so right-to-left and shaped text reads back in logical order.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from html import escape
from typing import Any

from fpdf import FPDF
from fpdf.enums import OutputIntentSubType, TextDirection
from fpdf.output import PDFICCProfile
from fpdf.prefs import ViewerPreferences
from fpdf.structure_tree import StructElem, StructureTreeBuilder
from fpdf.syntax import PDFObject, PDFString
from PIL import ImageCms

LANGUAGE = "en-US"
CREATOR = "Groundwork"
COMPLIANCE = "PDFA_2B"
SRGB = "sRGB IEC61966-2.1"


@functools.cache
def srgb_profile() -> bytes:
    """An sRGB ICC profile made by Little CMS through Pillow (no file to ship)."""
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    return profile.tobytes()


class Element(StructElem):
    """A structure element that may sit inside another and carry its text as written."""

    __slots__ = ("_pg", "_top", "a", "actual_text")

    def __init__(self, role: str, parent: PDFObject, top: Element | None, page: int) -> None:
        """A `role` element (P, H1, Table, TR, TH, TD, Figure) under `parent`."""
        super().__init__(struct_type=f"/{role}", parent=parent, kids=[], page_number=page)
        self._top = top
        self.actual_text: PDFString | None = None
        #: Attributes, e.g. a table heading's scope (written as /A).
        self.a: str | None = None

    @property
    def pg(self) -> Any:
        """The page: fpdf2 sets it on top-level elements; nested ones share their ancestor's."""
        return self._pg if self._top is None else self._top.pg

    @pg.setter
    def pg(self, value: Any) -> None:
        self._pg = value


class Structure(StructureTreeBuilder):
    """fpdf2's structure tree with nesting: every element is written, however deep."""

    def __init__(self) -> None:
        """An empty Document element under the tree root."""
        super().__init__()
        self._next_mcid: dict[int, int] = {}

    def element(self, role: str, page: int, parent: Element | None = None) -> Element:
        """A new element at the end of `parent` (or of the document)."""
        holder: StructElem = parent if parent is not None else self.doc_struct_elem
        top = None if parent is None else (parent._top or parent)
        element = Element(role, holder, top, page)
        holder.k.append(element)
        return element

    def mark(self, element: Element, page: int) -> int:
        """Give `element` the next marked-content ID on `page`; return it."""
        spid = self.spid_per_page_number.setdefault(page, len(self.spid_per_page_number))
        mcid = self._next_mcid.get(page, 0)
        self._next_mcid[page] = mcid + 1
        element.k.append(mcid)
        self.struct_tree_root.parent_tree.nums[spid].append(element)
        return mcid

    def _walk(self, elements: list[Any]) -> Iterator[PDFObject]:
        for element in elements:
            if isinstance(element, StructElem):
                yield element
                yield from self._walk(list(element.k))

    def __iter__(self) -> Iterator[PDFObject]:
        """The root, the document, the parent tree, then every element depth first."""
        yield self.struct_tree_root
        yield self.doc_struct_elem
        yield self.struct_tree_root.parent_tree
        yield from self._walk(list(self.doc_struct_elem.k))


#: Bidi classes that can put a character at an odd (right-to-left) level in a left-to-right
#: paragraph: strong right-to-left letters, Arabic digits, and the explicit controls.
_BIDI_CLASSES_NOT_LTR = frozenset(
    ("R", "AL", "AN", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI")
)


def all_left_to_right(text: str) -> bool:
    """Whether the bidi algorithm leaves all of `text` at level 0: one left-to-right run."""
    return not any(unicodedata.bidirectional(char) in _BIDI_CLASSES_NOT_LTR for char in text)


class ArchivalPDF(FPDF):
    """FPDF that skips the bidi algorithm for text with nothing right to left in it.

    fpdf2 runs the whole Unicode bidi algorithm (in Python) on every measured or drawn
    string: about half of a transcript's time. For text with no right-to-left letter, Arabic
    digit or direction control the algorithm's answer is known without running it (one
    left-to-right run at level 0), so this gives that answer; other text takes fpdf2's path.
    The tests render both ways and compare the bytes.
    """

    #: Off in tests, to compare with fpdf2's own path.
    skip_ltr_bidi = True

    def _preload_bidirectional_text(self, text: str, markdown: bool) -> Any:
        """fpdf2's method, answered directly when `text` is all left to right."""
        if not (
            self.skip_ltr_bidi
            and self.text_shaping
            and not self.text_shaping["direction"]
            and not markdown
            and not (self.str_alias_nb_pages and self.str_alias_nb_pages in text)
            and all_left_to_right(text)
        ):
            return super()._preload_bidirectional_text(text, markdown)
        self.text_shaping["paragraph_direction"] = TextDirection.LTR
        if not text:
            return ()
        self.text_shaping["fragment_direction"] = TextDirection.LTR
        emphasis = (
            "B" in self.font_style,
            "I" in self.font_style,
            self.strikethrough,
            self.underline,
        )
        return tuple(self._preload_font_styles(text, markdown, _initial_emphasis=emphasis))


def _xmp(title: str, author: str, subject: str, created: datetime) -> str:
    """XMP naming the document and its conformance: PDF/A-2b and PDF/UA-1."""
    stamp = created.isoformat(timespec="seconds")
    return f"""<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"
    xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
    xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
    xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{escape(author)}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt>
    <rdf:li xml:lang="x-default">{escape(subject)}</rdf:li>
   </rdf:Alt></dc:description>
   <dc:language><rdf:Bag><rdf:li>{LANGUAGE}</rdf:li></rdf:Bag></dc:language>
   <xmp:CreatorTool>{CREATOR}</xmp:CreatorTool>
   <xmp:CreateDate>{stamp}</xmp:CreateDate>
   <xmp:ModifyDate>{stamp}</xmp:ModifyDate>
   <xmp:MetadataDate>{stamp}</xmp:MetadataDate>
   <pdf:Producer>fpdf2</pdf:Producer>
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
   <pdfuaid:part>1</pdfuaid:part>
   <pdfaExtension:schemas>
    <rdf:Bag>
     <rdf:li rdf:parseType="Resource">
      <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
      <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
      <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
      <pdfaSchema:property>
       <rdf:Seq>
        <rdf:li rdf:parseType="Resource">
         <pdfaProperty:name>part</pdfaProperty:name>
         <pdfaProperty:valueType>Integer</pdfaProperty:valueType>
         <pdfaProperty:category>internal</pdfaProperty:category>
         <pdfaProperty:description>Part of ISO 14289 the file conforms to</pdfaProperty:description>
        </rdf:li>
       </rdf:Seq>
      </pdfaSchema:property>
     </rdf:li>
    </rdf:Bag>
   </pdfaExtension:schemas>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>"""


def new_archival_pdf(
    *, orientation: str, title: str, author: str, created: datetime, subject: str
) -> FPDF:
    """A Letter FPDF in mm set up for PDF/A-2b and PDF/UA-1, its metadata from the arguments."""
    pdf = ArchivalPDF(
        orientation=orientation, unit="mm", format="letter", enforce_compliance=COMPLIANCE
    )
    pdf.struct_builder = Structure()
    pdf.set_creation_date(created)
    pdf.set_lang(LANGUAGE)
    pdf.set_creator(CREATOR)
    pdf.set_producer("fpdf2")
    pdf.set_author(author)
    pdf.set_title(title)
    pdf.set_subject(subject)
    pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)
    pdf.set_xmp_metadata(_xmp(title, author, subject, created))
    pdf.add_output_intent(
        OutputIntentSubType.PDFA,
        output_condition_identifier=SRGB,
        output_condition=SRGB,
        registry_name="http://www.color.org",
        dest_output_profile=PDFICCProfile(contents=srgb_profile(), n=3, alternate="DeviceRGB"),
        info=SRGB,
    )
    return pdf


def structure_of(pdf: FPDF) -> Structure:
    """The nesting structure tree that archival_pdf() gave `pdf`."""
    structure = pdf.struct_builder
    if not isinstance(structure, Structure):
        raise TypeError("tagging needs a PDF made by archival_pdf()")
    return structure


def needs_actual_text(text: str) -> bool:
    """Whether `text` has right-to-left letters, whose glyphs do not read back in order."""
    return any(unicodedata.bidirectional(char) in ("R", "AL", "AN") for char in text)


@contextmanager
def tagged(
    pdf: FPDF,
    role: str,
    text: str | None = None,
    *,
    alt: str | None = None,
    parent: Element | None = None,
) -> Iterator[Element]:
    """Mark what is drawn inside as one `role` element; `text` is what it says, in order."""
    structure = structure_of(pdf)
    element = structure.element(role, pdf.page, parent)
    mcid = structure.mark(element, pdf.page)
    pdf._set_min_pdf_version("1.4")  # /MarkInfo
    pdf.pages[pdf.page].struct_parents = structure.spid_per_page_number[pdf.page]
    if alt is not None:
        element.alt = PDFString(alt)
    pdf._out(f"/{role} <</MCID {mcid}>> BDC")
    if text is not None and needs_actual_text(text):
        # Shaped right-to-left glyphs sit in visual order (and ligatures hide letters);
        # /ActualText gives extraction and assistive technology the text as written.
        element.actual_text = PDFString(text)
        pdf._out(f"/Span <</ActualText {PDFString(text).serialize()}>> BDC")
        yield element
        pdf._out("EMC")
    else:
        yield element
    pdf._out("EMC")


@contextmanager
def group(pdf: FPDF, role: str, parent: Element | None = None) -> Iterator[Element]:
    """A structure element holding others (Table, TR) with no content of its own."""
    yield structure_of(pdf).element(role, pdf.page, parent)


@contextmanager
def artifact(pdf: FPDF) -> Iterator[None]:
    """Mark decoration (frames, rules, borders) so a screen reader skips it."""
    pdf._out("/Artifact BMC")
    yield
    pdf._out("EMC")
