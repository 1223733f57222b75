r"""VTK XML structured grids (``.vts``): a small reader and writer.

meshio does not handle ``.vts``.  The writer emits one ``Piece`` with the
points and point data as inline base64 binary (uncompressed, UInt64 header);
the reader accepts ASCII, inline binary and appended data (raw or base64),
uncompressed or zlib-compressed, UInt32 or UInt64 headers, either byte order.
A surface grid has one extent of size 1.

>>> import numpy as np, tempfile, os
>>> X = np.random.default_rng(1).random((5, 4, 3))
>>> p = os.path.join(tempfile.mkdtemp(), 'a.vts')
>>> write_vts(p, X, {'K': np.arange(20.0)})
>>> Y, data = read_vts(p)
>>> bool(np.array_equal(X, Y)), data['K'][:3].tolist()
(True, [0.0, 1.0, 2.0])
"""

import base64
import os
import re
import xml.etree.ElementTree as ET
import zlib

import numpy as np

from .._io import atomic_write
from ..errors import MeshError

__all__ = ["read_vts", "write_vts"]

_TYPES = {
    "Float32": "f4", "Float64": "f8", "Int8": "i1", "UInt8": "u1", "Int16": "i2",
    "UInt16": "u2", "Int32": "i4", "UInt32": "u4", "Int64": "i8", "UInt64": "u8",
}  # fmt: skip


def _b64(data):
    return base64.b64encode(data).decode("ascii")


def write_vts(path, X, point_data=None):
    """Write one grid block ``X: (ni, nj, 3)`` with point data (arrays of ``ni * nj``
    rows, ``i`` fastest; any trailing shape is flattened into components), atomically."""
    X = np.asarray(X, dtype=np.float64)
    ni, nj = X.shape[:2]
    n = ni * nj
    pts = X.transpose(1, 0, 2).reshape(-1, 3)

    def arr(name, a):
        a = np.ascontiguousarray(a, dtype=np.float64).reshape(n, -1)
        raw = a.tobytes()
        hdr = np.array([len(raw)], "<u8").tobytes()
        return (
            f'<DataArray type="Float64" Name="{name}" NumberOfComponents="{a.shape[1]}" '
            f'format="binary">{_b64(hdr)}{_b64(raw)}</DataArray>'
        )

    ext = f"0 {ni - 1} 0 {nj - 1} 0 0"
    parts = [
        '<?xml version="1.0"?>',
        '<VTKFile type="StructuredGrid" version="1.0" byte_order="LittleEndian" '
        'header_type="UInt64">',
        f'<StructuredGrid WholeExtent="{ext}"><Piece Extent="{ext}">',
        "<PointData>",
    ]
    for k, v in (point_data or {}).items():
        parts.append(arr(k, v))
    parts += ["</PointData>", "<Points>", arr("Points", pts), "</Points>",
              "</Piece></StructuredGrid></VTKFile>", ""]
    _atomic_write(path, "\n".join(parts).encode("ascii"))


def _atomic_write(path, data):
    with atomic_write(path) as f:
        f.write(data)


class _Decoder:
    def __init__(self, root, appended, path):
        self.path = path
        self.endian = "<" if root.get("byte_order", "LittleEndian") == "LittleEndian" else ">"
        self.ht = np.dtype(self.endian + ("u8" if root.get("header_type") == "UInt64" else "u4"))
        self.zlib = "zlib" in (root.get("compressor") or "").lower()
        self.appended = appended  # (bytes, encoding) or None

    def _blocks(self, buf, pos, b64):
        """Decode one (possibly compressed) array starting at ``pos`` of ``buf``."""
        hs = self.ht.itemsize
        if b64:
            text = buf[pos:] if isinstance(buf, bytes) else buf[pos:].encode()
            text = re.sub(rb"\s", b"", text)
            if not self.zlib:
                nb64 = 4 * ((hs + 2) // 3)
                hdr = base64.b64decode(text[:nb64])
                size = int(np.frombuffer(hdr[:hs], self.ht)[0])
                try:  # header and data encoded separately (VTK) ...
                    data = base64.b64decode(text[nb64 : nb64 + 4 * ((size + 2) // 3)])
                    if len(data) == size:
                        return data
                except ValueError:
                    pass
                whole = base64.b64decode(text[: 4 * ((hs + size + 2) // 3)])  # ... or together
                return whole[hs : hs + size]
            nb64 = 4 * ((hs * 3 + 2) // 3)
            h3 = np.frombuffer(base64.b64decode(text[:nb64])[: 3 * hs], self.ht)
            nblk = int(h3[0])
            full = 4 * ((hs * (3 + nblk) + 2) // 3)
            hdr = np.frombuffer(base64.b64decode(text[:full])[: hs * (3 + nblk)], self.ht)
            csz = hdr[3:].astype(np.int64)
            data = base64.b64decode(text[full : full + 4 * ((int(csz.sum()) + 2) // 3)])
            return b"".join(
                zlib.decompress(data[a:b])
                for a, b in zip(np.r_[0, np.cumsum(csz)[:-1]], np.cumsum(csz))
            )
        # raw bytes
        if not self.zlib:
            size = int(np.frombuffer(buf, self.ht, 1, pos)[0])
            return buf[pos + hs : pos + hs + size]
        h3 = np.frombuffer(buf, self.ht, 3, pos)
        nblk = int(h3[0])
        csz = np.frombuffer(buf, self.ht, nblk, pos + 3 * hs).astype(np.int64)
        start = pos + (3 + nblk) * hs
        return b"".join(
            zlib.decompress(buf[start + a : start + b])
            for a, b in zip(np.r_[0, np.cumsum(csz)[:-1]], np.cumsum(csz))
        )

    def array(self, el):
        dt = np.dtype(self.endian + _TYPES.get(el.get("type"), "f8"))
        fmt = el.get("format", "ascii")
        ncomp = int(el.get("NumberOfComponents", "1"))
        if fmt == "ascii":
            a = np.array((el.text or "").split(), dtype=np.float64)
        elif fmt == "binary":
            a = np.frombuffer(self._blocks((el.text or "").strip(), 0, True), dt)
        elif fmt == "appended":
            if self.appended is None:
                raise MeshError(f"{self.path}: appended data missing")
            data, enc = self.appended
            a = np.frombuffer(self._blocks(data, int(el.get("offset", "0")), enc == "base64"), dt)
        else:
            raise MeshError(f"{self.path}: unknown DataArray format {fmt!r}")
        return a.astype(np.float64).reshape(-1, ncomp)


def parse_xml(path):
    """``(root element, decoder)`` of a VTK XML file (any type): the decoder's
    ``array(DataArray element)`` returns ``(n, components)`` float64."""
    path = os.fspath(path)
    with open(path, "rb") as f:
        raw = f.read()
    if not raw.strip():
        raise MeshError(f"{path}: the file is empty")
    appended = None
    m = re.search(rb"<AppendedData[^>]*>", raw)
    if m:
        enc = re.search(rb'encoding="(\w+)"', m.group(0))
        enc = enc.group(1).decode() if enc else "raw"
        start = raw.index(b"_", m.end()) + 1
        end = raw.rfind(b"</AppendedData>")
        appended = (raw[start:end], enc)
        raw = raw[: m.start()] + b"</VTKFile>"
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as e:
        raise MeshError(f"{path}: not a VTK XML file ({e})") from None
    return root, _Decoder(root, appended, path)


def read_points(path):
    """The points and point data of a one-piece ``.vts`` file (surface or volume):
    ``(P, dims, point_data)`` with ``P: (n, 3)`` in file order (``i`` fastest),
    ``dims`` the three extent sizes and point-data arrays ``(n, components)``."""
    path = os.fspath(path)
    root, dec = parse_xml(path)
    if root.get("type") != "StructuredGrid":
        raise MeshError(f"{path}: VTK XML type {root.get('type')!r}, expected StructuredGrid")
    pieces = root.findall("./StructuredGrid/Piece")
    if len(pieces) != 1:
        raise MeshError(f"{path}: {len(pieces)} pieces; one is supported")
    piece = pieces[0]
    e = [int(x) for x in piece.get("Extent").split()]
    dims = [e[1] - e[0] + 1, e[3] - e[2] + 1, e[5] - e[4] + 1]
    pts_el = piece.find("./Points/DataArray")
    if pts_el is None:
        raise MeshError(f"{path}: no Points")
    P = dec.array(pts_el)
    if P.shape != (int(np.prod(dims)), 3):
        raise MeshError(f"{path}: {P.shape[0]} points for extent {dims}")
    pd = piece.find("./PointData")
    data = {el.get("Name"): dec.array(el)
            for el in (pd.findall("./DataArray") if pd is not None else [])}
    return P, dims, data


def read_vts(path):
    """Read a ``.vts`` surface grid: ``(X, point_data)`` with ``X: (ni, nj, 3)`` and
    point data arrays of ``ni * nj`` rows (``i`` fastest)."""
    P, dims, raw = read_points(path)
    ones = [k for k in range(3) if dims[k] == 1]
    if not ones:
        raise MeshError(f"{path}: a volume grid {dims}; a surface grid needs one extent of 1")
    keep = [k for k in range(3) if k != ones[0]]
    X = P.reshape(dims[::-1] + [3]).transpose(2, 1, 0, 3).reshape(dims[keep[0]], dims[keep[1]], 3)
    data = {k: a[:, 0] if a.shape[1] == 1 else a for k, a in raw.items()}
    return np.ascontiguousarray(X), data
