"""Read a saved HTML page: decode its bytes as a browser would, parse it, and turn it into the lines the text
path sees, each with what the markup says about it (``cleaner.markup.LineFacts``).

Lines follow the conventions of a plain-text scrape of the page: one block element per line, ``<img alt>`` as
a line of its own, list items as ``  • item``, table cells of a row on one line. Scripts, styles, templates,
form controls, hidden elements, comments and server-side directives (``<% %>``) give no text.
"""

from __future__ import annotations

import codecs
import functools
import os
from dataclasses import dataclass
from typing import Any

from cleaner.errors import InputError
from cleaner.files import BINARY_SNIFF, BinaryFileError, Decoded, decode_counted, is_binary, read_bytes
from cleaner.markup import LineFacts

#: Elements whose content a browser does not render as text (or that a scrape of the text never holds).
_DROP = frozenset({
    "script", "style", "noscript", "svg", "iframe", "template", "head", "select", "option", "textarea",
    "input", "button", "object", "embed", "video", "audio", "canvas", "map", "link", "meta", "math", "title",
})
#: Elements that start and end a line.
_BLOCK = frozenset({
    "p", "div", "section", "article", "header", "footer", "nav", "aside", "main", "h1", "h2", "h3", "h4",
    "h5", "h6", "ul", "ol", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "figure",
    "figcaption", "blockquote", "pre", "address", "form", "fieldset", "hr", "center", "details", "summary",
    "caption", "body", "html", "picture", "li",
})
_CELL = frozenset({"td", "th"})
#: The marker of a list item, as plain-text scrapes write it (the shipped rules know it).
BULLET = "  • "
#: Bytes searched for ``<meta charset>``. Browsers look at 1024; saved pages often carry long comments and
#: scripts first, and reading more costs a fraction of a millisecond.
PRESCAN_BYTES = 16384
#: Pages larger than this are refused: article pages weigh well under 2 MB (the saved dev pages 66-255 KB),
#: and reading runs at about 1 MB a second, so a bigger file is a dump or an archive, not a page.
MAX_PAGE_BYTES = 32_000_000
#: libxml2 stops building the tree this deep; a page nested deeper is not one a browser lays out either.
MAX_DEPTH = 255
#: Encoding labels a browser reads as another encoding (the WHATWG Encoding Standard).
_LABEL_ALIASES = {
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "l1": "cp1252",
    "ascii": "cp1252", "us-ascii": "cp1252", "iso_8859-1": "cp1252", "cp819": "cp1252", "ibm819": "cp1252",
    "windows-1252": "cp1252", "x-cp1252": "cp1252", "windows-1258": "cp1258", "x-cp1258": "cp1258",
    # a <meta> cannot declare UTF-16: the bytes that hold it are ASCII, so browsers read UTF-8
    "utf-16": "utf-8", "utf-16le": "utf-8", "utf-16be": "utf-8", "unicode": "utf-8", "utf8": "utf-8",
}
#: Letters only cp1258 gives Vietnamese text (ă, ơ, ư, đ and the combining tone marks it writes separately).
_CP1258_EVIDENCE = frozenset("ăĂơƠưƯđĐ\u0300\u0301\u0303\u0309\u0323")
#: Vietnamese words that carry grammar rather than content: running text is full of them, menus are not.
FUNCTION_WORDS = frozenset("""
    của và là có được cho với các những một trong đã không người này khi từ để về đến như thì lại ra vào sẽ
    cũng nhưng theo tại bị đó do nên mà rằng hơn còn vì đang nhiều rất sau trên dưới qua nếu hay hoặc mới chỉ
    phải vẫn đều ở lên cùng nhau bằng việc năm ngày này nhất ông bà anh chị em họ chúng tôi mình gì nào đây
""".split())
#: How many levels above a line its score reaches when the main content candidate is chosen.
_LEVELS = 4
#: Prose inside these elements, or elements whose class/id has these words, counts against a main candidate.
#: Not ``form`` (ASP.NET pages wrap everything in one) nor ``sidebar`` (vnexpress names its page layout so).
_NOT_MAIN_TAGS = frozenset({"nav", "footer", "aside"})
_NOT_MAIN_WORDS = frozenset({"comment", "comments", "binhluan", "related", "relate", "footer", "widget",
                             "promo", "advertisement", "ads"})
#: How many lines above the main content its title may stand (title, date, author, sapo, share buttons).
_TITLE_REACH = 12
_SENTENCE_END = frozenset(".!?…:;\"”)")


@dataclass(frozen=True)
class HtmlDocument:
    """A page read as lines, the markup facts of each line, and how its bytes were decoded."""

    lines: tuple[str, ...]
    facts: tuple[LineFacts, ...]
    replaced: int = 0  # undecodable byte sequences read as U+FFFD
    size: int = 0  # bytes of the page as read

    @property
    def text(self) -> str:
        """The page as plain text, one line per block (what ``vnclean`` would see in a text scrape)."""
        return "".join(line + "\n" for line in self.lines)


def is_html(path: str) -> bool:
    """A path the CLI reads as HTML by its name: ``.html`` or ``.htm``."""
    return path.lower().endswith((".html", ".htm"))


# -- decoding ------------------------------------------------------------------------------------------------


def decode_html(data: bytes, name: str, encoding: str | None = None, errors: str = "strict") -> Decoded:
    """Page bytes -> text, as a browser decodes a page saved without its HTTP headers.

    A BOM wins; then the page's ``<meta charset>`` (or ``http-equiv``) declaration; then ``encoding`` when
    given; then UTF-8 when the bytes are UTF-8, else cp1258 when they read as Vietnamese in it, else
    windows-1252 (what browsers fall back to; the legacy-font fix repairs VNI and TCVN3 text read so).
    A declaration the bytes contradict (a page that says UTF-8 but is not) is ignored.

    >>> decode_html(b'<meta charset="windows-1258"><p>H\\xe0 N\\xf4i', "a.html").text[-6:]
    'Hà Nôi'
    """
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_counted(data, name, "utf-8", errors)  # decode_counted reads the BOM
    if is_binary(data[:BINARY_SNIFF]):
        raise BinaryFileError(f"{name}: binary file (NUL bytes, or an image or archive signature), skipped; "
                              "it is not an HTML page", path=name)
    declared = declared_encoding(data[:PRESCAN_BYTES])
    if declared is not None:
        text = _try(data, declared)
        if text is not None and not (declared != "utf-8" and _is_utf8_text(data)):
            return Decoded(text)
    if encoding and encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
        return decode_counted(data, name, encoding, errors)
    if _try(data, "utf-8") is not None or _mostly_utf8(data):
        return decode_counted(data, name, "utf-8", errors)
    legacy = "cp1258" if _reads_as_cp1258(data) else "cp1252"
    return Decoded(data.decode(legacy, _C1))


def declared_encoding(head: bytes) -> str | None:
    """The Python codec of the charset a page declares in its first bytes (``<meta charset>``,
    ``<meta http-equiv="Content-Type" content="...; charset=...">``), or ``None``.

    The bytes are parsed by the HTML parser itself (read as Latin-1, which every byte decodes in), so a
    declaration inside a comment or a script does not count.

    >>> declared_encoding(b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">')
    'cp1252'
    """
    import lxml.etree

    parser = lxml.etree.HTMLParser(remove_comments=True)
    try:
        root = lxml.etree.fromstring(head.decode("latin-1").encode("utf-8"), parser)
    except (lxml.etree.ParserError, ValueError):
        return None
    if root is None:
        return None
    for meta in root.iter("meta"):
        label = meta.get("charset")
        if label is None and (meta.get("http-equiv") or "").strip().lower() == "content-type":
            content = (meta.get("content") or "").lower()
            at = content.find("charset=")
            if at >= 0:
                label = content[at + len("charset="):].split(";")[0].strip(" \"'")
        if label:
            codec = _codec(label.strip().lower())
            if codec is not None:
                return codec
    return None


def _codec(label: str) -> str | None:
    label = _LABEL_ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return _LABEL_ALIASES.get(name, name)


def _try(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _is_utf8_text(data: bytes) -> bool:
    """The bytes decode as UTF-8 and hold some non-ASCII: no legacy text reads as UTF-8 by chance."""
    return not data.isascii() and _try(data, "utf-8") is not None


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few damaged sequences (a truncated save), not a legacy page: valid multi-byte
    sequences outnumber the bad ones many times."""
    text = data.decode("utf-8", "replace")
    bad = text.count("\N{REPLACEMENT CHARACTER}")
    good = sum(1 for ch in text if ord(ch) > 0x7F) - bad
    return good > 10 * bad


def _reads_as_cp1258(data: bytes) -> bool:
    """Decoded as cp1258, the page has letters only Vietnamese uses, more than a Western page would."""
    text = data.decode("cp1258", _C1)
    evidence = sum(1 for ch in text if ch in _CP1258_EVIDENCE)
    return evidence >= 3 and evidence * 50 >= sum(1 for ch in text if ord(ch) > 0x7F)


def _c1_controls(exc: UnicodeError) -> tuple[str, int]:
    """Bytes a Windows code page leaves undefined decode to the C1 control of the same number, as browsers
    do, so a legacy page always decodes."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return "".join(chr(b) for b in exc.object[exc.start:exc.end]), exc.end


_C1 = "vnclean-c1"
codecs.register_error(_C1, _c1_controls)


# -- lines and facts -----------------------------------------------------------------------------------------


class _Ctx:
    """An open element on the way down: its tag, and what its ancestors add up to (built once per element)."""

    __slots__ = ("depth", "link", "node", "parent", "tag", "tags", "words")

    def __init__(self, tag: str, words: frozenset[str], parent: _Ctx | None, node: int) -> None:
        self.tag = tag
        self.parent = parent
        self.node = node
        self.depth: int = parent.depth + 1 if parent else 0
        self.tags: frozenset[str] = (parent.tags | {tag}) if parent else frozenset({tag})
        self.words: frozenset[str] = (parent.words | words) if parent and words else (
            parent.words if parent else words)
        self.link: bool = tag == "a" or (parent.link if parent else False)


@functools.lru_cache(maxsize=4096)
def class_words(value: str) -> frozenset[str]:
    """The words of a ``class`` or ``id`` value: split on anything not a letter or digit and on camelCase.

    >>> sorted(class_words("box-related_news relatedNews ArticleSapo2"))
    ['article', 'box', 'news', 'related', 'sapo']
    """
    words: set[str] = set()
    word: list[str] = []
    prev = ""
    for ch in value + " ":
        if ch.isalpha():
            if ch.isupper() and prev.islower() and word:
                words.add("".join(word).lower())
                word = []
            word.append(ch)
        elif word:
            words.add("".join(word).lower())
            word = []
        prev = ch
    return frozenset(words)


def _common(a: _Ctx, b: _Ctx) -> _Ctx:
    """The nearest element holding both."""
    while a.depth > b.depth:
        a = a.parent  # type: ignore[assignment]
    while b.depth > a.depth:
        b = b.parent  # type: ignore[assignment]
    while a is not b:
        a, b = a.parent, b.parent  # type: ignore[assignment]
    return a


class _Lines:
    """The lines being built: text pieces of the current line, each with the element it came from."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.ctxs: list[_Ctx] = []
        self.links: list[float] = []
        self.cur: list[str] = []
        self.cur_link = 0
        self.cur_ctx: _Ctx | None = None
        self.marker_ctx: _Ctx | None = None

    def add(self, text: str, ctx: _Ctx, marker: bool = False) -> None:
        """Add text from element ``ctx``; a ``marker`` (a list bullet) does not count as the line's text."""
        if not text:
            return
        self.cur.append(text)
        if not marker and not text.isspace():
            self.cur_ctx = ctx if self.cur_ctx is None else _common(self.cur_ctx, ctx)
            if ctx.link:
                self.cur_link += len("".join(text.split()))

    def flush(self) -> None:
        if not self.cur:
            return
        text = " ".join("".join(self.cur).split())
        if text.startswith("• "):
            text = BULLET + text[2:]
        if self.cur_ctx is None and text.startswith(BULLET.strip()):
            self.cur_ctx = self.marker_ctx  # a bullet whose item holds only "•" characters
        if text and text != "•" and self.cur_ctx is not None:
            self.lines.append(text)
            self.ctxs.append(self.cur_ctx)
            chars = len("".join(text.split())) - (1 if text.startswith(BULLET) else 0)
            self.links.append(min(1.0, self.cur_link / chars) if chars > 0 else 0.0)
        self.cur, self.cur_link, self.cur_ctx, self.marker_ctx = [], 0, None, None

    def own_line(self, text: str, ctx: _Ctx) -> None:
        self.flush()
        self.add(text, ctx)
        self.flush()


def read_html(html: str | bytes, name: str = "<html>", *, encoding: str | None = None,
              errors: str = "strict", max_bytes: int | None = MAX_PAGE_BYTES) -> HtmlDocument:
    """Parse a page (text, or bytes decoded by ``decode_html``) into lines with their markup facts.

    Raises ``InputError`` (one line, naming ``name``) for a page nested too deep to parse, one larger than
    ``max_bytes`` (``None``: no limit), or bytes that are not a page.

    >>> doc = read_html("<nav><a href='/'>Xã hội</a></nav><h1>Tin mới</h1><ul><li>Một</li></ul>")
    >>> doc.lines
    ('Xã hội', 'Tin mới', '  • Một')
    >>> sorted(doc.facts[0].tags & {"nav", "a"}), doc.facts[0].link_density
    (['a', 'nav'], 1.0)
    """
    replaced = 0
    size = len(html) if isinstance(html, bytes) else len(html) * 2  # characters: at least as many bytes
    if max_bytes is not None and size > max_bytes and (isinstance(html, bytes) or
                                                         len(html.encode("utf-8", "replace")) > max_bytes):
        mb = (size if isinstance(html, bytes) else len(html.encode("utf-8", "replace"))) / 1e6
        raise InputError(f"{name}: {mb:.1f} MB is too big for one web page (the limit is "
                         f"{max_bytes / 1e6:.0f} MB); split it, or read it as text with --format text",
                         path=name)
    if isinstance(html, bytes):
        decoded = decode_html(html, name, encoding, errors)
        text, replaced = decoded.text, decoded.replaced
    else:
        text = html
    text = strip_directives(text)
    root = _parse(text, name)
    out = _Lines()
    if root is not None:
        _walk(root, out)
    out.flush()
    main = _main_candidate(out)
    inside = [main is not None and _within(c, main) for c in out.ctxs]
    _extend_to_title(out, inside)
    facts = tuple(LineFacts(tags=c.tags, link_density=round(ld, 3), class_words=c.words, in_main=m)
                  for c, ld, m in zip(out.ctxs, out.links, inside, strict=True))
    size = len(html) if isinstance(html, bytes) else len(text.encode("utf-8", "surrogatepass"))
    return HtmlDocument(tuple(out.lines), facts, replaced, size)


def read_html_file(path: str | os.PathLike[str], *, encoding: str | None = None,
                   errors: str = "strict") -> HtmlDocument:
    """``read_html`` of a saved page on disk (messages name the file)."""
    return read_html(read_bytes(path), str(path), encoding=encoding, errors=errors)


def strip_directives(text: str) -> str:
    """Remove server-side template directives (``<% ... %>``, ``<%= ... %>``): a browser never receives them.

    >>> strip_directives("<p>Tin <%= title %>mới</p><% if x %>")
    '<p>Tin mới</p>'
    """
    if "<%" not in text:
        return text
    parts: list[str] = []
    pos = 0
    while (start := text.find("<%", pos)) >= 0:
        end = text.find("%>", start + 2)
        if end < 0:
            break  # an unclosed directive: the rest is left to the parser, which reads it as text
        parts.append(text[pos:start])
        pos = end + 2
    parts.append(text[pos:])
    return "".join(parts)


def _parse(text: str, name: str) -> Any:
    """The page's ``<body>`` (or its root), or ``None`` for a page with no markup at all."""
    import lxml.etree

    # Bytes with the encoding given: lxml refuses str input that holds an XML encoding declaration, and the
    # page's own <meta charset> must not make it decode again. The plain etree parser: lxml.html's element
    # classes cost a lookup per element and give nothing needed here.
    parser = lxml.etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    data = text.encode("utf-8", "surrogatepass")
    if not data.strip():
        return None
    try:
        root = lxml.etree.fromstring(data, parser)
    except (lxml.etree.ParserError, ValueError):
        root = None
    if any("Excessive depth" in e.message for e in parser.error_log):
        raise InputError(f"{name}: the page nests elements more than {MAX_DEPTH} levels deep, which no real "
                         "page does; it cannot be read (check that the file is a saved web page)", path=name)
    if root is None:
        return None
    body = root.find("body")
    return body if body is not None else root


def _hidden(el: Any) -> bool:
    style = el.get("style")
    if style and "display:none" in "".join(style.split()).lower():
        return True
    return el.get("hidden") is not None


def _walk(root: Any, out: _Lines) -> None:
    """Visit the tree once (lxml's iterwalk, no recursion: depth costs nothing), building the lines."""
    import lxml.etree

    stack: list[_Ctx] = []
    walker = lxml.etree.iterwalk(root, events=("start", "end"))
    node = 0
    for event, el in walker:
        tag = el.tag
        if not isinstance(tag, str):  # a comment or processing instruction the parser kept
            if event == "end" and el.tail and stack:
                out.add(el.tail, stack[-1])
            continue
        tag = tag.lower()
        if event == "start":
            node += 1
            words = class_words(" ".join(v for v in (el.get("class"), el.get("id")) if v))
            ctx = _Ctx(tag, words, stack[-1] if stack else None, node)
            stack.append(ctx)
            if ":" in tag or tag in _DROP or _hidden(el):
                walker.skip_subtree()
                ctx.tag = ""  # marks the element as skipped for its end event
                continue
            if tag == "br":
                out.flush()
            elif tag == "img":
                alt = " ".join((el.get("alt") or "").split())
                if alt:
                    out.own_line(alt, ctx)
            elif tag in _BLOCK:
                out.flush()
                if tag == "li":
                    out.add(BULLET, ctx, marker=True)
                    out.marker_ctx = ctx
            if el.text:
                out.add(el.text, ctx)
            continue
        ctx = stack.pop()
        if ctx.tag in _BLOCK:
            out.flush()
        elif ctx.tag in _CELL:
            out.add(" ", ctx)
        if el.tail:
            out.add(el.tail, stack[-1] if stack else ctx)


# -- the main content candidate ------------------------------------------------------------------------------


def text_score(line: str, link_density: float) -> float:
    """How much a line reads like article text: positive for running prose, negative for links and chrome.

    Long lines with punctuation and many function words score their length; short lines score little;
    lines that are mostly links score minus their length (the jusText and trafilatura idea).

    >>> text_score("Sáng nay, ông Nam cho biết gia đình đã chuẩn bị từ sớm và sẽ về quê ăn Tết.", 0.0) > 0
    True
    >>> text_score("Xã hội", 1.0) < 0
    True
    """
    words = line.split()
    n = len(words)
    chars = len(line)
    if link_density > 0.5:
        return -float(chars)
    if n == 0:
        return 0.0
    function = sum(1 for w in words if w.strip(".,;:!?\"“”()").lower() in FUNCTION_WORDS) / n
    punctuated = line.rstrip()[-1:] in _SENTENCE_END or any(p in line for p in ".,;")
    if n >= 12 and function >= 0.15 and punctuated:
        return chars * (1 - link_density)
    if n >= 25 and function >= 0.1:
        return chars * 0.5 * (1 - link_density)
    return -chars * 0.25 if n < 8 else 0.0


def _main_candidate(out: _Lines) -> _Ctx | None:
    """The element that holds the story: each line's score counts for the elements around it, fully for
    the nearest and less for each level up (the readability idea), so a container of many good paragraphs
    wins over a single long notice and over the whole page, whose chrome pulls it down."""
    totals: dict[int, float] = {}
    by_node: dict[int, _Ctx] = {}
    for line, ctx, ld in zip(out.lines, out.ctxs, out.links, strict=True):
        s = text_score(line, ld)
        if s > 0 and (not _NOT_MAIN_TAGS.isdisjoint(ctx.tags) or not _NOT_MAIN_WORDS.isdisjoint(ctx.words)):
            # Readers' comments and teaser boxes are prose too; they must not become the main content.
            s = -s
        if not s:
            continue
        c: _Ctx | None = ctx.parent
        level = 1
        while c is not None and level <= _LEVELS:
            totals[c.node] = totals.get(c.node, 0.0) + s / level
            by_node[c.node] = c
            c = c.parent
            level += 1
    if not totals:
        return None
    best = max(totals, key=lambda k: (totals[k], -by_node[k].depth))
    return by_node[best] if totals[best] > 0 else None


def _extend_to_title(out: _Lines, inside: list[bool]) -> None:
    """The article's title and what lies between it and the text (date, sapo) belong to the main content
    too: templates often put them in a header block beside the body's element. The nearest ``<h1>`` above
    the first main line, at most ``_TITLE_REACH`` lines up, starts the main content."""
    if True not in inside:
        return
    first = inside.index(True)
    for i in range(first - 1, max(-1, first - 1 - _TITLE_REACH), -1):
        if "h1" in out.ctxs[i].tags:
            for j in range(i, first):
                inside[j] = True
            return


def _within(ctx: _Ctx, main: _Ctx) -> bool:
    c: _Ctx | None = ctx
    while c is not None and c.depth >= main.depth:
        if c is main:
            return True
        c = c.parent
    return False

