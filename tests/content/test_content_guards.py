"""Guards on the shipped curriculum: its sources, banned claims, quiz distributions and minutes.

The curriculum teaches licensed clinicians, so every citation, figure and named study must
come from `courses/SOURCES.md`, and the quizzes must not drift back into patterns a
test-wise learner can exploit (content review, sections 3 and 4). Each check is a small
function run on the shipped courses and, with an attacker's text, shown to catch the fault.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from app.content.casegraph import rated_well, recommended_path
from app.content.reader import read_catalog

COURSES = Path(__file__).resolve().parents[2] / "courses"
SOURCES = COURSES / "SOURCES.md"

#: Words that look like an author followed by a year but are dates or labels.
NOT_AUTHORS = frozenset(
    {
        *("January", "February", "March", "April", "May", "June", "July", "August"),
        *("September", "October", "November", "December"),
        *("Revised", "Since", "In", "By", "From", "Until", "Before", "After"),
    }
)
#: All-capital abbreviations that are ordinary vocabulary, not the name of a study or trial.
#: A name missing here and from SOURCES.md fails the test: a new trial acronym must be sourced.
COMMON_ABBREVIATIONS = frozenset(
    {
        *("ASWB", "BLS", "CE", "DEA", "DID", "HHS", "HIPAA", "IFS", "II", "III", "IM", "IV"),
        *("KAP", "LCSW", "LGBTQ", "LPC", "MAOI", "MAOIs", "MD", "NBCC", "NJ", "OSDD"),
        *("PSYPACT", "PTSD", "RN", "SMA", "US", "VA"),
        # headings of the hand-off templates in communication-protocols.md
        *("PRE-SESSION", "POST-SESSION", "HAND-OFF", "SUMMARY"),
    }
)
#: Claims that must never appear (clinical-facts.md, "Claims that must NOT appear").
BANNED = (
    (
        re.compile(r"innovations\s+today", re.I),
        "the fabricated 'Psychiatric Innovations Today' review",
    ),
    (re.compile(r"\b(?:will|can|could|does|to|that|may)\s+cure\b", re.I), "a promise of cure"),
    (re.compile(r"\bcure[sd]\b", re.I), "a promise of cure"),
    (
        re.compile(
            r"\bguarantee[sd]?\s+(?:a\s+|an\s+|the\s+)?"
            r"(?:cure|recovery|results?|outcomes?|relief|success)\b",
            re.I,
        ),
        "a guaranteed outcome",
    ),
    (re.compile(r"\bmiracle\b", re.I), "a miracle claim"),
    (
        re.compile(
            r"\b(?:lives?|life)\s+transformed\b|\btransforms?\s+(?:your|their|his|her)\s+li(?:fe|ves)\b",
            re.I,
        ),
        "a promise of transformation",
    ),
)
AUTHOR_YEAR = re.compile(
    r"\b([A-Z][A-Za-z'-]+)(?: et al\.)?(?:,| and [A-Z][A-Za-z'-]+,?)? \(?((?:19|20)\d{2})\b"
)
PERCENT = re.compile(r"\d+(?:\.\d+)?\s?(?:%|percent\b)")
ALL_CAPS = re.compile(r"\b[A-Z][A-Z0-9]*[A-Z][A-Z0-9-]*[A-Za-z0-9]\b")
NAMED_STUDY = re.compile(
    r"\b(?i:the|a|an|in|from|of)\s+([A-Z][\w-]+)\s+(?:trial|study|studies|trials)\b"
)
REFERENCE_SECTION = re.compile(r"^## (?:References in this lesson|Selected references)\s*$", re.M)
#: The opening of a vignette; the name may carry accents ("Tomás"), so it is any run of letters.
VIGNETTE_NAME = re.compile(r"\*?([A-Z][^\W\d_]+) is a fictional composite")
EXERCISE_MINUTES = re.compile(r"^## Exercise \((?:about )?(\d+) minutes?\)", re.M)


@dataclass(frozen=True)
class Source:
    """One entry of SOURCES.md."""

    citation: str
    first_author: str
    years: frozenset[str]
    names: frozenset[str]
    figures: frozenset[str]


def normalize(text: str) -> str:
    """Collapse whitespace and a final period, so citations compare regardless of wrapping."""
    return " ".join(text.split()).rstrip(".")


def parse_sources(text: str) -> list[Source]:
    """Read the entries under '## Sources': a citation, then optional Names and Figures lines."""
    body = text.split("\n## Sources\n", 1)[1]
    entries = [chunk for chunk in re.split(r"(?m)^- ", body) if chunk.strip()]
    sources = []
    for chunk in entries:
        parts = re.split(r"(?m)^  - ", chunk)
        citation = normalize(parts[0])
        fields = {}
        for part in parts[1:]:
            key, _, value = part.partition(":")
            fields[key.strip()] = frozenset(v.strip() for v in value.split(",") if v.strip())
        sources.append(
            Source(
                citation=citation,
                first_author=re.split(r"[ ,.]", citation, maxsplit=1)[0],
                years=frozenset(re.findall(r"\b(?:19|20)\d{2}\b", citation)),
                names=fields.get("Names", frozenset()),
                figures=fields.get("Figures", frozenset()),
            )
        )
    return sources


def split_references(body: str) -> tuple[str, list[str]]:
    """Return a lesson's prose without its reference section, and that section's entries."""
    match = REFERENCE_SECTION.search(body)
    if not match:
        return body, []
    rest = body[match.end() :]
    end = re.search(r"^## ", rest, re.M)
    section = rest[: end.start()] if end else rest
    prose = body[: match.start()] + (rest[end.start() :] if end else "")
    items = [normalize(item) for item in re.split(r"(?m)^- ", section) if item.strip()]
    return prose, items


def citation_problems(prose: str, sources: list[Source]) -> list[str]:
    """Author-year citations, percentages and named studies in `prose` that no source supports."""
    problems = []
    for author, year in AUTHOR_YEAR.findall(prose):
        author = author.removesuffix("'s")  # "the FDA's 2023 communication"
        if author in NOT_AUTHORS:
            continue
        authors = (s.citation.split(". ", 1)[0] for s in sources)
        if not any(
            year in s.years and (re.search(rf"\b{author}\b", names) or author in s.names)
            for s, names in zip(sources, authors, strict=True)
        ):
            problems.append(f"citation '{author} {year}' is not in SOURCES.md")
    figures = {f for s in sources for f in s.figures}
    for figure in PERCENT.findall(prose):
        if figure.replace(" ", "").replace("percent", "%") not in figures:
            problems.append(f"figure '{figure}' is not a Figure of any source in SOURCES.md")
    names = {n for s in sources for n in s.names}
    for name in NAMED_STUDY.findall(prose):
        if name not in names:
            problems.append(f"named study '{name}' is not a Name in SOURCES.md")
    for word in ALL_CAPS.findall(prose):
        if word not in names and word not in COMMON_ABBREVIATIONS:
            problems.append(f"'{word}' is neither a common abbreviation nor a Name in SOURCES.md")
    return problems


def banned_claims(text: str) -> list[str]:
    """Return what each banned pattern found in `text`."""
    return [f"{why}: '{m.group(0)}'" for pattern, why in BANNED for m in pattern.finditer(text)]


def case_prose(label: str, case) -> list[tuple[str, str]]:
    """Every learner-facing text of a module's case simulation (none without a case)."""
    if case is None:
        return []
    texts = [(label, case.title), (label, case.summary), *((label, a) for a in case.advisories)]
    for scene in case.scenes:
        where = f"{label} {scene.id}"
        texts += [(where, scene.title), (where, scene.narrative), (where, scene.client_says or "")]
        texts += [(where, f"{line.label}: {line.value}") for line in scene.status]
        for choice in scene.choices:
            texts += [(where, choice.text), (where, choice.feedback)]
        if scene.ending is not None:
            texts += [(where, scene.ending.outcome), (where, scene.ending.debrief)]
    return texts


def course_prose(course) -> list[tuple[str, str]]:
    """Every learner-facing text of a course except reference lists, labelled by where it is."""
    texts = [(f"{course.slug}: description", course.description)]
    texts += [(f"{course.slug}: summary", course.summary)]
    texts += [(f"{course.slug}: objective {o.id}", o.text) for o in course.objectives]
    quizzes = [(m.slug, m.quiz) for m in course.modules]
    if course.final_quiz is not None:
        quizzes.append(("final quiz", course.final_quiz))
    for module in course.modules:
        texts.append((f"{course.slug}/{module.slug}: summary", module.summary))
        texts += [(f"{course.slug}/{module.slug}: objective", o.text) for o in module.objectives]
        for lesson in module.lessons:
            prose, _ = split_references(lesson.body)
            texts.append((f"{course.slug}/{module.slug}/{lesson.slug}", prose))
        texts += case_prose(f"{course.slug}/{module.slug}/case", module.case)
    for where, quiz in quizzes:
        for question in quiz.questions:
            label = f"{course.slug}/{where}/quiz {question.slug}"
            texts += [(label, question.prompt), (label, question.explanation)]
            for choice in question.choices:
                texts += [(label, choice.text), (label, choice.feedback or "")]
    return texts


def quiz_problems(course) -> list[str]:
    """Distribution faults in a course's questions (content review, section 4)."""
    questions = [q for m in course.modules for q in m.quiz.questions]
    if course.final_quiz is not None:
        questions += list(course.final_quiz.questions)
    problems = []
    true_false = sum(q.kind == "true_false" for q in questions)
    if true_false > math.floor(course.ce_hours):
        problems.append(
            f"{true_false} true/false questions for {course.ce_hours} CE hours"
            " (at most one an hour)"
        )
    singles = [q for q in questions if q.kind == "single"]
    positions = Counter([c.correct for c in q.choices].index(True) for q in singles)
    if len(singles) >= 8:
        for position in range(4):
            share = positions[position] / len(singles)
            if not 0.15 <= share <= 0.35:
                problems.append(
                    f"the key is choice {'ABCD'[position]} in {positions[position]} of "
                    f"{len(singles)} single-choice questions (keep each between 15% and 35%)"
                )
    longest = sum(  # strictly longer than every wrong choice
        min(len(c.text) for c in q.choices if c.correct)
        > max(len(c.text) for c in q.choices if not c.correct)
        for q in singles
    )
    if len(singles) >= 8 and longest > 0.4 * len(singles):
        problems.append(
            f"the key is the longest choice in {longest} of {len(singles)} single-choice "
            "questions (at most 40%: a test-wise learner picks the longest answer)"
        )
    multiples = [q for q in questions if q.kind == "multiple"]
    counts = Counter(sum(c.correct for c in q.choices) for q in multiples)
    if len(multiples) >= 3 and max(counts.values()) > 0.6 * len(multiples):
        problems.append(f"multiple-select questions mostly have the same number correct: {counts}")
    for question in questions:
        texts = " ".join(c.text.lower() for c in question.choices)
        if "all of the above" in texts or "none of the above" in texts:
            problems.append(f"{question.slug}: 'all/none of the above'")
        if question.kind == "multiple" and all(c.correct for c in question.choices):
            problems.append(f"{question.slug}: every option is correct")
        for choice in question.choices:
            if not choice.correct and not choice.feedback:
                problems.append(f"{question.slug}: wrong choice without feedback: {choice.text!r}")
    for module in course.modules:
        asked = {q.objective for q in module.quiz.questions}
        for objective in module.objectives:
            if objective.id not in asked:
                problems.append(f"{module.slug}: objective {objective.id} has no question")
    return problems


def minutes_problems(course) -> list[str]:
    """Lessons whose minutes exceed reading their prose at 130 words a minute plus the exercise."""
    problems = []
    for module in course.modules:
        for lesson in module.lessons:
            words = len(split_references(lesson.body)[0].split())  # reference lists are not read
            exercise = sum(int(n) for n in EXERCISE_MINUTES.findall(lesson.body))
            honest = math.ceil(words / 130) + exercise
            if lesson.minutes > honest:
                problems.append(
                    f"{module.slug}/{lesson.slug}: {lesson.minutes} minutes declared, "
                    f"{words} words and a {exercise}-minute exercise support {honest}"
                )
    return problems


@pytest.fixture(scope="module")
def shipped():
    """The shipped courses, read once; the reader must find no problem."""
    specs, problems = read_catalog(COURSES)
    assert not problems, problems
    assert specs
    return specs


@pytest.fixture(scope="module")
def sources():
    """The entries of courses/SOURCES.md."""
    return parse_sources(SOURCES.read_text(encoding="utf-8"))


# --- the shipped curriculum -------------------------------------------------------------


def test_every_source_is_a_full_citation(sources):
    """Authors, a year, and a journal with volume and pages, a DOI or a publisher."""
    assert len(sources) >= 10
    for source in sources:
        assert source.years, source.citation
        assert re.search(
            r";\s*\d+(?:\(\d+\))?:|doi:|Press|Books|Norton|Publication No\.|Standard |Janssen|FDA",
            source.citation,
        ), f"not a full citation: {source.citation}"
    citations = [s.citation for s in sources]
    assert len(citations) == len(set(citations)), "a source is listed twice"


def test_every_course_reference_and_lesson_reference_is_on_the_sources_list(shipped, sources):
    listed = {s.citation for s in sources}
    for course in shipped:
        for reference in course.references:
            assert normalize(reference) in listed, f"{course.slug} reference not in SOURCES.md"
        for module in course.modules:
            for lesson in module.lessons:
                for item in split_references(lesson.body)[1]:
                    assert item in listed, f"{lesson.slug}: reference not in SOURCES.md: {item}"


def test_citations_figures_and_named_studies_come_from_the_sources_list(shipped, sources):
    problems = [
        f"{where}: {problem}"
        for course in shipped
        for where, text in course_prose(course)
        for problem in citation_problems(text, sources)
    ]
    assert not problems, "\n".join(problems)


def test_no_banned_claim_appears_anywhere_in_the_courses():
    found = [
        f"{path.relative_to(COURSES)}: {claim}"
        for path in sorted(COURSES.rglob("*"))
        if path.is_file()
        and path.suffix in (".md", ".yml")
        and path.name not in ("README.md", "SOURCES.md")
        for claim in banned_claims(path.read_text(encoding="utf-8"))
    ]
    assert not found, "\n".join(found)


def test_quiz_distributions_cannot_drift_back(shipped):
    problems = [f"{c.slug}: {p}" for c in shipped for p in quiz_problems(c)]
    assert not problems, "\n".join(problems)


def test_shipped_courses_shuffle_choices(shipped):
    assert all(course.shuffle_choices for course in shipped)


def test_lesson_minutes_are_measured_not_padded(shipped):
    problems = [p for c in shipped for p in minutes_problems(c)]
    assert not problems, "\n".join(problems)


def test_no_shipped_course_claims_more_hours_than_its_seat_time_backs(shipped):
    """An accreditor's question: can a learner earn the hours in the time the content takes?"""
    for course in shipped:
        assert course.ce_hours <= course.seat_time_hours(), (
            f"{course.slug} claims {course.ce_hours} CE hours; its minimum seat time backs "
            f"{course.seat_time_hours()}"
        )


def test_every_shipped_case_is_required_and_its_recommended_path_meets_the_requirement(shipped):
    """A learner who follows the author's recommendation completes the module's case; the
    journey tests play that path (tests/cases/helpers.py `play_acceptably`)."""
    for course in shipped:
        for module in course.modules:
            assert module.case is not None, f"{module.slug} has no case"
            assert module.case.requirement == "acceptable_ending", module.slug
            last, _ = recommended_path(module.case)[-1]
            assert last.ending is not None and rated_well(last.ending.rating), module.slug


def measured_hours(course) -> Decimal:
    """The largest quarter hour under both the seat time and the total-minutes ceiling."""
    seat_quarters = math.floor(course.seat_time_hours() / Decimal("0.25"))
    return min(Decimal("0.25") * seat_quarters, course.max_ce_hours())


def test_shipped_hours_are_declared_from_measured_time(shipped):
    """Issue #20: the hours are the measured figure (lessons, required cases, quizzes), so
    neither padding nor a stale figure after the content changes goes unnoticed."""
    for course in shipped:
        assert course.case_seconds() > 0, f"{course.slug}: its required cases add no time"
        declared = {course.ce_hours, *(credit.hours for credit in course.credits)}
        assert declared == {measured_hours(course)}, (
            f"{course.slug} declares {sorted(declared)} hours; its seat time "
            f"{course.seat_time_hours()} and {course.total_minutes()} total minutes back "
            f"{measured_hours(course)}"
        )


def test_each_course_says_who_wrote_it_what_they_disclose_and_when_it_was_reviewed(shipped):
    for course in shipped:
        text = normalize(course.description)
        assert "fictional demonstration faculty" in text
        assert "**Commercial support.** None." in text
        assert "conflicts of interest" in text
        assert re.search(r"\*\*Content last reviewed:\*\* \d{1,2} [A-Z][a-z]+ \d{4}", text)
        assert all(
            "fictional" in i.name.lower() or "fictional" in i.credentials.lower()
            for i in course.instructors
        )


def test_vignette_names_are_not_reused_for_different_people(shipped):
    """A vignette opens with '*Name is a fictional composite'; each name is used in one lesson."""
    seen: dict[str, str] = {}
    for course in shipped:
        for module in course.modules:
            for lesson in module.lessons:
                for name in VIGNETTE_NAME.findall(lesson.body):
                    assert seen.setdefault(name, lesson.slug) == lesson.slug, (
                        f"{name} is in {seen[name]} and {lesson.slug}"
                    )


def test_spelling_is_american():
    british = re.compile(
        r"\b(?:\w+(?:isation|ise[ds]?|ising)|behaviour\w*|licence|judgement|honour\w*|"
        r"anaesth\w*|colour\w*|towards|labour\w*|practis\w*|grey)\b",
        re.I,
    )
    allowed = {
        "otherwise",
        "advise",
        "advised",
        "advises",
        "exercise",
        "exercises",
        "promise",
        "promised",
        "promises",
        "surprise",
        "surprised",
        "raise",
        "raised",
        "raises",
        "rise",
        "rises",
        "arise",
        "arises",
        "arising",
        "rising",
        "premise",
        "precise",
        "concise",
        "expertise",
        "likewise",
        "wise",
        "noise",
        "revise",
        "revised",
        "supervise",
        "supervised",
        "comprise",
        "comprises",
        "compromise",
        "praise",
        "advising",
        "promising",
        "exercising",
        "raising",
        "supervising",
        "surprising",
        "revising",
        "cruise",
        "improvised",
        "improvise",
        "appraise",
        "appraised",
        "appraising",
    }
    found = [
        f"{path.relative_to(COURSES)}: {m.group(0)}"
        for path in sorted(COURSES.rglob("*"))
        if path.is_file()
        and path.suffix in (".md", ".yml")
        and path.name not in ("README.md", "SOURCES.md")
        # slugs are identities, not prose: renaming one would retire the item
        for m in british.finditer(
            re.sub(r"(?m)^ *- slug: .*$", "", path.read_text(encoding="utf-8"))
        )
        if m.group(0).lower() not in allowed
    ]
    assert not found, "\n".join(found)


# --- the attacker's moves: each guard catches the fault it exists for --------------------


def test_the_fabricated_review_is_caught(sources):
    claim = (
        "A 2023 clinical review published in Psychiatric Innovations Today found that 70% of "
        "patients reported marked improvement after two sessions."
    )
    assert banned_claims(claim)
    assert any("70%" in p for p in citation_problems(claim, sources))


@pytest.mark.parametrize(
    "promise",
    [
        "Ketamine can cure depression.",
        "KAP cures trauma.",
        "Results are guaranteed results",
        "We guarantee relief.",
        "a miracle treatment",
        "Most clients find their lives transformed.",
    ],
)
def test_promises_of_cure_are_caught(promise):
    assert banned_claims(promise)


def test_honest_statements_about_cure_are_not_banned():
    assert not banned_claims("Ketamine is not a cure, and expectations of a cure are explored.")


@pytest.mark.parametrize(
    "text",
    [
        "In the TRANSFORM-2 trial, esketamine helped.",  # a trial acronym not on the list
        "Smith et al., 2019 found a large effect.",  # an author not on the list
        "Berman et al., 2001 found it.",  # a listed author with the wrong year
        "Response was 62% in one study.",  # a figure no source supports
        "The Harbor study showed benefit.",  # a named study not on the list
    ],
)
def test_unsourced_studies_figures_and_citations_are_caught(text, sources):
    assert citation_problems(text, sources)


def test_sourced_citations_and_figures_pass(sources):
    text = (
        "Berman et al., 2000 and Niciu et al. (2018) are cited; ELEKT-D reported 55.4% vs "
        "41.2% (Anand et al., 2023), and the label reports 61% to 75% on the CADSS."
    )
    assert citation_problems(text, sources) == []


def test_a_reference_with_a_changed_detail_is_not_on_the_list(sources):
    listed = {s.citation for s in sources}
    real = next(s.citation for s in sources if s.first_author == "Berman")
    assert real in listed and real.replace("2000;47(4)", "2001;47(4)") not in listed


def _question(kind, flags, slug="q", feedback="why"):
    from types import SimpleNamespace

    choices = tuple(
        SimpleNamespace(text=f"choice {i}", correct=flag, feedback=None if flag else feedback)
        for i, flag in enumerate(flags)
    )
    return SimpleNamespace(slug=slug, kind=kind, choices=choices, objective="o")


def _course(questions, hours=2):
    from types import SimpleNamespace

    module = SimpleNamespace(
        slug="m",
        quiz=SimpleNamespace(questions=tuple(questions)),
        objectives=(SimpleNamespace(id="o"),),
    )
    return SimpleNamespace(slug="c", ce_hours=hours, modules=(module,), final_quiz=None)


def test_keys_piled_on_one_position_are_caught():
    skewed = [_question("single", [False, True, False, False], f"s{i}") for i in range(10)]
    assert any("choice B" in p for p in quiz_problems(_course(skewed)))
    spread = [_question("single", [i % 4 == j for j in range(4)], f"s{i}") for i in range(12)]
    assert quiz_problems(_course(spread)) == []


def test_keys_that_are_mostly_the_longest_choice_are_caught():
    def single(i, key_longest):
        from types import SimpleNamespace

        texts = ["a much longer and more qualified answer", "short", "brief", "terse"]
        if not key_longest:
            texts = ["short", "a much longer and more qualified answer", "brief", "terse"]
        choices = tuple(
            SimpleNamespace(text=t, correct=j == 0, feedback=None if j == 0 else "why")
            for j, t in enumerate(texts)
        )
        return SimpleNamespace(slug=f"s{i}", kind="single", choices=choices, objective="o")

    # keys spread over the four positions, so only the length cue is at fault
    cued = [single(i, True) for i in range(10)]
    for i, question in enumerate(cued):
        shift = i % 4
        question.choices = question.choices[-shift:] + question.choices[:-shift]
    assert any("longest choice" in p for p in quiz_problems(_course(cued)))
    mixed = [single(i, i % 3 == 0) for i in range(12)]
    for i, question in enumerate(mixed):
        shift = i % 4
        question.choices = question.choices[-shift:] + question.choices[:-shift]
    assert not any("longest choice" in p for p in quiz_problems(_course(mixed)))


def test_every_multiple_select_with_the_same_count_is_caught():
    same = [_question("multiple", [True, True, True, False, False], f"m{i}") for i in range(4)]
    assert any("same number correct" in p for p in quiz_problems(_course(same)))


def test_too_many_true_false_questions_are_caught():
    many = [_question("true_false", [True, False], f"t{i}") for i in range(3)]
    assert any("true/false" in p for p in quiz_problems(_course(many, hours=2)))


def test_a_wrong_choice_without_feedback_is_caught():
    bare = _question("single", [True, False], feedback=None)
    assert any("without feedback" in p for p in quiz_problems(_course([bare])))


@pytest.mark.parametrize("name", ["Tomás", "Dev", "Zoë"])
def test_vignette_names_with_or_without_accents_are_found(name):
    assert VIGNETTE_NAME.findall(f"*{name} is a fictional composite, not a real client.*") == [name]


def test_the_courses_root_may_hold_its_sources_list_but_no_other_stray_file(tmp_path):
    import shutil

    from app.content.reader import check_path

    root = tmp_path / "courses"
    shutil.copytree(Path(__file__).parent / "fixtures" / "valid", root)
    (root / "README.md").write_text("# Courses\n")
    (root / "SOURCES.md").write_text("# Sources\n")
    assert check_path(root) == []
    (root / "NOTES.md").write_text("notes\n")
    assert [p.message for p in check_path(root)] == [
        "unexpected file (the courses folder holds course folders)"
    ]
