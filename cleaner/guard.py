"""The guard: whether a cleaned text must not replace its input; one decision for files, records, Spark rows.

Every writer asks ``held_back(before, after, max_removed)``; changing what counts as "cleaning ate the
document" happens here and nowhere else.
"""

from __future__ import annotations

#: ``--max-removed`` is off by default: a full saved page can lose 98% of its lines to menus, related
#: lists and footers and still be cleaned right (24h: 462 lines, 9 of them the article). What the guard
#: looks at instead is what is left: an empty text, or no paragraph left of a text that had some. A share
#: can still be asked for (``--max-removed 0.9``): a file whose cleaning removes more of its characters is
#: then held back too.
DEFAULT_MAX_REMOVED: float | None = None


def _has_paragraph(text: str) -> bool:
    from cleaner.structure import shape_of

    return any(shape_of(line).paragraph for line in text.splitlines() if len(line) > 30)


def held_back(before: str, after: str, max_removed: float | None = DEFAULT_MAX_REMOVED) -> str | None:
    """Why ``after`` must not replace ``before``, or ``None``: cleaning would empty it, keep none of its
    paragraphs (the body was eaten), or remove more than ``max_removed`` of its characters when that is given.

    Shares count non-space characters, so reflowed blank lines and indentation do not count as text.

    >>> held_back("Tin nóng\\nHà Nội mưa to suốt đêm qua, nhiều tuyến phố ngập sâu.\\n",
    ...           "Hà Nội mưa to suốt đêm qua, nhiều tuyến phố ngập sâu.\\n") is None
    True
    >>> held_back("Tin nóng\\n", "")
    'cleaning would leave it empty'
    >>> held_back("Giá vàng\\nSáng nay, giá vàng SJC tăng 500.000 đồng mỗi lượng so với chiều qua.\\n",
    ...           "Giá vàng\\n")
    'cleaning would keep none of its paragraphs'
    """
    # str.split() splits on exactly what str.isspace() accepts: this counts non-space characters in C.
    n_before = sum(map(len, before.split()))
    if n_before == 0:
        return None
    n_after = sum(map(len, after.split()))
    if n_after == 0:
        return "cleaning would leave it empty"
    # Compared in whole characters, so a share exactly at the limit passes ("more than" the limit is held).
    if max_removed is not None and n_before - n_after > max_removed * n_before:
        share = 1 - n_after / n_before
        return f"cleaning would remove {share:.1%} of its text (limit {max_removed:.0%}, see --max-removed)"
    if not _has_paragraph(after) and _has_paragraph(before):
        return "cleaning would keep none of its paragraphs"
    return None
