"""``%clang`` / ``%clang++`` of the lit suite: zig's clang, with what lit's RUN lines expect.

Usage (lit.cfg.py writes it into the substitutions)::

    python -I -S zig_cc.py cc|c++ ZIG [clang arguments...]

What this adds to running ``ZIG cc`` directly:

* ``-o -`` writes to standard output (zig's driver would create a file named ``-``);
* ``%clang`` on a C++ source (``.cpp``/``.cc``/``.cxx``, or ``-x c++``) runs ``zig c++``, as
  clang's driver compiles such a file as C++ with the C++ library's headers, which
  ``zig cc`` would not add;
* ``--zymase-enzyme-plugin`` (what ``%loadClangEnzyme`` / ``%newLoadClangEnzyme`` stand
  for) plays the part of Enzyme's clang plugin: clang writes text IR to a temporary file and
  ``python -m zymase opt`` lowers the ``__enzyme_*`` calls in it before the output (text
  IR, bitcode or an object file, as the command line asked) is written;
* ``-mllvm -enzyme-*`` options (for the plugin, not for clang) are dropped;
* with the plugin stand-in, the attributes Enzyme's plugin registers
  (``__attribute__((enzyme_inactive))``, ``enzyme_function_like("log1p")``, …) are
  spelled as ``annotate("enzyme_…")`` attributes, so they reach the IR
  (``llvm.global.annotations``) where ``zymase opt`` reads them, or refuses the ones it does
  not implement, instead of clang dropping them as unknown attributes.  The functions they
  mark are also ``noinline``: Enzyme's plugin acts at the start of clang's pipeline, before
  the inliner could merge an inactive function into its active caller, while this stand-in
  runs after it.  (C23/C++ ``[[enzyme::…]]`` spellings cannot be rewritten this way and
  are still dropped.)  Functions listed in Enzyme's annotation arrays
  (``__enzyme_function_like``, ``__enzyme_allocation_like``, ``__enzyme_register_*``,
  ``__enzyme_inactivefn``) are kept out of line the same way: when the module has such an
  array, clang's IR is taken before any LLVM pass (``-Xclang -disable-llvm-passes``), the
  listed functions are made ``noinline``, and clang then runs its pipeline for the same
  ``-O`` level on that IR.

The Python running ``zymase opt`` is ``$ZYMASE_LIT_PYTHON`` (lit.cfg.py sets it); this
script itself imports nothing outside the standard library, so it can start with ``-I -S``.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

PLUGIN = "--zymase-enzyme-plugin"

# Enzyme's clang plugin registers these GNU attributes; clang alone ignores them.
PLUGIN_ATTRIBUTES = [
    '-Denzyme_inactive=annotate("enzyme_inactive"),noinline',
    '-Denzyme_inactive_noblock=annotate("enzyme_inactive_noblock"),noinline',
    '-Denzyme_function_like(...)=annotate("enzyme_function_like", __VA_ARGS__),noinline',
    '-Denzyme_shadow(...)=annotate("enzyme_shadow")',
    '-Denzyme_no_escaping_allocation=annotate("enzyme_no_escaping_allocation"),noinline',
    '-Denzyme_notypeanalysis=annotate("enzyme_notypeanalysis")',
    "-Wno-ignored-attributes",
]


def split_args(args):
    """-> (clang args without -o / the plugin marker / -mllvm -enzyme-*, output, plugin)."""
    out_args, output, plugin = [], None, False
    i = 0
    while i < len(args):
        a = args[i]
        if a == PLUGIN:
            plugin = True
        elif a == "-mllvm" and i + 1 < len(args) and args[i + 1].lstrip("-").startswith("enzyme"):
            i += 1
        elif a.startswith("-mllvm=-enzyme") or a.startswith("-mllvm=--enzyme"):
            pass
        elif a == "-o" and i + 1 < len(args):
            output = args[i + 1]
            i += 1
        elif a.startswith("-o") and len(a) > 2 and not a.startswith("-object"):
            output = a[2:]
        else:
            out_args.append(a)
        i += 1
    return out_args, output, plugin


def copy_out(path, output):
    """Copy PATH to OUTPUT ('-' is standard output; a reader that stops early is fine)."""
    if output == "-":
        try:
            sys.stdout.flush()
            with open(path, "rb") as f:
                shutil.copyfileobj(f, sys.stdout.buffer)
            sys.stdout.flush()
        except BrokenPipeError:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
    else:
        shutil.copyfile(path, output)


def is_cxx(args):
    """Whether clang's driver would compile these sources as C++."""
    for i, a in enumerate(args):
        if a == "-x" and i + 1 < len(args):
            return args[i + 1].startswith("c++")
        if a.startswith("-xc++"):
            return True
    return any(a.endswith((".cpp", ".cc", ".cxx", ".C")) for a in args if not a.startswith("-"))


_ANNOTATION_ARRAY = re.compile(
    r'^@"?__enzyme_(?:function_like|allocation_like|register_\w+|inactivefn)\w*"? = .*$', re.M)
_FN_REF = re.compile(r'ptr @("[^"]*"|[-\w.$]+)')


def keep_annotated_out_of_line(zig, mode, clang_args, ir):
    """Recompile when the module lists functions in Enzyme's annotation arrays: clang's IR
    before optimisation, those functions ``noinline``, then clang's pipeline on it (what
    Enzyme's plugin, acting at the start of the pipeline, sees).  Returns clang's status."""
    with open(ir) as f:
        text = f.read()
    arrays = _ANNOTATION_ARRAY.findall(text)
    if not arrays:
        return 0
    names = {n.strip('"') for line in arrays for n in _FN_REF.findall(line.split("=", 1)[1])}
    pre = ir + ".pre.ll"
    rc = subprocess.call([zig, mode, *PLUGIN_ATTRIBUTES, *clang_args, "-Xclang",
                          "-disable-llvm-passes", "-S", "-emit-llvm", "-o", pre])
    if rc != 0:
        return rc
    with open(pre) as f:
        lines = f.read().split("\n")
    for k, line in enumerate(lines):
        m = re.match(r'^define\b[^@]*@("[^"]*"|[-\w.$]+)\(', line)
        if m and m.group(1).strip('"') in names and line.rstrip().endswith("{"):
            lines[k] = line.rstrip()[:-1].rstrip() + " noinline {"
    with open(pre, "w") as f:
        f.write("\n".join(lines))
    keep, skip = [], False
    for a in clang_args:
        if skip:
            keep.append(a)
            skip = False
        elif a in ("-target", "-Xclang"):
            keep.append(a)
            skip = True
        elif a.startswith(("-O", "-m", "-f", "-g", "-W", "--target")):
            keep.append(a)
    return subprocess.call([zig, mode, *keep, pre, "-S", "-emit-llvm", "-o", ir])


def main(argv):
    mode, zig, rest = argv[1], argv[2], argv[3:]
    args, output, plugin = split_args(rest)
    if mode == "cc" and is_cxx(args):
        mode = "c++"
    text = "-S" in args
    emit_llvm = "-emit-llvm" in args
    compile_only = "-c" in args or text
    if plugin and not compile_only:
        sys.stderr.write("zig_cc.py: the Enzyme plugin stand-in needs -c or -S "
                         "(it cannot link)\n")
        return 1
    if output is None and not plugin:
        return subprocess.call([zig, mode, *args])
    with tempfile.TemporaryDirectory(prefix="zymase-cc-") as tmp:
        if not plugin:
            suffix = ".ll" if (text and emit_llvm) else ".bc" if emit_llvm else \
                ".s" if text else ".o" if compile_only else ""
            dest = os.path.join(tmp, "out" + suffix)
            rc = subprocess.call([zig, mode, *args, "-o", dest])
            if rc == 0 and output is not None:
                copy_out(dest, output)
            return rc
        # the plugin: clang -> text IR -> zymase opt -> what was asked for
        ir = os.path.join(tmp, "in.ll")
        clang_args = [a for a in args if a not in ("-S", "-c", "-emit-llvm")]
        rc = subprocess.call([zig, mode, *PLUGIN_ATTRIBUTES, *clang_args, "-S", "-emit-llvm",
                              "-o", ir])
        if rc == 0:
            rc = keep_annotated_out_of_line(zig, mode, clang_args, ir)
        if rc != 0:
            return rc
        fmt = "ll" if (text and emit_llvm) else "bc" if emit_llvm else "obj" if not text else None
        if fmt is None:
            sys.stderr.write("zig_cc.py: the Enzyme plugin stand-in cannot write assembly\n")
            return 1
        dest = os.path.join(tmp, "out." + {"ll": "ll", "bc": "bc", "obj": "o"}[fmt])
        python = os.environ.get("ZYMASE_LIT_PYTHON", "python3")
        rc = subprocess.call([python, "-m", "zymase", "opt", ir, "-o", dest, "--emit", fmt])
        if rc == 0:
            if output is None:
                sources = [a for a in args if a.endswith((".c", ".cc", ".cpp", ".cxx"))]
                base = os.path.splitext(os.path.basename(sources[-1] if sources else "a"))[0]
                output = base + {"ll": ".ll", "bc": ".bc", "obj": ".o"}[fmt]
            copy_out(dest, output)
        return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))
