"""``python -m zymase``: look at what the pipeline does to a function or an ``.ll`` file, and
differentiate C-ABI functions in ``.ll`` files.

Subcommands
-----------
``ir FILE.py FUNC --types "float64[:], int64" [--stage numba|canonical|final|all]``
    Compile ``FUNC`` (a plain function or an ``@njit`` one) from ``FILE.py`` for the given
    Numba argument types and print its IR at each stage: as Numba gave it (unoptimised, with
    its callees), canonicalised and read into zymase's IR model (what the transforms see), and
    final (the model printed, verified and optimised at O3: what gets linked).

``ll FILE.ll [--pipeline roundtrip|canonical|o3] [--function NAME] [--raw]``
    Read an ``.ll`` file; ``roundtrip`` parses it into the IR model and prints it back,
    ``canonical`` runs the canonicalising pipeline (everything inlined into ``--function``,
    default: the first externally visible definition), ``o3`` the O3 pipeline; the result goes through the IR
    model unless ``--raw``.  The printed module is verified with LLVM before it is shown.

``ll FILE.ll --function NAME (--reverse ACTS | --forward ACTS) [--ret R] [--width N]``
``[--name SYMBOL] [--out OUT.ll] [--opt 0|1|2|3]``
    Differentiate the C-ABI function ``NAME`` (clang's or rustc's IR) and write a module
    holding it and its derivative ``SYMBOL`` (default ``NAME.zymase.reverse`` /
    ``NAME.zymase.forward``), verified by LLVM and optimised at ``--opt`` (default 3), to
    ``OUT.ll`` (default: standard output).  ``ACTS`` has one activity per parameter:
    ``dup``/``duponly``/``active``/``const`` in reverse mode, ``dual``/``dualonly``/``const``
    in forward mode (full names such as ``Duplicated`` work too).  The derivative's ABI is
    Enzyme's (``zymase/frontend/llvm_ir.py``): each ``dup``/``dual`` pointer is followed by
    its shadow, a ``dual`` float by its tangent (N of each with ``--width N``, forward mode);
    reverse mode seeds a float result with 1.0 and returns the adjoints of the ``active``
    floats (void / double / a struct of doubles), forward mode returns the result's tangent.
    ``--ret`` changes what comes back: ``activeonly`` (default) / ``active`` (primal first) /
    ``const`` in reverse mode, ``dualonly`` (default) / ``dual`` / ``const`` in forward mode.
    Example: ``python -m zymase ll f.ll --function f --reverse dup,const --out df.ll``
    gives ``void @f.zymase.reverse(ptr x, ptr dx, i64 n)``.

``analyse FILE.py FUNC --types ... --activities Dual,Const [--ret Dual] [--print …]``
    Build the derivative for those activities (forward mode when every activity is a forward
    one, reverse otherwise) and print type and activity analysis (and any other
    ``ZYMASE_PRINT`` key given with ``--print``, e.g. ``ir-after`` for the derivative's IR).

Types are Numba type expressions (``float64``, ``float32[::1]``, ``int64[:, :]``,
``UniTuple(float64, 2)``), evaluated in ``numba.types``'s namespace; ``float``, ``int`` and
``bool`` mean ``float64``, ``int64`` and ``boolean``.  Errors zymase raises on purpose
(``ZymaseError``) and IR that does not parse are reported on stderr with exit status 1.
"""
from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import sys
from typing import List, Optional, Sequence

_STAGES = ("numba", "canonical", "final")


# --------------------------------------------------------------------------------------------
# argument helpers
# --------------------------------------------------------------------------------------------
def parse_types(text: str) -> tuple:
    """``"float64[:], int64"`` → ``(array(float64, 1d, A), int64)``."""
    import numba
    from numba.core import types as nbt

    text = text.strip()
    if not text:
        return ()
    ns = dict(nbt.__dict__)
    ns.update({"float": nbt.float64, "int": nbt.int64, "bool": nbt.boolean, "complex": nbt.complex128})
    try:
        val = eval("(" + text + ",)", {"__builtins__": {}}, ns)  # noqa: S307 - a CLI argument
    except Exception as e:  # noqa: BLE001
        raise SystemExit(f"error: cannot read argument types {text!r}: {e}") from None
    for t in val:
        if not isinstance(t, numba.core.types.Type):
            raise SystemExit(f"error: {t!r} in {text!r} is not a Numba type")
    return tuple(val)


def parse_activities(text: str):
    from .activities import ALL

    out = []
    for word in (w.strip() for w in text.split(",")):
        if not word:
            continue
        if word not in ALL:
            raise SystemExit(f"error: unknown activity {word!r}; expected one of {', '.join(ALL)}")
        out.append(ALL[word])
    return tuple(out)


def load_function(path: str, name: str):
    """Import ``path`` as a fresh module and return its attribute ``name``."""
    path = os.path.abspath(path)
    if not os.path.exists(path):
        raise SystemExit(f"error: no such file: {path}")
    modname = "_zymase_cli_" + "".join(c if c.isalnum() else "_" for c in
                                       os.path.splitext(os.path.basename(path))[0])
    spec = importlib.util.spec_from_file_location(modname, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[modname] = mod
    sys.path.insert(0, os.path.dirname(path))
    try:
        spec.loader.exec_module(mod)
    finally:
        sys.path.remove(os.path.dirname(path))
    try:
        return getattr(mod, name)
    except AttributeError:
        found = sorted(k for k, v in vars(mod).items() if callable(v) and not k.startswith("_"))
        raise SystemExit(f"error: {path} has no function {name!r}; found: {', '.join(found)}") \
            from None


def _banner(title: str) -> str:
    return f"; ==== {title} ===="


def _verify(text: str):
    from .llvm import pipelines
    pipelines.parse(text)


# --------------------------------------------------------------------------------------------
# subcommands
# --------------------------------------------------------------------------------------------
def cmd_ir(args, out) -> int:
    from .ir.printer import print_module
    from .pipeline import finish, prepare

    fn = load_function(args.file, args.function)
    argtypes = parse_types(args.types)
    stages = _STAGES if args.stage == "all" else (args.stage,)
    prep = prepare(fn, argtypes)
    if "numba" in stages:
        print(_banner(f"numba: {prep.fe.llvm_name} {prep.fe.signature}"), file=out)
        print(prep.fe.module_text, file=out)
    if "canonical" in stages:
        print(_banner(f"canonical: {prep.fe.llvm_name}"), file=out)
        print(print_module(prep.module), file=out)
    if "final" in stages:
        from .llvm import jit
        fnm = prep.function
        symbol = jit.unique_symbol("cli." + "".join(c if c.isalnum() else "_" for c in
                                                    args.function))
        prep.module.functions.pop(fnm.name)
        fnm.name = symbol
        fnm.linkage = ""
        prep.module.add_function(fnm)
        _, final = finish(prep.module, symbol)
        print(_banner(f"final (O3): {symbol}"), file=out)
        print(final, file=out)
    return 0


def _default_keep(mod) -> Optional[str]:
    """The first externally visible definition, else the first definition."""
    import llvmlite.binding as llvm
    defs = [f for f in mod.functions if not f.is_declaration]
    for f in defs:
        if f.linkage not in (llvm.Linkage.internal, llvm.Linkage.private):
            return f.name
    return defs[0].name if defs else None


_C_ACTIVITIES = {"dup": "Duplicated", "duponly": "DuplicatedOnly", "active": "Active",
                 "activeonly": "ActiveOnly", "const": "Const", "dual": "Dual",
                 "dualonly": "DualOnly", "duplicated": "Duplicated",
                 "duplicatedonly": "DuplicatedOnly"}


def parse_c_activity(word: str):
    """``dup`` / ``Duplicated`` / ``dual`` / … → the activity."""
    from .activities import ALL
    name = _C_ACTIVITIES.get(word.strip().lower())
    if name is None:
        raise SystemExit(f"error: unknown activity {word.strip()!r}; expected one of "
                         f"{', '.join(sorted(set(_C_ACTIVITIES)))}")
    return ALL[name]


def cmd_ll_derivative(args, text: str, out) -> int:
    from . import activities as A
    from .frontend.llvm_ir import differentiate_ll

    if args.keep is None:
        raise SystemExit("error: --reverse/--forward need --function NAME")
    if args.reverse is not None and args.forward is not None:
        raise SystemExit("error: give one of --reverse and --forward")
    mode = A.Mode.REVERSE if args.reverse is not None else A.Mode.FORWARD
    words = (args.reverse if args.reverse is not None else args.forward).split(",")
    acts = tuple(parse_c_activity(w) for w in words if w.strip())
    ret = parse_c_activity(args.ret) if args.ret else None
    result, _ = differentiate_ll(text, args.keep, mode, acts, ret, args.width, args.name,
                                 args.opt)
    if args.out:
        with open(args.out, "w") as fh:
            fh.write(result)
    else:
        print(result, file=out, end="" if result.endswith("\n") else "\n")
    return 0


def cmd_ll(args, out) -> int:
    from .ir.parser import ParseError, parse_module
    from .ir.printer import print_module
    from .llvm import pipelines

    with open(args.file) as fh:
        text = fh.read()
    if args.reverse is not None or args.forward is not None:
        return cmd_ll_derivative(args, text, out)
    if args.pipeline == "roundtrip":
        result = text
    else:
        mod = pipelines.parse(text)
        if args.pipeline == "canonical":
            keep = args.keep or _default_keep(mod)
            if keep is None:
                raise SystemExit(f"error: {args.file} defines no function")
            defined = {f.name: f for f in mod.functions if not f.is_declaration}
            if keep not in defined:
                raise SystemExit(f"error: {args.file} defines no function @{keep}")
            # canonicalise keeps `keep` by name only; an internal one would be dead-stripped
            import llvmlite.binding as llvm
            if defined[keep].linkage in (llvm.Linkage.internal, llvm.Linkage.private):
                defined[keep].linkage = llvm.Linkage.external
            pipelines.canonicalise(mod, keep)
        else:
            pipelines.optimise(mod, 3)
        result = str(mod)
    if not args.raw:
        try:
            result = print_module(parse_module(result))
        except Exception as e:  # noqa: BLE001 - the model's reader on malformed text
            if isinstance(e, ParseError):
                raise
            raise ParseError(f"cannot read {args.file}: {type(e).__name__}: {e}") from None
    try:
        _verify(result)
    except RuntimeError as e:
        print(result, file=out)
        print(f"error: the printed module does not verify: {e}", file=sys.stderr)
        return 1
    print(result, file=out, end="" if result.endswith("\n") else "\n")
    return 0


def cmd_opt(args, out) -> int:
    from .frontend.enzyme_abi import lower_module
    from .llvm.modules import output_format, read_module, write_module
    from .llvm import pipelines

    mod = read_module(args.file)
    lowered = pipelines.parse(lower_module(str(mod), args.opt))
    fmt = args.emit or output_format(args.output, args.S)
    if args.output == "-" and fmt != "ll":
        out.flush()
    if args.output == "-" and fmt == "ll":
        print(str(lowered), file=out, end="")
    else:
        write_module(lowered, args.output, fmt)
    return 0


def cmd_lli(args, out) -> int:
    from .llvm.modules import read_module, run_main

    mod = read_module(args.file)
    out.flush()
    return run_main(mod, [args.file if args.file != "-" else "lli", *args.args])


def cmd_analyse(args, out) -> int:
    from . import activities as A
    from .api import autodiff_forward, autodiff_reverse

    fn = load_function(args.file, args.function)
    argtypes = parse_types(args.types)
    acts = parse_activities(args.activities)
    if len(acts) != len(argtypes):
        raise SystemExit(f"error: {len(argtypes)} argument types but {len(acts)} activities")
    forward = all(A.Mode.FORWARD in a.modes for a in acts)
    ret_name = args.ret or ("Dual" if forward else "Active")
    if ret_name not in A.ALL and ret_name != "None":
        raise SystemExit(f"error: unknown return activity {ret_name!r}")
    ret = None if ret_name == "None" else A.ALL[ret_name]
    make = autodiff_forward if forward else autodiff_reverse
    flags = args.print or "types,activity"
    d = make(fn, *acts, ret=ret, print=flags)
    # the derivative's arguments: each primal, followed by its shadow (same type, width 1)
    dtypes: List = []
    for t, a in zip(argtypes, acts):
        dtypes.append(t)
        if a.has_shadow:
            dtypes.append(t)
    if not forward and ret in (A.Active, A.ActiveOnly):
        from .frontend.numba import compile_ir
        fe = compile_ir(d.dispatcher, argtypes)
        dtypes.append(fe.signature.return_type)
    print(_banner(f"{'forward' if forward else 'reverse'} derivative of {args.function}"
                  f"({', '.join(map(str, acts))}) ret={ret}"), file=out)
    print(f"; call as {d.call_signature()} with types ({', '.join(map(str, dtypes))})", file=out)
    out.flush()
    with contextlib.redirect_stderr(out):
        try:
            sig, _lib, symbol = d.build(dtypes)
        except ImportError as e:  # a mode whose transform is not in this build
            raise SystemExit(f"error: {'forward' if forward else 'reverse'} mode is not "
                             f"available: {e}") from None
    print(_banner(f"built {symbol}: {sig}"), file=out)
    return 0


# --------------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m zymase",
                                description="Print zymase's IR, pipelines and analyses.")
    sub = p.add_subparsers(dest="command", required=True)

    ir = sub.add_parser("ir", help="IR of a Python function at each pipeline stage")
    ir.add_argument("file", help="a .py file")
    ir.add_argument("function", help="name of the function in it")
    ir.add_argument("--types", required=True, help='Numba argument types, e.g. "float64[:], int64"')
    ir.add_argument("--stage", choices=_STAGES + ("all",), default="all")
    ir.set_defaults(run=cmd_ir)

    ll = sub.add_parser("ll", help="run a pipeline (or the IR model round trip) on an .ll file, "
                                   "or differentiate a C-ABI function in it")
    ll.add_argument("file", help="an .ll file")
    ll.add_argument("--pipeline", choices=("roundtrip", "canonical", "o3"), default="roundtrip")
    ll.add_argument("--function", dest="keep", default=None,
                    help="with --pipeline canonical: the function to keep (default: the first "
                         "externally visible definition); with --reverse/--forward: the function "
                         "to differentiate")
    ll.add_argument("--raw", action="store_true",
                    help="print LLVM's output directly instead of through zymase's IR model")
    ll.add_argument("--reverse", default=None, metavar="ACTS",
                    help="differentiate --function in reverse mode: one activity per parameter, "
                         "e.g. dup,const (dup, duponly, active, const)")
    ll.add_argument("--forward", default=None, metavar="ACTS",
                    help="differentiate --function in forward mode, e.g. dual,const "
                         "(dual, dualonly, const)")
    ll.add_argument("--ret", default=None,
                    help="return activity (reverse: activeonly, active, const; forward: "
                         "dualonly, dual, const)")
    ll.add_argument("--width", type=int, default=1,
                    help="forward mode: N tangents per call (N shadows after each dual argument)")
    ll.add_argument("--name", default=None,
                    help="symbol of the derivative (default FUNCTION.zymase.reverse/forward)")
    ll.add_argument("--out", default=None, help="write the module here (default: stdout)")
    ll.add_argument("--opt", type=int, default=3, choices=(0, 1, 2, 3),
                    help="optimisation level of the written module (default 3)")
    ll.set_defaults(run=cmd_ll)

    opt = sub.add_parser("opt", help="lower every __enzyme_autodiff / __enzyme_fwddiff call in a "
                                     "module (Enzyme's ABI), like LLVM's opt with Enzyme loaded")
    opt.add_argument("file", nargs="?", default="-", help="an .ll or .bc file, or - (stdin)")
    opt.add_argument("-o", dest="output", default="-",
                     help="output (default: stdout); the suffix picks the format: .ll text, "
                          ".bc bitcode, .o object file, .so shared library (linked by $CC, "
                          "default cc)")
    opt.add_argument("-S", action="store_true", help="write text IR (as LLVM's opt -S)")
    opt.add_argument("--emit", choices=("ll", "bc", "obj", "so"), default=None,
                     help="output format, overriding the suffix")
    opt.add_argument("--opt", type=int, default=3, choices=(0, 1, 2, 3),
                     help="optimisation level of each derivative (default 3)")
    opt.set_defaults(run=cmd_opt, passthrough=True)

    lli = sub.add_parser("lli", help="JIT-compile a module and run its main, like LLVM's lli")
    lli.add_argument("file", nargs="?", default="-", help="an .ll or .bc file, or - (stdin)")
    lli.add_argument("args", nargs="*", help="arguments for main")
    lli.set_defaults(run=cmd_lli, passthrough=True)

    an = sub.add_parser("analyse", aliases=["analyze"], help="type and activity analysis")
    an.add_argument("file")
    an.add_argument("function")
    an.add_argument("--types", required=True)
    an.add_argument("--activities", required=True, help="one per argument, e.g. Dual,Const")
    an.add_argument("--ret", default=None, help="return activity (default Dual / Active)")
    an.add_argument("--print", default=None,
                    help="ZYMASE_PRINT keys to show (default types,activity; also ir-numba, "
                         "ir-before, ir-after, final, tape)")
    an.set_defaults(run=cmd_analyse)
    return p


# what opt and lli take themselves; any other dash word on their command lines is one of
# LLVM's (or Enzyme's) flags, dropped before parsing: argparse would read -opaque-pointers=0
# as "-o paque-pointers=0" and write the output there
_TOOL_FLAGS = {"-o", "-S", "--emit", "--opt", "-h", "--help", "-"}


def llvm_tool_args(argv: List[str]) -> List[str]:
    if not argv or argv[0] not in ("opt", "lli"):
        return argv
    out = [argv[0]]
    for a in argv[1:]:
        if a.startswith("-") and a not in _TOOL_FLAGS and a.split("=", 1)[0] not in _TOOL_FLAGS:
            continue
        out.append(a)
    return out


def main(argv: Optional[Sequence[str]] = None, out=None) -> int:
    from .errors import ZymaseError
    from .ir.parser import ParseError

    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args, extra = parser.parse_known_args(llvm_tool_args(argv))
    if extra:
        # opt and lli accept (and ignore) the flags an Enzyme command line passes to LLVM's
        # tools: -load-pass-plugin=…, -passes=enzyme, -enzyme-inline=1, -mem2reg, -O3, …
        unknown = [a for a in extra if not (getattr(args, "passthrough", False)
                                            and a.startswith("-"))]
        if unknown:
            parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    out = out or sys.stdout
    try:
        return args.run(args, out)
    except (ZymaseError, ParseError) as e:
        out.flush()
        print(f"{e}" if str(e).startswith("error") else f"error: {e}", file=sys.stderr)
        return 1
    except SystemExit as e:  # our own `raise SystemExit("error: …")`
        if not isinstance(e.code, str):
            raise
        out.flush()
        print(e.code, file=sys.stderr)
        return 1
    except (RuntimeError, OSError) as e:  # LLVM parse/verify failures, unreadable files
        out.flush()
        print(f"error: {e}", file=sys.stderr)
        return 1
