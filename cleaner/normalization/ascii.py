"""ASCII folding for search keys and slugs, through unidecode (GPL-2.0-or-later, imported only here)."""

from __future__ import annotations


def fold_ascii(text: str) -> str:
    """Fold Vietnamese (and other) letters to ASCII: ``Đảm bảo`` → ``Dam bao``.

    unidecode is imported inside this function so that the rest of the package, which is
    MIT-licensed, never loads GPL code unless a caller asks for ASCII output.

    >>> fold_ascii("Đảm bảo chất lượng")
    'Dam bao chat luong'
    """
    from unidecode import unidecode

    if text.isascii():
        return text
    # unidecode spells some symbols with a newline-free but multi-character replacement;
    # line breaks are ASCII and pass through untouched, so line numbers stay valid.
    return unidecode(text)
