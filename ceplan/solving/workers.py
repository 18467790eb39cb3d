"""Work side by side: worker processes on this machine, or the workers of a Dask cluster.

Two ways, both with answers read back in the order the work was given, so that what is made
of them never depends on which worker finished first:

- :func:`side_by_side`: tasks handed out once, to whichever worker is free (each person planned
  alone, :mod:`ceplan.planning.columns`);
- :class:`Shards`: rounds of work on the same shards, shard ``s`` always sent to the same worker,
  which keeps what it built for it between rounds (pricing, :mod:`ceplan.solving.pricing`).

Worker processes are started with ``spawn`` (fresh interpreters, never a copy of this one with
the solver's threads); a Dask cluster is reached through its scheduler's address or a
``distributed.Client`` (Dask's distributed scheduler, the ``ceplan[dask]`` extra). Either way
each worker loads the work's data once (:func:`payload`), and gets the deadline as a time of
day.
"""

from __future__ import annotations

import concurrent.futures
import copyreg
import hashlib
import io
import multiprocessing
import pickle
import time
import types
from collections.abc import Callable, Sequence
from typing import Any

from ceplan.errors import PlanInputError
from ceplan.status import Deadline

__all__ = ["Shards", "payload", "side_by_side"]

Work = Callable[[Any, Deadline, Any], Any]
"""What a worker runs: ``work(data, deadline, task)``, a function of a module (so that a worker
can import it), ``data`` what :func:`payload` carried."""


def payload(data: Any) -> bytes:
    """``data`` as bytes a worker (a process, a Dask worker) can load.

    Catalogues and rosters hold read-only mappings, which Python's pickle does not take: this
    pickler (and only it) writes them as the dicts they wrap.
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {**copyreg.dispatch_table, types.MappingProxyType: _mapping}
    pickler.dump(data)
    return buffer.getvalue()


def _mapping(proxy: types.MappingProxyType[Any, Any]) -> tuple[Any, tuple[dict[Any, Any]]]:
    return _read_only, (dict(proxy),)


def _read_only(data: dict[Any, Any]) -> types.MappingProxyType[Any, Any]:
    return types.MappingProxyType(data)


_LOADED: dict[str, Any] = {}
"""In a worker: the payload loaded last, by its digest (each is loaded once, and what the work
keeps in it lives as long as it does)."""


def _in_worker(work: Work, task: Any, data: bytes, digest: str, ends: float | None) -> Any:
    """Run ``work`` on ``task`` in a worker, with the data of payload ``data``."""
    if digest not in _LOADED:
        _LOADED.clear()
        _LOADED[digest] = pickle.loads(data)
    deadline = Deadline(None if ends is None else max(0.0, ends - time.time()))
    return work(_LOADED[digest], deadline, task)


_PROCESS: dict[str, Any] = {}
"""In a worker process: the payload, its digest and the wall-clock deadline."""


def _start_process(data: bytes, digest: str, ends: float | None) -> None:
    _PROCESS.update(payload=data, digest=digest, ends=ends)


def _in_process(work: Work, task: Any) -> Any:
    return _in_worker(work, task, _PROCESS["payload"], _PROCESS["digest"], _PROCESS["ends"])


def _ends(deadline: Deadline) -> float | None:
    left = deadline.remaining()
    return None if left is None else time.time() + left


def side_by_side(
    work: Work,
    data: Any,
    tasks: Sequence[Any],
    deadline: Deadline,
    workers: int,
    scheduler: Any = None,
) -> list[Any]:
    """``work(data, deadline, task)`` for each of ``tasks``, side by side; answers in order.

    By ``workers`` processes on this machine or, with ``scheduler`` (a Dask scheduler's
    address or a ``distributed.Client``), by the workers of that Dask cluster.
    """
    ends = _ends(deadline)
    carried = payload(data)
    digest = hashlib.sha256(carried).hexdigest()
    if scheduler is not None:
        client, own = _client(scheduler)
        try:
            shared = client.scatter(carried, broadcast=True)
            futures = client.map(
                _in_worker,
                [work] * len(tasks),
                tasks,
                data=shared,
                digest=digest,
                ends=ends,
                pure=False,
            )
            return list(client.gather(futures))
        finally:
            if own:
                client.close()
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=min(workers, len(tasks)),
        mp_context=context,
        initializer=_start_process,
        initargs=(carried, digest, ends),
    ) as pool:
        chunks = max(1, len(tasks) // (4 * workers))
        return list(pool.map(_in_process, [work] * len(tasks), tasks, chunksize=chunks))


class Shards:
    """Workers that keep what they build between rounds, each shard always on the same one.

    Shard ``s`` goes to worker ``s`` (of :attr:`count`: the processes started here, or the
    workers of a Dask cluster by address, another one only when that one is gone). Each worker
    loads ``data`` once; ``work`` may keep what it builds in it (in a worker, the loaded copy
    lives until other data comes). Use as a context manager: the processes end,
    and a client made here is closed, when it exits.
    """

    def __init__(self, data: Any, count: int, deadline: Deadline, scheduler: Any = None) -> None:
        self.ends = _ends(deadline)
        carried = payload(data)
        self.digest = hashlib.sha256(carried).hexdigest()
        self.pools: list[concurrent.futures.ProcessPoolExecutor] = []
        self.client: Any = None
        self.own = False
        if scheduler is not None:
            self.client, self.own = _client(scheduler)
            self.shared = self.client.scatter(carried, broadcast=True)
            self.addresses = sorted(self.client.scheduler_info()["workers"])
            self.count = max(1, len(self.addresses))
            return
        context = multiprocessing.get_context("spawn")
        self.count = count
        self.pools = [
            concurrent.futures.ProcessPoolExecutor(
                max_workers=1,
                mp_context=context,
                initializer=_start_process,
                initargs=(carried, self.digest, self.ends),
            )
            for _ in range(count)
        ]

    def submit(self, work: Work, shards: Sequence[Any]) -> Callable[[], list[Any]]:
        """Start ``work`` on each shard (at most :attr:`count` of them).

        Returns what to call for the answers, in the order of ``shards``.
        """
        if self.client is not None:
            futures = [
                self.client.submit(
                    _in_worker,
                    work,
                    shard,
                    self.shared,
                    self.digest,
                    self.ends,
                    workers=[self.addresses[s % len(self.addresses)]] if self.addresses else None,
                    allow_other_workers=True,
                    pure=False,
                )
                for s, shard in enumerate(shards)
            ]
            client = self.client
            return lambda: list(client.gather(futures))
        started = [self.pools[s].submit(_in_process, work, shard) for s, shard in enumerate(shards)]
        return lambda: [future.result() for future in started]

    def close(self) -> None:
        """End the processes (or close the client made here)."""
        for pool in self.pools:
            pool.shutdown(cancel_futures=True)
        if self.own:
            self.client.close()

    def __enter__(self) -> Shards:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_CONNECT_SECONDS = 10
"""How long to try to reach a Dask scheduler before saying it cannot be reached."""


def _client(scheduler: Any) -> tuple[Any, bool]:
    """A client of the Dask cluster ``scheduler`` stands for, and whether it was made here."""
    try:
        from distributed import Client
    except ImportError:
        raise PlanInputError(
            "planning on a Dask cluster needs Dask's distributed scheduler: "
            "pip install 'ceplan[dask]'"
        ) from None
    if isinstance(scheduler, Client):
        return scheduler, False
    try:
        client = Client(scheduler, timeout=_CONNECT_SECONDS, set_as_default=False)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as exc:
        raise PlanInputError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    return client, True
