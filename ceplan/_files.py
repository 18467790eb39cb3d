"""Reading input files safely, and writing outputs atomically.

Every input file (a catalogue, a roster, the files they name) is read by :func:`read_file`,
once, and only if it is a regular file; every output by :func:`write_output`, a temporary file
beside the target renamed into place.
"""

from __future__ import annotations

import errno
import io
import os
import re
import secrets
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import BinaryIO

from ceplan.errors import CatalogError, CeplanError

__all__ = [
    "check_output",
    "open_regular",
    "read_at_most",
    "read_file",
    "write_atomic",
    "write_output",
]


def read_file(file: Path, name: str, *, limit: int, what: str) -> bytes:
    """The bytes of ``file`` (at most ``limit``), or one problem naming it.

    Every input file is read here, once: a catalogue, a roster and the files they name. Only a
    regular file is read (see :func:`open_regular`; ``what`` names what a folder is not).
    """
    stream = open_regular(file, name, what)
    try:
        with stream:
            data = read_at_most(stream, limit)
    except OSError as exc:
        raise _unreadable(exc, name) from None
    if data is None:
        raise CatalogError(f"is larger than {limit // 2**20} MiB", file=name)
    return data


_KINDS = {stat.S_IFIFO: "a FIFO", stat.S_IFCHR: "a device", stat.S_IFBLK: "a device"}
"""What a file that is not a regular file (nor a folder) is, in a problem's words."""


def open_regular(file: Path, name: str, what: str) -> io.BufferedReader:
    """``file`` open for reading if it is a regular file (links followed); else one problem.

    Opening does not wait (for a FIFO's writer, say), and what is checked is the file that was
    opened, not the name: a FIFO, a device or a folder is refused at once, even if it took the
    place of a regular file a moment ago.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(file, flags | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        if isinstance(exc, PermissionError | IsADirectoryError) and os.path.isdir(file):
            raise CatalogError(f"is a directory, not a {what}", file=name) from None
        raise _unreadable(exc, name, file) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise CatalogError(f"is a directory, not a {what}", file=name)
        if not stat.S_ISREG(mode):
            kind = _KINDS.get(stat.S_IFMT(mode))
            raise CatalogError(
                f"is {kind}, not a regular file" if kind else "is not a regular file", file=name
            )
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _unreadable(exc: OSError, name: str, file: Path | None = None) -> CatalogError:
    """The problem of a file that cannot be opened or read."""
    if isinstance(exc, FileNotFoundError):
        return CatalogError("no such file", file=name)
    if isinstance(exc, PermissionError):
        return CatalogError("permission denied", file=name)
    if file is not None and exc.errno == errno.ENXIO:  # a socket cannot be opened
        try:
            if stat.S_ISSOCK(os.stat(file).st_mode):
                return CatalogError("is a socket, not a regular file", file=name)
        except OSError:
            pass
    return CatalogError(f"cannot be read: {exc.strerror or exc}", file=name)


def read_at_most(stream: BinaryIO, limit: int) -> bytes | None:
    """The rest of ``stream``, or ``None`` if it holds more than ``limit`` bytes.

    A regular file's size says how much to read (a larger one is refused unread); a device or a
    pipe reports none, so at most ``limit + 1`` bytes are read from it.
    """
    info = os.fstat(stream.fileno())
    expected = info.st_size if stat.S_ISREG(info.st_mode) else limit
    if expected > limit:
        return None
    data = stream.read(expected + 1)
    if len(data) > expected:  # a file that grew while being read
        data += stream.read(limit + 1 - len(data))
    return data if len(data) <= limit else None


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


def check_output(
    target: str | os.PathLike[str], what: str, inputs: Iterable[str | os.PathLike[str]] = ()
) -> os.stat_result | None:
    """Refuse a file the user asked for (``--ics FILE``, ``--out FILE``) that must not be written.

    Refused, each as one :class:`~ceplan.errors.CeplanError` naming the file: a name that ends
    in a path separator, ``.`` or ``..`` (it names a folder; checked on the text as typed,
    which a :class:`~pathlib.Path` no longer holds); a symbolic link (not followed either: in
    a shared folder it could point anywhere), a directory, a device or a FIFO; a file the user
    could not write in place (read-only; for root, one with no write bit at all), which the
    rename that replaces it would not ask about; and one of the ``inputs`` (the same file,
    links followed), which would be lost. Returns what ``lstat`` says of an existing target.

    Examples
    --------
    >>> check_output("plans/", "team plan")
    Traceback (most recent call last):
    ceplan.errors.CeplanError: cannot write team plan 'plans/': it names a folder; give a file name
    """
    text = os.fspath(target)
    if re.split(_SEPARATORS, text)[-1] in ("", ".", ".."):
        raise CeplanError(f"cannot write {what} '{text}': it names a folder; give a file name")
    try:
        info = os.lstat(text)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CeplanError(f"cannot write {what} '{text}': {exc.strerror or exc}") from None
    if stat.S_ISLNK(info.st_mode):
        raise CeplanError(
            f"cannot write {what} '{text}': it is a symbolic link (give the real path)"
        )
    if not stat.S_ISREG(info.st_mode):
        raise CeplanError(f"cannot write {what} '{text}': it exists and is not a regular file")
    if _read_only(text, info):
        raise CeplanError(f"cannot write {what} '{text}': it is read-only")
    for source in inputs:
        try:
            same = os.path.samestat(info, os.stat(source))
        except OSError:
            continue
        if same:
            raise CeplanError(
                f"cannot write {what} '{text}': it is the input file '{os.fspath(source)}'"
            )
    return info


_SEPARATORS = "|".join(re.escape(sep) for sep in (os.sep, os.altsep) if sep)


def _is_root() -> bool:
    return getattr(os, "geteuid", lambda: -1)() == 0


def _read_only(target: str, info: os.stat_result) -> bool:
    """Whether the user could not write ``target`` in place (root can, given any write bit)."""
    if _is_root():
        return info.st_mode & 0o222 == 0
    return not os.access(target, os.W_OK, effective_ids=os.access in os.supports_effective_ids)


def write_output(
    target: str | os.PathLike[str],
    data: bytes,
    what: str,
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> None:
    """Write a file the user asked for (``--ics FILE``, ``--out FILE``), safely.

    What :func:`check_output` refuses is refused (``inputs`` are the files the command
    reads). Only a regular file is ever replaced, and it keeps its permissions. Any failure is
    one :class:`~ceplan.errors.CeplanError` naming the file.
    """
    info = check_output(target, what, inputs)
    mode: int | None = None
    owner: tuple[int, int] | None = None
    if info is not None:
        mode = stat.S_IMODE(info.st_mode) & 0o777  # never carry set-id bits over
        if _is_root():  # root replacing a file: it stays theirs
            owner = (info.st_uid, info.st_gid)
    try:
        write_atomic(Path(target), data, mode=mode, owner=owner)
    except OSError as exc:
        text = os.fspath(target)
        raise CeplanError(f"cannot write {what} '{text}': {exc.strerror or exc}") from None
