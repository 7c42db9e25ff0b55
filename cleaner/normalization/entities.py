"""HTML entities left in extracted text (``Hà&nbsp;Nội``, ``&quot;không&quot;``, ``&#8203;``).

They are decoded, except where the text is about HTML: inside a code span (`` `&amp;` ``) and
in markup shown as an example (``&lt;div&gt;``), which decoding would turn into a tag.  An
``&amp;`` that introduces another entity name (``&amp;nbsp;``) also stays: it writes the
entity itself, and decoding it would leave work for a second pass.
"""

from __future__ import annotations

import html
import re

_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
#: What the pipeline's scan looks for: an ampersand that starts an entity.
ENTITY_START = r"&(?=#?[0-9A-Za-z]+;)"
# Stretches whose entities are kept: code spans, and markup written out (&lt;b&gt;, &lt;/p&gt;).
_KEEP = re.compile(r"`[^`\n]*`|&lt;/?[A-Za-z][^&\n]*?&gt;")
_WRITES_ENTITY = re.compile(r"&amp;(?=#?[0-9A-Za-z]+;)")


def _decode(match: re.Match[str]) -> str:
    entity = match.group()
    if entity == "&amp;" and _WRITES_ENTITY.match(match.string, match.start()):
        return entity
    decoded = html.unescape(entity)
    if "\n" in decoded or "\r" in decoded or decoded == "\ufffd":
        return entity  # a line break would shift line numbers; a broken number means nothing
    return decoded


def fix_entities(text: str) -> str:
    """Decode HTML entities outside code spans and written-out markup.

    >>> fix_entities("Hà&nbsp;Nội nói &quot;không&quot;") == 'Hà\\N{NO-BREAK SPACE}Nội nói "không"'
    True
    >>> fix_entities("thẻ &lt;b&gt; in đậm, 5 &lt; 7")
    'thẻ &lt;b&gt; in đậm, 5 < 7'
    """
    if "&" not in text or not _ENTITY.search(text):
        return text
    pieces: list[str] = []
    last = 0
    for keep in _KEEP.finditer(text):
        pieces += [_ENTITY.sub(_decode, text[last : keep.start()]), keep.group()]
        last = keep.end()
    pieces.append(_ENTITY.sub(_decode, text[last:]))
    return "".join(pieces)
