"""The derivative signature: what each IR parameter of a primal is, and how the derivative is
called.  Front ends build it, the transforms read it; nothing else about a calling convention
reaches the transforms.

A transform takes ``(module, primal function, DerivSignature, name)`` and returns the
derivative in the same module plus a ``DerivResult``.  The signature says:

* what the primal's IR parameters are — ``inputs``, in argument order, each one of
  - ``FloatInput``: a float scalar that carries a derivative (``Active`` in reverse mode: its
    adjoint is one of the outputs; ``Dual``: its tangent arrives in derivative parameters);
  - ``PointerInput``: a pointer with a shadow (``Duplicated``/``Dual``): the C ABI's
    ``double *x`` followed by ``double *dx``;
  - ``ArrayInput``: a Numba array descriptor (meminfo, parent, nitems, itemsize, data,
    shape[ndim], strides[ndim]) with a shadow descriptor: its three pointer leaves are
    shadowed, and its shapes and strides let forward mode lay shadows out interleaved;
  every other parameter (integers, ``Const`` pointers) is only mapped by ``primal_param``;
* how the primal returns its result (``ReturnSpec``): through a return slot parameter
  (Numba's ``retptr``) or by ``ret`` (C), whether it returns an ``i32`` status (0 = success;
  Numba: non-zero = an exception was raised and ``excinfo`` describes it), and what the result
  is (none, a float, an array descriptor, something else);
* the derivative's own IR parameters (``params``), their mapping from the primal's
  (``primal_param``), and where shadows, tangents and seeds arrive (``Lanes``);
* the return adjoint in reverse mode (``Seed``: a parameter, loaded lanes, a Numba array, or
  the constant 1.0 of Enzyme's ``__enzyme_autodiff``);
* what the derivative hands back (``Results``): its outputs (primal, tangent, adjoints of
  ``Active`` inputs) and how — stored through a result-slot parameter next to a status
  return (Numba), or returned directly (C); how a width-N output is packed (``Output.pack``).

Widths: with ``width`` N every shadow, tangent and adjoint has N lanes.  ``Lanes`` says where
lane k of a shadow is: its own parameter (the C ABI's ``x, dx_1 … dx_N``, like Enzyme's
``enzyme_width``), one parameter shared by every lane (Numba's MemInfo and parent pointers), or
row k of a lane axis (Numba's ``dx[k]``: ``base + k·stride``).

``DerivResult`` is what a transform returns besides the IR: the activity analysis, the shadow
memory layout chosen (forward mode), the tape report (reverse mode) and the signature again
(the derivative's parameter list and return layout: how to call it).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple, Union

from ..activities import Activity, Mode
from ..ir.types import Type


@dataclass(frozen=True)
class Lanes:
    """Where the lanes of a shadow (or of a float's tangents or seed) are in the derivative's
    parameters.

    ``params`` holds one derivative parameter per lane, or a single one shared by every
    lane.  With ``stride`` (a derivative parameter holding a byte distance) ``params[0]`` is
    the base of a lane axis and lane k is at ``base + k·stride``.  With ``load`` the lanes are
    the values of type ``load`` read from those addresses (a float's N tangents or seeds in
    an array) rather than the addresses themselves."""
    params: Tuple[int, ...]
    stride: Optional[int] = None
    load: Optional[Type] = None


@dataclass(frozen=True)
class ArrayParams:
    """The consecutive IR parameters of one Numba array descriptor, from ``first``: meminfo,
    parent, nitems, itemsize, data, shape[ndim], strides[ndim]."""
    first: int
    ndim: int
    dtype: Optional[Type] = None       # IR type of its elements when they are floats
    source: object = None              # the front end's type (for code compiled for it)

    @property
    def meminfo(self) -> int:
        return self.first

    @property
    def parent(self) -> int:
        return self.first + 1

    @property
    def nitems(self) -> int:
        return self.first + 2

    @property
    def itemsize(self) -> int:
        return self.first + 3

    @property
    def data(self) -> int:
        return self.first + 4

    @property
    def shapes(self) -> List[int]:
        return list(range(self.first + 5, self.first + 5 + self.ndim))

    @property
    def strides(self) -> List[int]:
        return list(range(self.first + 5 + self.ndim, self.first + 5 + 2 * self.ndim))

    @property
    def count(self) -> int:
        return 5 + 2 * self.ndim


@dataclass
class FloatInput:
    """A float scalar parameter that carries a derivative."""
    name: str
    param: int                       # primal IR parameter
    type: Type
    activity: Activity
    tangent: Optional[Lanes] = None  # forward mode: where its tangent arrives


@dataclass
class PointerInput:
    """A pointer parameter with a shadow: the shadow's lanes arrive in ``shadow``."""
    name: str
    param: int                       # primal IR parameter
    activity: Activity
    shadow: Lanes


@dataclass
class ArrayInput:
    """A Numba array argument with a shadow array: ``primal`` indexes primal IR parameters,
    ``shadow`` derivative ones (with a leading lane axis of N at width N)."""
    name: str
    activity: Activity
    primal: ArrayParams
    shadow: ArrayParams

    def pointers(self, width: int) -> List[PointerInput]:
        """The data, MemInfo and parent pointers with their shadows' lanes (data: the rows
        of the lane axis; MemInfo and parent: shared by every lane)."""
        p, s = self.primal, self.shadow
        stride = s.strides[0] if width > 1 else None
        return [PointerInput(self.name, p.data, self.activity, Lanes((s.data,), stride)),
                PointerInput(self.name, p.meminfo, self.activity, Lanes((s.meminfo,))),
                PointerInput(self.name, p.parent, self.activity, Lanes((s.parent,)))]


Input = Union[FloatInput, PointerInput, ArrayInput]


@dataclass
class ReturnSpec:
    """How the primal hands back its result, and what the result is."""
    kind: str                        # "none" | "float" | "array" | "tuple" | "other"
    type: Type                       # its IR type (a placeholder i8 for "none")
    slot: Optional[int] = None       # primal IR parameter it is stored through (Numba's retptr)
    status: bool = False             # the primal returns an i32 status, 0 = success
    excinfo: Optional[int] = None    # primal IR parameter: where a failing status is described
    describe: str = ""               # how messages name its type
    array: Optional[ArrayParams] = None   # kind "array": its descriptor (ndim, dtype, source)
    contiguous: bool = False         # kind "array": C-contiguous
    source: object = None            # the front end's type of the result

    @property
    def has_value(self) -> bool:
        return self.kind != "none"


@dataclass(frozen=True)
class SeedElement:
    """Reverse mode, a tuple result: the output adjoint of one float or float-array element.
    ``path`` indexes the element in the result's (nested) struct; a float element's seed is
    ``lanes`` (a parameter, or N values loaded from a 1-D array at width N), an array
    element's is the Numba array ``array`` (a leading lane axis at width N), added into the
    shadow of the element, whose descriptor is ``result``."""
    path: Tuple[int, ...]
    type: Type                                # the element's IR type
    lanes: Optional[Lanes] = None
    array: Optional[ArrayParams] = None
    result: Optional[ArrayParams] = None


@dataclass
class Seed:
    """Reverse mode: where the adjoint of the result comes from.  ``lanes``: a parameter (or
    N values loaded from an array of seeds); ``constant``: a fixed value (1.0: Enzyme's
    ``__enzyme_autodiff``); ``array``: an output adjoint array added into the result's
    shadow (Numba, array results); ``elements``: a tuple result's seeds, one per float or
    float-array element (Numba: the seed argument is a tuple shaped like the result)."""
    lanes: Optional[Lanes] = None
    constant: Optional[float] = None
    array: Optional[ArrayParams] = None
    elements: Optional[List[SeedElement]] = None


@dataclass
class Output:
    """One element of what the derivative returns.  ``pack`` says how a width-N value comes
    back: ``value`` (width 1), ``aggregate`` (an ``[N x T]``), ``array`` (a fresh 1-D Numba
    array of N), ``wide-array`` (an array result's N tangents as one Numba array with a
    leading lane axis)."""
    kind: str                                 # "primal" | "tangent" | "adjoint"
    type: Type                                # its IR type once packed
    input: Optional[FloatInput] = None        # "adjoint": of which Active input
    pack: str = "value"


@dataclass
class Results:
    """What the derivative hands back: ``outputs`` in order, one value, or an aggregate of
    type ``type`` when there are several; stored through derivative parameter ``slot`` next
    to an ``i32`` status return (Numba), or returned by ``ret`` when ``slot`` is None."""
    outputs: List[Output]
    type: Optional[Type]                      # None: nothing comes back (void / no store)
    slot: Optional[int] = None
    source: object = None                     # the front end's type of the result


@dataclass
class Param:
    """One IR parameter of the derivative."""
    type: Type
    name: str
    attrs: str = ""


@dataclass
class DerivSignature:
    mode: Mode
    ret_activity: Optional[Activity]
    width: int
    params: List[Param]                       # the derivative's IR parameters
    inputs: List[Input]                       # primal parameters carrying derivatives, in order
    primal_param: Dict[int, int]              # primal IR param → derivative IR param
    ret: ReturnSpec
    results: Results
    seed: Optional[Seed] = None
    excinfo: Optional[int] = None             # derivative IR param of the exception info
    name: str = ""                            # the function's name, for messages


@dataclass
class DerivResult:
    """What a transform returns with the derivative's IR."""
    function: object                          # the derivative (ir.values.Function)
    signature: DerivSignature                 # how to call it: parameters and result layout
    activity: object                          # analysis.activity.ActivityResults
    layout: str = "scalar"                    # shadow memory: "scalar" | "interleaved" | "lanes"
    layout_reason: Optional[str] = None       # why lanes of pointers and not interleaved
    tape: Optional[str] = None                # reverse mode: the tape plan (report)
    transform: object = field(default=None, repr=False)   # the transform's own state
