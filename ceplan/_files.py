"""Writing files atomically: a temporary file beside the target, renamed into place."""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Sequence
from pathlib import Path

from ceplan.errors import CeplanError

__all__ = ["write_atomic", "write_output"]


def write_atomic(
    target: Path,
    data: bytes | Sequence[bytes],
    *,
    private: bool = False,
    mode: int | None = None,
    owner: tuple[int, int] | None = None,
) -> None:
    """Write ``data`` to ``target`` so that readers see the old file or the new one, never half.

    ``data`` may come in pieces, written one after the other.

    The file gets ``mode`` if given, else ``0o600`` when ``private``, else the mode ``open()``
    would give it (``0o666`` less the umask); and the ``owner`` (uid, gid) if given. On any
    failure the temporary file is removed and the error raised.
    """
    fd, tmp = _new_file(target, 0o600 if private or mode is not None else 0o666)
    try:
        with os.fdopen(fd, "wb") as stream:
            for piece in [data] if isinstance(data, bytes) else data:
                stream.write(piece)
        if owner is not None:
            os.chown(tmp, *owner)
        if mode is not None:
            tmp.chmod(mode)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _new_file(target: Path, mode: int) -> tuple[int, Path]:
    """A new file beside ``target``, created with ``mode`` less the umask.

    As ``open()`` does it, without touching the process's umask, which other threads share.
    """
    for _ in range(100):
        tmp = target.parent / f".{target.name}.{secrets.token_hex(8)}.tmp"
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, mode), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {target}")  # pragma: no cover


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def write_output(target: Path, data: bytes, what: str) -> None:
    """Write a file the user asked for (``--ics FILE``, ``--out FILE``), safely.

    Only a regular file is ever replaced, and it keeps its permissions; a symbolic link, a
    directory, a device or a FIFO at ``target`` is refused rather than replaced by a file (a
    link is not followed either: in a shared folder it could point anywhere). Any failure is
    one :class:`~ceplan.errors.CeplanError` naming the file.
    """
    mode: int | None = None
    owner: tuple[int, int] | None = None
    try:
        info = target.lstat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise CeplanError(f"cannot write {what} '{target}': {exc.strerror or exc}") from None
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise CeplanError(
                f"cannot write {what} '{target}': it is a symbolic link (give the real path)"
            )
        if not stat.S_ISREG(info.st_mode):
            raise CeplanError(
                f"cannot write {what} '{target}': it exists and is not a regular file"
            )
        mode = stat.S_IMODE(info.st_mode) & 0o777  # never carry set-id bits over
        if getattr(os, "geteuid", lambda: -1)() == 0:  # root replacing a file: it stays theirs
            owner = (info.st_uid, info.st_gid)
    try:
        write_atomic(target, data, mode=mode, owner=owner)
    except OSError as exc:
        raise CeplanError(f"cannot write {what} '{target}': {exc.strerror or exc}") from None
