r"""Pictures of surface features (matplotlib, optional: ``pip install geomkit[plot]``).

Figures are made with :class:`matplotlib.figure.Figure` directly, never through
pyplot's window machinery, so they work headless (no display, any backend
setting) and leave pyplot's state alone.

>>> import os, tempfile
>>> from geomkit.cli import main
>>> d = tempfile.mkdtemp()
>>> main(['demo-wing', '-o', os.path.join(d, 'wing.xyz')])   # doctest: +ELLIPSIS
/...wing.xyz: wing grid 257 x 65 (Plot3D ASCII)
0
>>> fig = plot_feature(os.path.join(d, 'wing.xyz'), 'K', os.path.join(d, 'wing-K.png'))
>>> os.path.getsize(os.path.join(d, 'wing-K.png')) > 10_000
True
"""

import os

import numpy as np

from ._io import atomic_path, check_output_folder
from .errors import GeomkitError, MeshError

__all__ = ["SCALAR_FEATURES", "matplotlib_figure", "plot_feature", "color_limits"]

#: features with one number per point, the ones a surface can be coloured by
SCALAR_FEATURES = ("K", "H", "k1", "k2", "R1212", "dA")

_MAX_GRID_CELLS = 160  # grid lines drawn per direction (a picture, not the data)


def matplotlib_figure(**kw):
    """A new :class:`matplotlib.figure.Figure` (``kw`` passed on); raises
    :class:`geomkit.GeomkitError` with the install command when matplotlib is
    missing."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise GeomkitError(
            "pictures need matplotlib: pip install matplotlib (or geomkit[plot])"
        ) from None
    return Figure(**kw)


def color_limits(values, clip=(2.0, 98.0)):
    """Colour range ``(lo, hi, diverging)``: the ``clip`` percentiles of ``values``
    (curvature spikes at creases would wash out the rest); symmetric about 0 and
    ``diverging`` when the values change sign.

    >>> color_limits(np.array([-1.0, 0.0, 3.0]), clip=(0, 100))
    (-3.0, 3.0, True)
    >>> color_limits(np.array([1.0, 2.0]), clip=(0, 100))
    (1.0, 2.0, False)
    """
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return -1.0, 1.0, True
    lo, hi = (float(x) for x in np.percentile(v, clip))
    if lo < 0.0 < hi:
        m = max(-lo, hi)
        return -m, m, True
    if lo == hi:
        lo, hi = lo - 0.5 * abs(lo or 1.0), hi + 0.5 * abs(hi or 1.0)
    return lo, hi, False


def _norm(vals, lo, hi, diverging, scale):
    from matplotlib.colors import Normalize, SymLogNorm

    a = np.abs(vals[np.isfinite(vals)])
    small = float(np.median(a)) if a.size else 0.0
    if scale == "auto":
        big = max(abs(lo), abs(hi))
        scale = "symlog" if small > 0 and big > 20 * small else "linear"
    if scale == "symlog":
        thresh = max(small, 1e-12 * max(abs(lo), abs(hi)))
        return SymLogNorm(linthresh=thresh, vmin=lo, vmax=hi, base=10, clip=True)
    if scale != "linear":
        raise MeshError(f"unknown colour scale {scale!r}; use 'auto', 'linear' or 'symlog'")
    return Normalize(lo, hi, clip=True)


def _render_mesh(surface):
    """``(V, F, index)``: triangles to draw and the surface points they use; grids
    are thinned to at most ``_MAX_GRID_CELLS`` lines per direction."""
    if not surface.structured:
        return surface.V, surface.F, np.arange(surface.n_vertices)
    Vs, Fs, idx, base = [], [], [], 0
    for X, off in zip(surface.blocks, surface.offsets[:-1]):
        ni, nj = X.shape[:2]
        si = np.unique(np.r_[np.arange(0, ni, max(1, -(-ni // _MAX_GRID_CELLS))), ni - 1])
        sj = np.unique(np.r_[np.arange(0, nj, max(1, -(-nj // _MAX_GRID_CELLS))), nj - 1])
        I, J = np.meshgrid(si, sj, indexing="ij")
        a, b = len(si), len(sj)
        Vs.append(X[I, J].reshape(-1, 3))
        idx.append((off + I + ni * J).reshape(-1))
        p = base + np.arange(a * b).reshape(a, b)
        q = np.stack([p[:-1, :-1], p[1:, :-1], p[1:, 1:], p[:-1, 1:]], -1).reshape(-1, 4)
        Fs.append(np.concatenate([q[:, [0, 1, 2]], q[:, [0, 2, 3]]]))
        base += a * b
    return np.concatenate(Vs), np.concatenate(Fs), np.concatenate(idx)


def plot_feature(surface, feature="K", output=None, *, values=None, method="auto",
                 view=(30.0, -60.0), clip=(2.0, 98.0), cmap=None, title=None, dpi=120,
                 figsize=(7.0, 5.0), scale="auto", ax=None):
    """Draw a surface coloured by a scalar feature; save it when ``output`` is given.

    Parameters
    ----------
    surface : TriangleSurface, StructuredSurface or path
    feature : str
        One of :data:`SCALAR_FEATURES`; computed with
        :func:`geomkit.mesh.features` unless ``values`` (n,) are given.
    method : {'auto', 'corrected', 'jet', 'one-ring'}
        Triangle-mesh estimator.
    view : (elev, azim)
        Camera angles in degrees.
    clip : (lo, hi)
        Percentiles bounding the colour range (:func:`color_limits`).
    scale : {'auto', 'linear', 'symlog'}
        Colour scale; 'auto' is symlog (linear within the median of ``|value|``,
        logarithmic beyond) when the largest ``|value|`` is more than 20 times
        the median -- the curvature of a wing, large at the leading edge --
        else linear.
    ax : a 3D Axes to draw into (then no figure is created or saved).

    Each triangle takes the mean of its corners' values; the colour bar shows
    the feature with its name.  Returns the Figure.
    """
    from .mesh import features, read

    if isinstance(output, (str, os.PathLike)):
        _check_picture_path(output)
    if isinstance(surface, (str, os.PathLike)):
        surface = read(surface)
    if values is None:
        if feature not in SCALAR_FEATURES:
            raise MeshError(f"cannot colour by {feature!r}; choose one of "
                            f"{', '.join(SCALAR_FEATURES)}")
        values = features(surface, [feature], method=method)[feature]
    values = np.asarray(values, dtype=np.float64)
    if values.shape != (surface.n_vertices,):
        raise MeshError(f"values have shape {values.shape}; expected ({surface.n_vertices},)")
    V, F, idx = _render_mesh(surface)
    vals = values[idx][F].mean(axis=1)
    lo, hi, diverging = color_limits(vals, clip)
    fig = ax.figure if ax is not None else matplotlib_figure(figsize=figsize, dpi=dpi)
    from matplotlib import colormaps
    from mpl_toolkits.mplot3d.art3d import Poly3DCollection

    if ax is None:
        ax = fig.add_subplot(projection="3d")
    cm = colormaps[cmap or ("RdBu_r" if diverging else "viridis")]
    norm = _norm(vals, lo, hi, diverging, scale)
    poly = Poly3DCollection(V[F], facecolors=cm(norm(vals)), edgecolors="none", linewidths=0)
    ax.add_collection3d(poly)
    blo, bhi = V.min(axis=0), V.max(axis=0)
    ax.set_xlim(blo[0], bhi[0])
    ax.set_ylim(blo[1], bhi[1])
    ax.set_zlim(blo[2], bhi[2])
    ax.set_box_aspect(np.maximum(bhi - blo, 1e-3 * (bhi - blo).max()))
    ax.view_init(*view)
    ax.set_axis_off()
    from matplotlib.cm import ScalarMappable

    sm = ScalarMappable(norm=norm, cmap=cm)
    cbar = fig.colorbar(sm, ax=ax, shrink=0.6, label=feature)
    if title is not None:
        ax.set_title(title)
    if output is None:
        return fig
    # crop to what is drawn: a 3D axes box is mostly empty around a flat wing
    box = _drawn_bbox(fig, ax, V, [cbar.ax] + ([ax.title] if title is not None else []))
    if isinstance(output, (str, os.PathLike)):
        with atomic_path(output) as tmp:
            fig.savefig(tmp, dpi=dpi, bbox_inches=box, format=_picture_format(output))
    else:  # a file object
        fig.savefig(output, dpi=dpi, bbox_inches=box)
    return fig


def _drawn_bbox(fig, ax, V, others, pad=0.1):
    """Bounding box in inches of the projected surface and the ``others`` artists."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.transforms import Bbox
    from mpl_toolkits.mplot3d import proj3d

    if not hasattr(fig.canvas, "get_renderer"):
        FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    x, y, _ = proj3d.proj_transform(V[:, 0], V[:, 1], V[:, 2], ax.get_proj())
    pts = ax.transData.transform(np.column_stack([x, y]))
    boxes = [Bbox.from_extents(*pts.min(axis=0), *pts.max(axis=0))]
    boxes += [a.get_tightbbox(renderer) for a in others]
    box = Bbox.union([b for b in boxes if b is not None and (b.width > 0 or b.height > 0)])
    return box.transformed(fig.dpi_scale_trans.inverted()).padded(pad)


def _picture_format(path):
    return os.path.splitext(os.fspath(path))[1].lower().lstrip(".")


def _check_picture_path(path):
    """Fail before any work when matplotlib cannot write ``path``'s format or its
    folder is missing."""
    known = matplotlib_figure().canvas.get_supported_filetypes()
    fmt = _picture_format(path)
    if fmt not in known:
        raise MeshError(f"{os.fspath(path)}: cannot write pictures as {fmt or 'no extension'!r}; "
                        f"use one of {', '.join('.' + k for k in sorted(known))}")
    check_output_folder(path)
