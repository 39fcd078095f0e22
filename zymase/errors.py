"""zymase's exceptions.

Each is also a subclass of the matching built-in (``TypeError``, ``ValueError``,
``NotImplementedError``) so callers that catch the built-in keep working.  Messages follow
Rust's diagnostics: what is wrong, where (parameter name or ``file:line`` with the source line
quoted), what was expected, and how to fix it.
"""
from __future__ import annotations

import linecache
from typing import Optional, Tuple


class ZymaseError(Exception):
    """Base class of every error zymase raises on purpose."""


class ActivityError(ZymaseError, TypeError):
    """An activity annotation does not fit the mode, the argument, or the call."""


class ShadowError(ZymaseError, ValueError):
    """A shadow/tangent argument does not match its primal (shape, dtype, aliasing, writeable)."""


class UnsupportedError(ZymaseError, NotImplementedError):
    """zymase cannot differentiate a construct; it refuses rather than return a wrong result."""


class InternalError(ZymaseError, RuntimeError):
    """zymase itself failed (a bug in zymase, not in the user's code): it names the function and
    what went wrong; the IR is shown only under ``ZYMASE_PRINT`` (``ir-after``)."""


def internal(function: str, what: str, detail: str = "") -> InternalError:
    msg = (f"error: internal error in zymase while differentiating `{function}`: {what}\n"
           f"  = note: this is a bug in zymase, not in your code; please report it with the "
           f"function")
    if detail:
        msg += f"\n  = note: {detail}"
    msg += "\n  = help: ZYMASE_PRINT=ir-before,ir-after shows the IR before and after the transform"
    return InternalError(msg)


class Loc(tuple):
    """An instruction's ``(file, line)`` in the user's code, and ``via``: the functions the
    user's line calls that the instruction was inlined from, innermost first (their own
    code has no line tables: they were compiled by the user)."""

    def __new__(cls, fname: str, line: int, via: Tuple[str, ...] = ()):
        loc = super().__new__(cls, (fname, line))
        loc.via = tuple(via)
        return loc

    def __reduce__(self):
        return (Loc, (self[0], self[1], self.via))


def source_snippet(loc: Optional[Tuple[str, int]]) -> str:
    """`` --> file:line`` plus the quoted source line, Rust style; for a construct inside
    functions that line calls, a note naming the chain of calls."""
    if not loc:
        return ""
    fname, line = loc
    text = linecache.getline(fname, line).rstrip()
    out = f"\n  --> {fname}:{line}"
    if text:
        out += f"\n   |\n{line:>4} | {text}\n   |"
    via = getattr(loc, "via", ())
    if via:
        chain = ", called from ".join(f"`{name}`" for name in via)
        out += f"\n  = note: the construct is inside {chain}, which this line calls"
    return out


def unsupported(what: str, loc=None, help: str = "") -> UnsupportedError:
    msg = f"error: zymase cannot differentiate {what}{source_snippet(loc)}"
    if help:
        msg += f"\n  = help: {help}"
    return UnsupportedError(msg)
