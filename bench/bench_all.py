"""Every case of the speed targets, in one run, each beside its baseline, with peak memory.

Run from the repository's root (not part of the tests)::

    .venv/bin/python bench/bench_all.py              # every case (about twenty minutes)
    .venv/bin/python bench/bench_all.py --quick      # fewer repetitions, no million
    .venv/bin/python bench/bench_all.py --only untimed-10k,import

Each case runs in a fresh Python process, so that its peak memory (the largest resident set,
from ``wait4``) and its imports are its own. Times are medians over repetitions. Every plan of
the one-person cases is checked against the exact dynamic programme of ``bench/dp.py`` (the
same cost) and counts the MILP solver calls it made. Catalogues come from
``tests/generators.py`` (seed 0), shaped like the Cisco programme.

The table says, per case: ceplan's median, the baseline's, their ratio, the target, the peak
memory, and notes (solver calls per plan, the plan's cost matched, sizes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable


# -- what runs inside each child process ----------------------------------------------------


def _median(call: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _count_solver_calls() -> dict[str, int]:
    """Count every MILP solve from now on (the exact search makes none)."""
    from ceplan.solving import backends as solving

    calls = {"n": 0}
    for cls in (solving.HighsSolver, solving.CbcSolver, solving.Solver):
        original = cls.run

        def run(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            calls["n"] += 1
            return _original(self, *args, **kwargs)

        cls.run = run  # type: ignore[method-assign]
    return calls


def case_untimed(size: int, repeat: int) -> dict[str, Any]:
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(ROOT))
    import dp

    import ceplan
    from tests import generators as catalogs

    data = catalogs.catalog_data(size, 0)
    catalog = ceplan.Catalog.model_validate(data)
    inputs = {"today": catalogs.TODAY, "expires": catalogs.EXPIRES}
    calls = _count_solver_calls()
    out: dict[str, Any] = {"ceplan": [], "baseline": [], "calls": 0, "match": True}
    ceplan.optimise(catalog, "professional", **inputs)  # the catalogue's arrays, once
    for tier in ("professional", "ce-only"):
        before = calls["n"]
        seconds, plan = _median(lambda t=tier: ceplan.optimise(catalog, t, **inputs), repeat)
        out["calls"] = max(out["calls"], (calls["n"] - before) // repeat)
        base, cost = _median(lambda t=tier: dp.cheapest_cost(data, t, **inputs), repeat)
        out["ceplan"].append(seconds)
        out["baseline"].append(base)
        out["match"] &= round(plan.total_cost * 100) == cost and plan.status == "optimal"
        out["solver"] = plan.solver
    return {
        "ceplan": max(out["ceplan"]),
        "baseline": max(out["baseline"]),
        "notes": f"{out['calls']} solver calls a plan ({out['solver']}); "
        f"costs {'equal' if out['match'] else 'DIFFER from'} the DP's; worst of 2 tiers",
        "ok": out["match"],
    }


def case_small(calls: int) -> dict[str, Any]:
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(ROOT))
    import dp

    import ceplan
    from tests import generators as catalogs

    data = catalogs.catalog_data(100, 0)
    catalog = ceplan.Catalog.model_validate(data)
    inputs = {"today": catalogs.TODAY, "expires": catalogs.EXPIRES}
    ceplan.optimise(catalog, "professional", **inputs)
    start = time.perf_counter()
    for _ in range(calls):
        plan = ceplan.optimise(catalog, "professional", **inputs)
    per_call = (time.perf_counter() - start) / calls
    start = time.perf_counter()
    for _ in range(calls):
        cost = dp.cheapest_cost(data, "professional", **inputs)
    baseline = (time.perf_counter() - start) / calls
    ok = round(plan.total_cost * 100) == cost
    return {
        "ceplan": per_call,
        "baseline": baseline,
        "notes": f"per call, {calls} calls; 10,000 people one by one: "
        f"{per_call * 10_000:.0f} s; cost {'equal' if ok else 'DIFFERS'}",
        "ok": ok,
    }


def case_timed(size: int, repeat: int) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    import ceplan
    from tests import generators as catalogs

    catalog = ceplan.Catalog.model_validate(catalogs.catalog_data(size, 0))
    inputs: dict[str, Any] = {"today": catalogs.TODAY, "expires": dt.date(2028, 11, 29)}
    calls = _count_solver_calls()
    untimed, plain = _median(lambda: ceplan.optimise(catalog, "professional", **inputs), repeat)
    before = calls["n"]
    seconds, plan = _median(
        lambda: ceplan.optimise(
            catalog,
            "professional",
            hours_per_week=0.5,
            unavailable=[(dt.date(2027, 3, 1), dt.date(2027, 4, 15))],
            **inputs,
        ),
        repeat,
    )
    ok = plan.status == "optimal" and plan.total_cost >= plain.total_cost
    return {
        "ceplan": seconds,
        "baseline": untimed,
        "notes": f"0.5 h/week, six weeks away, two years; {(calls['n'] - before) // repeat} "
        f"solver calls; baseline: the same plan without dates",
        "ok": ok,
    }


def case_load(size: int, repeat: int, *, aliases: bool = False) -> dict[str, Any]:
    """Load a YAML catalogue without the cache and from it; ``aliases``: written by
    ``yaml.safe_dump`` as it is, shared dates as anchors and aliases."""
    sys.path.insert(0, str(ROOT))
    import yaml

    import ceplan
    from tests import generators as catalogs

    folder = Path(tempfile.mkdtemp(prefix="ceplan-bench-"))
    try:
        path = folder / "catalog.yaml"
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper) if aliases else _Dumper(yaml)
        text = yaml.dump(catalogs.catalog_data(size, 0), Dumper=dumper, sort_keys=False)
        path.write_text(text, encoding="utf-8")
        os.environ["CEPLAN_CACHE_DIR"] = str(folder / "cache")
        cold, _ = _median(lambda: ceplan.load_catalog(path, cache=False), repeat)
        ceplan.load_catalog(path)
        warm, _ = _median(lambda: ceplan.load_catalog(path), repeat)
        size_mib = path.stat().st_size / 2**20
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    count = text.count("*id")
    shared = f", {count} alias{'es' if count != 1 else ''}" if aliases else ""
    return {
        "ceplan": cold,
        "baseline": None,
        "cached": warm,
        "notes": f"{size_mib:.1f} MiB of YAML{shared}; from the cache: {warm:.3f} s",
        "ok": size < 100_000 or (cold < 2 and warm < 0.5),
    }


def _Dumper(yaml: Any) -> Any:  # noqa: N802 - a class factory
    base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

    class Dumper(base):  # type: ignore[misc, valid-type]
        def ignore_aliases(self, data: Any) -> bool:
            return True

    return Dumper


def write_million(folder: Path) -> None:
    """A catalogue of 1,000,000 activities in ``folder``: ``cat.yaml`` naming ``acts.csv``, and
    ``expected.json`` with the DP's cheapest cost (made here, outside the measured process)."""
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(ROOT))
    import dp
    import pandas as pd
    import yaml

    from tests import generators as catalogs

    data = catalogs.catalog_data(1_000_000, 0)
    header = {key: value for key, value in data.items() if key != "activities"}
    pd.DataFrame(data["activities"]).to_csv(folder / "acts.csv", index=False)
    with (folder / "cat.yaml").open("w", encoding="utf-8") as stream:
        yaml.safe_dump({**header, "activities_from": "acts.csv"}, stream, sort_keys=False)
    cost = dp.cheapest_cost(data, "professional", today=catalogs.TODAY, expires=catalogs.EXPIRES)
    (folder / "expected.json").write_text(json.dumps({"cents": cost}), encoding="utf-8")


def case_million(folder: Path) -> dict[str, Any]:
    """Load the million catalogue of ``folder`` (through its cache directory) and plan."""
    sys.path.insert(0, str(ROOT))
    import ceplan
    from tests import generators as catalogs

    os.environ["CEPLAN_CACHE_DIR"] = str(folder / "cache")
    cached = (folder / "cache").is_dir() and any((folder / "cache").iterdir())
    start = time.perf_counter()
    catalog = ceplan.load_catalog(folder / "cat.yaml")
    loaded = time.perf_counter() - start
    plan = ceplan.optimise(catalog, "professional", today=catalogs.TODAY, expires=catalogs.EXPIRES)
    total = time.perf_counter() - start
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))["cents"]
    match = round(plan.total_cost * 100) == expected and plan.status == "optimal"
    return {
        "ceplan": total,
        "baseline": None,
        "load": loaded,
        "notes": f"CSV; load {loaded:.1f} s{' from the cache' if cached else ''}, then plan "
        f"({plan.status}, {plan.solver}); cost {'equal to' if match else 'DIFFERS from'} the DP's",
        "ok": match and total < 60,
    }


def case_million_runs(args: argparse.Namespace) -> list[tuple[str, dict[str, Any]]]:
    """The million case twice, each in its own process: parsing the CSV, then from the cache."""
    folder = Path(tempfile.mkdtemp(prefix="ceplan-bench-"))
    try:
        argv = [PYTHON, __file__, "--child", "million-write", "--folder", str(folder)]
        subprocess.run(argv, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        parsed = run_child("million", args, folder)
        cached = run_child("million", args, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    for result in (parsed, cached):
        if result.get("peak_mib", 0) >= 1024:
            result["ok"] = False
            result["notes"] += "; OVER 1 GiB"
    if "load" in parsed and "load" in cached and cached["load"] > parsed["load"]:
        cached["ok"] = False
        cached["notes"] += "; the cache was SLOWER than parsing"
    return [("million", parsed), ("million-cached", cached)]


CHILD_CASES: dict[str, Callable[[argparse.Namespace], Any]] = {
    "million": lambda a: case_million(Path(a.folder)),
    "million-write": lambda a: write_million(Path(a.folder)),
    "untimed-1k": lambda a: case_untimed(1_000, a.repeat),
    "untimed-10k": lambda a: case_untimed(10_000, a.repeat),
    "untimed-100k": lambda a: case_untimed(100_000, max(1, a.repeat // 2)),
    "small-100": lambda a: case_small(200 if not a.quick else 50),
    "timed-1k": lambda a: case_timed(1_000, 1),
    "timed-3k": lambda a: case_timed(3_000, 1),
    "load-10k": lambda a: case_load(10_000, a.repeat),
    "load-100k": lambda a: case_load(100_000, 1),
    "load-100k-aliases": lambda a: case_load(100_000, 1, aliases=True),
}

TARGETS = {
    "untimed-1k": "<= 2x DP, <= 3 solver calls",
    "untimed-10k": "<= 2x DP, <= 3 solver calls",
    "untimed-100k": "<= 2x DP, <= 3 solver calls",
    "small-100": "<= 5 ms a call",
    "timed-1k": "< 1 s",
    "timed-3k": "< 3 s",
    "load-10k": "",
    "load-100k": "< 2 s, < 0.5 s cached",
    "import": "< 0.25 s; CLI <= 1.2x",
    "cli-100k": "",
    "load-100k-aliases": "< 2 s, < 0.5 s cached",
    "million": "< 60 s, < 1 GB",
    "million-cached": "< 60 s, < 1 GB; cache not slower",
    "install": "< 150 MB",
}


# -- the parent: run each case in its own process ---------------------------------------------


def run_child(name: str, args: argparse.Namespace, folder: Path | None = None) -> dict[str, Any]:
    argv = [PYTHON, __file__, "--child", name, "--repeat", str(args.repeat)]
    if folder is not None:
        argv += ["--folder", str(folder)]
    if args.quick:
        argv.append("--quick")
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert process.stdout is not None and process.stderr is not None
    out, err = process.stdout.read(), process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        return {"error": err.decode(errors="replace").strip().splitlines()[-1:], "ok": False}
    result: dict[str, Any] = json.loads(out)
    result["peak_mib"] = usage.ru_maxrss / 1024
    return result


def run_command(argv: list[str], repeat: int, env: dict[str, str] | None = None) -> float:
    """The median wall time of a command (its output thrown away), in a fresh process each."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def case_import(args: argparse.Namespace) -> dict[str, Any]:
    repeat = 21 if not args.quick else 7
    folder = tempfile.mkdtemp(prefix="ceplan-bench-")
    env = {**os.environ, "CEPLAN_CACHE_DIR": folder}
    try:
        run_command([PYTHON, "-m", "ceplan", "optimise", "--tier", "professional"], 1, env)
        imported = run_command([PYTHON, "-c", "import ceplan"], repeat, env)
        command = run_command(
            [PYTHON, "-m", "ceplan", "optimise", "--tier", "professional"], repeat, env
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "ceplan": command,
        "baseline": imported,
        "notes": "ceplan optimise --tier professional (bundled, cache warm) against "
        f"python -c 'import ceplan' ({imported:.3f} s)",
        "ok": imported < 0.25 and command <= 1.2 * imported,
    }


def case_cli_100k(args: argparse.Namespace) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    import yaml

    from tests import generators as catalogs

    folder = Path(tempfile.mkdtemp(prefix="ceplan-bench-"))
    try:
        path = folder / "catalog.yaml"
        path.write_text(
            yaml.dump(catalogs.catalog_data(100_000, 0), Dumper=_Dumper(yaml), sort_keys=False),
            encoding="utf-8",
        )
        env = {**os.environ, "CEPLAN_CACHE_DIR": str(folder / "cache")}
        argv = [PYTHON, "-m", "ceplan", "optimise", "--tier", "professional"]
        argv += ["--catalog", str(path), "--today", "2026-11-29", "--expires", "2028-06-30"]
        cold = run_command(argv, 1, env)
        warm = run_command(argv, 3 if not args.quick else 1, env)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "ceplan": cold,
        "baseline": None,
        "notes": f"the command line, cache cold; warm: {warm:.2f} s",
        "ok": True,
    }


def case_install(args: argparse.Namespace) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="ceplan-bench-"))
    try:
        subprocess.run([PYTHON, "-m", "venv", str(folder)], check=True)
        python = folder / "bin" / "python"
        base = _folder_mib(folder)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", str(ROOT)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        total = _folder_mib(folder) - base
        packages = {
            p.name: _folder_mib(p)
            for p in (folder / "lib").glob("python*/site-packages/*")
            if p.is_dir() and not p.name.endswith(".dist-info")
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    largest = sorted(packages.items(), key=lambda kv: -kv[1])[:5]
    return {
        "ceplan": total,
        "baseline": None,
        "unit": "MiB",
        "notes": "pip install . into an empty venv; largest: "
        + ", ".join(f"{name} {mib:.0f}" for name, mib in largest),
        "ok": total < 150,
    }


def _folder_mib(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**20


PARENT_CASES: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "import": case_import,
    "cli-100k": case_cli_100k,
    "install": case_install,
}
ORDER = [
    "untimed-1k",
    "untimed-10k",
    "untimed-100k",
    "small-100",
    "timed-1k",
    "timed-3k",
    "load-10k",
    "load-100k",
    "load-100k-aliases",
    "cli-100k",
    "import",
    "install",
    "million",
]


def fmt(value: float | None, unit: str = "s") -> str:
    if value is None:
        return ""
    if unit == "s" and value < 0.1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.2f} {unit}" if unit == "s" else f"{value:.0f} {unit}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--repeat", type=int, default=5, help="repetitions of each timing")
    parser.add_argument("--only", help="comma-separated case names")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.repeat = min(args.repeat, 3)
    if args.child:
        print(json.dumps(CHILD_CASES[args.child](args)))
        return 0
    names = args.only.split(",") if args.only else ORDER
    if args.quick and not args.only:
        names = [name for name in names if name != "million"]
    print(f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"Command: {' '.join(['.venv/bin/python', 'bench/bench_all.py', *sys.argv[1:]])}\n")
    print("| case | ceplan | baseline | ratio | target | peak memory | notes |")
    print("|---|---:|---:|---:|---|---:|---|")
    failed = False
    runs: list[tuple[str, dict[str, Any]]] = []
    for name in names:
        if name == "million":
            runs = case_million_runs(args)
        elif name in CHILD_CASES:
            runs = [(name, run_child(name, args))]
        else:
            runs = [(name, PARENT_CASES[name](args))]
        failed |= report(runs)
    return 1 if failed else 0


def report(runs: list[tuple[str, dict[str, Any]]]) -> bool:
    """Print a row per run; whether any failed."""
    failed = False
    for name, result in runs:
        if "error" in result:
            print(f"| {name} | failed | | | {TARGETS.get(name, '')} | | {result['error']} |")
            failed = True
            continue
        unit = result.get("unit", "s")
        ratio = f"{result['ceplan'] / result['baseline']:.2f}x" if result.get("baseline") else ""
        peak = f"{result['peak_mib']:.0f} MiB" if "peak_mib" in result else ""
        print(
            f"| {name} | {fmt(result['ceplan'], unit)} | {fmt(result.get('baseline'), unit)} "
            f"| {ratio} | {TARGETS.get(name, '')} | {peak} | {result['notes']} |",
            flush=True,
        )
        failed |= not result["ok"]
    return failed


if __name__ == "__main__":
    sys.exit(main())
