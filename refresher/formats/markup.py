"""HTML in and out of the exchange formats: bank text as safe HTML, HTML fields as plain text.

Writing: every text from a bank is escaped (`<`, `>`, `&`), so a prompt about `a < b` shows
literally in Anki; line breaks become `<br>`. Reading: an Anki field's HTML becomes readable text
(block elements and `<br>` as line breaks, list items as `- ` lines, entities decoded, scripts and
styles dropped); a link keeps its address (`text (url)`), and images and sounds, which cannot
live in a bank, are kept in place as `[image: name]` / `[sound: name]` and listed for the importer
to report. Pure; the parser is the standard library's, which keeps no
tree and so cannot be driven into deep recursion by nested tags.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_SOUND = re.compile(r"\[sound:([^\]]*)\]")
_BLOCKS = {"p", "div", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "ul", "ol", "table"}


def escape(text: str) -> str:
    """Bank text as HTML that shows exactly that text."""
    return html.escape(text, quote=False).replace("\n", "<br>")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.dropped: list[str] = []
        self.hidden = 0  # inside <script> or <style>
        self.links: list[tuple[str, int]] = []  # open <a href>: address, where its text starts

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.hidden += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in _BLOCKS:
            self.parts.append("\n")
        elif tag == "a":
            self.links.append(((dict(attrs).get("href") or "").strip(), len(self.parts)))
        elif tag in ("img", "audio", "video", "object", "embed", "source"):
            src = (dict(attrs).get("src") or dict(attrs).get("data") or "").strip()
            what = "image" if tag == "img" else "sound" if tag == "audio" else "media"
            name = src.rsplit("/", 1)[-1] or tag
            self.parts.append(f"[{what}: {name}]")
            self.dropped.append(f"<{tag}> {src}".strip())

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS or tag == "li":
            self.parts.append("\n")
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            shown = "".join(self.parts[start:]).strip()
            if href and not href.startswith(("#", "javascript:")) and href != shown:
                self.parts.append(f" ({href})" if shown else href)

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def to_text(markup: str) -> tuple[str, list[str]]:
    """The readable text of an HTML field, and the media it names (kept as `[image: x]`)."""
    dropped = [f"[sound:{m}]" for m in _SOUND.findall(markup)]
    parser = _Text()
    parser.feed(_SOUND.sub(lambda m: f"[sound: {m.group(1).strip()}]", markup))
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    out = "\n".join(lines)
    out = re.sub(r"\n{3,}", "\n\n", out).strip()
    return out, parser.dropped + dropped
