"""``python -m benchmarks run|history|collect|render`` and ``python -m benchmarks.resilience`` (see that package)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from benchmarks.tiers import STAGES, TIERS


def _night_options(parser: argparse.ArgumentParser, bound_note: str) -> None:
    """The options every measured night takes: the digitisation bound, the workdir, rendering."""
    parser.add_argument(
        "--digitization-tables",
        type=int,
        default=None,
        help=f"bound the nights to the first N digitisation tables{bound_note} (default: the whole catalogue)",
    )
    parser.add_argument(
        "--workdir", type=Path, help="keep the workspaces here (default: a new temporary folder)"
    )
    parser.add_argument("--no-render", action="store_true", help="do not rewrite docs/benchmarks.md")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description="Huế platform benchmarks")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser(
        "run", help="run a tier, write benchmarks/results/<tier>.json and docs/benchmarks.md"
    )
    run.add_argument("--tier", default="tiny", choices=list(TIERS))
    run.add_argument("--repeat", type=int, default=3, help="repetitions; figures are medians")
    run.add_argument("--stages", nargs="+", default=list(STAGES), choices=list(STAGES))
    run.add_argument(
        "--tables",
        type=int,
        default=None,
        help="grow the digitisation catalogue to N tables (e.g. 950) and build the staging layer generated "
        "for it, in a copy of the source tree under --workdir (default: the committed 597-table catalogue)",
    )
    _night_options(run, "")
    sub.add_parser("render", help="rewrite the bench section of docs/benchmarks.md from the stored results")
    collect = sub.add_parser(
        "collect",
        help="store a tier's result from the repetitions finished in a --workdir (a run stopped early)",
    )
    collect.add_argument("--tier", required=True, choices=list(TIERS))
    collect.add_argument("--workdir", required=True, type=Path)
    collect.add_argument("--digitization-tables", type=int, default=None)
    collect.add_argument("--tables", type=int, default=None, help="the run's --tables")
    collect.add_argument(
        "--command", dest="command_", required=True, help="the command that ran the repetitions"
    )
    history = sub.add_parser(
        "history",
        help="nightly incremental on 1 and on 3 years of history in one run (full then incremental stage on "
        "province-year and province-3y), write benchmarks/results/history*.json and docs/benchmarks.md",
    )
    history.add_argument("--repeat", type=int, default=1, help="repetitions; the ratio is a median")
    _night_options(history, " (the history that differs is the one-stop system's)")
    history.add_argument(
        "--collect",
        dest="command_",
        metavar="COMMAND",
        help="do not run: store the result from the repetitions finished in --workdir, which COMMAND ran",
    )
    args = parser.parse_args(argv)

    from benchmarks.render import render

    if args.command == "render":
        print(render())
        return 0
    from benchmarks.harness import collect, command_line, run_tier, write_result

    if args.command == "history":
        return _history(parser, args)
    if args.command == "collect":
        result = collect(args.tier, args.workdir, args.digitization_tables, args.command_, args.tables)
        print(f"[bench] {len(result['runs'])} repetition(s) collected: {write_result(result)}")
        print(f"[bench] table: {render()}")
        return 0

    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    result = run_tier(
        args.tier,
        repeat=args.repeat,
        stages=tuple(s for s in STAGES if s in args.stages),
        digitization_tables=args.digitization_tables,
        workdir=args.workdir,
        command=command_line(),
        catalogue_tables=args.tables,
    )
    rows = [f"{r['figure']:<62} {r['value']!s:>14} {r['unit']:<7} {r['target']}" for r in result["figures"]]
    return _stored(f"results: {write_result(result)}", args.no_render, rows)


def _history(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from benchmarks.harness import command_line
    from benchmarks.history import collect_history, run_history, write_history

    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.command_ is not None:
        if args.workdir is None:
            parser.error("--collect needs --workdir")
        result = collect_history(args.workdir, args.digitization_tables, args.command_)
    else:
        result = run_history(args.repeat, args.digitization_tables, args.workdir, command_line())
    rows = [
        f"{r['figure']:<50} {r['1y']!s:>12} {r['3y']!s:>12} {r['ratio']!s:>7} {r['unit']}"
        for r in result["figures"]
    ]
    return _stored(f"{len(result['runs'])} repetition(s): {write_history(result)}", args.no_render, rows)


def _stored(message: str, no_render: bool, rows: list[str]) -> int:
    """Say where a result went, re-render docs/benchmarks.md unless asked not to, print its figures."""
    from benchmarks.render import render

    print(f"[bench] {message}")
    if not no_render:
        print(f"[bench] table: {render()}")
    for row in rows:
        print(f"  {row}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
