"""User-facing derivative objects: activity validation, call-time shadow checks, caching.

``autodiff_forward(f, *activities, ret=..., width=1)`` and ``autodiff_reverse(...)`` return a
``Derivative``.  Calling it from Python types the arguments, validates activities
(``ActivityError``) and shadows (``ShadowError``) *before* any code runs, builds the
derivative for that tuple of argument types once (cached), and calls the compiled code through
an ``@njit`` entry point.  Inside ``@njit`` code a ``Derivative`` types as that entry point,
so a compiled caller calls the derivative directly.
"""
from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass, field
from typing import Dict, Optional, Sequence, Tuple

import numba
import numpy as np
from numba.core import types as nbt
from numba.core.compiler_lock import global_compiler_lock
from numba.extending import typeof_impl

from . import activities as A
from .errors import ActivityError, ShadowError, ZymaseError, internal
from .frontend.numba import as_dispatcher, typeof_args
from .llvm import jit
from .pipeline import debug_flags, dprint, drop_unless_called, finish, paused_gc, prepare
from .transforms import fpenv
from .transforms.list_args import check_list_result, check_list_shadows, mark_dirty
from .shadowcheck import (check_batch_tuple_seed, check_python, check_seed_python,
                          check_seed_type, check_types, njit_checker)
from . import diskcache


def _is_float_nb(t):
    return isinstance(t, nbt.Float)


def _is_float_array_nb(t):
    return isinstance(t, nbt.Array) and isinstance(t.dtype, nbt.Float)


def _has_float(t):
    if _is_float_nb(t) or _is_float_array_nb(t):
        return True
    if isinstance(t, nbt.BaseTuple):
        return any(_has_float(m) for m in t.types)
    from .frontend.numba import is_instance_with_floats
    from .transforms.list_args import is_list_with_floats
    return is_instance_with_floats(t) or is_list_with_floats(t)


@dataclass
class BuildState:
    """What a ``Derivative`` learns as it builds and runs.  Never pickled: an unpickled
    derivative is rebuilt from its description and starts afresh."""
    # Numba argument types of a call → (signature, code library, symbol)
    builds: Dict[Tuple, Tuple] = field(default_factory=dict)
    # the same keys → WriteResults of the primal (absent for builds loaded from the disk cache)
    writes: Dict[Tuple, object] = field(default_factory=dict)
    # reverse mode: the compiled code stores the tape bytes of each call at this cell's
    # address, so it lives as long as the derivative (None in forward mode)
    tape_cell: Optional[ctypes.c_int64] = None
    last_tape: object = None    # the tape layout of the latest reverse-mode build
    # the latest primal IR was the user's own compilation (no line tables): a failure is
    # retried on a fresh compile with them, to quote the source line
    reused: bool = False
    # a call succeeded: later calls skip the paused-GC path of the first build
    warm: bool = False


class Derivative:
    """A compiled derivative of ``fn``; call it like the table in DESIGN.md says."""

    # how the disk cache's fingerprint recognises a derivative captured by a function (a
    # derivative of a derivative) without importing this module
    fingerprint_kind = "derivative"

    def __init__(self, fn, mode: A.Mode, activities: Sequence[A.Activity], ret, width: int = 1,
                 checks: bool = True, print=None, cache: bool = False, checkpoint=None,
                 flush_subnormals: bool = False):
        # ``fn`` may itself be a Derivative: its IR is then differentiated again
        # (forward over reverse for Hessians, forward over forward, …)
        self.inner = fn if isinstance(fn, Derivative) else None
        self.dispatcher = self.inner.dispatcher if self.inner else as_dispatcher(fn)
        # an object standing for a compiled function (zymase.llvm_function): pickled as itself
        self._source = fn if self.inner is None and hasattr(fn, "__zymase_dispatcher__") \
            else None
        self.py_func = self.dispatcher.py_func
        self.mode = mode
        self.activities = tuple(activities)
        self.ret = ret
        self.width = int(width)
        self.checks = checks
        self.cache = cache
        self.flush_subnormals = fpenv.check_option(flush_subnormals, self.inner, mode)
        from .transforms.reverse.checkpoint_plan import parse_checkpoint
        self.checkpoint = parse_checkpoint(checkpoint)
        if self.checkpoint is not None and mode is not A.Mode.REVERSE:
            raise ActivityError("error: checkpoint= is for reverse mode (forward mode keeps "
                                "no tape)")
        self.print_flags = debug_flags(print)
        self._validate_static()
        self._state = BuildState(
            tape_cell=ctypes.c_int64(0) if mode is A.Mode.REVERSE else None)
        self._n_args = n = self.n_call_args
        pairs, k, shadow_pos, marks = [], 0, [], []
        for pname, act in zip(self.param_names, self.activities):
            marks += [(mark_dirty, (k + 1,))] if act.has_shadow else []
            if act.has_shadow and self.checks:
                pairs.append((pname, k, k + 1))
                shadow_pos.append((pname, k + 1))
            k += 2 if act.has_shadow else 1
        aliases = [(shadow_pos[a][0], shadow_pos[b][0], shadow_pos[a][1], shadow_pos[b][1])
                   for a in range(len(shadow_pos)) for b in range(a + 1, len(shadow_pos))]
        seed = n - 1 if (self._seed_is_array or self._seed_is_batch) else None
        checks = []
        if pairs or aliases or seed is not None:
            checks.append((njit_checker(n, pairs, aliases, seed, self.width), tuple(range(n))))
        self._intrinsic, self._entry, self._cache, self._py_entry = jit.make_caller(
            n, self._build, name=f"zymase_{mode.value}_{jit.ident(self.py_func.__name__)}",
            checks=checks, param_names=self.call_param_names, prologue=marks)
        self.__name__ = f"d_{self.inner.__name__ if self.inner else self.py_func.__name__}"
        self.__doc__ = f"{mode.value}-mode derivative of {self.py_func.__name__}"

    # -- static validation ----------------------------------------------------------------
    @property
    def param_names(self):
        if self.inner is not None:
            return self.inner.call_param_names
        code = self.py_func.__code__
        return list(code.co_varnames[:code.co_argcount])

    @property
    def call_param_names(self):
        """Names of this derivative's own call arguments (x, dx, …, seed)."""
        parts = []
        for name, act in zip(self.param_names, self.activities):
            parts.append(name)
            if act.has_shadow:
                parts.append("d" + name)
        if self._n_seed:
            seed = "seed"
            while seed in parts:
                seed = "ret_" + seed
            parts.append(seed)
        return parts

    @property
    def n_call_args(self):
        return sum(2 if a.has_shadow else 1 for a in self.activities) + self._n_seed

    @property
    def _n_seed(self) -> int:
        """1 when the call ends with a return seed (Active float seed or Duplicated array)."""
        return 1 if self.mode is A.Mode.REVERSE and self.ret in (
            A.Active, A.ActiveOnly, A.Duplicated, A.DuplicatedOnly) else 0

    @property
    def _seed_is_array(self) -> bool:
        """Batched reverse mode of a float function: the seed is an array of N adjoints."""
        return self.width > 1 and self.mode is A.Mode.REVERSE and self.ret in (A.Active,
                                                                                 A.ActiveOnly)

    @property
    def _seed_is_batch(self) -> bool:
        """Batched reverse mode of an array function: the seed stacks N output adjoints."""
        return self.width > 1 and self.mode is A.Mode.REVERSE and self.ret in (A.Duplicated,
                                                                                 A.DuplicatedOnly)

    @property
    def n_required(self) -> int:
        """Parameters the call must pass: those without a default.  A parameter with a default
        may be left out (then Numba compiles its default in: ``Const``) by giving activities
        only for the parameters before it; the number of activities is the number of
        arguments passed."""
        if self.inner is not None:
            return len(self.param_names)
        return len(self.param_names) - len(self.py_func.__defaults__ or ())

    def call_signature(self) -> str:
        return f"{getattr(self, '__name__', 'df')}({', '.join(self.call_param_names)})"

    def _validate_static(self):
        names = self.param_names
        fname = self.py_func.__name__
        lo = self.n_required
        if not lo <= len(self.activities) <= len(names):
            want = f"{len(names)}" if lo == len(names) else f"{lo} to {len(names)}"
            extra = "" if lo == len(names) else \
                f" (parameters with defaults, from `{names[lo]}` on, may be left out: Const)"
            raise ActivityError(
                f"error: expected {want} activities for `{fname}({', '.join(names)})`, "
                f"found {len(self.activities)}\n  = help: give one activity per parameter "
                f"passed{extra}, e.g. {', '.join('Const' for _ in names)}")
        for name, act in zip(names, self.activities):
            if not isinstance(act, A.Activity):
                raise ActivityError(f"error: activity for parameter `{name}` of `{fname}` is "
                                    f"{act!r}, not a zymase activity")
            if self.mode not in act.modes or act is A.ActiveOnly:
                valid = "Const, Dual, DualOnly" if self.mode is A.Mode.FORWARD else \
                    "Const, Active, Duplicated, DuplicatedOnly"
                raise ActivityError(f"error: `{act}` is not valid in {self.mode.value} mode "
                                    f"(parameter `{name}` of `{fname}`)\n  = help: use one of {valid}")
        fwd_ret = (A.Const, A.Dual, A.DualOnly, None)
        rev_ret = (A.Const, A.Active, A.ActiveOnly, A.Duplicated, A.DuplicatedOnly, None)
        if self.ret not in (fwd_ret if self.mode is A.Mode.FORWARD else rev_ret):
            raise ActivityError(f"error: return activity `{self.ret}` is not valid in "
                                f"{self.mode.value} mode for `{fname}`")
        if self.width < 1:
            raise ActivityError(f"error: width must be >= 1, found {self.width}")

    def _validate_types(self, argtypes):
        names = self.param_names
        k = 0
        fname = self.py_func.__name__
        for name, act in zip(names, self.activities):
            t = argtypes[k]
            if act is A.Active and not _is_float_nb(t):
                raise ActivityError(f"error: `Active` needs a float scalar, but parameter `{name}` "
                                    f"of `{fname}` is {t}\n  = help: use Duplicated for arrays, "
                                    f"Const for integers and booleans")
            if act in (A.Duplicated, A.DuplicatedOnly, A.Dual, A.DualOnly):
                ok = _has_float(t) if act in (A.Dual, A.DualOnly) else (
                    _has_float(t) and not _is_float_nb(t))
                if not ok:
                    hint = "Active" if _is_float_nb(t) else "Const"
                    raise ActivityError(f"error: `{act}` is not valid for parameter `{name}` of "
                                        f"`{fname}` of type {t}\n  = help: use {hint}")
            if act.has_shadow:
                check_types(name, t, argtypes[k + 1], self.width)
            k += 2 if act.has_shadow else 1
        if self.mode is A.Mode.REVERSE and self.ret in (A.Active, A.ActiveOnly):
            check_seed_type(argtypes[-1], self.width)
        if self._seed_is_batch and not isinstance(argtypes[-1], nbt.BaseTuple) and not (
                isinstance(argtypes[-1], nbt.Array) and isinstance(argtypes[-1].dtype, nbt.Float)):
            raise ShadowError(f"error: with width={self.width} the seed must stack {self.width} "
                              f"output adjoint arrays (a float array with a leading axis of "
                              f"{self.width}), found {argtypes[-1]}")

    def _validate_return(self, rt, argtypes):
        fname = self.py_func.__name__
        rev = self.mode is A.Mode.REVERSE
        check_list_result(rt, self.mode, self.ret, self.width, fname)
        if rev and isinstance(rt, nbt.BaseTuple):
            from .frontend.numba import tuple_result_ok
            if self.ret in (A.Active, A.ActiveOnly):
                raise ActivityError(
                    f"error: return activity `{self.ret}` is for float results, but `{fname}` "
                    f"returns a tuple ({rt})\n  = help: use ret=Duplicated (or DuplicatedOnly) "
                    f"and pass a tuple of output adjoints, one per element, as the trailing seed")
            if not tuple_result_ok(rt):
                raise ActivityError(
                    f"error: `{fname}` returns {rt}: reverse mode seeds tuple results whose "
                    f"elements are float scalars, float arrays, integers, booleans, None or "
                    f"tuples of these\n  = help: return the other values from another function")
            if self.ret in (A.Duplicated, A.DuplicatedOnly):
                self._validate_tuple_seed(rt, argtypes[-1], "seed", rt)
            return
        if rev and self.ret in (A.Duplicated, A.DuplicatedOnly) \
                and not isinstance(rt, nbt.Array):
            raise ActivityError(
                f"error: return activity `{self.ret}` is for array results (and tuples), but "
                f"`{fname}` returns {rt}\n  = help: use ret=Active (float results) or ret=Const")
        if self.mode is A.Mode.REVERSE and self.ret in (A.Active, A.ActiveOnly) \
                and not isinstance(rt, (nbt.Float, nbt.Array)):  # arrays: the transform explains
            raise ActivityError(
                f"error: return activity `{self.ret}` needs a float result, but `{fname}` returns "
                f"{rt}\n  = help: use ret=Const for functions that return nothing or a "
                f"non-float; pass output arrays as Duplicated")
        if self.mode is A.Mode.FORWARD and self.ret in (A.Dual, A.DualOnly) \
                and not (_has_float(rt) or isinstance(rt, nbt.NoneType)):
            raise ActivityError(
                f"error: return activity `{self.ret}` needs a float result, but `{fname}` returns "
                f"{rt}\n  = help: use ret=Const")

    def _validate_tuple_seed(self, rt, st, where: str, whole):
        """The seed of a tuple result is a tuple of the same shape: for a float element a float
        (width N: a 1-D float array of N), for a float-array element a float array of its
        dimension (width N: one more, the lane axis first); any value (None) for an element
        without a derivative."""
        w = self.width
        if not isinstance(st, nbt.BaseTuple) or len(st.types) != len(rt.types):
            raise ActivityError(
                f"error: `{self.py_func.__name__}` returns a tuple of {len(rt.types)} ({whole}), "
                f"so `{where}` must be a tuple of {len(rt.types)} output adjoints, one per "
                f"element; found {st}\n  = help: e.g. seed = "
                f"({', '.join('ybar%d' % k for k in range(len(rt.types)))},)")
        for k, (mt, s_) in enumerate(zip(rt.types, st.types)):
            here = f"{where}[{k}]"
            if isinstance(mt, nbt.BaseTuple):
                self._validate_tuple_seed(mt, s_, here, whole)
                continue
            if isinstance(mt, nbt.Float):
                ok = isinstance(s_, nbt.Float) if w == 1 else (
                    _is_float_array_nb(s_) and s_.ndim == 1)
                want = "a float" if w == 1 else f"a 1-d float array of {w} adjoints"
            elif isinstance(mt, nbt.Array):
                nd = mt.ndim + (w > 1)
                ok = _is_float_array_nb(s_) and s_.ndim == nd
                want = f"a {nd}-d float array" + (f" (lane axis of {w} first)" if w > 1 else "")
            else:
                continue    # no derivative: its seed is not read
            if not ok:
                raise ShadowError(f"error: `{here}` is the output adjoint of a result element "
                                  f"of type {mt}: it must be {want}, found {s_}")

    # -- building ---------------------------------------------------------------------------
    def _prepare_primal(self, prim, reuse: bool = True):
        """The IR this derivative differentiates: the Python function's, or for a derivative
        of a derivative, the inner derivative's transformed IR, canonicalised again."""
        if self.inner is None:
            prep = prepare(self.dispatcher, prim, self.print_flags, reuse)
            self._state.reused = not prep.fe.line_info
            return prep
        from .pipeline import prepare_derivative
        return prepare_derivative(self.inner, prim, self.print_flags, self.py_func,
                                  self.dispatcher)

    def _transform(self, argtypes, disk_key=None):
        """Differentiate for these derivative argument types → (module, symbol, return type).

        The primal's IR comes from the user's own compilation when there is one (no second
        Numba compile); that IR has no line tables, so if differentiating it fails, the
        function is compiled afresh with them and the error is raised from that attempt,
        quoting the source line."""
        self._state.reused = False
        try:
            return self._transform_with(argtypes, disk_key, reuse=True)
        except ZymaseError:
            if not self._state.reused:
                raise
        return self._transform_with(argtypes, disk_key, reuse=False)

    def _transform_with(self, argtypes, disk_key, reuse: bool):
        from .frontend.instances import check_instance_shadows
        from .frontend.numba import numba_signature, primal_argtypes
        from .transforms import differentiate
        self._validate_types(argtypes)
        prim = primal_argtypes(argtypes, self.activities)
        prep = self._prepare_primal(prim, reuse)
        fpenv.check_calls(prep.module, self.flush_subnormals)
        self._validate_return(prep.fe.signature.return_type, argtypes)
        from .analysis.writes import analyse_writes
        writes = analyse_writes(prep.function, prep.fe.argmap)
        check_instance_shadows(prep.function, prep.fe.argmap, self.activities)
        check_list_shadows(prep.function, prep.fe.argmap, self.activities)
        self._state.writes[tuple(argtypes)] = writes
        dprint(self.print_flags, "writes", prep.fe.llvm_name, writes.dump)
        sig = numba_signature(prep.fe, argtypes, self.activities, self.mode, self.ret, self.width)
        base = f"{self.mode.value}.{jit.ident(self.py_func.__name__)}"
        symbol = f"zymase.{base}.{disk_key[:20]}" if disk_key else jit.unique_symbol(base)
        counter = None
        if self.mode is A.Mode.REVERSE:
            counter = None if disk_key else ctypes.addressof(self._state.tape_cell)
        res = differentiate(prep.module, prep.function, sig, symbol, counter,
                            checkpoint=self.checkpoint)
        # only the derivative and what it calls stay (a recursive primal is called by the
        # derivatives of its recursive calls: it stays, private to this module)
        drop_unless_called(prep.module, prep.fe.llvm_name)
        if self.mode is A.Mode.FORWARD:
            dprint(self.print_flags, "activity", symbol, res.activity.dump)
            dprint(self.print_flags, "types", symbol, res.activity.types.dump)
        else:
            dprint(self.print_flags, "activity", symbol,
                   lambda: res.activity.dump() + "\n" + res.activity.types.dump())
            dprint(self.print_flags, "tape", symbol, res.tape)
            self._state.last_tape = res.tape
        return prep.module, symbol, sig.results.source

    def build(self, argtypes):
        """Build (once per tuple of Numba argument types of a call: x, dx, …, seed) →
        (Numba signature of the derivative, code library, symbol)."""
        return self._build(tuple(argtypes))

    def _build(self, argtypes):
        key = tuple(argtypes)
        if key not in self._state.builds:
            # llvmlite sets the process's locale to "C" around each call, and Numba opens
            # source files in the locale's codeset: built beside another thread's Numba
            # compile, a derivative must hold Numba's lock (taken first, as Numba's typer does)
            with global_compiler_lock:
                self._build_locked(key)
        return self._state.builds[key]

    def _build_locked(self, argtypes):
        key = tuple(argtypes)
        builds = self._state.builds
        if key in builds:
            return builds[key]
        disk_key = diskcache.key(self, argtypes) if self.cache else None
        hit = diskcache.load(disk_key) if disk_key else None
        if hit is not None:
            text, restype, symbol = hit
            lib = jit.library_from_ir(symbol, text)
        else:
            try:
                with paused_gc():
                    module, symbol, restype = self._transform(argtypes, disk_key)
                    if self.flush_subnormals:    # the derivative runs with FTZ|DAZ set
                        fpenv.flush_subnormals(module, symbol)
                    lib, final = finish(module, symbol, self.print_flags)
            except (ZymaseError, MemoryError, KeyboardInterrupt, numba.core.errors.NumbaError):
                raise
            except Exception as e:  # noqa: BLE001 - anything else is zymase's own bug
                raise internal(self.py_func.__qualname__, f"{type(e).__name__}: {e}",
                               f"{self.mode.value} mode, argument types "
                               f"({', '.join(map(str, argtypes))})") from e
            # code that calls a C function by its address (ctypes/cffi) is valid in this
            # process only: libraries load elsewhere next time, so it is never cached (SciPy's
            # special functions are called by symbol and rebound on load)
            # (an address in the first page is a sentinel, not a library's: Rust's dangling
            # pointer of an empty Vec)
            if disk_key and "numba.dynamic.globals." not in final \
                    and not re.search(r"inttoptr \(i64 \d{5,}", final):
                diskcache.store(disk_key, final, restype, symbol)
        out = (restype(*argtypes), lib, symbol)
        builds[key] = out
        return out

    def written_arguments(self, *args) -> Optional[Tuple[bool, ...]]:
        """For a call with these arguments (the derivative's own: x, dx, …, seed): one entry
        per parameter of the function, False where the function provably never writes the
        memory of the argument passed for it (so a caller need not copy it to keep it
        intact), True where it may.  Builds the derivative for these argument types if
        needed; None when that build was loaded from the disk cache (nothing known)."""
        key = tuple(typeof_args(args))
        self._build(key)
        w = self._state.writes.get(key)
        return None if w is None else w.written

    @property
    def unchecked(self):
        """The compiled entry point without the run-time shadow checks, for callers that
        build the shadows themselves (the JAX vocabulary): same arguments as a call."""
        return self._py_entry if self.checks else self._entry

    def tape_bytes(self) -> int:
        """Bytes of tape the most recent call of this reverse derivative used (the augmented
        forward sweep's cached values, loop counts and control flow).  Not tracked for
        derivatives loaded from the disk cache."""
        if self.mode is not A.Mode.REVERSE:
            raise ValueError("tape_bytes is defined for reverse-mode derivatives")
        return self._state.tape_cell.value

    @property
    def last_tape(self):
        """The tape layout of the latest reverse-mode build (None before one)."""
        return self._state.last_tape

    @property
    def n_builds(self) -> int:
        """How many argument-type signatures this derivative has built (compiled, or loaded
        from the disk cache) in this process."""
        return len(self._state.builds)

    def __reduce__(self):
        fn = self.inner if self.inner is not None else self._source or self.dispatcher
        from . import __version__
        return (_rebuild_derivative, (fn, self.mode.value, tuple(a.name for a in self.activities),
                                      None if self.ret is None else self.ret.name, self.width,
                                      self.checks, tuple(sorted(self.print_flags)), self.cache,
                                      __version__, self.checkpoint, self.flush_subnormals))

    # -- calling ----------------------------------------------------------------------------
    def __call__(self, *args):
        if len(args) != self._n_args:
            raise ActivityError(f"error: {self.__name__} takes {self._n_args} arguments, "
                                f"{len(args)} given\n  = help: call it as {self.call_signature()}")
        if self.checks:
            self.check_shadows(args)
        entry = self._py_entry if self.checks else self._entry
        try:
            # the entry dispatcher types the arguments itself (fast path) and builds on demand;
            # until a first call succeeded, the build (Numba's compile of the entry included)
            # runs with the garbage collector paused
            if self._state.warm:
                return entry(*args)
            with paused_gc():
                out = entry(*args)
            self._state.warm = True
            return out
        except numba.core.errors.TypingError:
            # a build error surfaced through Numba's typer: rebuild here for the real error
            # (ActivityError, ShadowError, UnsupportedError, …) with its own message
            self._build(typeof_args(args))
            raise
        except MemoryError as e:
            if not str(e).startswith("zymase: the tape"):
                raise
            raise MemoryError(self._oom_message()) from None

    def _oom_message(self) -> str:
        """The derivative's tape (transforms/reverse/oom.py) could not be allocated; it
        freed everything and left the bytes it needed in the tape cell."""
        need = self._state.tape_cell.value if self._state.tape_cell is not None else 0
        size = f"{need / 2**20:.1f} MiB" if need else "more memory than is available"
        hint = "pass a smaller checkpoint= to autodiff_reverse" if self.checkpoint else \
            "pass checkpoint=... (e.g. checkpoint='64MB') to autodiff_reverse to bound it"
        return (f"zymase: the tape of {self.__name__} needs {size}, which could not be "
                f"allocated; what the derivative allocated is freed (arrays the function "
                f"writes in place may hold partial results)\n  = help: {hint}")

    def check_shadows(self, args):
        k = 0
        seen = []
        for name, act in zip(self.param_names, self.activities):
            if act.has_shadow:
                check_python(name, args[k], args[k + 1], self.width, seen)
                k += 2
            else:
                k += 1
        if self._seed_is_array:
            check_seed_python(args[-1], self.width)
        if self._seed_is_batch and isinstance(args[-1], tuple):
            check_batch_tuple_seed(args[-1], self.width, "seed")
        elif self._seed_is_batch:
            s_ = args[-1]
            if not (isinstance(s_, np.ndarray) and s_.ndim >= 1 and s_.shape[0] == self.width
                    and s_.dtype.kind == "f"):
                got = f"shape {s_.shape}" if isinstance(s_, np.ndarray) else type(s_).__name__
                raise ShadowError(f"error: with width={self.width} the seed must stack "
                                  f"{self.width} output adjoint arrays (leading axis "
                                  f"{self.width}), found {got}\n  = help: seed[k] is the output "
                                  f"adjoint of lane k, shaped like the result")

    def __repr__(self):
        acts = ", ".join(map(str, self.activities))
        return f"<zymase {self.mode.value} derivative of {self.py_func.__name__}({acts}) ret={self.ret}>"


def _rebuild_derivative(fn, mode, acts, ret, width, checks, print_flags, cache, version=None,
                        checkpoint=None, flush_subnormals=False):
    """Unpickling: the derivative is rebuilt from its description, by this zymase only —
    another version may read the activities differently, so it is a clear error."""
    from . import __version__
    if version != __version__:
        from .errors import ZymaseError
        raise ZymaseError(
            f"error: this derivative was pickled by zymase {version or 'before 0.1.0'}, and "
            f"this is zymase {__version__}\n  = help: build it again with "
            f"zymase.autodiff_{mode}(...) in this version (derivatives are recompiled, not "
            f"stored, so nothing is lost)")
    return Derivative(fn, A.Mode(mode), [A.ALL[a] for a in acts],
                      None if ret is None else A.ALL[ret], width, checks, set(print_flags), cache,
                      checkpoint, flush_subnormals)


@typeof_impl.register(Derivative)
def _typeof_derivative(val, c):
    return nbt.Dispatcher(val._entry)


def _make(mode, fn, activities, ret, *options):
    """``options``: Derivative's, from ``width`` on (width, checks, print, cache, …)."""
    if fn is not None and isinstance(fn, A.Activity):
        activities = (fn,) + tuple(activities)
        fn = None
    if fn is None:
        return lambda f: Derivative(f, mode, activities, ret, *options)
    return Derivative(fn, mode, activities, ret, *options)


def autodiff_forward(fn=None, *activities, ret=A.Dual, width=1, checks=True, print=None,
                     cache=False, flush_subnormals=False):
    """Forward-mode derivative of ``fn``: ``df = autodiff_forward(f, Dual, Const, ret=Dual)``.

    Also a decorator: ``@autodiff_forward(Dual, Const)``.  ``width=N`` propagates N tangents
    in one call (every shadow gains a leading axis of length N).  ``checks=False`` skips the
    run-time shadow checks (for hot loops, like Rust's unsafe ``*Only`` variants);
    ``cache=True`` keeps the compiled derivative on disk (``ZYMASE_CACHE_DIR``, default
    ``~/.cache/zymase``) so another process starts without recompiling.
    ``flush_subnormals=True``: as for ``autodiff_reverse``.
    """
    return _make(A.Mode.FORWARD, fn, activities, ret, width, checks, print, cache, None,
                 flush_subnormals)


def autodiff_reverse(fn=None, *activities, ret=A.Active, width=1, checks=True, print=None,
                     cache=False, checkpoint=None, flush_subnormals=False):
    """Reverse-mode derivative of ``fn``: ``df = autodiff_reverse(f, Duplicated, Active, ret=Active)``.

    The call takes the primal arguments (with a shadow after each Duplicated one) and, for an
    Active return, a trailing seed; it returns ``(primal, *adjoints of Active args)``.
    ``checkpoint=`` bounds the tape of the function's outermost counted loops: an int (that
    many saved loop states), a size such as ``"64MB"`` (as many as fit), or
    ``zymase.Checkpoint(snapshots=…)`` / ``Checkpoint(bytes=…)``; the loops are then reversed
    by recomputation from those snapshots on the binomial (revolve) schedule.
    ``flush_subnormals=True`` (x86-64) runs the derivative with subnormal inputs and results
    treated as zero (MXCSR FTZ|DAZ; the caller's and parallel workers' setting is restored on
    every return): contributions and results below 2.2e-308, the primal result's included,
    become 0, and derivatives whose adjoints are scaled by such tiny weights stop paying the
    CPU's slow path for subnormal arithmetic (README: "Subnormals").
    """
    return _make(A.Mode.REVERSE, fn, activities, ret, width, checks, print, cache, checkpoint,
                 flush_subnormals)

