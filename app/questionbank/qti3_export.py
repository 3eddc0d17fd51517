"""QTI 3.0 out: a quiz as a content package (items, an assessment test and the manifest).

The layout follows 1EdTech's own examples (qti-examples/packaging): one XML file per item,
an assessment test referring to them in order, and imsmanifest.xml naming each resource
with its dependencies. Markdown becomes XHTML in the QTI namespace; each choice's feedback
is a qti-feedback-inline, the explanation a qti-modal-feedback shown after any response.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import quoteattr  # nosec B406

from markdown_it import MarkdownIt

from app.catalog.kinds import QuestionKind
from app.content.spec import QuestionSpec, QuizSpec

QTI_NS = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
CP_NS = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
ITEM_XSD = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd"
CP_XSD = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqtiv3p0_imscpv1p2_v1p0.xsd"
# html off: any HTML in the source is escaped; xhtmlOut: <br />, so the output is XML.
_XHTML = MarkdownIt("commonmark", {"html": False, "xhtmlOut": True})
_EPOCH = (1980, 1, 1, 0, 0, 0)
_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _block(markdown: str) -> str:
    """Markdown as XHTML blocks."""
    return _XHTML.render(markdown).strip()


def _inline(markdown: str) -> str:
    """Markdown as inline XHTML (a choice's text or feedback)."""
    return _XHTML.renderInline(markdown).strip()


def item_xml(question: QuestionSpec) -> str:
    """Return one question as a QTI 3.0 assessment item."""
    multiple = question.kind == QuestionKind.MULTIPLE
    ids = [f"choice-{index}" for index in range(1, len(question.choices) + 1)]
    correct = "".join(
        f"<qti-value>{ident}</qti-value>"
        for ident, choice in zip(ids, question.choices, strict=True)
        if choice.correct
    )
    cardinality = "multiple" if multiple else "single"
    choices = []
    for ident, choice in zip(ids, question.choices, strict=True):
        feedback = ""
        if choice.feedback:
            feedback = (
                f'<qti-feedback-inline outcome-identifier="FEEDBACK" identifier="{ident}" '
                f'show-hide="show">{_inline(choice.feedback)}</qti-feedback-inline>'
            )
        choices.append(
            f'      <qti-simple-choice identifier="{ident}">{_inline(choice.text)}{feedback}'
            "</qti-simple-choice>"
        )
    modal = ""
    if question.explanation.strip():
        modal = (
            '  <qti-modal-feedback outcome-identifier="FEEDBACKMODAL" identifier="EXPLANATION" '
            f'show-hide="show"><qti-content-body>{_block(question.explanation)}'
            "</qti-content-body></qti-modal-feedback>\n"
        )
    choice_lines = "\n".join(choices)
    return (
        f'{_HEAD}<qti-assessment-item xmlns="{QTI_NS}" xmlns:xsi="{XSI}" '
        f'xsi:schemaLocation="{QTI_NS} {ITEM_XSD}" identifier={quoteattr(question.slug)} '
        f'title={quoteattr(question.slug)} adaptive="false" time-dependent="false">\n'
        f'  <qti-response-declaration identifier="RESPONSE" cardinality="{cardinality}" '
        f'base-type="identifier"><qti-correct-response>{correct}</qti-correct-response>'
        "</qti-response-declaration>\n"
        '  <qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float">'
        "<qti-default-value><qti-value>0</qti-value></qti-default-value>"
        "</qti-outcome-declaration>\n"
        f'  <qti-outcome-declaration identifier="FEEDBACK" cardinality="{cardinality}" '
        'base-type="identifier"/>\n'
        '  <qti-outcome-declaration identifier="FEEDBACKMODAL" cardinality="single" '
        'base-type="identifier"/>\n'
        "  <qti-item-body>\n"
        f'    <qti-choice-interaction response-identifier="RESPONSE" shuffle="false" '
        f'max-choices="{0 if multiple else 1}">\n'
        f"      <qti-prompt>{_block(question.prompt)}</qti-prompt>\n"
        f"{choice_lines}\n"
        "    </qti-choice-interaction>\n"
        "  </qti-item-body>\n"
        "  <qti-response-processing>\n"
        "    <qti-response-condition><qti-response-if><qti-match>"
        '<qti-variable identifier="RESPONSE"/><qti-correct identifier="RESPONSE"/></qti-match>'
        '<qti-set-outcome-value identifier="SCORE"><qti-base-value base-type="float">1'
        "</qti-base-value></qti-set-outcome-value></qti-response-if><qti-response-else>"
        '<qti-set-outcome-value identifier="SCORE"><qti-base-value base-type="float">0'
        "</qti-base-value></qti-set-outcome-value></qti-response-else></qti-response-condition>\n"
        '    <qti-set-outcome-value identifier="FEEDBACK"><qti-variable identifier="RESPONSE"/>'
        "</qti-set-outcome-value>\n"
        '    <qti-set-outcome-value identifier="FEEDBACKMODAL">'
        '<qti-base-value base-type="identifier">EXPLANATION</qti-base-value>'
        "</qti-set-outcome-value>\n"
        "  </qti-response-processing>\n"
        f"{modal}</qti-assessment-item>\n"
    )


def assessment_test_xml(quiz: QuizSpec, identifier: str) -> str:
    """Return the assessment test: one part, one section, the items in quiz order."""
    refs = "\n".join(
        f"      <qti-assessment-item-ref identifier={quoteattr(q.slug)} "
        f"href={quoteattr(f'items/{q.slug}.xml')}/>"
        for q in quiz.questions
    )
    return (
        f'{_HEAD}<qti-assessment-test xmlns="{QTI_NS}" xmlns:xsi="{XSI}" '
        f'xsi:schemaLocation="{QTI_NS} {ITEM_XSD}" identifier={quoteattr(identifier)} '
        f"title={quoteattr(quiz.title)}>\n"
        '  <qti-test-part identifier="part-1" navigation-mode="nonlinear" '
        'submission-mode="simultaneous">\n'
        f'    <qti-assessment-section identifier="section-1" title={quoteattr(quiz.title)} '
        'visible="true">\n'
        f"{refs}\n"
        "    </qti-assessment-section>\n"
        "  </qti-test-part>\n"
        "</qti-assessment-test>\n"
    )


def manifest_xml(quiz: QuizSpec, identifier: str) -> str:
    """Return imsmanifest.xml: the test (depending on every item), then each item."""
    depends = "".join(
        f"<dependency identifierref={quoteattr('item-' + q.slug)}/>" for q in quiz.questions
    )
    items = "\n".join(
        f'    <resource identifier={quoteattr("item-" + q.slug)} type="imsqti_item_xmlv3p0" '
        f"href={quoteattr(f'items/{q.slug}.xml')}><file href={quoteattr(f'items/{q.slug}.xml')}/>"
        "</resource>"
        for q in quiz.questions
    )
    return (
        f'{_HEAD}<manifest xmlns="{CP_NS}" xmlns:xsi="{XSI}" '
        f"identifier={quoteattr('manifest-' + identifier)} "
        f'xsi:schemaLocation="{CP_NS} {CP_XSD}">\n'
        "  <metadata><schema>QTI Package</schema><schemaversion>3.0.0</schemaversion></metadata>\n"
        "  <organizations/>\n"
        "  <resources>\n"
        f'    <resource identifier="test" type="imsqti_test_xmlv3p0" href="assessment.xml">'
        f'<file href="assessment.xml"/>{depends}</resource>\n'
        f"{items}\n"
        "  </resources>\n"
        f"</manifest>\n"
    )


def quiz_to_qti_zip(quiz: QuizSpec, identifier: str) -> bytes:
    """Return the quiz as a QTI 3.0 content package; the same quiz gives the same bytes."""
    files = {
        "imsmanifest.xml": manifest_xml(quiz, identifier),
        "assessment.xml": assessment_test_xml(quiz, identifier),
    }
    files |= {f"items/{q.slug}.xml": item_xml(q) for q in quiz.questions}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode())
    return buffer.getvalue()
