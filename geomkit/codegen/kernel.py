"""``gk.lower``: sympy expressions -> a cached, parallel numba :class:`Kernel`.

sympy and the generator are imported by :func:`lower` only: a kernel found by
:func:`indexed` loads without them (a CLI call or a batch worker saves the
import and the re-derivation of formulas it has compiled before).
"""

import os
import threading

import numpy as np

from .._display import LatexDisplay, latex_name
from ..errors import KernelInputError, LoweringError, NumericalError
from . import cache as _cache

__all__ = ["lower", "Kernel", "indexed"]

sp = _gen = None  # sympy and .generate, imported by _symbolic() on first lower()


def _symbolic():
    global sp, _gen
    if _gen is None:
        import sympy

        from . import generate

        sp, _gen = sympy, generate

_DTYPES = ("float64", "float32")
_TARGETS = ("cpu",)
# Operation budget of one compiled part of ``point``.  numba's compile time grows
# faster than linearly with the size of one function (Kerr Riemann, ~2300 ops
# after CSE: ~3 s; four times as large: ~43 s in one function, ~31 s in parts of
# 3000 ops), while passing live values between parts costs some run time; so only
# formulas larger than Kerr's are split.
PART_OPS = 3000
# 'auto': small formulas in the prange body, large ones in a serial `block`
# function called once per block of points; 'inline' forces the former (the
# naive layout, kept for the benchmark: numba's parallel passes make large
# formulas compile several times slower that way)
_LAYOUT = "auto"

# below this many operations per call (points x operations per point) the
# formula runs serially: waking the thread pool costs more than it saves, and
# on a busy machine the parallel region waits for a descheduled thread
SERIAL_WORK = 5_000_000

_memo = {}  # key -> Kernel, for this process
_lock = threading.Lock()


def _as_symbol_list(what, seq, exprs=()):
    """Symbols of ``seq``; a name or a plain symbol stands for the symbol of that
    name in ``exprs`` whatever its assumptions (``Symbol('x', real=True)`` is not
    ``Symbol('x')``, but a user naming ``'x'`` means the ``x`` of the formula --
    and the cache key, which sees names only, agrees)."""
    if seq is None:
        return []
    if isinstance(seq, str):
        seq = [s.name for s in sp.symbols(seq, seq=True)]
    elif isinstance(seq, sp.Basic):
        seq = [seq]
    out, by_name = [], None
    for s in seq:
        if isinstance(s, (str, sp.Symbol)):
            if by_name is None:
                found = sorted(_gen.free_symbols(exprs), key=sp.default_sort_key)
                names = [x.name for x in found]
                by_name = {x.name: x for x in found if names.count(x.name) == 1}
            name = s if isinstance(s, str) else s.name
            s = by_name.get(name) or (sp.Symbol(s) if isinstance(s, str) else s)
        if not isinstance(s, (sp.Symbol, sp.Derivative)) and not (
            isinstance(s, sp.Function) and isinstance(s, sp.core.function.AppliedUndef)
        ):
            raise LoweringError(
                f"{what} must be sympy symbols (or undefined functions f(u, v) and their "
                f"derivatives), got {s!r} of type {type(s).__name__}"
            )
        out.append(s)
    return out


def lower(
    outputs,
    inputs,
    params=(),
    *,
    name=None,
    parallel=True,
    fastmath=False,
    dtype="float64",
    check=False,
    target="cpu",
    version=None,
):
    r"""Turn sympy expressions into a compiled, cached numba kernel over points.

    Every output :math:`y_k(x_1,\dots,x_m;p_1,\dots,p_q)` is evaluated at each of
    ``n`` points: ``y_k[i] = y_k(x_1[i], ..., x_m[i]; p)``.

    Parameters
    ----------
    outputs : mapping, Matrix, Form, list or expression
        Mapping ``name -> expr``, or a sympy Matrix (names ``m_i_j``), a
        :class:`~geomkit.Form` (names ``c_i_j`` for its increasing index tuples),
        a nested list (``out_i``, ``out_i_j``) or a single expression (``out``).
    inputs : sequence of sympy Symbols
        Per-point quantities, passed as arrays.  Undefined functions of the
        coordinates and their derivatives found in ``outputs`` -- ``f(u, v)``,
        ``Derivative(f(u, v), u)``, ``Derivative(f(u, v), u, v)`` -- become
        per-point inputs named ``f``, ``f_u``, ``f_uv`` automatically (they may
        also be listed here to fix their order).  ``kernel.inputs`` lists the
        arrays the kernel reads: the listed inputs that occur, then the
        function inputs; a listed input that does not occur may still be
        passed (it only takes part in broadcasting).
    params : sequence of Symbols, or mapping Symbol -> default value
        Scalars shared by all points.
    name : str, optional
        Readable prefix of the generated module (default ``'kernel'``).
    parallel : bool
        One ``numba.prange`` loop over the points (threads: ``numba.set_num_threads``).
    fastmath : bool
        Let LLVM reassociate and assume finite values (faster; inf/nan semantics lost).
    dtype : {'float64', 'float32'}
        Precision of the inputs, arithmetic and outputs.
    check : bool
        Default of ``kernel(..., check=)``: raise :class:`~geomkit.NumericalError`
        at the first non-finite output.
    target : {'cpu'}
        Only the CPU target exists; the generator keeps the loop body separate
        from the loop so that a ``numba.cuda`` target can reuse it.
    version : str, optional
        Also record the kernel under ``(name, version)``, so that
        :func:`indexed` finds it in any later process without sympy.  The
        caller promises that the same name and version mean the same formula.

    Returns
    -------
    Kernel

    Raises
    ------
    LoweringError
        An output uses a function with no numeric counterpart, a symbol that is
        neither an input nor a parameter, or a complex number.

    Examples
    --------
    >>> import numpy as np, sympy as sp, geomkit as gk
    >>> u, v = sp.symbols('u v')
    >>> E = sp.Function('E')(u, v)
    >>> k = gk.lower({'half_Eu_over_E': sp.diff(E, u) / (2 * E)}, [u, v])
    >>> k.inputs
    ('E', 'E_u')
    >>> k(E=np.array([1.0, 2.0]), E_u=np.array([4.0, 4.0]))['half_Eu_over_E']
    array([2., 1.])
    """
    _symbolic()
    if dtype not in _DTYPES:
        raise LoweringError(f"dtype must be one of {_DTYPES}, got {dtype!r}")
    if target not in _TARGETS:
        raise LoweringError(f"target must be one of {_TARGETS}, got {target!r}")
    named = _gen.flatten_outputs(outputs)
    out_names = [k for k, _ in named]
    if len(set(out_names)) != len(out_names):
        raise LoweringError(f"output names repeat: {out_names}")
    exprs = [e for _, e in named]
    ins = _as_symbol_list("inputs", inputs, exprs)
    defaults = {}
    if isinstance(params, dict):
        defaults = {str(k): v for k, v in params.items()}
        params = list(params)
    pars = _as_symbol_list("params", params, exprs)
    for p in pars:
        if not isinstance(p, sp.Symbol):
            raise LoweringError(f"parameter {p} must be a plain symbol")
    name = name or "kernel"
    if not name.isidentifier():
        raise LoweringError(f"kernel name must be a Python identifier, got {name!r}")

    key = _cache.source_key(
        [
            "geomkit-codegen",
            _gen.GENERATOR_VERSION,
            dtype,
            str(bool(parallel)),
            str(bool(fastmath)),
            str(PART_OPS),
            _LAYOUT,
            *(_gen.fingerprint([s]) for s in ins),
            "|params|",
            *(_gen.fingerprint([p]) for p in pars),
            "|outputs|",
            *out_names,
            _gen.fingerprint(exprs),
        ]
    )
    with _lock:
        kern = _memo.get(key)
        if kern is None:
            kern = _build(key, name, exprs, out_names, ins, pars, dtype, parallel, fastmath)
            _memo[key] = kern
    if version is not None:
        _cache.index_record(name, version, kern.path, sorted(kern._declared))
    return kern._view(check=check, defaults=defaults)


def indexed(name, version):
    """The kernel that ``lower(..., name=name, version=version)`` made in this or an
    earlier process, loaded without sympy; None when there is none (then call
    :func:`lower`).  Call defaults (``check``, parameter defaults) are not
    recorded: pass them at call time."""
    found = _cache.index_lookup(name, version)
    if found is None:
        return None
    path, rec = found
    fname = os.path.splitext(os.path.basename(path))[0]
    with _lock:
        module = _cache.import_source(path, f"_geomkit_kernel_{fname}")
        kern = _memo.get(module.KEY)
        if kern is None:
            kern = Kernel(module, path, "disk", declared=rec.get("declared", ()))
            _memo[module.KEY] = kern
    return kern._view(check=False, defaults={})


def _build(key, name, exprs, out_names, ins, pars, dtype, parallel, fastmath):
    fname = f"{name}_{key[:20]}"
    path = os.path.join(_cache.kernel_dir(), fname + ".py")
    origin = "disk"
    if not os.path.exists(path):
        source = _generate(key, name, exprs, out_names, ins, pars, dtype, parallel, fastmath)
        _cache.write_atomic(path, source, exclusive=True)
        origin = "generated"
    module = _cache.import_source(path, f"_geomkit_kernel_{fname}")
    return Kernel(module, path, origin, declared=[_input_name(s) for s in ins])


def _input_name(s):
    if isinstance(s, sp.Symbol):
        return s.name
    return _gen._function_symbol(s)


def _generate(key, name, exprs, out_names, ins, pars, dtype, parallel, fastmath):
    declared_funcs = [s for s in ins if not isinstance(s, sp.Symbol)]
    exprs, found = _gen.replace_functions(exprs, declared_funcs)
    _gen.supported(exprs, out_names)
    sym_ins = [s for s in ins if isinstance(s, sp.Symbol)]
    all_names = [s.name for s in sym_ins] + [p.name for p in pars] + [n for n, _, _ in found]
    seen = set()
    for n in all_names:
        if n in ("out", "check"):
            raise LoweringError(
                f"an input or parameter may not be named {n!r} (a keyword of Kernel calls)"
            )
        if n in seen:
            raise LoweringError(f"name {n!r} is used twice among the inputs and parameters")
        seen.add(n)
    used = _gen.free_symbols(exprs)
    unknown = used - set(sym_ins) - set(pars) - {s for _, s, _ in found}
    if unknown:
        given = {s.name: s for s in [*sym_ins, *pars]}
        twins = sorted(s.name for s in unknown if s.name in given)
        hint = (f"; {twins} are given by name but the formula's symbols of those names "
                "have other assumptions (e.g. real=True): pass the formula's own Symbol "
                "objects or their names as strings") if twins else ""
        raise LoweringError(
            f"symbols {sorted(map(str, unknown))} are neither inputs nor params; "
            f"pass them in inputs= (per point) or params= (scalars){hint}"
        )
    # inputs actually read: declared symbols that occur (declared order), then functions
    read = [(s.name, s) for s in sym_ins if s in used]
    read += [(n, s) for n, s, _ in found if s in used or n in {_input_name(d) for d in ins}]
    mapping = {s: sp.Symbol(f"x{k}", real=True) for k, (_, s) in enumerate(read)}
    mapping.update({p: sp.Symbol(f"p{k}", real=True) for k, p in enumerate(pars)})
    exprs = _gen.dag_replace(exprs, mapping)
    parts, results = _gen.plan(exprs, PART_OPS)
    return _gen.render(
        name=name,
        key=key,
        parts=parts,
        results=results,
        input_names=[n for n, _ in read],
        param_names=[p.name for p in pars],
        output_names=out_names,
        dtype=dtype,
        parallel=parallel,
        fastmath=fastmath,
        layout=_LAYOUT,
    )


class Kernel(LatexDisplay):
    """A compiled kernel over points, made by :func:`lower`.

    Call it with keyword arrays, ``kernel(**inputs, **params, out=None, check=None)``;
    it returns a dict ``output name -> array`` of the broadcast shape of the
    inputs.

    Attributes
    ----------
    inputs : tuple of str
        Per-point arrays the kernel reads (broadcast together, any shape).
    params : tuple of str
        Scalars.
    outputs : tuple of str
        Names of the returned arrays, in order.
    dtype : numpy.dtype
    source : str
        The generated Python module (``kernel.path`` is its file in the cache).
    signature : str
        ``name(inputs; params) -> (outputs)``.
    origin : str
        Where the source came from: ``'generated'`` (CSE and printing ran in this
        process) or ``'disk'`` (read back from the cache).
    """

    def __init__(self, module, path, origin, declared=()):
        self._module = module
        self.path = path
        self.origin = origin
        self.name = module.NAME
        self.key = module.KEY
        self.inputs = tuple(module.INPUTS)
        self.params = tuple(module.PARAMS)
        self.outputs = tuple(module.OUTPUTS)
        self.dtype = np.dtype(module.DTYPE)
        self._declared = frozenset(declared) | frozenset(self.inputs)
        self._check = False
        self._defaults = {}

    def _view(self, check, defaults):
        """A Kernel sharing the compiled module, with its own call defaults."""
        k = object.__new__(Kernel)
        k.__dict__.update(self.__dict__)
        k._check = bool(check)
        k._defaults = dict(defaults)
        return k

    @property
    def source(self):
        with open(self.path, encoding="utf-8") as f:
            return f.read()

    @property
    def point(self):
        """The compiled scalar function ``point(*inputs, *params) -> tuple of outputs``.

        A numba ``@njit`` dispatcher: call it from your own numba code to evaluate
        the formula at one point inside another loop (arguments in the order of
        ``inputs`` then ``params``, results in the order of ``outputs``).
        """
        return self._module.point

    @property
    def signature(self):
        return (
            f"{self.name}({', '.join(self.inputs)}; {', '.join(self.params)}) -> "
            f"({', '.join(self.outputs)})"
        )

    def __repr__(self):
        return f"<Kernel {self.signature} [{self.dtype}]>"

    def _latex(self, printer):
        def names(xs):
            return ", ".join(map(latex_name, xs))

        params = r";\ " + names(self.params) if self.params else ""
        return (rf"{latex_name(self.name)}\left({names(self.inputs)}{params}\right) "
                rf"\rightarrow \left({names(self.outputs)}\right)\ [{latex_name(self.dtype)}]")

    def cache_info(self):
        """Where the kernel came from and numba's cache statistics.

        Returns a dict with ``path``, ``origin`` (``'generated'`` / ``'disk'``) and
        ``numba_hits`` / ``numba_misses``: compiled specialisations loaded from
        numba's on-disk cache, or compiled afresh, over all functions of the module.
        """
        hits = misses = 0
        for obj in vars(self._module).values():
            stats = getattr(obj, "stats", None)
            if stats is not None and hasattr(stats, "cache_hits"):
                hits += sum(stats.cache_hits.values())
                misses += sum(stats.cache_misses.values())
        return {"path": self.path, "origin": self.origin, "numba_hits": hits,
                "numba_misses": misses}

    # -- calling -------------------------------------------------------------
    def _array(self, name, a):
        if isinstance(a, np.ndarray):
            if a.dtype.kind not in "biuf":
                raise KernelInputError(
                    f"input {name!r} has dtype {a.dtype}; {self.name} takes real {self.dtype} "
                    "arrays"
                )
            if not np.can_cast(a.dtype, self.dtype, "safe"):
                raise KernelInputError(
                    f"input {name!r} has dtype {a.dtype}, which does not convert safely to the "
                    f"kernel's {self.dtype}; lower with dtype={a.dtype.name!r} or convert "
                    "explicitly"
                )
            return a
        try:
            arr = np.asarray(a)
        except Exception as err:  # noqa: BLE001
            raise KernelInputError(f"input {name!r} is not array-like: {err}") from err
        if arr.dtype.kind not in "biuf":
            raise KernelInputError(f"input {name!r} is not a real array (dtype {arr.dtype})")
        return arr.astype(self.dtype, copy=False)

    def __call__(self, *args, out=None, check=None, **arrays):
        """Evaluate at every point.

        Parameters
        ----------
        **arrays
            One array per name of ``inputs`` (broadcast together; Python lists
            and scalars are converted), one scalar per name of ``params``.
        out : dict, optional
            Preallocated output arrays ``name -> array`` (C-contiguous, of the
            broadcast shape and the kernel's dtype); others are allocated.
        check : bool, optional
            Raise :class:`~geomkit.NumericalError` naming the first point and
            output that is NaN or infinite (default: ``lower(check=)``).

        Returns
        -------
        dict of name -> ndarray
        """
        if args:
            named = ", ".join(f"{k}=..." for k in self.inputs + self.params)
            raise KernelInputError(
                f"{self.name} takes its arrays by name, got {len(args)} positional: "
                f"call it as kernel({named})"
            )
        check = self._check if check is None else check
        unknown = set(arrays) - self._declared - set(self.params)
        if unknown:
            raise KernelInputError(
                f"{self.name} has no input or parameter {sorted(unknown)}; "
                f"inputs: {list(self.inputs)}, params: {list(self.params)}"
            )
        missing = [k for k in self.inputs if k not in arrays]
        if missing:
            raise KernelInputError(f"{self.name} is missing input arrays {missing}")
        pvals = []
        for p in self.params:
            if p in arrays:
                v = arrays[p]
            elif p in self._defaults:
                v = self._defaults[p]
            else:
                raise KernelInputError(f"{self.name} is missing parameter {p!r}")
            v = np.asarray(v)
            if v.ndim != 0 or v.dtype.kind not in "biuf":
                raise KernelInputError(
                    f"parameter {p!r} must be a real scalar, got shape {v.shape} dtype {v.dtype}"
                )
            pvals.append(self.dtype.type(v))
        given = {k: self._array(k, v) for k, v in arrays.items() if k not in self.params}
        try:
            shape = np.broadcast_shapes(*(a.shape for a in given.values()))
        except ValueError as err:
            shapes = ", ".join(f"{k}: {a.shape}" for k, a in given.items())
            raise KernelInputError(
                f"input arrays of {self.name} do not broadcast together ({shapes})"
            ) from err
        n = int(np.prod(shape, dtype=np.int64))
        flat = []
        for k in self.inputs:
            a = given[k]
            if a.shape == shape and a.dtype == self.dtype and a.flags.c_contiguous:
                flat.append(a.reshape(-1))
            else:
                b = np.broadcast_to(a, shape)
                flat.append(np.ascontiguousarray(b, dtype=self.dtype).reshape(-1))
        out = dict(out or {})
        bad = set(out) - set(self.outputs)
        if bad:
            raise KernelInputError(f"{self.name} has no outputs {sorted(bad)}")
        result, flat_out = {}, []
        # outputs not given in `out` are rows of one block: a single large
        # allocation page-faults far faster than many (measured: 10^7 points,
        # 8 outputs, ~2x faster first touch)
        fresh = [k for k in self.outputs if out.get(k) is None]
        block = iter(np.empty((len(fresh), *shape), dtype=self.dtype)) if fresh else None
        for k in self.outputs:
            o = out.get(k)
            if o is None:
                o = next(block)
            elif not (
                isinstance(o, np.ndarray)
                and o.shape == shape
                and o.dtype == self.dtype
                and o.flags.c_contiguous
                and o.flags.writeable
            ):
                raise KernelInputError(
                    f"out[{k!r}] must be a writeable C-contiguous {self.dtype} array of shape "
                    f"{shape}, got "
                    + (f"{o.dtype} {o.shape}" if isinstance(o, np.ndarray) else type(o).__name__)
                )
            result[k] = o
            flat_out.append(o.reshape(-1))
        m = self._module
        if n * m.OPS < SERIAL_WORK:
            # same (uint64, uint64, ...) signature as inside `kernel`: one compilation
            m.block(np.uint64(0), np.uint64(n), *flat, *pvals, *flat_out)
        else:
            m.kernel(np.int64(n), *flat, *pvals, *flat_out)
        if check:
            self._check_finite(result, shape, given)
        return result

    def _check_finite(self, result, shape, given):
        first, where = None, None
        for k, o in result.items():
            bad = ~np.isfinite(o.reshape(-1))
            if bad.any():
                i = int(np.argmax(bad))
                if first is None or i < first:
                    first, where = i, k
        if first is None:
            return
        idx = np.unravel_index(first, shape) if shape else ()
        vals = ", ".join(
            f"{k}={float(np.broadcast_to(a, shape)[idx])!r}"
            for k, a in given.items()
            if k in self.inputs
        )
        val = result[where].reshape(-1)[first]
        raise NumericalError(
            f"{self.name}: output {where!r} is {val} at point {idx if len(shape) > 1 else first}"
            f" ({vals})"
        )

    def compile(self):
        """Compile (or load from numba's cache) now rather than at the first call."""
        z = np.zeros(0, self.dtype)
        args = [z] * len(self.inputs) + [self.dtype.type(0)] * len(self.params)
        args += [z] * len(self.outputs)
        self._module.kernel(np.int64(0), *args)  # compiles `block` too, as its callee
        self._module.block(np.uint64(0), np.uint64(0), *args)
        return self
