"""Vietnamese normalization: Unicode, tone placement, mojibake, legacy encodings, look-alikes, spaces.

Every option is documented on :class:`NormalizeOptions`; docs/normalization.md explains each fix.
"""

from __future__ import annotations

from functools import lru_cache

from .ascii import fold_ascii
from .normalizer import Normalizer
from .options import LEGACY_MODES, TONE_STYLES, NormalizeOptions

__all__ = ["LEGACY_MODES", "TONE_STYLES", "NormalizeOptions", "Normalizer", "fold_ascii", "normalize"]


@lru_cache(maxsize=32)
def _normalizer(options: NormalizeOptions) -> Normalizer:
    return Normalizer(options)


def normalize(text: str, **options: object) -> str:
    """Normalize one text with the given options (see :class:`NormalizeOptions`).

    The compiled ``Normalizer`` is cached per set of options, so repeated calls are cheap.

    >>> normalize("Thuỷ lợi Hoà Bình")
    'Thủy lợi Hòa Bình'
    >>> normalize("Thủy lợi", tone_style="new")
    'Thuỷ lợi'
    """
    return _normalizer(NormalizeOptions.from_mapping(options)).apply(text)
