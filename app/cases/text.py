"""Case texts as sanitised HTML, with lesson links that lead from the player to the lessons."""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup

from app.content.markdown import render_markdown


def case_markdown(module_slug: str) -> Callable[[str | None], Markup]:
    """Render a case text as sanitised Markdown; lesson links lead to the lesson pages.

    The player lives at /courses/<course>/cases/<id>, so `lesson.md` (a lesson of the
    case's module) becomes `../<module>/lesson` and `../<module>/lesson.md` keeps its path.
    """

    def resolve(path: str) -> str:
        target, hash_mark, anchor = path.partition("#")
        target = target.removesuffix(".md")
        if target and "/" not in target:
            target = f"../{module_slug}/{target}"
        return target + hash_mark + anchor

    def render(source: str | None) -> Markup:
        html = render_markdown(source or "", link_resolver=resolve)
        return Markup(html)  # noqa: S704 (sanitised by nh3)  # nosec B704

    return render
