"""The one way hrvdesk writes a file: temp file in the same folder, fsync, atomic rename.

New files are created with mode 0600. On any exception the temp file is removed and the
target is left as it was, so no half-written backup, export or report can ever exist.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import IO, Iterator

FILE_MODE = 0o600


def fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def safe_open(path: str | os.PathLike, mode: str = "wb") -> Iterator[IO]:
    """Open ``path`` for writing through a temp file that replaces it only on success."""
    if mode not in ("wb", "w"):
        raise ValueError("safe_open writes only")
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.chmod(tmp, FILE_MODE)
    try:
        kwargs = {} if "b" in mode else {"encoding": "utf-8", "newline": ""}
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        fsync_dir(target.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_bytes(path: str | os.PathLike, data: bytes) -> None:
    with safe_open(path, "wb") as fh:
        fh.write(data)


def replace_file(source: str | os.PathLike, target: str | os.PathLike) -> None:
    """Atomically move an already written and fsynced file over ``target``."""
    os.chmod(source, FILE_MODE)
    os.replace(source, target)
    fsync_dir(Path(target).parent)
