"""A case's graph of scenes drawn on the server as SVG, with the same graph as text (pure).

Scenes are laid out in columns by their distance from the start (unreachable scenes in a
last column of their own); each choice is an arrow labelled with its number. Ratings show
as words in the text alternative and as line styles in the drawing, never as colour alone.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from xml.sax.saxutils import escape

from app.content.spec import CaseSpec

NODE_W, NODE_H = 168, 48
GAP_X, GAP_Y = 72, 24
MARGIN = 16
#: Line style per rating: solid for best and acceptable, dashed for risky, dotted for harmful.
DASHES = {"best": "", "acceptable": "", "risky": "6 4", "harmful": "2 4"}


@dataclass(frozen=True)
class Edge:
    """One choice as an arrow: from scene, choice number, rating, to scene (or None)."""

    source: str
    number: int
    text: str
    rating: str
    target: str | None


def columns(case: CaseSpec) -> list[list[str]]:
    """Scene ids by distance from the start, in file order; unreachable ones last."""
    ids = [scene.id for scene in case.scenes]
    depth: dict[str, int] = {}
    if case.start in ids:
        depth[case.start] = 0
        queue = deque([case.start])
        while queue:
            here = queue.popleft()
            scene = case.scene(here)
            for choice in scene.choices if scene else ():
                if choice.next in ids and choice.next not in depth:
                    depth[choice.next] = depth[here] + 1
                    queue.append(choice.next)
    width = max(depth.values(), default=-1) + 1
    found: list[list[str]] = [[] for _ in range(width)]
    for scene_id in ids:
        if scene_id in depth:
            found[depth[scene_id]].append(scene_id)
    unreachable = [scene_id for scene_id in dict.fromkeys(ids) if scene_id not in depth]
    return [*found, unreachable] if unreachable else found


def edges(case: CaseSpec) -> list[Edge]:
    """Every choice of every scene, as an edge."""
    ids = {scene.id for scene in case.scenes}
    return [
        Edge(
            scene.id,
            number,
            choice.text,
            choice.rating,
            choice.next if choice.next in ids else None,
        )
        for scene in case.scenes
        for number, choice in enumerate(scene.choices, start=1)
    ]


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def svg(case: CaseSpec, title_id: str = "case-graph-title") -> str:
    """The graph as an SVG document fragment, labelled by a title and a description."""
    layout = columns(case)
    places: dict[str, tuple[int, int]] = {}
    for col, scene_ids in enumerate(layout):
        for row, scene_id in enumerate(scene_ids):
            places.setdefault(
                scene_id, (MARGIN + col * (NODE_W + GAP_X), MARGIN + row * (NODE_H + GAP_Y))
            )
    width = MARGIN * 2 + max(len(layout), 1) * (NODE_W + GAP_X) - GAP_X
    height = MARGIN * 2 + max((len(c) for c in layout), default=1) * (NODE_H + GAP_Y) - GAP_Y
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="case-graph" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{title_id} {title_id}-desc">',
        f'<title id="{title_id}">Graph of the case "{escape(case.title)}"</title>',
        f'<desc id="{title_id}-desc">{len(case.scenes)} scenes in columns by distance from '
        "the start; arrows are choices (solid: best or acceptable, dashed: risky, dotted: "
        "harmful). The list after the graph gives the same in words.</desc>",
        '<defs><marker id="case-arrow" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z" fill="currentColor"/></marker></defs>',
    ]
    for edge in edges(case):
        if edge.target is None or edge.source not in places:
            continue
        (x1, y1), (x2, y2) = places[edge.source], places[edge.target]
        start = (x1 + NODE_W, y1 + NODE_H // 2)
        end = (x2, y2 + NODE_H // 2) if x2 > x1 else (x2 + NODE_W // 2, y2 + NODE_H)
        dash = DASHES.get(edge.rating, "")
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{start[0]}" y1="{start[1]}" x2="{end[0]}" y2="{end[1]}" '
            f'stroke="currentColor" stroke-width="1.5"{dash_attr} marker-end="url(#case-arrow)"/>'
        )
        mid_x, mid_y = (start[0] + end[0]) // 2, (start[1] + end[1]) // 2
        parts.append(
            f'<text x="{mid_x}" y="{mid_y - 3}" font-size="11" text-anchor="middle" '
            f'fill="currentColor">{edge.number}</text>'
        )
    for scene in case.scenes:
        if scene.id not in places:
            continue
        x, y = places[scene.id]
        kind = "ending" if scene.ending is not None else "scene"
        border = ' stroke-width="3"' if kind == "ending" or scene.id == case.start else ""
        parts.append(
            f'<g class="case-graph__{kind}"><rect x="{x}" y="{y}" width="{NODE_W}" '
            f'height="{NODE_H}" rx="6" fill="white" stroke="currentColor"{border}/>'
            f'<text x="{x + 8}" y="{y + 19}" font-size="12" font-weight="bold" '
            f'fill="currentColor">{escape(_short(scene.title))}</text>'
            f'<text x="{x + 8}" y="{y + 37}" font-size="11" fill="currentColor">'
            f"{escape(_short(scene.id if kind == 'scene' else 'Ending: ' + scene.id))}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)
