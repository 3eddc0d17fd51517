"""Keeping the search index current and asking it, the same way on SQLite and PostgreSQL.

Only published content is ever indexed (drafts live in ``course_drafts``), and every
query joins the course to keep to the ones learners may open now: published courses.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import bindparam, delete, text

from app.catalog.models import Course
from app.db import db
from app.search.models import SearchEntry
from app.search.text import START, STOP, case_text, clean, highlight, plain_text, query_terms


@dataclass(frozen=True)
class SearchHit:
    """One course overview, module, lesson or case that matches, its matched words marked."""

    course_slug: str
    course_title: str
    module_slug: str | None
    module_title: str | None
    lesson_slug: str | None
    lesson_title: str | None
    #: Set for a case simulation (its player's address names it).
    case_id: int | None
    #: The entry's title and a passage of its text, escaped, matches in <mark>.
    title: Markup
    snippet: Markup


def index_course(course: Course) -> None:
    """Replace the course's entries with its published content, in the caller's transaction."""
    db.session.execute(delete(SearchEntry).where(SearchEntry.course_id == course.id))
    overview = [
        course.summary,
        plain_text(course.description_html),
        *(objective["text"] for objective in course.objectives),
        *(topic.replace("-", " ") for topic in course.topics),
    ]
    entries = [SearchEntry(course_id=course.id, title=course.title, body=clean(" ".join(overview)))]
    for module in course.active_modules:
        about = [module.summary, *(objective["text"] for objective in module.objectives)]
        entries.append(
            SearchEntry(
                course_id=course.id,
                module_id=module.id,
                title=module.title,
                body=clean(" ".join(about)),
            )
        )
        entries += [
            SearchEntry(
                course_id=course.id,
                module_id=module.id,
                lesson_id=lesson.id,
                title=lesson.title,
                body=plain_text(lesson.body_html),
            )
            for lesson in module.active_lessons
        ]
        case = module.active_case
        if case is not None:
            entries.append(
                SearchEntry(
                    course_id=course.id,
                    module_id=module.id,
                    case_id=case.id,
                    title=case.title,
                    body=case_text(case.spec),
                )
            )
    db.session.add_all(entries)


# Literal SQL (the PostgreSQL document is index.pg_document("e"), which the index
# matches). Retired modules, lessons and cases lose their entries at the next index_course; the
# status check keeps archived and draft courses out the moment their status changes.
_SQLITE_SEARCH = text(
    """
    SELECT e.id AS id, c.slug AS course_slug, c.title AS course_title,
        m.slug AS module_slug, m.title AS module_title,
        l.slug AS lesson_slug, l.title AS lesson_title, e.case_id AS case_id,
        highlight(search_fts, 0, :start, :stop) AS title_marked,
        snippet(search_fts, 1, :start, :stop, ' … ', 24) AS snippet_marked
    FROM search_fts
    JOIN search_entries e ON e.id = search_fts.rowid
    JOIN courses c ON c.id = e.course_id
    LEFT JOIN modules m ON m.id = e.module_id
    LEFT JOIN lessons l ON l.id = e.lesson_id
    WHERE search_fts MATCH :match AND c.status = 'published'
        AND (:any_course OR e.course_id IN :course_ids)
    ORDER BY bm25(search_fts, 5.0, 1.0), e.id
    LIMIT :limit
    """
).bindparams(bindparam("course_ids", expanding=True))

_POSTGRES_SEARCH = text(
    """
    SELECT e.id AS id, c.slug AS course_slug, c.title AS course_title,
        m.slug AS module_slug, m.title AS module_title,
        l.slug AS lesson_slug, l.title AS lesson_title, e.case_id AS case_id,
        ts_headline('english', e.title, q.query, :title_options) AS title_marked,
        ts_headline('english', e.body, q.query, :snippet_options) AS snippet_marked
    FROM search_entries e
    JOIN courses c ON c.id = e.course_id
    LEFT JOIN modules m ON m.id = e.module_id
    LEFT JOIN lessons l ON l.id = e.lesson_id
    CROSS JOIN plainto_tsquery('english', :words) AS q(query)
    WHERE (setweight(to_tsvector('english'::regconfig, e.title), 'A') ||
           setweight(to_tsvector('english'::regconfig, e.body), 'B')) @@ q.query
        AND c.status = 'published'
        AND (:any_course OR e.course_id IN :course_ids)
    ORDER BY ts_rank_cd(setweight(to_tsvector('english'::regconfig, e.title), 'A') ||
                        setweight(to_tsvector('english'::regconfig, e.body), 'B'), q.query) DESC,
        e.id
    LIMIT :limit
    """
).bindparams(bindparam("course_ids", expanding=True))

#: Where ts_headline cuts its passages, like FTS5's snippet of about 24 words.
_SNIPPET = 'MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "'


def search(query: str, course_ids: list[int] | None = None, limit: int = 20) -> list[SearchHit]:
    """Published courses, modules, lessons and cases matching every word of ``query``, best
    first."""
    terms = query_terms(query)
    if not terms:
        return []
    parameters = {
        "any_course": course_ids is None,
        "course_ids": course_ids or [0],
        "limit": limit,
    }
    if db.session.get_bind().dialect.name == "sqlite":
        # Each word quoted: FTS5 query syntax in what someone typed is only words.
        statement = _SQLITE_SEARCH
        parameters |= {
            "match": " ".join(f'"{term}"' for term in terms),
            "start": START,
            "stop": STOP,
        }
    else:
        statement = _POSTGRES_SEARCH
        marks = f'StartSel="{START}", StopSel="{STOP}"'
        parameters |= {
            "words": " ".join(terms),
            "title_options": f"{marks}, HighlightAll=true",
            "snippet_options": f"{marks}, {_SNIPPET}",
        }
    rows = db.session.execute(statement, parameters).mappings()
    return [
        SearchHit(
            course_slug=row["course_slug"],
            course_title=row["course_title"],
            module_slug=row["module_slug"],
            module_title=row["module_title"],
            lesson_slug=row["lesson_slug"],
            lesson_title=row["lesson_title"],
            case_id=row["case_id"],
            title=highlight(row["title_marked"]),
            snippet=highlight(row["snippet_marked"]),
        )
        for row in rows
    ]
