"""Đo thời gian công bố một bộ dữ liệu — time one publish to the portal store, stage by stage.

``python -m tests.portal.measure_publish --rows 100000`` builds a table shaped like the nightly run's
largest open dataset (``luot-khach``: codes with leading zeros, Vietnamese text, dates, local times,
nulls), publishes it into a fresh store and prints, as JSON, the seconds of the whole publish, of each
format writer on the same conformed table, and of publishing the same table again (the unchanged check).
``--profile out.html`` also writes a pyinstrument profile of one publish.

Not a test: ``docs/benchmarks.md`` ("Portal store") quotes its output.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa

from portal import formats
from portal.conform import conform, content_hash
from portal.spec import ColumnSpec, Contact, DatasetSpec
from portal.store import PortalStore

T0 = dt.datetime(2026, 11, 23, 1, 0, 0, tzinfo=dt.UTC)
NATIONALITIES = ("Việt Nam", "Hàn Quốc", "Hoa Kỳ", "Pháp", "Nhật Bản", "Đức", "Thái Lan", "Úc")
NOTES = ("Khách đoàn, đặt qua công ty lữ hành", "Ở phòng hướng sông Hương", "", None, "Gia hạn thêm 1 đêm")


def measured_spec() -> DatasetSpec:
    """The columns of ``luot-khach`` (open catalogue table 5), as the nightly run publishes them."""
    return DatasetSpec(
        slug="luot-khach",
        title_vi="Dữ liệu lượt khách lưu trú du lịch",
        title_en="Tourism: Huế digitisation catalogue table 5 (luot_khach)",
        description_vi="Dữ liệu lượt khách lưu trú du lịch (bảng đo thời gian công bố).",
        description_en="Tourist stays (publish timing table).",
        keywords=("Du lịch", "dữ liệu mở"),
        theme="Du lịch",
        publisher="Sở Du lịch tỉnh Thừa Thiên Huế",
        contact=Contact("Bộ phận dữ liệu mở", "dulieumo@hue.gov.vn"),
        update_frequency="DAILY",
        temporal_start=None,
        temporal_end=None,
        columns=(
            ColumnSpec("ma_luot", "string", "Mã định danh bản ghi"),
            ColumnSpec("ma_co_so", "string", "Mã cơ sở lưu trú"),
            ColumnSpec("quoc_tich", "string", "Quốc tịch"),
            ColumnSpec("so_khach", "integer", "Số khách"),
            ColumnSpec("so_dem", "integer", "Số đêm lưu trú"),
            ColumnSpec("ngay_den", "date", "Ngày đến"),
            ColumnSpec("doanh_thu", "integer", "Doanh thu"),
            ColumnSpec("ghi_chu", "string", "Ghi chú"),
            ColumnSpec("ngay_cap_nhat", "datetime", "Ngày cập nhật"),
        ),
    )


def measured_table(rows: int, marker: int = 0) -> pa.Table:
    """``rows`` stays; ``marker`` shifts the update times, so a new marker is changed data."""
    start = dt.date(2024, 1, 1)
    updated = dt.datetime(2024, 9, 15, 8, 0) + dt.timedelta(minutes=marker)
    return pa.table(
        {
            "ma_luot": [f"{i:08d}" for i in range(rows)],
            "ma_co_so": [f"{i % 997:05d}" for i in range(rows)],
            "quoc_tich": [NATIONALITIES[i % len(NATIONALITIES)] for i in range(rows)],
            "so_khach": [1 + i % 9 for i in range(rows)],
            "so_dem": [None if i % 17 == 0 else 1 + i % 5 for i in range(rows)],
            "ngay_den": [start + dt.timedelta(days=i % 366) for i in range(rows)],
            "doanh_thu": [450_000 * (1 + i % 7) for i in range(rows)],
            "ghi_chu": [NOTES[i % len(NOTES)] for i in range(rows)],
            "ngay_cap_nhat": [updated + dt.timedelta(seconds=i % 86_400) for i in range(rows)],
        }
    )


def _timed(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return round(time.perf_counter() - started, 3)


def measure(rows: int, work: Path, *, profile: Path | None = None) -> dict[str, Any]:
    spec = measured_spec()
    table = measured_table(rows)
    store = PortalStore(work / "portal")
    figures: dict[str, Any] = {"rows": rows}
    if profile is not None:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
    figures["publish"] = _timed(lambda: store.publish(spec, table, now=T0))
    if profile is not None:
        profiler.stop()
        report = profiler.output_html() if profile.suffix == ".html" else profiler.output_text(color=False)
        profile.write_text(report, encoding="utf-8")
    figures["unchanged_check"] = _timed(lambda: store.publish(spec, table, now=T0 + dt.timedelta(hours=1)))
    figures["changed_publish"] = _timed(
        lambda: store.publish(spec, measured_table(rows, marker=1), now=T0 + dt.timedelta(days=1))
    )
    assert len(store.versions(spec.slug)) == 2, "the unchanged publish must not add a version"

    # Each writer alone, on the same conformed table, into its own folder.
    started = time.perf_counter()
    conformed = conform(spec, table)
    content_hash(conformed)
    figures["conform_and_hash"] = round(time.perf_counter() - started, 3)
    out = work / "formats"
    out.mkdir()
    names = {fmt: out / name for fmt, (name, _) in formats.FORMATS.items()}
    figures["csv"] = _timed(lambda: formats.write_csv(conformed, names["csv"]))
    figures["json"] = _timed(lambda: formats.write_json(conformed, names["json"]))
    figures["parquet"] = _timed(lambda: formats.write_parquet(conformed, names["parquet"]))
    figures["xlsx"] = _timed(lambda: formats.write_xlsx(spec, "v", conformed, names["xlsx"]))
    figures["datapackage_and_validation"] = _timed(
        lambda: formats.write_datapackage(spec, "v", "2026-11-23T01:00:00Z", out, validate=True)
    )
    figures["bytes"] = {fmt: path.stat().st_size for fmt, path in names.items()}
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.portal.measure_publish", description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--profile", type=Path, help="pyinstrument profile of the first publish (.html, else text)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="measure-publish-") as work:
        figures = measure(args.rows, Path(work), profile=args.profile)
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
