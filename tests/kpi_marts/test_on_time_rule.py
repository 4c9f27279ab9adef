"""Rule 2.1 (Decision 766) in the marts against an independent reference, on small dossier sets.

The marts (fct_dossiers → rpt_dossier_kpis, real SQL and macros, as views in the probe project) and
``sandbox.one_stop.kpi_check`` (plain Python over the DVCQG-shaped tables) must give the same figures for
every period of every type (month, quarter, official 15th-14th quarter, year, published periods) and level:
supplement time subtracted, more than one supplement late, no due date → the procedure's maximum time,
open dossiers judged at the period end, dossiers counted in every period they cross.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.kpi_marts.dossier_cases import Dossier, Supplement, compare

DAY = 86_400
BASE = dt.datetime(2024, 1, 1)
HORIZON_DAYS = 150


def at(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%d/%m/%Y %H:%M:%S")


# Moments near period boundaries (month ends, the 14th/15th of official periods) are where an off-by-one
# in dates against timestamps would show; draw them often.
_BOUNDARIES = sorted(
    {
        BASE + dt.timedelta(days=d, seconds=s)
        for d in range(HORIZON_DAYS)
        if (BASE + dt.timedelta(days=d)).day in (1, 14, 15)
        for s in (0, 1, DAY - 1)
    }
)
moments = st.one_of(
    st.integers(0, HORIZON_DAYS * DAY).map(lambda s: BASE + dt.timedelta(seconds=s)),
    st.sampled_from(_BOUNDARIES),
)
durations = st.one_of(st.integers(0, 45 * DAY), st.sampled_from([0, 1, DAY - 1, DAY, 5 * DAY, 5 * DAY + 1]))


@st.composite
def dossiers(draw: st.DrawFn, code: str) -> Dossier:
    status = draw(st.sampled_from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))
    received = draw(moments)
    submitted = received - dt.timedelta(seconds=draw(st.integers(0, 3 * DAY)))
    due = received + dt.timedelta(seconds=draw(durations)) if draw(st.booleans()) else None
    end = received + dt.timedelta(seconds=draw(durations)) if status in (3, 7, 8, 9, 10) else None
    # Where the end of processing is recorded: NgayKetThucXuLy, or only NgayTra (status 10) / NgayTuChoi
    # (status 3), or nowhere (then the dossier has not ended for the KPIs).
    where = draw(st.sampled_from(["processing_ended", "fallback", "none"])) if end else "none"
    supplements = tuple(
        Supplement(
            requested=(request := received + dt.timedelta(seconds=draw(durations))),
            answered=request + dt.timedelta(seconds=draw(durations)) if draw(st.booleans()) else None,
        )
        for _ in range(draw(st.integers(0, 3)))
    )
    return Dossier(
        code=code,
        status=status,
        level=draw(st.sampled_from([1, 2, 3])),
        channel=draw(st.sampled_from([None, 1, 2, 3])),
        procedure=draw(st.sampled_from(["1.000001", "1.000002"])),
        submitted=submitted,
        received=None if status == 1 else received,
        due=due,
        processing_ended=end if where == "processing_ended" else None,
        returned=end if where == "fallback" and status == 10 else None,
        rejected=end if where == "fallback" and status == 3 else None,
        supplements=supplements,
    )


@st.composite
def dossier_sets(draw: st.DrawFn) -> list[Dossier]:
    return [draw(dossiers(f"HS{i:03d}")) for i in range(draw(st.integers(1, 12)))]


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(dossier_sets())
def test_marts_equal_the_reference_on_random_dossiers(probe, dossier_set: list[Dossier]) -> None:
    with probe.connect() as con:
        compare(dossier_set, con)


def _figures(probe, dossier_set: list[Dossier]) -> dict[tuple[str, str], dict]:
    with probe.connect() as con:
        return compare(dossier_set, con)


MARCH = "month:2024-03-01:2024-03-31"
APRIL = "month:2024-04-01:2024-04-30"


def test_supplement_time_is_subtracted(probe) -> None:
    # Due 10/03 17:00, ended 12/03 10:00: 41 h late, but the citizen held it 3 days → early.
    late_without = Dossier("A", 9, received=at("01/03/2024 08:00:00"), due=at("10/03/2024 17:00:00"),
                           processing_ended=at("12/03/2024 10:00:00"))  # fmt: skip
    early_with = Dossier("B", 9, received=at("01/03/2024 08:00:00"), due=at("10/03/2024 17:00:00"),
                         processing_ended=at("12/03/2024 10:00:00"),
                         supplements=(Supplement(at("02/03/2024 08:00:00"), at("05/03/2024 08:00:00")),))  # fmt: skip
    figures = _figures(probe, [late_without, early_with])[(MARCH, "commune")]
    assert (figures["late"], figures["early"], figures["on_time"]) == (1, 1, 0)


def test_more_than_one_supplement_is_late(probe) -> None:
    # Ended long before its due date, but supplements were requested twice → late.
    two = Dossier("A", 10, received=at("01/03/2024 08:00:00"), due=at("30/03/2024 17:00:00"),
                  processing_ended=at("10/03/2024 08:00:00"),
                  supplements=(Supplement(at("02/03/2024 08:00:00"), at("02/03/2024 09:00:00")),
                               Supplement(at("03/03/2024 08:00:00"), at("03/03/2024 09:00:00"))))  # fmt: skip
    figures = _figures(probe, [two])[(MARCH, "commune")]
    assert (figures["resolved"], figures["late"]) == (1, 1)


def test_no_due_date_falls_back_to_the_procedure_maximum(probe) -> None:
    # 5 calendar days from reception (procedure 1.000001): on 06/03 08:00 on time, 06/03 08:00:01 late;
    # the procedure without a maximum cannot be judged.
    on_time = Dossier("A", 9, received=at("01/03/2024 08:00:00"), processing_ended=at("06/03/2024 08:00:00"))
    late = Dossier("B", 9, received=at("01/03/2024 08:00:00"), processing_ended=at("06/03/2024 08:00:01"))
    unknown = Dossier("C", 9, procedure="1.000002", received=at("01/03/2024 08:00:00"),
                      processing_ended=at("06/03/2024 08:00:00"))  # fmt: skip
    figures = _figures(probe, [on_time, late, unknown])[(MARCH, "commune")]
    assert (figures["on_time"], figures["late"], figures["not_judgeable"]) == (1, 1, 1)


def test_open_dossier_is_judged_at_each_period_end(probe) -> None:
    # Received 20/03, due 10/04, still open: within deadline at the end of March, over it at the end of
    # April; an unanswered supplement request counts up to the period end.
    open_one = Dossier("A", 4, received=at("20/03/2024 08:00:00"), due=at("10/04/2024 17:00:00"))
    waiting = Dossier("B", 5, received=at("20/03/2024 08:00:00"), due=at("10/04/2024 17:00:00"),
                      supplements=(Supplement(at("01/04/2024 08:00:00")),))  # fmt: skip
    # The marts report periods up to the last day the data shows: a later reception elsewhere reaches April.
    later = Dossier("C", 2, level=1, received=at("30/04/2024 08:00:00"))
    figures = _figures(probe, [open_one, waiting, later])
    assert figures[(MARCH, "commune")]["in_progress_within"] == 2
    assert figures[(APRIL, "commune")]["in_progress_over"] == 1  # A
    assert figures[(APRIL, "commune")]["in_progress_within"] == 1  # B: 29 days 16 hours on the citizen's side


def test_dossier_crossing_a_period_boundary_counts_in_both(probe) -> None:
    # Received 31/03 23:59:59, resolved 01/04 00:00:00: in progress in March, carried over and resolved
    # in April; both periods receive it, the quarter counts it once.
    crossing = Dossier("A", 10, channel=2, received=at("31/03/2024 23:59:59"), due=at("05/04/2024 17:00:00"),
                       processing_ended=at("01/04/2024 00:00:00"))  # fmt: skip
    figures = _figures(probe, [crossing])
    assert figures[(MARCH, "commune")]["in_progress"] == 1
    assert figures[(APRIL, "commune")]["received"] == 1
    assert figures[(APRIL, "commune")]["early"] == 1
    assert figures[("quarter:2024-01-01:2024-03-31", "all")]["online"] == 1
    assert figures[("quarter:2024-04-01:2024-06-30", "all")]["resolved"] == 1
