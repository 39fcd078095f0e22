"""Prototypes of C-ABI functions, written in C or in Rust syntax, as ``llvm_function`` reads them.

An LLVM function's parameter types say only ``ptr``, ``i64`` or ``double``: what memory a
pointer points to, and which integer is its length, is said by the prototype the user gives.
Two spellings are read into the same ``Prototype``:

C (C99 array parameters name their lengths)::

    double energy(const double x[n], long n)        # x: a float64 array, n = len(x)
    void step(double y[n], const double p[3], double h, long n)
    double frob(const double a[m][n], int m, int n) # a: a 2-D array, (m, n) = a.shape
    float mean(const float *x, size_t n)            # * or []: an array of any length

Rust (``&[T; n]`` says the same; ``*const T`` / ``*mut T`` an array of any length)::

    fn energy(x: &[f64; n], n: usize) -> f64
    extern "C" fn frob(a: &[[f64; n]; m], m: usize, n: usize) -> f64
    fn scale(x: *mut f64, n: usize, c: f64)

Rules:

* A parameter of scalar type is passed by value: a float (``double``/``f64``, ``float``/``f32``)
  or an integer (``long``, ``int``, ``size_t``, ``int32_t``, ``i64``, ``usize``, ``bool``, …).
* A pointer or array parameter is a NumPy array of its element type (``double`` → float64,
  ``float`` → float32, ``long`` → int64, …), C-contiguous, with one dimension per ``[..]``.
  A dimension is a parameter name, an integer, or empty (``*``, ``[]``: any length).
* An integer parameter named as a dimension is a *length*: it leaves the Python signature
  and is taken from the array's shape (the first array that names it); every other array
  naming it must agree, else ``ValueError`` at the call.
* ``const`` (C) / ``*const``, ``&`` (Rust) mark memory the function only reads: such a
  parameter accepts a read-only array; any other pointer needs a writeable one.
* The function's name in the prototype is the Python name; the LLVM symbol defaults to it
  (pass ``symbol=`` for a mangled C++ or Rust name).  Structs are described by their memory:
  a ``struct {double a, b;} *p`` is ``double p[2]``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import List, Optional, Tuple, Union

from ..errors import ZymaseError


class SignatureError(ZymaseError, ValueError):
    """A prototype given to ``llvm_function`` is malformed, or does not match the function."""


@dataclass(frozen=True)
class Scalar:
    """A scalar C type: ``kind`` is "float", "int" or "void"; ``bits`` its width."""
    kind: str
    bits: int
    signed: bool = True
    spelling: str = ""

    @property
    def ir(self) -> str:
        if self.kind == "void":
            return "void"
        if self.kind == "float":
            return {32: "float", 64: "double"}[self.bits]
        return f"i{self.bits}"

    @property
    def numpy(self) -> str:
        if self.kind == "float":
            return f"float{self.bits}"
        if self.bits == 1:
            return "bool"
        return f"{'' if self.signed else 'u'}int{self.bits}"

    def __str__(self):
        return self.spelling or self.ir


Dim = Union[str, int, None]


@dataclass
class Param:
    """One C parameter: a scalar (``dims == ()``) or an array of ``type`` with ``dims``."""
    name: str
    type: Scalar
    dims: Tuple[Dim, ...] = ()
    const: bool = False
    index: int = 0

    @property
    def is_array(self) -> bool:
        return bool(self.dims)

    def describe(self) -> str:
        if not self.dims:
            return f"{self.type} {self.name}"
        d = "".join(f"[{'' if x is None else x}]" for x in self.dims)
        return f"{'const ' if self.const else ''}{self.type} {self.name}{d}"


@dataclass
class Prototype:
    name: Optional[str]
    ret: Scalar
    params: List[Param]
    text: str = ""
    lengths: dict = field(default_factory=dict)   # length name → (array param, axis)

    @property
    def python_params(self) -> List[Param]:
        """The parameters of the Python function: every parameter but the lengths."""
        return [p for p in self.params if p.name not in self.lengths]

    def __str__(self):
        return (f"{self.ret} {self.name or ''}("
                + ", ".join(p.describe() for p in self.params) + ")")


# -- scalar types ----------------------------------------------------------------------------
def _int(bits, signed=True):
    return ("int", bits, signed)


_C_TYPES = {
    "double": ("float", 64, True), "float": ("float", 32, True), "void": ("void", 0, True),
    "char": _int(8), "signed char": _int(8), "unsigned char": _int(8, False),
    "short": _int(16), "short int": _int(16), "signed short": _int(16),
    "unsigned short": _int(16, False), "unsigned short int": _int(16, False),
    "int": _int(32), "signed": _int(32), "signed int": _int(32),
    "unsigned": _int(32, False), "unsigned int": _int(32, False),
    "long": _int(64), "long int": _int(64), "signed long": _int(64), "long long": _int(64),
    "long long int": _int(64), "signed long long": _int(64),
    "unsigned long": _int(64, False), "unsigned long int": _int(64, False),
    "unsigned long long": _int(64, False), "unsigned long long int": _int(64, False),
    "bool": _int(1, False), "_Bool": _int(1, False),
    "size_t": _int(64, False), "ssize_t": _int(64), "ptrdiff_t": _int(64),
    "intptr_t": _int(64), "uintptr_t": _int(64, False),
    "int8_t": _int(8), "int16_t": _int(16), "int32_t": _int(32), "int64_t": _int(64),
    "uint8_t": _int(8, False), "uint16_t": _int(16, False), "uint32_t": _int(32, False),
    "uint64_t": _int(64, False),
}
_RUST_TYPES = {
    "f64": ("float", 64, True), "f32": ("float", 32, True), "bool": _int(1, False),
    "i8": _int(8), "i16": _int(16), "i32": _int(32), "i64": _int(64), "isize": _int(64),
    "u8": _int(8, False), "u16": _int(16, False), "u32": _int(32, False),
    "u64": _int(64, False), "usize": _int(64, False), "()": ("void", 0, True),
}
_QUALIFIERS = {"const", "volatile", "restrict", "__restrict", "__restrict__", "static",
               "register", "struct"}


def _scalar(spelling: str, table: dict, text: str) -> Scalar:
    words = spelling.split()
    if "struct" in words or "union" in words or "enum" in words:
        raise SignatureError(
            f"error: `{spelling}` in `{text}`: describe a struct by its memory\n  = help: a "
            f"pointer to a struct of doubles is an array of double, e.g. `double p[3]`")
    key = " ".join(w for w in words if w not in _QUALIFIERS)
    if key == "long double":
        raise SignatureError(f"error: `long double` in `{text}`: x87 extended precision is not "
                             f"supported\n  = help: use double")
    if key not in table:
        known = "double, float, int, long, size_t, int64_t, …" if table is _C_TYPES else \
            "f64, f32, i32, i64, usize, …"
        raise SignatureError(f"error: unknown type `{spelling}` in `{text}`\n  = help: use a "
                             f"scalar type ({known}), a pointer or an array of one")
    kind, bits, signed = table[key]
    return Scalar(kind, bits, signed, key)


_TYPE_WORDS = {w for k in _C_TYPES for w in k.split()}


def _is_name(w: str) -> bool:
    """``w`` is an identifier that is neither a C type word nor a qualifier."""
    return re.fullmatch(r"[A-Za-z_]\w*", w) is not None and w not in _TYPE_WORDS \
        and w not in _QUALIFIERS and w not in ("inline", "extern", "union", "enum")


def _dim(tok: str, text: str) -> Dim:
    tok = re.sub(r"\b(static|const|restrict|__restrict__?)\b", "", tok).strip()
    if tok == "":
        return None
    if re.fullmatch(r"\d+", tok):
        return int(tok)
    if re.fullmatch(r"[A-Za-z_]\w*", tok):
        return tok
    raise SignatureError(f"error: array dimension `[{tok}]` in `{text}` must be a parameter "
                         f"name, an integer or empty")


def _split_params(body: str) -> List[str]:
    out, depth, cur = [], 0, ""
    for ch in body:
        if ch in "([<":
            depth += 1
        elif ch in ")]>":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


# -- C ---------------------------------------------------------------------------------------
def _parse_c_param(s: str, k: int, text: str) -> Param:
    m = re.fullmatch(r"(.*?)((?:\s*\[[^\]]*\])*)\s*", s)
    head, brackets = m.group(1).strip(), m.group(2)
    dims = [_dim(d, text) for d in re.findall(r"\[([^\]]*)\]", brackets)]
    head = head.replace("*", " * ").replace("&", " & ")
    words = head.split()
    name = None
    plain = [w for w in words if w not in ("*", "&")]
    if len(plain) >= 2 and _is_name(plain[-1]):
        name = plain[-1]
        words.remove(name) if words[-1] != name else words.pop()
    stars = words.count("*") + words.count("&")
    # const before the last * qualifies the pointee: `const double *x`, `double const *x`
    const = False
    if stars:
        last = max(i for i, w in enumerate(words) if w in ("*", "&"))
        const = "const" in words[:last]
    base = " ".join(w for w in words if w not in ("*", "&"))
    if stars > 1 or (stars and dims):
        raise SignatureError(f"error: parameter `{s}` in `{text}`: pointers to pointers are "
                             f"not supported\n  = help: pass a flat array and its dimensions, "
                             f"e.g. `double a[m][n]`")
    if stars:
        dims = [None]
    elif dims:
        const = "const" in words
    t = _scalar(base, _C_TYPES, text)
    if t.kind == "void" and not dims:
        raise SignatureError(f"error: parameter `{s}` in `{text}` has type void")
    if t.kind == "void":
        raise SignatureError(f"error: parameter `{s}` in `{text}`: a `void *` says nothing of "
                             f"what it points to\n  = help: give the element type, e.g. "
                             f"`double *{name or 'x'}`")
    return Param(name or f"arg{k}", t, tuple(dims), const, k)


def _parse_c(text: str) -> Prototype:
    s = re.sub(r"/\*.*?\*/|//[^\n]*", " ", text).strip().rstrip(";").strip()
    s = re.sub(r'^extern\s+"C"\s*', "", s)
    m = re.fullmatch(r"(.*?)\((.*)\)\s*", s, re.S)
    if m is None:
        raise SignatureError(f"error: `{text}` is not a prototype\n  = help: write it like "
                             f"`double f(const double x[n], long n)`")
    head, body = m.group(1).strip(), m.group(2).strip()
    hw = head.replace("*", " * ").split()
    if "*" in hw:
        raise SignatureError(f"error: `{text}` returns a pointer\n  = help: return a scalar, "
                             f"or write the result into an array parameter")
    name = None
    if len(hw) >= 2 and _is_name(hw[-1]):
        name = hw.pop()
    for lead in ("static", "inline", "extern"):
        while hw and hw[0] == lead:
            hw.pop(0)
    if not hw:
        raise SignatureError(f"error: `{text}` has no return type")
    ret = _scalar(" ".join(hw), _C_TYPES, text)
    params = []
    if body and body != "void":
        params = [_parse_c_param(p, k, text) for k, p in enumerate(_split_params(body))]
    return Prototype(name, ret, params, text)


# -- Rust ------------------------------------------------------------------------------------
def _rust_type(t: str, text: str, name: str) -> Tuple[Scalar, tuple, bool]:
    """(element type, dims, const) of a Rust parameter type."""
    t = t.strip()
    const = False
    ptr = False
    m = re.fullmatch(r"(\*const|\*mut|&\s*mut|&)\s*(.*)", t)
    if m:
        const = m.group(1) in ("*const", "&")
        ptr = True
        t = m.group(2).strip()
    dims: List[Dim] = []
    while t.startswith("["):
        m = re.fullmatch(r"\[(.*);\s*([^;\]]*)\]", t)
        if m is None:
            if re.fullmatch(r"\[\s*[\w]+\s*\]", t):
                raise SignatureError(f"error: `{name}: {t}` in `{text}` is a slice, which is not "
                                     f"a C-ABI type\n  = help: pass a pointer and a length: "
                                     f"`{name}: &[f64; n], n: usize`")
            raise SignatureError(f"error: cannot read the type `{t}` of `{name}` in `{text}`")
        dims.append(_dim(m.group(2), text))
        t = m.group(1).strip()
    if t.startswith(("*", "&")):
        raise SignatureError(f"error: parameter `{name}` in `{text}`: pointers to pointers are "
                             f"not supported")
    sc = _scalar(t, _RUST_TYPES, text)
    if ptr and not dims:
        dims = [None]
    elif dims and not ptr:
        raise SignatureError(f"error: parameter `{name}` in `{text}` passes an array by value, "
                             f"which the C ABI does not\n  = help: pass `&[..]` or a pointer")
    if sc.kind == "void":
        raise SignatureError(f"error: parameter `{name}` in `{text}` has type ()")
    return sc, tuple(dims), const


def _parse_rust(text: str) -> Prototype:
    s = re.sub(r"/\*.*?\*/|//[^\n]*", " ", text).strip().rstrip(";{").strip()
    m = re.fullmatch(r'(?:pub(?:\([^)]*\))?\s+)?(?:unsafe\s+)?(?:extern\s*(?:"[^"]*")?\s*)?'
                     r'fn\s+([A-Za-z_]\w*)?\s*\((.*)\)\s*(?:->\s*(.+))?', s, re.S)
    if m is None:
        raise SignatureError(f"error: `{text}` is not a Rust function header\n  = help: write "
                             f"it like `fn f(x: &[f64; n], n: usize) -> f64`")
    name, body, ret = m.group(1), m.group(2).strip(), (m.group(3) or "()").strip()
    if ret.startswith(("*", "&")):
        raise SignatureError(f"error: `{text}` returns a pointer\n  = help: return a scalar, "
                             f"or write the result into an array parameter")
    params = []
    for k, p in enumerate(_split_params(body)):
        pm = re.fullmatch(r"(?:mut\s+)?([A-Za-z_]\w*)\s*:\s*(.+)", p.strip(), re.S)
        if pm is None:
            raise SignatureError(f"error: cannot read parameter `{p}` of `{text}`\n  = help: "
                                 f"write `name: type`")
        sc, dims, const = _rust_type(pm.group(2), text, pm.group(1))
        params.append(Param(pm.group(1), sc, dims, const, k))
    return Prototype(name, _scalar(ret, _RUST_TYPES, text), params, text)


# -- both ------------------------------------------------------------------------------------
def parse_prototype(text: str) -> Prototype:
    """Read a C or Rust prototype (see the module docstring) and resolve its lengths."""
    if not isinstance(text, str) or "(" not in text:
        raise SignatureError(f"error: the signature must be a prototype such as `double "
                             f"f(const double x[n], long n)` or `fn f(x: &[f64; n], n: usize) "
                             f"-> f64`, found {text!r}")
    rust = re.match(r'\s*(pub\b|unsafe\b|extern\s*"|fn\b)', text) is not None
    proto = _parse_rust(text) if rust else _parse_c(text)
    names = [p.name for p in proto.params]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise SignatureError(f"error: parameter `{sorted(dup)[0]}` appears twice in `{text}`")
    by_name = {p.name: p for p in proto.params}
    for p in proto.params:
        for axis, d in enumerate(p.dims):
            if isinstance(d, str):
                q = by_name.get(d)
                if q is None:
                    raise SignatureError(f"error: `{p.name}` has length `{d}`, which is not a "
                                         f"parameter of `{text}`")
                if q.is_array or q.type.kind != "int" or q.type.bits == 1:
                    raise SignatureError(f"error: `{p.name}` has length `{d}`, which must be an "
                                         f"integer parameter (it is {q.describe()})")
                proto.lengths.setdefault(d, (p, axis))
    return proto
