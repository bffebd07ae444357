"""A small, fast XML writer for the exports: plain Python nodes rendered to a string. Building
an lxml tree cost several times more per element, which mattered for OAI-PMH pages and dumps of
many records; the output is checked against the official schemas in the tests."""

from __future__ import annotations

import re


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
                parts.append(f' {name}="{_attribute(clean(value))}"')
        if self.text is None and not self.children:
            parts.append("/>")
            return
        parts.append(">")
        if self.text is not None:
            parts.append(_text(clean(self.text)))
        for child in self.children:
            child._render(parts)
        parts.append(f"</{self.tag}>")


# Characters XML 1.0 cannot carry (a CSV cell may hold them): dropped rather than refused.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


def _text(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _attribute(value: str) -> str:
    return (_text(value).replace('"', "&quot;").replace("\n", "&#10;")
            .replace("\r", "&#13;").replace("\t", "&#9;"))


def declarations(namespaces: dict[str, str]) -> str:
    return " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in namespaces.items())
