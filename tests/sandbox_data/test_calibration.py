"""Calibration: the KPIs computed from the sandbox database equal the plan, figure by figure."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from sandbox.one_stop import calibration as cal
from sandbox.one_stop import kpi_check, procedure_check, schema
from sandbox.one_stop.generate import build_database
from sandbox.scenario import Scenario

KPI_TABLES = ["co_quan", "thu_tuc", "thu_tuc_muc_do_dvc", "ho_so", "ho_so_bo_sung"]


def test_plan_reproduces_the_published_arithmetic() -> None:
    exp = {(e.period.name, e.level): e.figures for e in cal.expected(cal.plan(Scenario.named("calibrated")))}
    q1 = exp[("2023-Q1", None)]
    assert (q1["received"], q1["online"], q1["resolved"], q1["late"]) == (90_439, 16_972, 80_080, 2_362)
    assert q1["early"] + q1["on_time"] == 77_718
    assert (q1["in_progress"], q1["in_progress_within"], q1["in_progress_over"]) == (10_359, 9_838, 521)
    q3 = exp[("2024-Q3", None)]
    assert (q3["received"], q3["online"]) == (106_071, 68_832)
    for pub in cal.PUBLISHED[1:]:
        f = exp[("2024-Q3", pub.level)]
        assert (f["received"], f["online"], f["resolved"]) == (pub.received, pub.online, pub.resolved)
        assert (f["early"], f["on_time"], f["late"]) == (pub.early, pub.on_time, pub.late)
        assert (f["in_progress"], f["awaiting_receipt"]) == (pub.in_progress, pub.awaiting_receipt)
        assert f["received"] == f["resolved"] + f["withdrawn_stopped"] + f["in_progress"]
    assert exp[("2024-Q3", "commune")]["not_judgeable"] == 140
    assert exp[("2024-Q3", "province")]["withdrawn_stopped"] == 730


def test_tiny_database_matches_its_plan(tiny_db: tuple[str, dict[str, int]]) -> None:
    url, _ = tiny_db
    the_plan = cal.plan(Scenario.named("tiny"))
    kpis = kpi_check.compute(url, [pp.period for pp in the_plan.periods])
    assert kpi_check.against_plan(kpis, the_plan) == []
    figures = {(k.period.name, k.level): k.figures for k in kpis}
    # Not trivially zero: carried-over dossiers, supplements and every category are exercised.
    for level in cal.LEVELS:
        assert figures[("2024-Q3", level)]["carried_over"] > 0
        assert figures[("2024-Q3", level)]["withdrawn_stopped"] > 0
    assert figures[("2024-Q3", "commune")]["not_judgeable"] > 0


def test_calibrated_database_reproduces_every_published_figure(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'calibrated.sqlite'}"
    # Only the tables the KPIs read: the rows are those of a full build (same generation order).
    build_database(url, Scenario.named("calibrated"), tables=KPI_TABLES)
    the_plan = cal.plan(Scenario.named("calibrated"))
    kpis = kpi_check.compute(url, [pp.period for pp in the_plan.periods])
    assert kpi_check.against_plan(kpis, the_plan) == []
    by_key = {(k.period.name, k.level): k for k in kpis}
    assert by_key[("2024-Q3", None)].online_rate == cal.PUBLISHED_Q3_2024_TOTAL["online_rate"]
    # Against the reports themselves: only the district on-time rate differs (96.29 % published, no
    # consistent formula gives it; ours is (early + on time) / judged = 91.08 %). Shown, not fixed.
    diffs = kpi_check.against_published(kpis)
    assert [(d.period, d.level, d.figure, d.expected, d.actual) for d in diffs] == [
        ("2024-Q3", "district", "on_time_rate", 96.29, 91.08)
    ]
    for pub in cal.PUBLISHED[1:]:
        assert by_key[("2024-Q3", pub.level)].online_rate == round(pub.online * 100 / pub.received, 2)
    # The procedure catalogue in force at each period end, and the online services with online dossiers in
    # Q1/2023 ("211/451 một phần, 206/1.438 toàn trình có phát sinh hồ sơ"), as the reports give them.
    catalogue = procedure_check.compute(url, [cal.P_Q1_2023, cal.P_Q3_2024])
    q1, q3 = catalogue[("2023-Q1", "all")], catalogue[("2024-Q3", "all")]
    assert (q1["procedures"], q1["online_full"], q1["online_partial"], q1["postal"]) == (
        2_143,
        1_438,
        451,
        486,
    )
    assert (q1["online_partial_with_dossiers"], q1["online_full_with_dossiers"]) == (211, 206)
    assert (q3["procedures"], q3["online_full"], q3["online_partial"], q3["postal"]) == (
        2_059,
        787,
        1_072,
        486,
    )
    assert [catalogue[("2024-Q3", level)]["inter_agency"] for level in cal.LEVELS] == [459, 35, 17]


def test_malformed_dossier_is_a_clear_error(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'bad.sqlite'}"
    build_database(url, Scenario.named("tiny"), tables=KPI_TABLES)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        code = conn.execute(sa.select(schema.ho_so.c.MaHoSo).limit(1)).scalar()
        conn.execute(
            sa.update(schema.ho_so).where(schema.ho_so.c.MaHoSo == code).values(NgayTiepNhan="15/07/2024")
        )
    with pytest.raises(kpi_check.MalformedDossier, match=f"{code}.*NgayTiepNhan='15/07/2024'"):
        kpi_check.compute(engine, [cal.P_Q3_2024])
    engine.dispose()


def test_scale_tiers() -> None:
    def dossiers(name: str) -> int:
        p = cal.plan(Scenario.named(name))
        return sum(c.count for pp in p.periods for c in pp.cells) + sum(
            sum(pp.awaiting_receipt.values()) + pp.ended_before_start for pp in p.periods
        )

    assert 3_000 <= dossiers("tiny") <= 8_000
    assert 105_000 <= dossiers("province-quarter") <= 115_000
    assert 420_000 <= dossiers("province-year") <= 480_000
    assert dossiers("national-year") >= 30_000_000
    assert (
        cal.plan(Scenario.named("calibrated")).exact and not cal.plan(Scenario.named("province-year")).exact
    )
