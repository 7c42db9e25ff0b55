"""Read rule files: safe YAML with line numbers, one-line validation errors, ``extends:``, shipped sets."""

from __future__ import annotations

import difflib
import os
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import regex
import yaml

from cleaner.errors import InputError, RuleError
from cleaner.files import read_bytes
from cleaner.normalization import NormalizeOptions
from cleaner.rule import RULE_KEYS, Rule
from cleaner.rule import suggest as _suggest
from cleaner.rules import DEFAULT_TIMEOUT, RuleSet

#: Keys a rule file may have at its top level.
FILE_KEYS = ("name", "description", "extends", "skip", "normalize", "rules")
__all__ = ["FILE_KEYS", "RULE_KEYS", "as_rules", "load_rules", "resolve", "shipped_names"]
#: Limits that keep a hostile rule file from exhausting the stack or the memory while it is read: YAML
#: nesting (a rule file needs five levels), nodes that aliases may add (``&a [*b, *b, ...]`` "billion
#: laughs": a 500-byte file that expands to gigabytes), and the length of an ``extends`` chain.
MAX_YAML_DEPTH = 64
MAX_ALIAS_NODES = 10_000
MAX_EXTENDS_DEPTH = 32
#: A plain YAML scalar that YAML 1.2 reads as a number (``1e3``, ``0x1F``, ``.5``), whatever PyYAML says.
_NUMBER = regex.compile(r"[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?"
                        r"|0x[0-9a-fA-F]+|0o[0-7]+")


def shipped_dirs() -> list[Path]:
    """Where shipped rule sets are looked up: inside the installed package, then ``rules/`` of a checkout."""
    here = Path(__file__).resolve().parent
    return [d for d in (here / "_rules", here.parent / "rules") if d.is_dir()]


def shipped_names() -> list[str]:
    """Names of the rule sets that ship with the package (``vn-news``...)."""
    names = {p.stem for d in shipped_dirs() for p in d.glob("*.yaml")}
    return sorted(names)


def resolve(name_or_path: str | os.PathLike[str], base: Path | None = None) -> Path:
    """A shipped set's name or a path (relative to ``base`` when given) -> the YAML file to read."""
    text = os.fspath(name_or_path)
    looks_like_path = os.sep in text or "/" in text or text.endswith((".yaml", ".yml"))
    if looks_like_path:
        p = Path(text).expanduser()
        if not p.is_absolute() and base is not None:
            p = base / p
        if not p.is_file():
            raise RuleError(f"rule file '{text}' not found; give a path to a YAML rule file or the name of a "
                            f"shipped set ({', '.join(shipped_names()) or 'none found'})")
        return p
    for d in shipped_dirs():
        for ext in (".yaml", ".yml"):
            if (d / (text + ext)).is_file():
                return d / (text + ext)
    if Path(text).is_file():
        return Path(text)
    near = difflib.get_close_matches(text, shipped_names(), n=1)
    hint = f" (did you mean '{near[0]}'?)" if near else ""
    raise RuleError(f"unknown rule set '{text}'{hint}; shipped sets: {', '.join(shipped_names())}; "
                    "or give a path to a YAML file")


# -- YAML with line numbers ------------------------------------------------------------------------------


class _Map(dict[Any, Any]):
    """A YAML mapping that remembers the line of itself and of each key."""

    line: int = 0
    key_lines: dict[str, int]
    numbers: set[Any]  # keys whose value is a plain scalar that reads as a number


class _Refused(yaml.MarkedYAMLError):
    """What the loader's own bounds refuse (depth, aliases, complex keys): the message says the remedy."""


class _Loader(yaml.SafeLoader):
    """SafeLoader (no object construction) that records line numbers and refuses duplicate keys.

    It also bounds what a file can make it do: nesting deeper than ``MAX_YAML_DEPTH``, aliases that
    would add more than ``MAX_ALIAS_NODES`` nodes, and an alias to the node it stands in are errors.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._alias_nodes = 0
        self._sizes: dict[int, int] = {}  # id(node) -> nodes in its subtree, aliases expanded

    def compose_node(self, parent: Any, index: Any) -> Any:
        mark = self.peek_event().start_mark
        if self.check_event(yaml.AliasEvent):
            node = super().compose_node(parent, index)
            size = self._sizes.get(id(node))
            if size is None:
                raise _Refused(None, None, "an alias refers to the list or mapping it is inside; remove the "
                               "alias", mark)
            self._alias_nodes += size
            if self._alias_nodes > MAX_ALIAS_NODES:
                raise _Refused(
                    None, None, f"aliases expand to more than {MAX_ALIAS_NODES:,} values; write the values "
                    "out instead of repeating aliases", mark)
            return node
        self._depth += 1
        if self._depth > MAX_YAML_DEPTH:
            raise _Refused(
                None, None, f"nested more than {MAX_YAML_DEPTH} levels deep; a rule file needs a few", mark)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        children = node.value if node is not None and isinstance(node.value, list) else []
        size = 1  # an alias child counts with its whole anchored subtree
        for child in children:
            for sub in (child if isinstance(child, tuple) else (child,)):
                size += self._sizes.get(id(sub), 1) if sub is not None else 0
        self._sizes[id(node)] = size
        return node


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> _Map:
    m = _Map()
    m.line = node.start_mark.line + 1
    m.key_lines = {}
    m.numbers = set()
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise _Refused(
                None, None, "a key must be plain text, not a list or a mapping", key_node.start_mark)
        key = loader.construct_object(key_node, deep=True)
        if key in m:
            raise yaml.constructor.ConstructorError(
                None, None, f"key '{key}' appears twice in one mapping; keep one", key_node.start_mark)
        m[key] = loader.construct_object(value_node, deep=True)
        m.key_lines[key] = key_node.start_mark.line + 1
        if isinstance(value_node, yaml.ScalarNode) and value_node.style is None \
                and _NUMBER.fullmatch(value_node.value):
            m.numbers.add(key)  # plain 1e3 is text to PyYAML but a number to YAML 1.2 and most tools
    return m


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)


#: Plain words for the YAML parser's messages, which speak of tokens (``expected <block end>, but found
#: '?'``); matched on the start of the parser's ``problem`` text.
_YAML_HINTS = (
    ("expected <block end>", "a line is indented differently from the lines around it, or a key lacks its "
                             "':'; line up each rule's keys under its 'id'"),
    ("found character '\\t'", "a tab is used for indentation; indent with spaces only"),
    ("mapping values are not allowed here", "a value holds ': ' (a colon and a space); put the value in "
                                            "single quotes"),
    ("found unknown escape character", "a double-quoted value holds a backslash; put patterns in single "
                                       "quotes"),
    ("found unexpected end of stream", "a quote is opened and never closed; close it"),
    ("could not find expected ':'", "a key lacks its ':', or a quote is not closed"),
    ("found undefined alias", "a value starts with '*'; put it in single quotes"),
    ("expected alphabetic or numeric character", "a value starts with '*' or '&'; put it in single quotes"),
    ("found character '@'", "a value starts with '@'; put it in single quotes"),
    ("found character '`'", "a value starts with '`'; put it in single quotes"),
)


def _yaml_hint(problem: str) -> str:
    """What a YAML parser's problem usually means, in plain words (or ``""`` when unknown)."""
    for start, hint in _YAML_HINTS:
        if problem.startswith(start):
            return hint
    return ""


def _read_yaml(path: Path, shown: str | None = None) -> Any:
    """Parse a rule file; errors name it as ``shown`` (the path as the user gave it, or a short form)."""
    name = shown or str(path)
    try:
        # The reader of input files: a rule file that never ends (/proc/kmsg) is an error, not a wait.
        data = read_bytes(path)
    except InputError as exc:
        raise RuleError(f"cannot read rule file: {str(exc).removeprefix(f'{path}: ')}",
                        source=name) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RuleError(f"rule file is not UTF-8 (byte {exc.start}); save it as UTF-8",
                        source=name) from None
    try:
        return yaml.load(text, Loader=_Loader)  # _Loader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = exc.problem or str(exc)
        if exc.context and exc.context_mark and exc.context_mark.line + 1 != line:
            # "found unexpected end of stream" is reported at the end: say where the quote was opened
            what += f" ({exc.context} started at line {exc.context_mark.line + 1})"
        if isinstance(exc, _Refused):
            raise RuleError(f"malformed YAML: {what}", source=name, line=line) from None
        remedy = _yaml_hint(exc.problem or "") or ("check indentation and quoting (patterns with "
                                                    "backslashes are safest in single quotes)")
        raise RuleError(f"malformed YAML: {what}; {remedy}", source=name, line=line) from None
    except yaml.YAMLError as exc:
        raise RuleError(f"malformed YAML: {exc}", source=name) from None
    except RecursionError:
        raise RuleError(f"malformed YAML: nested more than {MAX_YAML_DEPTH} levels deep",
                        source=name) from None


# -- validation -------------------------------------------------------------------------------------------


def _nfc(value: Any) -> Any:
    """NFC-normalize every string inside a YAML value: a file saved on macOS may hold NFD text."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    if isinstance(value, dict):
        return {k: _nfc(v) for k, v in value.items()}
    return value


def _parse_rule(raw: Any, source: str, index: int, require_examples: bool) -> Rule:
    line = getattr(raw, "line", 0)
    if not isinstance(raw, dict):
        raise RuleError(f"rule #{index + 1} must be a mapping with at least id, why and pattern",
                        source=source, line=line or None)
    return Rule.from_mapping(raw, source, line, require_examples=require_examples)


class _Acc:
    """What loading accumulates: rules in order and the normalize options set so far."""

    def __init__(self) -> None:
        self.rules: list[Rule] = []
        self.normalize: dict[str, Any] = {}
        self.names: list[str] = []
        # Files read so far, by resolved path: `--rules vn-news --rules my-site.yaml` where my-site.yaml
        # `extends: vn-news` names vn-news twice, and reading it again would clash with its own ids.
        self.loaded: set[Path] = set()


def _load_file(path: Path, acc: _Acc, stack: tuple[Path, ...]) -> None:
    path = path.resolve()
    source = _display(path)
    if path in stack:
        chain = " -> ".join(_display(p) for p in (*stack, path))
        raise RuleError(f"'extends' loops back on itself ({chain}); remove one of the links", source=source)
    if len(stack) >= MAX_EXTENDS_DEPTH:
        raise RuleError(f"'extends' chains more than {MAX_EXTENDS_DEPTH} files deep (from "
                        f"{_display(stack[0])}); extend fewer files in turn", source=source)
    if path in acc.loaded:
        return  # each file once, where it was first named
    acc.loaded.add(path)
    data = _read_yaml(path, source)
    if data is None:
        data = _Map()
        data.key_lines = {}
    if not isinstance(data, dict):
        raise RuleError("a rule file is a mapping with a 'rules' list (see the README, 'Writing a rule')",
                        source=source, line=1)
    key_lines: dict[str, int] = getattr(data, "key_lines", {})
    for key in data:
        if key not in FILE_KEYS:
            raise RuleError(f"unknown top-level key '{key}'{_suggest(key, FILE_KEYS)}",
                            source=source, line=key_lines.get(key))
    extends = data.get("extends") or []
    if isinstance(extends, str):
        extends = [extends]
    for parent in extends:
        if not isinstance(parent, str):
            raise RuleError("'extends' takes a rule set name or a path, or a list of them", source=source,
                            line=key_lines.get("extends"))
        try:
            parent_path = resolve(parent, base=path.parent)
        except RuleError as exc:  # say which file's `extends:` names it, and on which line
            raise RuleError(f"extends: {exc.detail}", source=source, line=key_lines.get("extends")) from None
        _load_file(parent_path, acc, (*stack, path))
    skip = _nfc(data.get("skip") or [])
    if isinstance(skip, str):
        skip = [skip]
    known = [r.id for r in acc.rules]
    for rid in skip:
        if rid not in known:
            raise RuleError(f"'skip' names unknown rule '{rid}'{_suggest(rid, known) if known else ''}",
                            source=source, line=key_lines.get("skip"))
    acc.rules = [r for r in acc.rules if r.id not in set(skip)]
    norm = _nfc(data.get("normalize") or {})
    if not isinstance(norm, dict):
        raise RuleError("'normalize' must be a mapping of options (see docs/normalization.md)", source=source,
                        line=key_lines.get("normalize"))
    try:
        NormalizeOptions.from_mapping({**acc.normalize, **norm})
    except ValueError as exc:
        raise RuleError(f"normalize: {exc}", source=source, line=key_lines.get("normalize")) from None
    acc.normalize.update(norm)
    rules_raw = data.get("rules") or []
    if not isinstance(rules_raw, list):
        raise RuleError("'rules' must be a list of rules, each starting with '- id:'", source=source,
                        line=key_lines.get("rules"))
    shipped = any(_is_within(path, d) for d in shipped_dirs())
    seen = {r.id: r for r in acc.rules}
    for n, item in enumerate(rules_raw):
        if isinstance(item, dict):
            item_nfc = _Map(_nfc(dict(item)))
            item_nfc.line = getattr(item, "line", 0)
            item_nfc.key_lines = getattr(item, "key_lines", {})
            item_nfc.numbers = getattr(item, "numbers", set())
            item = item_nfc
        rule = _parse_rule(item, source, n, require_examples=shipped)
        if rule.id in seen:
            prev = seen[rule.id]
            raise RuleError(f"id '{rule.id}' is already used at {prev.where}; pick another id, or put it "
                            "in 'skip:' to replace the earlier rule",
                            source=source, line=rule.line, rule=rule.id)
        seen[rule.id] = rule
        acc.rules.append(rule)
    acc.names.append(str(data.get("name") or path.stem))


def _is_within(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def _display(path: Path) -> str:
    """A short name for messages: relative to the working directory when below it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def iter_sources(*names_or_paths: str | os.PathLike[str]) -> Iterator[Path]:
    """The files ``load_rules`` would read first for each argument (no ``extends`` expansion)."""
    for n in names_or_paths:
        yield resolve(n)


def load_rules(*names_or_paths: str | os.PathLike[str], skip: tuple[str, ...] | list[str] = (),
               timeout: float | None = DEFAULT_TIMEOUT, **normalize: Any) -> RuleSet:
    """Load and validate rule sets by shipped name (``"vn-news"``) or YAML path; several combine in order.

    ``skip`` switches rules off by id; keyword arguments override the files' ``normalize:`` options
    (``tone_style="new"``...). ``timeout`` is how many seconds one pattern may run on one line before
    cleaning that document fails with ``RuleTimeout`` (``None``: no limit).
    Raises ``RuleError`` with the file, line, rule id and a remedy.

    >>> rs = load_rules("vn-news")
    >>> rs.clean("icon facebook\\nHà Nội mưa to.\\n")
    'Hà Nội mưa to.\\n'
    """
    if not names_or_paths:
        names_or_paths = ("vn-news",)
    acc = _Acc()
    for item in names_or_paths:
        _load_file(resolve(item), acc, ())
    options = NormalizeOptions.from_mapping(acc.normalize)
    if normalize:
        import dataclasses

        try:
            options = dataclasses.replace(options, **normalize)
            NormalizeOptions.from_mapping(dataclasses.asdict(options))
        except (TypeError, ValueError) as exc:
            raise RuleError(f"normalize option: {exc}") from None
    rs = RuleSet(acc.rules, normalize=options, name="+".join(acc.names), timeout=timeout)
    return rs.without(*skip) if skip else rs


def as_rules(rules: RuleSet | str | os.PathLike[str] | tuple[str, ...] | list[str]) -> RuleSet:
    """A ``RuleSet`` as given, or loaded from shipped set names and rule file paths (several combine in
    order): how the library's entry points (``clean_jsonl``, ``clean_column``) accept either.

    >>> as_rules(("vn-news",)).rules == as_rules("vn-news").rules
    True
    """
    if isinstance(rules, RuleSet):
        return rules
    if isinstance(rules, (str, os.PathLike)):
        return load_rules(rules)
    return load_rules(*rules)
