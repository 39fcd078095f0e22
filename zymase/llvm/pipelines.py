"""LLVM pass pipelines, run through llvmlite's new pass manager.

``canonicalise``: the form the analyses and transforms expect.  Callees are forced inline
(everything but the entry function becomes ``internal alwaysinline``), then scalar
replacement, instcombine, CFG simplification, loop-simplify and GVN run twice: the first round
exposes the allocas Numba creates for every variable only after inlining, the second promotes
them.  Last, LCSSA: a value defined in a loop and used after it is used through a phi in the
loop's exit block, so reverse mode tapes what a use after the loop needs (the value on leaving,
once per run of the loop) rather than every iteration's value (an accumulator ``s`` of a loop
followed by ``log(s)`` was pushed once per iteration).  No vectorisation and no unrolling: lane shuffles and unrolled remainders are costly to
differentiate and O3 redoes them on the derivative anyway.

``optimise``: LLVM's O3 module pipeline, for the final derivative, with LLVM's in-order
("strict") floating-point reductions enabled for its duration.  An adjoint sweep is full of
loop-carried sums into one cell (``d_xc[c] += d_qxc[r] * l[idx]`` inside a loop over ``r``:
the adjoint of a value read every iteration) that LLVM may not reassociate, so on x86 the
vectoriser refuses the whole loop and every other statement in it stays scalar too.  With
in-order reductions it vectorises the loop and adds the lanes' products into the accumulator
one by one, in the original order: the same additions, bit for bit (no ``reassoc`` is
assumed), with the multiplies, loads and the other statements done four or eight at a time.
That matters most where the adjoint runs on subnormal numbers (GMM's posterior weights), where
every *instruction* with a subnormal operand costs a microcode assist, so four lanes cost one
assist instead of four.  The option is LLVM-global (``cl::opt``): it is switched on only
around our pipeline (under Numba's compiler lock) and
switched back off after it, so Numba's own compiles keep their cost model; AArch64, where
LLVM enables in-order reductions by default, is left alone.
"""
from __future__ import annotations

import re

import llvmlite.binding as llvm
from numba.core.compiler_lock import global_compiler_lock

_tm = None


def target_machine():
    """Numba's own target machine (host CPU name and features, or NUMBA_CPU_NAME /
    NUMBA_CPU_FEATURES): the optimiser's cost models must see the vector width the code
    will run with — a generic x86-64 machine vectorises for 128-bit SSE2, and those loops
    are not re-vectorised when Numba finalises the library."""
    global _tm
    if _tm is None:
        llvm.initialize_native_target()
        llvm.initialize_native_asmprinter()
        from numba.core.registry import cpu_target
        _tm = getattr(cpu_target.target_context.codegen(), "_tm", None)
        if _tm is None:
            _tm = llvm.Target.from_default_triple().create_target_machine(
                cpu=llvm.get_host_cpu_name(), features=llvm.get_host_cpu_features().flatten(),
                opt=3, jit=True)
    return _tm


def canonicalise(mod: llvm.ModuleRef, keep: str, protect=frozenset(),
                 also_keep=frozenset(), thread_jumps: bool = False) -> llvm.ModuleRef:
    """Inline everything into ``keep`` and simplify; returns the same module.  Functions in
    ``protect`` (custom-derivative callees) stay out of line so their calls stay visible;
    those in ``also_keep`` (functions the derivative will call) stay as they are, canonicalised
    too.

    ``thread_jumps`` (code from other compilers): jump threading too.  Rust's allocation
    paths merge a pointer (as an integer) and an error code in one SROA'd phi, then branch on
    a flag phi; threading the flag's constant edges splits the merge, so the pointer phi has
    only pointer incomings (``transforms/provenance.py`` recovers it)."""
    for fn in mod.functions:
        if (fn.name == keep or fn.name in also_keep) and not fn.is_declaration:
            fn.linkage = llvm.Linkage.external
        if fn.is_declaration or fn.name == keep or fn.name in also_keep:
            continue
        fn.linkage = llvm.Linkage.internal
        if fn.name in protect or fn.name in ("NRT_incref", "NRT_decref") \
                or ".zymase.undefined." in fn.name:
            # custom-rule callees stay visible; refcount helpers stay calls so shadows can
            # mirror them; so do the stubs of functions a foreign module does not define
            # (frontend/foreign.py), whose calls must be refused by name
            fn.add_function_attribute("noinline")
        elif "noinline" not in str(list(fn.attributes)):
            fn.add_function_attribute("alwaysinline")
    pto = llvm.create_pipeline_tuning_options(speed_level=0)
    pto.loop_unrolling = False
    pto.loop_vectorization = False
    pto.slp_vectorization = False
    pb = llvm.create_pass_builder(target_machine(), pto)
    _simplify_callees(mod, keep, also_keep, pb)
    pm = llvm.create_new_module_pass_manager()
    pm.add_always_inliner_pass()
    for _ in range(2):
        pm.add_sroa_pass()
        pm.add_instruction_combine_pass()
        pm.add_simplify_cfg_pass()
        if thread_jumps:
            pm.add_jump_threading_pass()
            pm.add_simplify_cfg_pass()
        pm.add_sroa_pass()
        pm.add_new_gvn_pass()
        pm.add_instruction_combine_pass()
        pm.add_dead_store_elimination_pass()
        pm.add_aggressive_dce_pass()
        pm.add_simplify_cfg_pass()
    # Numba's reference-count pruning, as Numba runs it on every primal: an incref whose
    # decref is only on the normal return path (an implicit exception's raise path skips
    # it) would otherwise be mirrored on the shadow and leak both references per raise
    pm.add_refprune_pass()
    pm.add_loop_simplify_pass()
    pm.add_lcssa_pass()
    pm.add_global_dead_code_eliminate_pass()
    pm.add_strip_dead_prototype_pass()
    pm.run(mod, pb)
    return mod


def _simplify_callees(mod: llvm.ModuleRef, keep: str, also_keep, pb) -> None:
    """Scalar cleanup of every callee before the always-inliner copies it: Numba's
    unoptimised callees keep each local in a stack slot and each operation's boxing around it
    (a sort is ~10x larger unsimplified), and inlining copies that bulk into every call site
    before the caller-level passes shrink it again.  Shrinking once per callee first makes
    canonicalisation linear in the code's simplified size.  Only passes the caller-level
    pipeline runs anyway (SROA, instcombine, simplifycfg), so the canonical form is the same
    kind of IR."""
    fpm = llvm.create_new_function_pass_manager()
    fpm.add_sroa_pass()
    fpm.add_instruction_combine_pass()
    fpm.add_simplify_cfg_pass()
    for fn in mod.functions:
        if fn.is_declaration or fn.name == keep or fn.name in also_keep:
            continue
        fpm.run(fn, pb)


# LLVM options set only while the derivative's O3 runs: (name, value for us, x86's default).
# In-order FP reductions (above); and vectorised epilogues for loops whose vector body does
# 8 elements (4 lanes, interleaved twice): the adjoint of a triangular product runs inner
# loops of every length, whose scalar remainders (up to 7 elements) are a third of the
# multiplies when the adjoint is scaled by a subnormal (GMM d = 64: 2.8 -> 2.6 x the primal)
_O3_OPTIONS = (("force-ordered-reductions", "true", "false"),
               ("epilogue-vectorization-minimum-VF", "8", "16"))


def optimise(mod: llvm.ModuleRef, level: int = 3) -> llvm.ModuleRef:
    pto = llvm.create_pipeline_tuning_options(speed_level=level)
    pb = llvm.create_pass_builder(target_machine(), pto)
    pm = pb.getModulePassManager()
    # an LLVM without an option would end the process on it (cl::opt parsing): both exist
    # since LLVM 14
    toggle = level > 0 and llvm.llvm_version_info >= (14,) and not _ordered_by_default()
    # the options are process-global: Numba's lock (reentrant; the builds already hold it)
    # keeps a Numba compile in another thread from running its O3 while they are set
    with global_compiler_lock:
        if toggle:
            for name, ours, _ in _O3_OPTIONS:
                llvm.set_option("", f"-{name}={ours}")
        try:
            pm.run(mod, pb)
        finally:
            if toggle:
                # x86's (and most targets') defaults: Numba's compiles stay as they were
                for name, _, default in _O3_OPTIONS:
                    llvm.set_option("", f"-{name}={default}")
    return mod


def _ordered_by_default() -> bool:
    """LLVM's AArch64 cost model vectorises in-order FP reductions on its own and has its own
    epilogue threshold (explicit x86 defaults afterwards would change Numba's compiles)."""
    return target_machine().triple.split("-")[0] in ("aarch64", "arm64")


def parse(text: str) -> llvm.ModuleRef:
    mod = llvm.parse_assembly(text)
    mod.verify()
    return mod


def allow_inlining(text: str, filler: str = "nounwind") -> str:
    """Numba marks some helpers ``noinline`` (array-expression kernels, refcount helpers),
    clang -O0 every function ``optnone noinline``; canonicalisation must see through them,
    so both keywords are dropped from attribute groups and from attributes written on
    ``define`` lines (``canonicalise`` keeps the refcount helpers out of line itself).  An
    attribute group left empty gets ``filler`` (a group must not be empty)."""
    def fix(m):
        body = re.sub(r"\b(noinline|optnone)\b", "", m.group(2))
        body = re.sub(r"\s+", " ", body).strip()
        return f"{m.group(1)}{{ {body or filler} }}"
    text = re.sub(r"^(attributes #\d+ = )\{(.*)\}$", fix, text, flags=re.M)
    return re.sub(r"^(define [^\n]*\))([^\n]*)\{$",
                  lambda m: m.group(1) + re.sub(r"\b(noinline|optnone)\b", "", m.group(2))
                  + "{", text, flags=re.M)
