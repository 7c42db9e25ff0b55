"""PySpark: clean a DataFrame's text column, with the rule set compiled once per Python worker.

Needs the ``spark`` extra (from a clone, ``pip install '.[spark]'``: pyspark, pandas < 3, pyarrow).
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterator
from typing import Any

from cleaner.guard import DEFAULT_MAX_REMOVED, held_back
from cleaner.loader import as_rules
from cleaner.rules import RuleSet

#: Rule sets already unpickled (and so compiled) in this Python worker, by a digest of their definitions.
_COMPILED: dict[str, RuleSet] = {}


#: The column ``clean_column`` adds by default: why the guard held a row's cleaning back, or null.
GUARD_COLUMN = "guard"


def clean_column(df: Any, column: str, rules: RuleSet | str | tuple[str, ...] = "vn-news", *,
                 output_column: str | None = None, html: bool = False,
                 max_removed: float | None = DEFAULT_MAX_REMOVED, force: bool = False,
                 guard_column: str | None = GUARD_COLUMN) -> Any:
    """Return ``df`` with ``column`` cleaned into ``output_column`` (default: ``column`` itself, replaced).

    With ``html=True`` the column holds saved HTML pages and the output is each page's clean text.

    ``rules`` is a ``RuleSet``, a shipped set name, a rule file path, or a tuple of them. Names and paths
    are loaded here, on the driver; the rule definitions then travel with the job, so executors need no
    rule files. Each Python worker compiles the set once and reuses it for every partition it cleans.
    Null values stay null. Runs as ``mapInPandas`` (Arrow batches), so Spark never calls Python per row.

    The guard protects rows as it protects files (``cleaner.guard``): a row whose cleaning would empty its
    text or remove more than ``max_removed`` of it keeps its text unchanged, and ``guard_column`` (null for
    the other rows) says why, so the rows held back can be counted:
    ``out.where(out.guard.isNotNull()).count()``. ``force=True`` cleans every row; ``guard_column=None``
    leaves the column out.

    >>> clean_column(spark.read.json("corpus.jsonl"), "text", output_column="clean")  # doctest: +SKIP
    """
    from pyspark.sql.types import StringType, StructField, StructType

    if column not in df.columns:
        raise ValueError(f"no column '{column}' in the DataFrame (columns: {', '.join(df.columns)}); "
                         "pass the name of the text column")
    if not isinstance(df.schema[column].dataType, StringType):
        raise ValueError(f"column '{column}' holds {df.schema[column].dataType.simpleString()}, not strings; "
                         "cast it (df.withColumn(name, df[name].cast('string'))) or choose the text column")
    out = output_column or column
    if guard_column is not None and guard_column in (out, column):
        raise ValueError(f"guard_column '{guard_column}' is the text column; give the guard's column another "
                         "name, or guard_column=None")
    rule_set = as_rules(rules)
    payload = pickle.dumps(rule_set)
    key = hashlib.sha256(payload).hexdigest()
    if out in df.columns:
        fields = [StructField(out, StringType(), True) if f.name == out else f for f in df.schema.fields]
    else:
        fields = [*df.schema.fields, StructField(out, StringType(), True)]
    if guard_column is not None:
        guard_field = StructField(guard_column, StringType(), True)
        fields = [*(f for f in fields if f.name != guard_column), guard_field]

    def clean_batches(batches: Iterator[Any]) -> Iterator[Any]:
        import pandas as pd

        rs = _worker_rules(key, payload)
        for pdf in batches:
            clean = rs.clean_html if html else rs.clean
            values: list[str | None] = []
            reasons: list[str | None] = []
            for v in pdf[column]:
                cleaned = clean(v) if isinstance(v, str) else None
                limit = None if html else max_removed
                reason = None if force or cleaned is None else held_back(v, cleaned, limit)
                values.append(v if reason else cleaned)
                reasons.append(reason)
            pdf[out] = pd.Series(values, index=pdf.index, dtype=object)
            if guard_column is not None:
                pdf = pdf.drop(columns=[guard_column], errors="ignore")
                pdf[guard_column] = pd.Series(reasons, index=pdf.index, dtype=object)
            yield pdf

    return df.mapInPandas(clean_batches, StructType(fields))


def _worker_rules(key: str, payload: bytes) -> RuleSet:
    """The rule set for this digest, unpickled and compiled once per worker process."""
    rs = _COMPILED.get(key)
    if rs is None:
        rs = _COMPILED[key] = pickle.loads(payload)
    return rs
