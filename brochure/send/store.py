"""The clinic's store: the folder that holds its send journal and its record of copies, one per
clinic whatever `--out` or the working directory (a journal per output folder sent everyone a
second message after a change of `--out`).

It is `clinics/SLUG/records/` (kept out of git by its own .gitignore), or the folder that
clinic.toml names in `[records] folder`. Before SQLite opens anything there, the folder must be a
real folder on a local disk (SQLite's locking is not reliable on NFS or SMB), and no older
journal may lie where earlier versions kept it (`OUT/SLUG/send-journal.sqlite3`): two journals
would each think the other's patients still wait for their message.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from brochure.config.clinic import Clinic
from brochure.errors import BrochureError, display_path

STORE_FOLDER = "records"
JOURNAL_FILE = "send-journal.sqlite3"
RECORD_FILE = "copies.sqlite3"
APPLICATION_ID = 0x42524348  # "BRCH": SQLite's header field for telling our files from others'
# Filesystems whose byte-range locks SQLite cannot trust (https://sqlite.org/lockingv3.html, 6.0)
NETWORK_FILESYSTEMS = frozenset({"nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "afs",
                                 "fuse.sshfs", "9p", "ceph", "glusterfs", "fuse.glusterfs"})
MOUNT_TABLE = Path("/proc/self/mountinfo")


def store_folder(clinic: Clinic) -> Path:
    return clinic.records_folder or clinic.folder / STORE_FOLDER


def journal_file(clinic: Clinic) -> Path:
    return store_folder(clinic) / JOURNAL_FILE


def record_file(clinic: Clinic) -> Path:
    return store_folder(clinic) / RECORD_FILE


def older_journals(clinic: Clinic, out_dirs: Iterable[Path]) -> list[Path]:
    """Journals of this clinic that are not its journal: where earlier versions kept one (beside
    the PDFs of an output folder), and the default store when clinic.toml names another."""
    here = journal_file(clinic).resolve()
    candidates = [Path(out_dir) / clinic.slug / JOURNAL_FILE for out_dir in out_dirs]
    candidates.append(clinic.folder / STORE_FOLDER / JOURNAL_FILE)
    found = {path.resolve(): path for path in candidates if path.exists()}
    return [path for resolved, path in found.items() if resolved != here]


def refuse_older_journals(clinic: Clinic, out_dirs: Iterable[Path]) -> None:
    """One clinic, one journal: any other is named, with how to make it the only one."""
    older = older_journals(clinic, out_dirs)
    if not older:
        return
    journal = journal_file(clinic)
    if journal.exists():
        todo = (f"both exist; keep the one that holds this clinic's sends as {display_path(journal)} "
                "and move the other away, out of the clinic's and the output folders")
    else:
        # with its -wal file, if a killed run left one: it may hold the last messages' states
        todo = f"move it there first (mv {display_path(older[0])}* {display_path(journal.parent)}/)"
    raise BrochureError.single(older[0], "", f"an older send journal of {clinic.slug}; the "
                               f"clinic's journal is {display_path(journal)}, and sending with two "
                               f"could send a patient their message twice: {todo}")


def ready_folder(clinic: Clinic, *, create: bool = True) -> Path:
    """The store folder, checked (and made, owner-only) before SQLite opens anything in it."""
    folder = store_folder(clinic)
    if folder.is_symlink():
        raise BrochureError.single(folder, "", "is a symbolic link; the folder that holds patients' "
                                   "records must be a real folder: remove the link")
    if folder.exists() and not folder.is_dir():
        raise BrochureError.single(folder, "", "is a file where the clinic's records folder should "
                                   "be: move it away")
    kind = filesystem_type(folder)
    if kind in NETWORK_FILESYSTEMS:
        raise BrochureError.single(folder, "", f"is on a network share ({kind}), where SQLite's "
                                   "locks do not hold and two runs could send the same message; "
                                   "put the records on this computer's own disk: "
                                   f"[records] folder = \"/a/local/folder/{clinic.slug}\" in "
                                   f"{display_path(clinic.config_file)}")
    if create and not folder.exists():
        try:
            folder.mkdir(mode=0o700, parents=True)
            # patient IDs and dates: never committed along with the clinic's configuration
            (folder / ".gitignore").write_text("*\n", encoding="utf-8")
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise unusable(folder, exc) from None
            raise StoreError.single(folder, "", f"cannot be made ({exc.strerror}); make "
                                    f"{display_path(folder.parent)} writable, or name a folder this "
                                    "user can write in clinic.toml: [records] folder = "
                                    "\"/a/local/folder\"") from None
    return folder


def filesystem_type(path: Path) -> str | None:
    """The type of the filesystem `path` (or its nearest existing parent) is on, from the kernel's
    mount table; None where there is none to read (not Linux)."""
    path = Path(os.path.abspath(path))
    while not path.exists() and path != path.parent:
        path = path.parent
    path = path.resolve()
    best, kind = -1, None
    for mount_point, fstype in mounts():
        inside = path == mount_point or mount_point in path.parents
        if inside and len(mount_point.parts) > best:
            best, kind = len(mount_point.parts), fstype
    return kind


def mounts() -> list[tuple[Path, str]]:
    """(mount point, filesystem type) for each line of /proc/self/mountinfo (proc(5))."""
    try:
        lines = MOUNT_TABLE.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    table = []
    for line in lines:
        fields = line.split()
        if "-" not in fields[6:]:
            continue
        separator = fields.index("-", 6)
        # octal escapes (\040 for a space) in the mount point
        point = re.sub(r"\\([0-7]{3})", lambda octal: chr(int(octal.group(1), 8)), fields[4])
        table.append((Path(point), fields[separator + 1]))
    return table


def open_database(path: Path, schema: str, *, read_only: bool = False,
                  synchronous: str = "FULL") -> sqlite3.Connection:
    """A SQLite file of ours, opened and checked before anything relies on it: whatever is wrong
    with it (another program's file, a damaged one, no permission, a full disk) is one
    BrochureError naming it and what to do. `synchronous` FULL: each commit on the disk when it
    returns (the journal); NORMAL: safe from a crash of the process, not of the machine, and no
    fsync per row (the record, one row per copy)."""
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise BrochureError.single(path, "", "is not a plain file; move it away (brochure makes a "
                                   "new one)" if not path.is_symlink() else
                                   "is a symbolic link; the records must be a real file: remove "
                                   "the link and put the file itself there")
    try:
        if read_only:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        else:
            # owner-only from the start (SQLite gives its -wal file the same mode)
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
            # autocommit: each statement is its own transaction, durable when it returns
            db = sqlite3.connect(path, isolation_level=None)
        db.execute("PRAGMA busy_timeout = 10000")
        application = db.execute("PRAGMA application_id").fetchone()[0]
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        ours = application == APPLICATION_ID or (application == 0 and (
            not tables or tables <= {"messages", "copies"}))
        if not ours:
            db.close()
            raise BrochureError.single(path, "", "is another program's database, not brochure's; "
                                       "move it away (brochure makes a new one)")
        if not read_only:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(f"PRAGMA synchronous={synchronous}")
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.executescript(schema)
        if (verdict := db.execute("PRAGMA quick_check(1)").fetchone()[0]) != "ok":
            db.close()
            raise sqlite3.DatabaseError(f"database disk image is malformed ({verdict})")
    except (sqlite3.Error, OSError) as exc:
        raise unusable(path, exc) from None
    return db


def _almost_no_room(path: Path) -> bool:
    """SQLite says "disk I/O error" when a full disk stops a write to its WAL files."""
    try:
        return shutil.disk_usage(path if path.is_dir() else path.parent).free < 65536
    except OSError:
        return False


class StoreError(BrochureError):
    """The journal or the record cannot be used: the run stops at once, whatever it was doing."""


def unusable(path: Path, exc: BaseException) -> StoreError:
    """What went wrong with a records file or folder, and what staff can do about it."""
    text = str(exc).lower()
    full = (getattr(exc, "errno", None) in (errno.ENOSPC, errno.EDQUOT)
            or getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL)
    if full or "full" in text or _almost_no_room(path):
        why = "the disk is full; free some space, then run the same command again"
    elif "readonly" in text or "read-only" in text or isinstance(exc, PermissionError):
        why = ("cannot be written (read-only, or its folder is); give this user write permission "
               "on it and its folder")
    elif "not a database" in text or "malformed" in text or "corrupt" in text:
        why = ("is damaged or not a database (truncated, or other bytes written over it); restore "
               "it from a backup, or move it away to start a new one (brochure then no longer "
               "knows who was sent what)")
    elif isinstance(exc, IsADirectoryError) or "unable to open" in text:
        why = "cannot be opened; check that it and its folder exist as plain file and folder, "\
              "writable by this user"
    else:
        why = f"cannot be used ({exc}); check the file and its folder"
    return StoreError.single(path, "", why)
