"""Markdown of editorial text to safe HTML: markdown-it-py (CommonMark, raw HTML off) then nh3
(an allow-list sanitizer) as a second line of defence."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre", "h2",
        "h3", "h4", "hr", "table", "thead", "tbody", "tr", "th", "td"}
ATTRIBUTES = {"a": {"href", "title"}}


def to_html(text: str) -> str:
    """Sanitized HTML of ``text``: no scripts, styles, event handlers or javascript: links."""
    rendered = _markdown.render(text or "")
    return nh3.clean(rendered, tags=TAGS, attributes=ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="nofollow noopener")
