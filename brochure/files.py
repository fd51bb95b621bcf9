"""Writing files so that a reader, a print queue or a mail program never sees half of one."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from brochure.errors import BrochureError


def write_atomically(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Readers see the old file or the new one, never half a PDF. A file that cannot be written
    (a read-only folder, a full disk) is a BrochureError naming it, with nothing left behind."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except OSError as exc:
        raise not_written(path, exc) from None
    finally:
        if temporary is not None and os.path.exists(temporary):
            Path(temporary).unlink(missing_ok=True)


def not_written(path: Path, exc: OSError) -> BrochureError:
    """One line for a file that could not be written, saying what staff can do about it."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        why = "the disk is full; free some space, then run the same command again"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = ("its folder cannot be written (read-only, or no permission); choose another --out "
               "or make the folder writable")
    elif exc.errno in (errno.ENOTDIR, errno.EEXIST, errno.EISDIR):
        why = ("a file stands where a folder should be (or a folder where the file should); "
               "choose another --out")
    else:
        why = f"cannot be written ({exc.strerror or exc}); check the folder"
    return BrochureError.single(path, "", why)
