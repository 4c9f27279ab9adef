"""Dossier KPIs computed straight from a one-stop database (kiểm tra chỉ số giải quyết hồ sơ).

An independent implementation of docs/kpi-definitions.md in plain SQL and Python, used to prove that the
sandbox's "calibrated" data reproduce the province's published figures, and as a reference the dbt marts
can be compared with. It reads only the DVCQG-shaped tables (ho_so, ho_so_bo_sung, co_quan, thu_tuc).

Reading of the definitions where they leave room (the dbt marts must read them the same way):

- The supplement requests that count, for the "more than one request ⇒ late" rule and for the citizen's
  time, are those made at or before the moment the dossier is judged (its end, or the period end).
- An unanswered request, or one answered after the judging moment, counts up to that moment.
- A dossier open at the period end with neither a due date nor a maximum time is counted as
  ``in_progress_not_judgeable`` (neither within nor over deadline), so nothing is lost.

Run ``python -m sandbox.one_stop.kpi_check sqlite:///data/one_stop.sqlite calibrated`` to print the figures
and their differences from the plan and from the published reports.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa

from sandbox.one_stop import calibration as cal
from sandbox.one_stop import schema

FIGURES = (
    "received",
    "carried_over",
    "online",
    "by_post",
    "in_person",
    "resolved",
    "early",
    "on_time",
    "late",
    "not_judgeable",
    "withdrawn_stopped",
    "in_progress",
    "in_progress_within",
    "in_progress_over",
    "in_progress_not_judgeable",
    "awaiting_receipt",
)
_NOT_ENDED = frozenset({1, 2, 4, 5, 6})


class MalformedDossier(ValueError):
    """A dossier whose fields cannot be read under the KPI definitions (hồ sơ sai định dạng)."""


@dataclass
class Kpis:
    """KPI figures of one period and level (None = the whole province)."""

    period: cal.Period
    level: str | None
    figures: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIGURES, 0))

    @property
    def online_rate(self) -> float | None:
        return _rate(self.figures["online"], self.figures["received"])

    @property
    def on_time_rate(self) -> float | None:
        f = self.figures
        return _rate(f["early"] + f["on_time"], f["early"] + f["on_time"] + f["late"])


def _rate(numerator: int, denominator: int) -> float | None:
    return None if denominator == 0 else round(numerator * 100 / denominator, 2)


def parse_ts(text: str | None, code: str = "?", column: str = "?") -> dt.datetime | None:
    """``yyyyMMddHHmmss`` → datetime; empty → None; anything else is a :class:`MalformedDossier`."""
    if text is None or not text.strip():
        return None
    t = text.strip()
    if len(t) != 14 or not t.isdigit():
        raise MalformedDossier(f"dossier {code}: {column}={text!r} is not yyyyMMddHHmmss")
    try:
        return dt.datetime(int(t[:4]), int(t[4:6]), int(t[6:8]), int(t[8:10]), int(t[10:12]), int(t[12:]))
    except ValueError as exc:
        raise MalformedDossier(f"dossier {code}: {column}={text!r} is not a valid time ({exc})") from None


def end_of_processing(
    status: int, ended: dt.datetime | None, returned: dt.datetime | None, refused: dt.datetime | None
) -> dt.datetime | None:
    """Thời điểm kết thúc xử lý: NgayKetThucXuLy, else NgayTra for status 10, NgayTuChoi for status 3."""
    if status in _NOT_ENDED:
        return None
    if ended is not None:
        return ended
    if status == 10:
        return returned
    if status == 3:
        return refused
    return None


def verdict(
    judged_at: dt.datetime,
    received: dt.datetime,
    due: dt.datetime | None,
    max_days: int | None,
    supplements: Iterable[tuple[dt.datetime, dt.datetime | None]],
) -> str:
    """Rule 2.1: "early", "on_time", "late" or "not_judgeable" for a dossier judged at ``judged_at``."""
    counted = [(req, ans) for req, ans in supplements if req <= judged_at]
    if len(counted) > 1:
        return "late"
    waited = sum(
        ((min(ans, judged_at) if ans is not None else judged_at) - req for req, ans in counted),
        dt.timedelta(),
    )
    if due is None:
        if max_days is None:
            return "not_judgeable"
        due = received + dt.timedelta(days=max_days)  # calendar days (docs/kpi-definitions.md, rule 3)
    adjusted = judged_at - waited
    if adjusted > due:
        return "late"
    return "early" if adjusted.date() < due.date() else "on_time"


_LEVEL_NAME = {1: "province", 2: "district", 3: "commune"}


def compute(url_or_engine: str | sa.Engine, periods: Iterable[cal.Period]) -> list[Kpis]:
    """KPIs per period and level (plus the whole province, level None) from the database at ``url``."""
    engine = sa.create_engine(url_or_engine) if isinstance(url_or_engine, str) else url_or_engine
    periods = list(periods)
    bounds = [
        (p, dt.datetime.combine(p.start, dt.time()), dt.datetime.combine(p.end, dt.time(23, 59, 59)))
        for p in periods
    ]
    out = {(p.name, lvl): Kpis(p, lvl) for p in periods for lvl in (*cal.LEVELS, None)}
    h, b, q, t = schema.ho_so, schema.ho_so_bo_sung, schema.co_quan, schema.thu_tuc
    try:
        with engine.connect() as conn:
            supplements: dict[str, list[tuple[dt.datetime, dt.datetime | None]]] = {}
            for code, asked, answered in conn.execute(
                sa.select(b.c.MaHoSo, b.c.NgayBoSung, b.c.NgayTiepNhanBoSung).order_by(b.c.MaHoSo, b.c.STT)
            ):
                req = parse_ts(asked, code, "NgayBoSung")
                if req is None:
                    raise MalformedDossier(f"dossier {code}: supplement request without NgayBoSung")
                supplements.setdefault(code, []).append((req, parse_ts(answered, code, "NgayTiepNhanBoSung")))
            query = (
                sa.select(
                    h.c.MaHoSo,
                    h.c.TrangThaiHoSo,
                    h.c.KenhThucHien,
                    h.c.NgayNopHoSo,
                    h.c.NgayTiepNhan,
                    h.c.NgayHenTra,
                    h.c.NgayTuChoi,
                    h.c.NgayKetThucXuLy,
                    h.c.NgayTra,
                    q.c.CapDonVi,
                    t.c.ThoiHanGiaiQuyet,
                )
                .select_from(
                    h.outerjoin(q, q.c.MaDonVi == h.c.DonViXuLy).outerjoin(t, t.c.MaTTHC == h.c.MaTTHC)
                )
                .order_by(h.c.MaHoSo)
            )
            result = conn.execution_options(stream_results=True).execute(query)
            for part in result.partitions(10_000):
                for row in part:
                    _count(row, supplements, bounds, out)
    finally:
        if isinstance(url_or_engine, str):
            engine.dispose()
    return list(out.values())


def _count(row: sa.Row, supplements: dict, bounds: list, out: dict[tuple[str, str | None], Kpis]) -> None:
    code, status, channel, nop, tiep, hen, tu_choi, ket_thuc, tra, level, max_days = row
    if status is None or not 1 <= status <= 10:
        raise MalformedDossier(f"dossier {code}: TrangThaiHoSo={status!r} outside 1..10")
    if level not in _LEVEL_NAME:
        raise MalformedDossier(f"dossier {code}: handling agency has no level (CapDonVi={level!r})")
    submitted = parse_ts(nop, code, "NgayNopHoSo")
    received = parse_ts(tiep, code, "NgayTiepNhan")
    due = parse_ts(hen, code, "NgayHenTra")
    end = end_of_processing(
        status,
        parse_ts(ket_thuc, code, "NgayKetThucXuLy"),
        parse_ts(tra, code, "NgayTra"),
        parse_ts(tu_choi, code, "NgayTuChoi"),
    )
    level_name = _LEVEL_NAME[level]
    for period, start, stop in bounds:
        targets = (out[(period.name, level_name)].figures, out[(period.name, None)].figures)
        if (
            status == 1
            and submitted is not None
            and submitted <= stop
            and (received is None or received > stop)
        ):
            for f in targets:
                f["awaiting_receipt"] += 1
        if received is None or received > stop or (end is not None and end < start):
            continue
        hits = ["received", "online" if channel == 2 else ("by_post" if channel == 3 else "in_person")]
        if received < start:
            hits.append("carried_over")
        if end is not None and end <= stop:
            if status in (9, 10):
                hits += ["resolved", verdict(end, received, due, max_days, supplements.get(code, ()))]
            else:
                hits.append("withdrawn_stopped")
        else:
            v = verdict(stop, received, due, max_days, supplements.get(code, ()))
            hits += [
                "in_progress",
                "in_progress_not_judgeable"
                if v == "not_judgeable"
                else ("in_progress_over" if v == "late" else "in_progress_within"),
            ]
        for f in targets:
            for name in hits:
                f[name] += 1


@dataclass(frozen=True)
class Difference:
    """One figure that differs between two sources (e.g. computed vs. plan, computed vs. published)."""

    period: str
    level: str | None
    figure: str
    expected: float | int | None
    actual: float | int | None


def against_plan(kpis: list[Kpis], the_plan: cal.Plan) -> list[Difference]:
    """Every figure of an exact plan compared with the computed KPIs: an empty list means all equal."""
    by_key = {(k.period.name, k.level): k for k in kpis}
    diffs = []
    for exp in cal.expected(the_plan):
        got = by_key[(exp.period.name, exp.level)].figures
        for name, value in exp.figures.items():
            if got[name] != value:
                diffs.append(Difference(exp.period.name, exp.level, name, value, got[name]))
        extra = got["in_progress_not_judgeable"]
        if extra:
            diffs.append(Difference(exp.period.name, exp.level, "in_progress_not_judgeable", 0, extra))
    return diffs


def against_published(kpis: list[Kpis]) -> list[Difference]:
    """Computed figures against the published ones (only figures the report gives); differences are shown, not fixed."""
    by_key = {(k.period.name, k.level): k for k in kpis}
    out = []
    for pub in cal.PUBLISHED:
        k = by_key.get((pub.period.name, pub.level))
        if k is None:
            continue
        f = k.figures
        pairs = {
            "received": (pub.received, f["received"]),
            "online": (pub.online, f["online"]),
            "resolved": (pub.resolved, f["resolved"]),
            "early": (pub.early, f["early"]),
            "on_time": (pub.on_time, f["on_time"]),
            "early_or_on_time": (pub.early_or_on_time, f["early"] + f["on_time"]),
            "late": (pub.late, f["late"]),
            "in_progress": (pub.in_progress, f["in_progress"]),
            "in_progress_within": (pub.in_progress_within, f["in_progress_within"]),
            "in_progress_over": (pub.in_progress_over, f["in_progress_over"]),
            "awaiting_receipt": (pub.awaiting_receipt, f["awaiting_receipt"]),
            "on_time_rate": (pub.on_time_rate, k.on_time_rate),
        }
        for name, (published, ours) in pairs.items():
            if published is not None and published != ours:
                out.append(Difference(pub.period.name, pub.level, name, published, ours))
    return out


def main(argv: list[str]) -> int:
    from sandbox.scenario import Scenario

    if len(argv) < 1:
        print("usage: python -m sandbox.one_stop.kpi_check DB_URL [SCENARIO]", file=sys.stderr)
        return 2
    scenario = Scenario.named(argv[1] if len(argv) > 1 else "calibrated")
    the_plan = cal.plan(scenario)
    kpis = compute(argv[0], [pp.period for pp in the_plan.periods])
    for k in kpis:
        print(
            f"{k.period.name} {k.level or 'all':9s} {k.figures} online_rate={k.online_rate} on_time_rate={k.on_time_rate}"
        )
    diffs = against_plan(kpis, the_plan) if the_plan.exact else []
    for d in diffs:
        print(f"PLAN MISMATCH {d}")
    published = against_published(kpis) if scenario.name in ("calibrated", "province-quarter") else []
    for d in published:
        print(f"differs from published: {d}")
    return 1 if diffs else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
