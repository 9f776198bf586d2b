"""A small DOM that applies htmx out-of-band swaps the way htmx 2 does, for tests.

Only what the playground sends: `hx-swap-oob="true"` (replace the element with the same
id), `delete`, and `beforeend:#id` / `afterbegin:#id` (insert the wrapper's children).
A swap whose target is missing is recorded in `missing` (htmx logs an error for it).
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"input", "br", "img", "hr", "meta", "link", "source", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict
    children: list = field(default_factory=list)  # Element | str

    def canonical(self) -> tuple:
        attrs = tuple(sorted((k, v) for k, v in self.attrs.items() if k != "hx-swap-oob"))
        return (
            self.tag,
            attrs,
            tuple(c if isinstance(c, str) else c.canonical() for c in self.children),
        )


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        if data.strip():
            self.stack[-1].children.append(data)


def parse(html: str) -> Element:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


class OobDom:
    def __init__(self, page_html: str):
        self.root = parse(page_html)
        self.missing: list[str] = []

    def find(self, element_id: str):
        """(parent, index) of the element with this id, or None."""
        todo = [self.root]
        while todo:
            parent = todo.pop()
            for index, child in enumerate(parent.children):
                if isinstance(child, Element):
                    if child.attrs.get("id") == element_id:
                        return parent, index
                    todo.append(child)
        return None

    def element(self, element_id: str) -> Element | None:
        found = self.find(element_id)
        return found[0].children[found[1]] if found else None

    def apply(self, message: str) -> None:
        for top in parse(message).children:
            if not isinstance(top, Element):
                continue
            oob = top.attrs.get("hx-swap-oob", "true")
            if oob == "true":
                self._swap(
                    top.attrs.get("id", ""), lambda p, i, top=top: p.children.__setitem__(i, top)
                )
            elif oob == "delete":
                self._swap(top.attrs.get("id", ""), lambda p, i: p.children.pop(i))
            else:
                style, selector = oob.split(":", 1)
                target = self.element(selector.lstrip("#"))
                if target is None:
                    self.missing.append(oob)
                elif style == "beforeend":
                    target.children.extend(top.children)
                elif style == "afterbegin":
                    target.children[:0] = top.children
                else:
                    raise AssertionError(f"unexpected swap style {style}")

    def _swap(self, element_id: str, operation) -> None:
        found = self.find(element_id)
        if found is None:
            self.missing.append(element_id)
        else:
            operation(*found)
