"""Appending to a finished PDF without rewriting it: an incremental update (PDF 32000-1, 7.5.6).
New and changed objects go after the original bytes, then a cross-reference stream that points
back to the original's. Readers see the changed objects in place of the old ones.

Rewriting a whole 130 KB leaflet with qpdf costs 8 ms, whatever changes; an update costs what
the new objects cost. personal.py uses it to put each patient's lines into a shared copy.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass


class Ref(int):
    """An indirect reference: `Ref(12)` is written `12 0 R`."""


class Name(str):
    """A PDF name: `Name("Span")` is written `/Span`."""


class Raw(bytes):
    """A value already in PDF syntax, e.g. copied from the original with pikepdf's unparse()."""


@dataclass(frozen=True)
class Original:
    """What an update needs to know about the file it is appended to."""

    pdf: bytes
    size: int            # one more than the highest object number in use
    startxref: int       # where the original's own cross-reference section starts
    root: Ref
    info: Ref | None
    file_id: bytes       # the first element of /ID, kept by every update


def startxref(pdf: bytes) -> int:
    found = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", pdf[-1024:])
    if not found:
        raise ValueError("not a complete PDF: no startxref at its end")
    return int(found.group(1))


def serialize(value) -> bytes:
    writer = _WRITERS.get(type(value))
    if writer is None:  # a subclass of a known type: looked up the slow way, in order
        writer = next((w for kind, w in _WRITERS.items() if isinstance(value, kind)), None)
        if writer is None:
            raise TypeError(f"no PDF form for {type(value).__name__}")
    return writer(value)


def _float(value: float) -> bytes:
    return (b"%.4f" % value).rstrip(b"0").rstrip(b".") or b"0"


def _dictionary(value: dict) -> bytes:
    return b"<<" + b"".join(b"/" + key.encode("ascii") + b" " + serialize(item)
                            for key, item in value.items()) + b">>"


def _array(value) -> bytes:
    return b"[" + b" ".join(serialize(item) for item in value) + b"]"


# by exact type, most specific first (bool before int: True is an int); a copy serializes a few
# hundred values, so the lookup is one dict access rather than a chain of isinstance checks
_WRITERS = {
    Raw: bytes,
    Ref: lambda value: b"%d 0 R" % value,
    Name: lambda value: b"/" + value.encode("ascii"),
    bool: lambda value: b"true" if value else b"false",
    int: lambda value: b"%d" % value,
    float: _float,
    str: lambda value: _text_string(value),
    bytes: lambda value: b"<" + value.hex().encode("ascii") + b">",
    dict: _dictionary,
    list: _array,
    tuple: _array,
}


def _text_string(text: str) -> bytes:
    """ASCII as a literal string; anything else as UTF-16BE with its byte order mark."""
    if text.isascii():
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return b"(" + escaped.encode("ascii") + b")"
    return b"<feff" + text.encode("utf-16-be").hex().encode("ascii") + b">"


def deflate(data: bytes) -> bytes:
    return zlib.compress(data, 1)  # level 1: a third of the time of 6, a copy 3 % larger


class Update:
    """Objects to append to `original`. Numbers for new objects come from `new()`; an existing
    object is replaced by `put`-ting its own number."""

    def __init__(self, original: Original):
        self.original = original
        self._next = original.size
        self._objects: dict[int, bytes] = {}

    def new(self) -> Ref:
        self._next += 1
        return Ref(self._next - 1)

    def put(self, ref: int, value) -> Ref:
        self._objects[int(ref)] = serialize(value)
        return Ref(ref)

    def put_stream(self, ref: int, data: bytes, entries: dict | None = None) -> Ref:
        """`data` Flate-compressed, as every stream of the update is."""
        return self.put_deflated(ref, deflate(data), entries)

    def put_deflated(self, ref: int, deflated: bytes, entries: dict | None = None) -> Ref:
        """A stream already compressed by `deflate` (one made once and written in many copies)."""
        entries = {**(entries or {}), "Filter": Name("FlateDecode"), "Length": len(deflated)}
        self._objects[int(ref)] = serialize(entries) + b"\nstream\n" + deflated + b"\nendstream"
        return Ref(ref)

    def add(self, value) -> Ref:
        return self.put(self.new(), value)

    def add_stream(self, data: bytes, entries: dict | None = None) -> Ref:
        return self.put_stream(self.new(), data, entries)

    def add_deflated(self, deflated: bytes, entries: dict | None = None) -> Ref:
        return self.put_deflated(self.new(), deflated, entries)

    def write(self) -> bytes:
        """The original with this update appended: deterministic, so the same objects give the
        same bytes; the second half of /ID is a digest of the update."""
        original = self.original
        out = bytearray(original.pdf)
        if not out.endswith(b"\n"):
            out += b"\n"
        offsets: dict[int, int] = {}
        for number in sorted(self._objects):
            offsets[number] = len(out)
            out += b"%d 0 obj\n" % number + self._objects[number] + b"\nendobj\n"
        xref_number = int(self._next)
        offsets[xref_number] = len(out)
        numbers = sorted(offsets)
        rows = b"".join(b"\x01" + offsets[n].to_bytes(4, "big") + b"\x00\x00" for n in numbers)
        trailer = {
            "Type": Name("XRef"), "Size": xref_number + 1, "Index": _index(numbers),
            "W": [1, 4, 2], "Prev": original.startxref, "Root": original.root,
            **({"Info": original.info} if original.info is not None else {}),
            "ID": [original.file_id, hashlib.md5(bytes(out[len(original.pdf):]),
                                                 usedforsecurity=False).digest()],
        }
        compressed = zlib.compress(rows)
        out += (b"%d 0 obj\n" % xref_number + serialize(
            trailer | {"Filter": Name("FlateDecode"), "Length": len(compressed)})
            + b"\nstream\n" + compressed + b"\nendstream\nendobj\n")
        out += b"startxref\n%d\n%%%%EOF\n" % offsets[xref_number]
        return bytes(out)


def _index(numbers: list[int]) -> list[int]:
    """[first count first count ...] for runs of consecutive object numbers."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and runs[-1][0] + runs[-1][1] == number:
            runs[-1][1] += 1
        else:
            runs.append([number, 1])
    return [value for run in runs for value in run]
