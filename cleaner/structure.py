"""The shape of a news page read from its lines: sentences, headlines, menus, and where the article's body is.

Rules use it through three conditions (``docs/rules.md``): ``shape`` (what a line looks like), ``zone`` (where
it stands relative to the title and the body) and ``run`` (how many lines of the same shape stand together).
Nothing here knows a site: a body is a run of sentence-shaped paragraphs, whatever the page.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

#: The commonest Vietnamese function words. Running text holds many of them (a quarter of its words or more);
#: menus, tag lists and names hold few. This is the stop-word test jusText applies to paragraphs.
FUNCTION_WORDS = frozenset("""
của và là được những các cho với này có trong đã không một người khi đến từ về để theo như cũng thì sẽ đang
lại ra vào đó nhiều tại bị mà nhưng còn hơn rằng sau trên nên vì làm nói ở do nếu cả đều chỉ rất mới vẫn
đây phải hay hoặc tới qua bằng cùng nhau họ tôi chúng ta mình đi nhất vừa thêm trước khác nào gì ai
""".split())

#: What may close a sentence, once closing quotes and brackets are set aside.
_TERMINAL = frozenset(".!?…;:")
_CLOSERS = "\"'”’»)]」』›*"
#: A menu row: short items separated by bars, bullets or wide gaps ("Trang chủ | iHay | Tin nóng").
_MENU_SPLIT = regex.compile(r"\s*[|•·▪►]\s*|\s{3,}| / ")
#: Only a line holding one of those separators can be a menu row: the split runs on those alone.
_MENU_MARK = regex.compile(r"[|•·▪►]|\s{3}| / ")
_WORD = regex.compile(r"[\p{L}\p{N}]+(?:[.'’-][\p{L}\p{N}]+)*")
#: A headline starts like a sentence: a capital, a digit or an opening quote.
_STARTS_LIKE_TITLE = regex.compile(r"^[\s\"'“‘«(\[]*[\p{Lu}\p{N}]")
_NUMBERED = regex.compile(r"^\s*(?:\d{1,2}[.)]|[a-zđ]\))\s")
#: A line of a live report or a results table: a time, a minute, or a score opens or fills it.
_ENTRY = regex.compile(r"^\s*(?:\d{1,2}\s*[:h]\s*\d{2}\b|(?:phút|hiệp|vòng|ngày)\s+\d+\b)"
                       r"|\s\d{1,2}\s*[-–]\s*\d{1,2}(?:\s|$)",
                       regex.IGNORECASE)
#: A closing formula ends a story without a full stop: "Chúc các bạn thành công", "Cảm ơn chị!".
_CLOSING = regex.compile(r"^\s*(?:chúc|xin chúc|cảm ơn|xin cảm ơn|trân trọng|thân ái)\b", regex.IGNORECASE)
#: The bullet a scraper puts in front of a list item or a menu entry.
_BULLET = regex.compile(r"^\s*(?:[•·▪►▸●○■□◦‣⁃\-–+*]|\d{1,2}[.)]|[a-zđ]\))\s")

#: Shapes a rule can ask for with ``shape:``.
SHAPES = ("sentence", "headline", "menu", "short", "not_sentence", "paragraph")
#: Zones a rule can ask for with ``zone:``.
ZONES = ("before_title", "header", "before_body", "after_body", "outside_body", "body", "title", "list",
         "not_list")

#: Body paragraphs have at least this many words; shorter sentences are captions, labels or quotes.
PARAGRAPH_WORDS = 10
#: A paragraph at most this many lines above the body's first paragraph still starts the body.
BODY_GAP = 12
#: The title is the last headline-shaped line at most this many kept lines above the first paragraph
#: (a category or a date line, a share bar may stand between them).
TITLE_REACH = 4


@dataclass(frozen=True, slots=True)
class Shape:
    """What one line looks like, from its text alone."""

    words: int
    sentence: bool  # closed like a sentence, or long running text
    headline: bool  # capitalised, unclosed, 4-25 words
    menu: bool  # many short items on one row
    function_share: float
    bulleted: bool = False  # a list item or menu entry: never the title
    titled: bool = False  # could be the title: a headline, or one typed in capitals
    introduces: bool = False  # ends with a colon: a list or a quote follows
    quoted: bool = False  # ends with a closing quotation mark
    speaker: bool = False  # "Name - role" or "Name, role": who said the quote above
    numbered: bool = False  # "1. ...", "a) ...": a step of a list, not a menu's bullet
    entry: bool = False  # an entry of a timeline, a match report or a results table ("08:30 ...", "2-1")

    @property
    def paragraph(self) -> bool:
        """A body paragraph: a sentence of at least ``PARAGRAPH_WORDS`` words."""
        return self.sentence and self.words >= PARAGRAPH_WORDS

    def is_(self, name: str) -> bool:
        """Whether the line has the shape called ``name`` (one of ``SHAPES``)."""
        if name == "sentence":
            return self.sentence
        if name == "not_sentence":
            return not self.sentence
        if name == "headline":
            return self.headline
        if name == "menu":
            return self.menu
        if name == "short":
            return not self.sentence and not self.menu and self.words < 4
        if name == "paragraph":
            return self.paragraph
        raise ValueError(f"unknown shape {name!r}")


def shape_of(line: str) -> Shape:
    """Classify one line.

    >>> shape_of("Sáng nay, giá vàng tăng mạnh ở mọi thị trường trong nước.").sentence
    True
    >>> shape_of("Giá vàng hôm nay tăng mạnh ở mọi thị trường").headline
    True
    >>> shape_of("Thời sự | Thế giới | Kinh doanh | Giải trí").menu
    True
    """
    text = line.strip()
    bulleted = _BULLET.match(text) is not None
    numbered = bulleted and _NUMBERED.match(text) is not None
    if bulleted:
        text = _BULLET.sub("", text, count=1)
    lowered = text.lower()
    words = _WORD.findall(lowered)
    n = len(words)
    if n == 0:
        return Shape(0, False, False, False, 0.0, bulleted)
    share = sum(map(FUNCTION_WORDS.__contains__, words)) / n
    end = text.rstrip(_CLOSERS + " ")
    last = end[-1:]
    closed = last in _TERMINAL and last != ""
    if closed and last in "?!" and n < 12 and "," not in text:
        closed = False  # "Vì sao giá xăng giảm?": a question is a headline's form as often as a sentence's
    has_lower = text != text.upper()
    # A long line of running text is a paragraph even when the scraper cut its last sentence short; a
    # paragraph typed in capitals is still one. "Trời lạnh." closes a story as well as a long sentence
    # does; a label ("Tags:", "Ảnh:") needs more words.
    short_ok = n >= 2 and has_lower and last in (".", "!", "?", "…")
    sentence = (closed and (n >= 5 or short_ok)) or (n >= 20 and share >= 0.15)
    menu = False
    if n >= 4 and _MENU_MARK.search(text) is not None:
        items = [s for s in _MENU_SPLIT.split(text) if s.strip()]
        counts = [len(_WORD.findall(s)) for s in items]
        menu = len(items) >= 4 and max(counts) <= 4 and sum(counts) >= 4
    titled = False
    if not sentence and not menu and 4 <= n <= 25 and " | " not in text:
        # " | " joins a category to a date, or a title to the site's name: page furniture, not a headline.
        # A headline is mostly words: "Thứ tư, 22/10/2025, 19:25" is a date, whatever its first letter.
        wordy = sum(1 for w in words if not w[0].isdigit()) >= 0.6 * n
        titled = wordy and _STARTS_LIKE_TITLE.match(text) is not None
    # A timeline or a results row is a list of the story, not a headline, whatever its length.
    entry = (numbered or _ENTRY.search(text) is not None) and not sentence
    # A closing formula with no full stop is still how a story ends.
    if not sentence and n >= 2 and has_lower and _CLOSING.match(text) is not None and not bulleted:
        sentence = True
        titled = False
    titled = titled and not entry
    # A line in capitals is a section label ("TIN LIÊN QUAN") as often as a title: only the title search
    # takes it.
    headline = titled and has_lower
    quoted = text.rstrip(" .").endswith(("”", '"', "»"))
    speaker = headline and n <= 20 and (" - " in text or " – " in text or ", " in text)
    return Shape(n, sentence, headline, menu, share, bulleted, titled and not bulleted, last == ":", quoted,
                 speaker, numbered, entry)


def _score(s: Shape) -> float:
    """A line's weight for finding the body: paragraphs count for, chrome against."""
    # A paragraph counts for about as much as a line of chrome counts against, so a comment form or a list
    # of teasers between the article and one more paragraph ends the body instead of joining them.
    if s.paragraph:
        return 1.0 + min(s.words, 80) / 40
    if s.sentence:
        return 0.25
    if s.menu:
        return -2.0
    return -1.0


@dataclass(frozen=True, slots=True)
class Layout:
    """Where the title and the body stand among a document's kept lines (positions in that list)."""

    start: int  # first body line
    end: int  # last body line
    title: int | None  # the headline above the body, when there is one
    listed: frozenset[int] = frozenset()  # lines of a list or a poem that a line ending in ":" introduces

    def zone_of(self, pos: int) -> str:
        """The zone of the kept line at ``pos``: ``title``, ``before_title``, ``header`` (between the title
        and the body), ``body``, ``list`` (a list or poem inside the body that a ``...:`` line introduces)
        or ``after_body``."""
        if self.title is not None and pos == self.title:
            return "title"
        if pos < self.start:
            if self.title is not None and pos < self.title:
                return "before_title"
            return "header"
        if pos > self.end:
            return "after_body"
        return "list" if pos in self.listed else "body"


def in_zone(zone: str, name: str) -> bool:
    """Whether a line in ``zone`` (from ``Layout.zone_of``) belongs to the zone a rule names."""
    if name == zone:
        return True
    if name == "body":
        return zone == "list"  # a list the story introduces is part of its body
    if name == "not_list":
        return zone != "list"
    if name == "before_body":
        return zone in ("before_title", "header")
    if name == "outside_body":
        return zone in ("before_title", "header", "after_body")
    return False


def find_layout(shapes: list[Shape]) -> Layout | None:
    """The body: the stretch of lines where paragraphs outweigh chrome most (a maximum-sum run), and the
    title just above it. ``None`` when the text has no paragraph at all (a list, a menu, a caption).
    """
    listed = _introduced(shapes)
    best, best_lo, best_hi = 0.0, -1, -1
    run, lo = 0.0, 0
    for i, s in enumerate(shapes):
        if run <= 0:
            run, lo = 0.0, i
        # Lines that a "...:" line introduces, and the entries of a timeline or results table, count for
        # nothing either way: the story goes on through them.
        run += 0.0 if i in listed or s.entry else _score(s)
        if run > best:
            best, best_lo, best_hi = run, lo, i
    if best_lo < 0 or not any(s.paragraph for s in shapes[best_lo:best_hi + 1]):
        return None
    # The run starts and ends on its own weight; trim to the paragraphs it holds (a positive short sentence
    # at either end is not yet the body).
    while best_lo < best_hi and not shapes[best_lo].sentence:
        best_lo += 1
    while best_hi > best_lo and not shapes[best_hi].sentence:
        best_hi -= 1
    best_hi = _extend_end(shapes, best_hi, listed)
    # A related box or a share bar often stands between the sapo and the rest of the body: a paragraph a
    # few lines above the run belongs to it.
    pos = best_lo - 1
    while pos >= 0 and best_lo - pos <= BODY_GAP + 1:
        if shapes[pos].paragraph:
            best_lo = pos
        pos -= 1
    title = None
    for pos in range(best_lo - 1, max(-1, best_lo - 1 - TITLE_REACH), -1):
        if shapes[pos].titled:
            title = pos
            break
    return Layout(best_lo, best_hi, title, frozenset(i for i in listed if best_lo <= i <= best_hi))


#: At most this many lines stand in a list or a poem after a line ending in ":".
LIST_LINES = 16
#: A paragraph at most this many lines under the body, past lines that carry no mark of page chrome,
#: still ends the body (the story goes on after a list of short items).
END_GAP = 6
#: The mean length in words of a list's items, at most (related headlines run 12-20 words).
LIST_ITEM_WORDS = 11


def _introduced(shapes: list[Shape]) -> set[int]:
    """Lines that a line ending in ":" introduces: the short, unclosed lines under it (items, verses)."""
    out: set[int] = set()
    for i, s in enumerate(shapes):
        if not s.introduces:
            continue
        j = i + 1
        while j < len(shapes) and j - i <= LIST_LINES and _list_item(shapes[j]):
            out.add(j)
            j += 1
    return out


def _list_item(s: Shape) -> bool:
    """A line that can be an item of a list or a verse: not a menu row, not a paragraph, a few words."""
    return not s.menu and not s.paragraph and (s.bulleted or 3 <= s.words <= 25)


def _soft(s: Shape) -> bool:
    """A line with no mark of page chrome: not a menu row, not a bullet (a number is a step), not a label."""
    return not s.menu and (not s.bulleted or s.numbered) and s.words >= 3


def _extend_end(shapes: list[Shape], hi: int, listed: set[int]) -> int:
    """Carry the body's end past what still belongs to the story (see ``find_layout``)."""
    while True:
        nxt = hi + 1
        if nxt >= len(shapes):
            return hi
        s = shapes[nxt]
        if nxt in listed:  # the list that the last line introduced
            hi = nxt
            continue
        if shapes[hi].quoted and s.speaker:  # a quote that closes the story is signed on the next line
            hi = nxt
            continue
        # A sentence a few lines down, past short items with no mark of chrome (a list, a results table,
        # an intertitle), is the story going on. Related headlines are longer than a list's items: past
        # lines of more than LIST_ITEM_WORDS words on average the body does not go.
        gap = nxt
        while gap < len(shapes) and gap - hi <= END_GAP and not shapes[gap].sentence and _soft(shapes[gap]):
            gap += 1
        items = shapes[nxt:gap]
        if (gap < len(shapes) and gap - hi <= END_GAP + 1 and shapes[gap].sentence
                and not shapes[gap].bulleted
                and (not items or sum(t.words for t in items) <= LIST_ITEM_WORDS * len(items))):
            hi = gap
            continue
        if s.sentence and not s.bulleted and nxt == len(shapes) - 1:
            return nxt
        return hi


def run_lengths(flags: list[bool]) -> list[int]:
    """For each position, the length of the run of ``True`` it stands in (0 where the flag is false).

    >>> run_lengths([True, True, False, True])
    [2, 2, 0, 1]
    """
    out = [0] * len(flags)
    i = 0
    while i < len(flags):
        if not flags[i]:
            i += 1
            continue
        j = i
        while j < len(flags) and flags[j]:
            j += 1
        for k in range(i, j):
            out[k] = j - i
        i = j
    return out
