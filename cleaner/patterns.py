"""What a regex's syntax says about its cost: anchored at the start, or able to backtrack without end.

Both answers are conservative: when the source is not plainly one shape, the safe answer is given
(not anchored: search every position; may backtrack: run with the timeout).
"""

from __future__ import annotations

from collections.abc import Iterator

#: A bounded repeat ``{n,m}`` of a group of alternatives up to this many times is not counted as nesting.
_SMALL_REPEAT = 8
#: This many unbounded wildcards (``.*``, ``.+``) in one pattern make a failing search polynomial in the
#: line's length (``.*a`` six times: a second on 3,000 characters, more with each one added).
_MANY_WILDCARDS = 3
#: Repeat counts may make the compiled pattern at most this many units larger than its source: regex
#: compiles ``(?:a{65535}){65535}`` into gigabytes; ``(?:a{1000}){100}`` takes a tenth of a second.
MAX_EXPANSION = 200_000
#: Longest pattern source accepted, in characters (a literal list of thousands of lines fits).
MAX_PATTERN_CHARS = 1_000_000


def _tokens(src: str, start: int = 0) -> Iterator[tuple[int, str]]:
    """``(index, char)`` of each character outside escapes and character classes, from ``start``.

    A character class left open ends the walk with ``(-1, "")``.
    """
    j = start
    while j < len(src):
        c = src[j]
        if c == "\\":
            j += 2
            continue
        if c == "[":
            end = _class_end(src, j)
            if end < 0:
                yield -1, ""
                return
            j = end + 1
            continue
        yield j, c
        j += 1


def _close(src: str, i: int) -> int:
    """Index of the ``)`` closing the group that opens at ``src[i]``, or -1."""
    depth = 0
    for j, c in _tokens(src, i):
        if j < 0:
            return -1
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return j
    return -1


def _branches(src: str) -> list[str] | None:
    """The top-level alternatives of ``src``, or None when its brackets do not balance."""
    out, depth, start = [], 0, 0
    for j, c in _tokens(src):
        if j < 0:
            return None
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth < 0:
                return None
        elif c == "|" and depth == 0:
            out.append(src[start:j])
            start = j + 1
    if depth != 0:
        return None
    out.append(src[start:])
    return out


def anchored_at_start(src: str) -> bool:
    """Every match must start at position 0 (each top-level branch starts with ``^`` or ``\\A``).

    With such a pattern ``match`` finds what ``search`` finds, without trying every later position.

    >>> anchored_at_start(r"^\\s*(?:a|b)"), anchored_at_start(r"(?:^a|^b)c"), anchored_at_start(r"^a|b")
    (True, True, False)
    """
    branches = _branches(src)
    if not branches:
        return False
    for b in branches:
        if b.startswith(("^", "\\A")):
            continue
        if b.startswith("(?:") or (b.startswith("(") and not b.startswith("(?")):
            end = _close(b, 0)
            if end < 0 or b[end + 1:end + 2] in ("*", "?", "{"):
                return False  # an optional leading group may be skipped
            inner = b[3:end] if b.startswith("(?:") else b[1:end]
            if anchored_at_start(inner):
                continue
        return False
    return True


def may_backtrack(src: str) -> bool:
    """A repeated group holds a repeat or an alternation (``(a+)+``, ``(a|aa)*``): matching may explode.

    >>> may_backtrack(r"(a+)+$"), may_backtrack(r"(?:x|xx)*y"), may_backtrack(r"^\\s*[•·]\\s*\\S")
    (True, True, False)
    """
    wildcards = 0
    for j, c in _tokens(src):
        if j < 0:
            return True
        if c == "(":
            end = _close(src, j)
            if end < 0:
                return True
            body = src[j + 1:end]
            if _repeated(src, end + 1) and (_has_repeat(body) or len(_branches(body) or [""]) > 1):
                return True
            # Any count from 2 up of a group holding a repeat multiplies the ways to split a line:
            # ``(.*a){3}x`` runs for minutes on 3,000 a's.
            if src[end + 1:end + 2] == "{" and (_count(src, end + 1) or 0) >= 2 and _has_repeat(body):
                return True
        elif c == "." and src[j + 1:j + 2] in ("*", "+"):
            wildcards += 1
            if wildcards >= _MANY_WILDCARDS:
                return True
    return False


def size_problem(src: str) -> str | None:
    """Why compiling ``src`` could take unbounded memory or time (huge repeat counts), or ``None``.

    >>> size_problem(r"^\\d{1,3}\\.\\s"), size_problem("(?:a{65535}){65535}")[:30]
    (None, 'its repeat counts expand it to')
    """
    if len(src) > MAX_PATTERN_CHARS:
        return f"it is {len(src):,} characters long (the limit is {MAX_PATTERN_CHARS:,})"
    size = expanded_size(src)
    if size - len(src) > MAX_EXPANSION:
        return (f"its repeat counts expand it to {size:,} units (the limit is {MAX_EXPANSION:,} more than "
                "its length); use * or + instead of a large {n}, or smaller counts")
    return None


def expanded_size(src: str) -> int:
    """An upper bound of the pattern's size once counted repeats (``{n}``, ``{n,m}``) are written out."""
    stack = [[0, 0]]  # per open group: [size so far, size of the last atom]
    nxt = 0  # index after the previous token: a gap is an escape or a class, one atom
    for j, c in _tokens(src):
        if j < 0:
            break
        if j < nxt:
            continue  # inside a {n,m} already read
        if j > nxt:
            stack[-1][0] += 1
            stack[-1][1] = 1
        nxt = j + 1
        if c == "(":
            stack.append([0, 0])
        elif c == ")" and len(stack) > 1:
            inner = stack.pop()[0]
            stack[-1][0] += inner
            stack[-1][1] = inner
        elif c == "{" and (n := _count(src, j)) is not None:
            stack[-1][0] += stack[-1][1] * (n - 1) if n else -stack[-1][1]
            stack[-1][1] *= n
            nxt = src.find("}", j) + 1
        elif c not in "*+?|)":
            stack[-1][0] += 1
            stack[-1][1] = 1
    if nxt < len(src):
        stack[-1][0] += 1
    return sum(frame[0] for frame in stack)


def _count(src: str, k: int) -> int | None:
    """The largest count of the quantifier ``{n}``, ``{n,m}`` or ``{n,}`` at ``src[k]``; None: a brace."""
    end = src.find("}", k)
    if end < 0:
        return None
    parts = [p.strip() for p in src[k + 1:end].split(",")]
    if len(parts) > 2 or not all(p.isdigit() or p == "" for p in parts) or not any(parts):
        return None
    return max(int(p) for p in parts if p)


def _class_end(src: str, j: int) -> int:
    k = j + 1
    if src[k:k + 1] == "^":
        k += 1
    if src[k:k + 1] == "]":
        k += 1
    while k < len(src):
        if src[k] == "\\":
            k += 2
            continue
        if src[k] == "]":
            return k
        k += 1
    return -1


def _repeated(src: str, k: int) -> bool:
    """The group ending before ``src[k]`` is repeated more than a few times."""
    q = src[k:k + 1]
    if q in ("*", "+"):
        return True
    if q == "{":
        end = src.find("}", k)
        if end < 0:
            return False
        parts = src[k + 1:end].split(",")
        if len(parts) == 2 and not parts[1].strip():
            return True  # {n,}
        try:
            return int(parts[-1]) > _SMALL_REPEAT
        except ValueError:
            return True
    return False


def _has_repeat(body: str) -> bool:
    for j, c in _tokens(body):
        if j < 0 or c in "*+" or (c == "{" and _repeated(body, j)):
            return True
    return False
