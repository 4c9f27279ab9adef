"""Privacy: nothing personal beyond the allowed columns leaves the connector, in files or in logs.

The run looks up people chosen to carry distinctive sensitive values (minority ethnicities, religions),
old ID cards and every outcome, under faults that make the connector log warnings (429, 5xx), a cut
answer, and a quarantined input row. Then every file written (Parquet of the batch, quarantine JSON,
audit log, the sandbox's own access log) and every log line captured at DEBUG is searched for any
personal value the register returned and any secret.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sandbox import people
from sandbox.faults import Faults
from sandbox.population.citizens import citizen_record
from sources.population import AuditWriter, verify_chain
from sources.population.names import ascii_upper_name
from sources.population.verification import SCHEMA

from .conftest import PSEUDONYM_KEY, SEED, applicant, indices_with

pytestmark = pytest.mark.integration


def _chosen() -> list[int]:
    chosen = indices_with("match", 4, where=lambda p: p.religion not in ("Không",))
    chosen += indices_with("match", 2, where=lambda p: p.ethnicity != "Kinh")
    chosen += indices_with("match", 2, where=lambda p: p.old_id_card is not None)
    chosen += (
        indices_with("name_mismatch", 2) + indices_with("birth_date_mismatch", 2) + indices_with("unknown", 2)
    )
    chosen += list(range(20))
    return list(dict.fromkeys(chosen))


def _leaves(value) -> list[str]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    return [] if value is None else [str(value)]


def _forbidden(indices: list[int]) -> dict[str, str]:
    """Every personal value the register holds on these people (value -> what it is)."""
    forbidden: dict[str, str] = {}
    for i in indices:
        p = people.person(SEED, i)
        for label, value in [
            ("personal ID", p.personal_id),
            ("old ID card", p.old_id_card),
            ("full name", p.full_name),
            ("full name as sent", ascii_upper_name(p.full_name)),
            ("birth date", p.birth_date.isoformat()),
            ("birth date", p.birth_date.strftime("%Y%m%d")),
            ("address", p.address_detail),
            ("phone", p.phone),
            ("ethnicity (DanToc)", p.ethnicity),
            ("religion (TonGiao)", p.religion),
        ]:
            if value:
                forbidden[value] = label
        record = citizen_record(SEED, i, people.lookup_outcome(SEED, i))
        if record is None:
            continue
        name = record["HoVaTen"]
        forbidden[f"{name['Ho']} {name['ChuDem']} {name['Ten']}"] = "register name"
        forbidden[record["NgayThangNam"]] = "register birth date"
        forbidden[record["SoSoHoKhau"]] = "household book number"
        for relative in ("Cha", "Me", "VoChong", "ChuHo"):
            for leaf in _leaves(record.get(relative)):
                if len(leaf) > 3 and leaf not in ("Chủ hộ",):
                    forbidden[leaf] = f"relative {relative}"
    return forbidden


def _all_files(*roots: Path) -> list[Path]:
    return [p for root in roots for p in root.rglob("*") if p.is_file()]


def test_no_personal_data_or_secret_in_files_or_logs(
    make_verifier, sandbox, injector, tmp_path, caplog
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, every level
    indices = _chosen()
    forbidden = _forbidden(indices)
    sensitive_values = {v for v, label in forbidden.items() if label.startswith(("ethnicity", "religion"))}
    assert {"Phật giáo", "Công giáo"} & sensitive_values and sensitive_values - {"Kinh", "Không"}, (
        "the run must carry distinctive DanToc/TonGiao values to prove anything"
    )
    env = sandbox.env
    secrets = {
        "SecretKey": env["HUE_LGSP_SECRET_KEY"],
        "officer password": env["HUE_LGSP_OFFICER_PASSWORD"],
        "pseudonym key": PSEUDONYM_KEY,
        "lgspaccesstoken header": base64.b64encode(
            f"{env['HUE_LGSP_ACCESS_KEY']}:{env['HUE_LGSP_SECRET_KEY']}".encode()
        ).decode(),
        "officer derived key": hashlib.sha256(env["HUE_LGSP_OFFICER_PASSWORD"].encode()).hexdigest(),
    }

    injector.set(Faults(rate_limit_every=5, error_5xx_every=7, malformed_rows_every=11, retry_after_s=0.01))
    rows = [
        applicant(i, by="SoCMND" if people.person(SEED, i).old_id_card and i % 2 else "SoDinhDanh")
        for i in indices
    ]
    rows.append({**applicant(indices[0]), "MaHoSo": "BAD-1", "SoDinhDanh": "12345"})  # quarantined input
    audit = AuditWriter(tmp_path / "audit")
    verifier = make_verifier(batch_size=10, audit=audit)
    batches = list(verifier.verify(rows))
    verifier.close()
    audit.close()

    table = pa.concat_tables([b.data for b in batches])
    quarantined = [q for b in batches for q in b.quarantined]
    assert table.schema == SCHEMA
    assert table.column_names == [
        "MaHoSo", "outcome", "name_match", "birth_date_match", "personal_id_pseudonym",
        "residence_commune_code", "birth_year", "sex", "verified_at",
    ]  # fmt: skip
    assert table.num_rows + len(quarantined) == len(rows)
    assert any(q.reason.startswith("malformed_response") for q in quarantined)
    assert verifier.attempts > verifier.lookups  # the faults did make it retry (and log)

    out = tmp_path / "lake"
    out.mkdir()
    # uncompressed and plain so that a value in the file is a value in the bytes
    pq.write_table(table, out / "applicant_verifications.parquet", compression="none", use_dictionary=False)
    (out / "quarantine.json").write_text(
        json.dumps([q.__dict__ for q in quarantined], ensure_ascii=False), encoding="utf-8"
    )
    audit_dir = tmp_path / "audit"
    records = [
        json.loads(line) for p in audit_dir.glob("audit-*.jsonl") for line in p.read_text().splitlines()
    ]
    assert len(records) == verifier.lookups == len(rows) - 1  # one per lookup; the bad row made none
    verify_chain(audit_dir)

    texts = {str(p): p.read_bytes().decode("utf-8", errors="replace") for p in _all_files(out, audit_dir)}
    texts[str(sandbox.log_paths["population"])] = sandbox.log_paths["population"].read_text("utf-8")
    log_lines = [r.getMessage() + (r.exc_text or "") for r in caplog.records]
    assert log_lines, "logging was captured"
    texts["captured log"] = "\n".join(log_lines)
    values = [str(v) for v in table.to_pylist() for v in v.values()]
    texts["batch values"] = "\n".join(values)

    leaks = [
        f"{label} {value!r} in {where}"
        for where, text in texts.items()
        for value, label in {**forbidden, **{v: k for k, v in secrets.items()}}.items()
        if value in text
    ]
    assert leaks == []
    assert pq.read_table(out / "applicant_verifications.parquet").num_rows == table.num_rows


def test_the_leak_check_itself_finds_a_leak(tmp_path) -> None:
    """Guard against a vacuous privacy test: raw values written uncompressed are found in the bytes."""
    p = people.person(SEED, 0)
    table = pa.table({"x": [p.full_name, p.religion, p.personal_id]})
    pq.write_table(table, tmp_path / "leak.parquet", compression="none", use_dictionary=False)
    text = (tmp_path / "leak.parquet").read_bytes().decode("utf-8", errors="replace")
    assert p.full_name in text and p.personal_id in text and p.religion in text
