"""Where a database file lives: a local disk or a network file system.

SQLite's WAL mode needs shared memory that network file systems do not provide reliably
(https://www.sqlite.org/wal.html, "WAL does not work over a network filesystem"), so a
database in a shared folder uses the rollback journal instead. The platform calls are
isolated here:

* Windows: a UNC path (``\\\\server\\share``) or a drive whose ``GetDriveTypeW`` is
  ``DRIVE_REMOTE`` (a mapped network drive);
* Linux: the file system type of the longest matching mount point in ``/proc/self/mounts``;
* elsewhere (macOS): not detected; the file is taken to be local.
"""

from __future__ import annotations

import os
from pathlib import Path, PureWindowsPath

#: File system types that are network file systems (Linux names).
NETWORK_TYPES = frozenset({"cifs", "smb3", "smbfs", "nfs", "nfs4", "ncpfs", "afs", "9p",
                           "fuse.sshfs", "sshfs", "davfs", "fuse.davfs2", "ceph", "glusterfs",
                           "fuse.glusterfs", "lustre", "gpfs"})
DRIVE_REMOTE = 4


def _unescape_mount(field: str) -> str:
    return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\")


def linux_fs_type(path: Path, mounts: str) -> str:
    """The type of the file system holding ``path``, from the text of /proc/self/mounts."""
    best, kind = "", ""
    target = str(path)
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = _unescape_mount(fields[1])
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fields[2]
    return kind


def windows_is_remote(path: str, drive_type=None) -> bool:
    """A UNC path, or a drive letter whose type is DRIVE_REMOTE (``drive_type`` is the
    GetDriveTypeW function; given by tests)."""
    pure = PureWindowsPath(path)
    if pure.drive.startswith("\\\\"):
        return True
    if not pure.drive:
        return False
    if drive_type is None:
        import ctypes

        drive_type = ctypes.windll.kernel32.GetDriveTypeW  # type: ignore[attr-defined]
    return drive_type(pure.drive + "\\") == DRIVE_REMOTE


def is_network(path: str | os.PathLike) -> bool:
    """True when ``path`` (a file or the folder it will be in) is on a network file system."""
    path = Path(path).resolve()
    if os.name == "nt":
        return windows_is_remote(str(path))
    try:
        mounts = Path("/proc/self/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return linux_fs_type(path, mounts) in NETWORK_TYPES


def journal_mode_for(path: str | os.PathLike) -> str:
    """``wal`` on a local disk, ``delete`` (the rollback journal) on a network file system."""
    return "delete" if is_network(path) else "wal"
