"""A small, fast XML writer for the exports: plain Python nodes rendered to a string. Building
an lxml tree cost several times more per element, which mattered for OAI-PMH pages and dumps of
many records; the output is checked against the official schemas in the tests."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr


class Node:
    """One element: a qualified name (``prefix:local``), attributes, text and children."""

    __slots__ = ("attributes", "children", "tag", "text")

    def __init__(self, tag: str, text: str | None = None,
                 attributes: dict[str, str] | None = None) -> None:
        self.tag = tag
        self.text = text
        self.attributes = attributes
        self.children: list[Node] = []

    def add(self, tag: str, text: str | None = None,
            attributes: dict[str, str] | None = None) -> Node:
        """Append a child element (attribute names qualified: ``{"xml:lang": "cs"}``)."""
        child = Node(tag, text, attributes)
        self.children.append(child)
        return child

    def render(self, declarations: str = "") -> str:
        parts: list[str] = []
        self._render(parts, declarations)
        return "".join(parts)

    def _render(self, parts: list[str], declarations: str = "") -> None:
        parts.append("<" + self.tag)
        if declarations:
            parts.append(" " + declarations)
        if self.attributes:
            for name, value in self.attributes.items():
                parts.append(f" {name}={quoteattr(clean(value))}")
        if self.text is None and not self.children:
            parts.append("/>")
            return
        parts.append(">")
        if self.text is not None:
            parts.append(escape(clean(self.text)))
        for child in self.children:
            child._render(parts)
        parts.append(f"</{self.tag}>")


# Characters XML 1.0 cannot carry (a CSV cell may hold them): dropped rather than refused.
_CONTROL = {code: None for code in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20),
                                    0xFFFE, 0xFFFF)}


def clean(text: str) -> str:
    return text.translate(_CONTROL)


def declarations(namespaces: dict[str, str]) -> str:
    return " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in namespaces.items())
