"""Lesson Markdown: CommonMark (+ tables) rendered safely, split around interactive blocks.

Rendering uses markdown-it-py's `commonmark` preset with raw HTML disabled (it comes out
escaped) and links limited to http, https, mailto and relative URLs. A second, permissive
parse finds what the author must fix instead: raw HTML, unsafe links, images. Images stay
`<img src="name.svg">`: a URL relative to the lesson page, which serves the lesson's
diagrams by their (URL-safe) names. Each is wrapped in a link to itself, so a diagram too
small to read on a phone opens full size (and zooms) with a tap.
"""

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from .content_model import MarkdownBlock

INTERACTIVE = ("try", "apply", "predict")
SAFE_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


def safe_link(url: str) -> bool:
    """Relative links and the SAFE_SCHEMES; never javascript:, data:, file:, ..."""
    scheme = _SCHEME.match(url.strip())
    return scheme is None or scheme.group(1).lower() in SAFE_SCHEMES


def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.validateLink = safe_link

    def linked_image(renderer, tokens, index, options, env):
        src = escapeHtml(str(tokens[index].attrGet("src") or ""))
        return f'<a class="diagram" href="{src}">{renderer.image(tokens, index, options, env)}</a>'

    md.add_render_rule("image", linked_image)
    return md


def _checker() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    md.validateLink = lambda url: True  # keep every link, so bad ones can be reported
    return md


_RENDER = _renderer()
_CHECK = _checker()


@dataclass(frozen=True)
class Fence:
    """An interactive fenced block: its kind, its text, the file line its text starts on."""

    kind: str
    content: str
    line: int


@dataclass(frozen=True)
class Image:
    src: str
    alt: str
    line: int


@dataclass(frozen=True)
class ParsedBody:
    segments: tuple[MarkdownBlock | Fence, ...]
    images: tuple[Image, ...]
    problems: tuple[tuple[int, str], ...]  # (file line, message)


def render_markdown(text: str) -> str:
    """Markdown (e.g. a quiz explanation) → safe HTML."""
    return _RENDER.render(text)


def render_inline(text: str) -> str:
    """One line of Markdown (e.g. a prompt or a choice) → safe HTML without a <p>."""
    return _RENDER.renderInline(text)


def parse_body(text: str, first_line: int) -> ParsedBody:
    """Split the lesson body; `first_line` is the file line the body starts on."""
    problems: list[tuple[int, str]] = []
    images: list[Image] = []
    _check(_CHECK.parse(text), first_line, problems, images)
    segments: list[MarkdownBlock | Fence] = []
    pending: list[Token] = []
    env: dict = {}

    def flush() -> None:
        html = _RENDER.renderer.render(pending, _RENDER.options, env)
        if html.strip():
            segments.append(MarkdownBlock(html))
        pending.clear()

    for token in _RENDER.parse(text, env):
        kind = _interactive_kind(token)
        if kind and token.level == 0:
            flush()
            segments.append(Fence(kind, token.content, first_line + token.map[0] + 1))
        else:
            if kind:
                line = first_line + token.map[0]
                problems.append((line, f"a {kind} block must not be nested in a list or quote"))
            pending.append(token)
    flush()
    return ParsedBody(tuple(segments), tuple(images), tuple(problems))


def _interactive_kind(token: Token) -> str | None:
    if token.type != "fence":
        return None
    words = token.info.split()
    return words[0] if words and words[0] in INTERACTIVE else None


def _check(tokens: list[Token], first_line: int, problems: list, images: list) -> None:
    for token in tokens:
        line = first_line + token.map[0] if token.map else None
        if token.type == "heading_open" and token.tag == "h1":
            problems.append(
                (
                    line,
                    "a level-1 heading in the body: the page shows the front matter's title; start sections at ##",
                )
            )
        if token.type == "html_block":
            problems.append(
                (line, f"raw HTML is not allowed (write Markdown): {_clip(token.content)}")
            )
        for child in token.children or ():
            if child.type in ("softbreak", "hardbreak"):
                line += 1  # children follow the paragraph's lines
            elif child.type == "html_inline":
                problems.append(
                    (line, f"raw HTML is not allowed (write Markdown): {_clip(child.content)}")
                )
            elif child.type == "link_open" and not safe_link(str(child.attrs.get("href", ""))):
                problems.append(
                    (
                        line,
                        f"unsafe link {child.attrs['href']!r} (use http, https, mailto or a relative URL)",
                    )
                )
            elif child.type == "image":
                images.append(Image(str(child.attrs.get("src", "")), child.content.strip(), line))


def _clip(html: str) -> str:
    first = html.strip().splitlines()[0] if html.strip() else html
    return repr(first if len(first) <= 60 else first[:57] + "...")
