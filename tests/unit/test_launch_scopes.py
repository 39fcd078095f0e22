"""``scopes.launch_origin`` / ``shadow_keys``: which pointers of a parallel loop's kernel get
the launch scope.

A kernel ``K(args, dims, steps, data)`` that only ever reads ``args`` gets, from each load of a
slot, the pointer its launcher stored there: memory that was live before the kernel started,
so its shadow is disjoint from any block the kernel allocates (scope S(launch)).  Anything
weaker — a kernel that writes its ``args``, a pointer loaded through a second level, a
function that is not a kernel — stays unknown, which claims nothing."""
from zymase.analysis.types import analyse_types
from zymase.ir.parser import parse_module
from zymase.transforms.scopes import LAUNCH, UNKNOWN, launch_origin, shadow_keys

KERNEL = """define void @"{name}"(ptr %args, ptr %dims, ptr %steps, ptr %data) {{
entry:
  %s1 = getelementptr i8, ptr %args, i64 8
  %p = load ptr, ptr %s1
  %q = load ptr, ptr %args
  %pp = load ptr, ptr %p
  %buf = call ptr @malloc(i64 64)
  {extra}
  %x = load double, ptr %p
  store double %x, ptr %buf
  ret void
}}
declare ptr @malloc(i64)
"""


def _fn(name="__gufunc__.k", extra=""):
    m = parse_module(KERNEL.format(name=name, extra=extra))
    return m.functions[name]


def _inst(fn, name):
    return next(i for i in fn.instructions() if i.name == name)


def test_slot_loads_of_a_read_only_kernel_are_launch_pointers():
    fn = _fn()
    types = analyse_types(fn)
    for v in ("p", "q"):
        assert launch_origin(_inst(fn, v), types)
        assert shadow_keys(types, _inst(fn, v), {}) == frozenset({LAUNCH})
    # a pointer read out of launch memory may have been stored there by anyone
    assert not launch_origin(_inst(fn, "pp"), types)
    assert shadow_keys(types, _inst(fn, "pp"), {}) == frozenset({UNKNOWN})


def test_a_kernel_that_writes_its_args_claims_nothing():
    fn = _fn(extra="store ptr %buf, ptr %s1")
    types = analyse_types(fn)
    assert not launch_origin(_inst(fn, "p"), types)
    assert shadow_keys(types, _inst(fn, "p"), {}) == frozenset({UNKNOWN})


def test_args_passed_to_a_call_claims_nothing():
    m = parse_module(KERNEL.format(name="__gufunc__.k", extra="call void @use(ptr %args)")
                     + "declare void @use(ptr)\n")
    fn = m.functions["__gufunc__.k"]
    assert not launch_origin(_inst(fn, "p"), analyse_types(fn))


def test_only_kernels_get_the_launch_scope():
    fn = _fn(name="plain")
    assert not launch_origin(_inst(fn, "p"), analyse_types(fn))
