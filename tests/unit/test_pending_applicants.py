"""Which applicants the population lookup takes next: citizens only, in order, continuing after a limit."""

from __future__ import annotations

from sources.lake import Lake
from sources.one_stop.sql import OneStopSqlConnector
from sources.one_stop.sync import sync_one_stop
from sources.population.applicants import pending_applicants
from tests.unit.one_stop_db import dossier, make_db, upsert_dossiers


def test_citizens_only_in_order_and_resumable(tmp_path):
    engine = make_db(tmp_path / "db.sqlite")
    upsert_dossiers(
        engine,
        [
            dossier("HS1", "20230101080000", LoaiDoiTuong=1),
            dossier("HS2", "20230101090000", LoaiDoiTuong=3, ChuHoSo="Sở Lao động - Thương binh và Xã hội"),
            dossier("HS3", "20230101100000", LoaiDoiTuong=None),
            dossier("HS4", "20230101110000", LoaiDoiTuong=1),
        ],
    )
    lake = Lake(tmp_path / "lake")
    sync_one_stop(lake, OneStopSqlConnector(f"sqlite:///{tmp_path / 'db.sqlite'}"))

    first = list(pending_applicants(lake.root, None, limit=2))
    assert [a["MaHoSo"] for _, a in first] == ["HS1", "HS3"]
    assert first[0][1]["SoDinhDanh"] == "046190000123" and first[0][1]["HoVaTen"] == "Nguyễn Thị Mai"
    rest = list(pending_applicants(lake.root, first[-1][0], limit=10))
    assert [a["MaHoSo"] for _, a in rest] == ["HS4"]
    assert list(pending_applicants(lake.root, rest[-1][0], limit=10)) == []


def _night(lake: Lake, *, verified: list[str] = (), failed: dict[str, str] | None = None) -> None:
    """One population sync that verified ``verified`` and quarantined ``failed`` (code -> reason)."""
    import datetime as dt
    import json

    import pyarrow as pa

    from sources.common.batch import QuarantinedRow, SourceBatch
    from sources.lake import TableContract
    from sources.population.verification import SCHEMA

    now = dt.datetime.now(dt.UTC)
    rows = [
        {"MaHoSo": c, "outcome": "khớp", "personal_id_pseudonym": "p", "verified_at": now} for c in verified
    ]
    quarantined = [
        QuarantinedRow.of(reason, json.dumps({"MaHoSo": c})) for c, reason in (failed or {}).items()
    ]
    contract = {"applicant_verifications": TableContract(key=("MaHoSo",), version="verified_at")}
    with lake.stream("population", "applicant_verifications", contract) as tx:
        tx.write(
            SourceBatch(
                "applicant_verifications", pa.Table.from_pylist(rows, SCHEMA), quarantined=quarantined
            )
        )
        tx.commit()


def test_unreadable_answers_are_asked_again_up_to_the_limit(tmp_path):
    """A lookup whose answer was malformed is owed: later runs ask it again (before new applicants, without
    moving the position) until it is verified or has failed MAX_LOOKUP_ATTEMPTS times; an applicant refused
    before any lookup is not retried."""
    from sources.population.applicants import MAX_LOOKUP_ATTEMPTS, applicants_to_verify, owed_lookups

    engine = make_db(tmp_path / "db.sqlite")
    upsert_dossiers(engine, [dossier(f"HS{i}", f"2023010{i}080000", LoaiDoiTuong=1) for i in range(1, 5)])
    lake = Lake(tmp_path / "lake")
    sync_one_stop(lake, OneStopSqlConnector(f"sqlite:///{tmp_path / 'db.sqlite'}"))
    everything = list(pending_applicants(lake.root, None, limit=10))
    end = everything[-1][0]
    assert applicants_to_verify(lake.root, end, 10) == []

    _night(
        lake,
        verified=["HS1"],
        failed={
            "HS2": "malformed_response: CongDan.GioiTinh missing or unreadable",
            "HS3": "invalid_identifier",
            "HS4": "malformed_response: answer is not well-formed XML",
        },
    )
    todo = applicants_to_verify(lake.root, end, 10)
    assert [(position, a["MaHoSo"]) for position, a in todo] == [(None, "HS2"), (None, "HS4")]
    assert todo[0][1]["SoDinhDanh"] == "046190000123" and todo[0][1]["MaDVC"]
    # the limit is shared with new applicants, retries first; a dossier owed and also new (HS2 here) is
    # asked once, as new, so that its position moves the queue
    mixed = applicants_to_verify(lake.root, None, 3)
    positions = [p for p, _ in everything]
    assert [(p, a["MaHoSo"]) for p, a in mixed] == [
        (None, "HS4"),
        (positions[0], "HS1"),
        (positions[1], "HS2"),
    ]
    assert [a["MaHoSo"] for p, a in applicants_to_verify(lake.root, everything[2][0], 10)] == ["HS2", "HS4"]
    assert [p for p, _ in applicants_to_verify(lake.root, everything[0][0], 10)][-1] == everything[-1][0]

    _night(lake, verified=["HS4"], failed={"HS2": "malformed_response: answer is not well-formed XML"})
    assert owed_lookups(lake.root) == ["HS2"]
    for _ in range(MAX_LOOKUP_ATTEMPTS - 2):
        _night(lake, failed={"HS2": "malformed_response: answer is not well-formed XML"})
    assert owed_lookups(lake.root) == []  # given up: the attempts stay in quarantine/ with their reason
    assert (
        len(list((lake.root / "quarantine" / "population" / "applicant_verifications").glob("*.jsonl"))) == 3
    )
