"""Verify one-stop applicants against the national population database (xác thực thông tin chủ hồ sơ).

Decree 104/2022 forbids asking citizens for data the population database already holds; the one-stop system
instead checks what the applicant declared. :class:`ApplicantVerifier` sends one ``TraCuuThongTinCongDan``
lookup per applicant through the LGSP and yields ``applicant_verifications`` batches that hold only the
dossier code, the match outcome per field, a keyed pseudonym of the personal ID, the residence commune,
birth year, sex and the verification time. Each lookup first lands in the audit log.

Input rows are mappings with the keys below (extra keys are ignored, missing optional ones are ``None``):

``MaHoSo`` dossier code · ``SoDinhDanh`` 12-digit personal ID or ``SoCMND`` 9-digit old ID card ·
``HoVaTen`` full name as declared (any case, with or without diacritics) · ``NgayThangNamSinh`` birth date
if known (``date``, ``yyyy-MM-dd``, ``dd/MM/yyyy`` or ``yyyyMMdd``) · ``MucDich`` purpose of the lookup ·
``MaDVC`` public-service code · ``MaCanBo`` officer code (defaults to ``default_officer``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import threading
import time
import unicodedata
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pyarrow as pa
import requests

from sources.common.batch import QuarantinedRow, SourceBatch
from sources.common.errors import SourceError
from sources.common.http import RetryingSession, RetryPolicy
from sources.population.audit import AuditWriter
from sources.population.auth import SYSTEM, TokenProvider, auth_hash, officer_key
from sources.population.names import ascii_upper_name, identifier_kind, normalise_identifier
from sources.population.pseudonym import Pseudonymiser
from sources.population.soap import (
    SOAP_ACTION,
    LookupRequest,
    MalformedResponse,
    Verification,
    build_request,
    parse_fault,
    reduce_response,
)

log = logging.getLogger(__name__)

TABLE = "applicant_verifications"
OUTCOME_ERROR = "lỗi"
SCHEMA = pa.schema(
    [
        pa.field("MaHoSo", pa.string(), nullable=False),
        pa.field("outcome", pa.string(), nullable=False),  # khớp | không khớp | không tìm thấy
        pa.field("name_match", pa.string()),  # khớp | không khớp | null (not compared)
        pa.field("birth_date_match", pa.string()),
        pa.field("personal_id_pseudonym", pa.string(), nullable=False),
        pa.field("residence_commune_code", pa.string()),
        pa.field("birth_year", pa.int16()),
        pa.field("sex", pa.string()),  # Nam | Nữ
        pa.field("verified_at", pa.timestamp("us", tz="UTC"), nullable=False),
    ]
)
_PERSONAL_KEYS = ("SoDinhDanh", "SoCMND", "HoVaTen", "NgayThangNamSinh")


class PopulationServiceFault(SourceError):
    """The service refused a lookup with a SOAP client fault (bad credentials, unknown officer...): not retried."""


class ApplicantVerifier:
    """Connector for applicant verification through the LGSP (configured by the caller, holds no state of the run).

    ``officers`` maps officer codes (MaCanBo) to their passwords; only derived keys are kept.
    ``max_requests_per_second`` keeps the connector under the gateway's per-token limit instead of
    bouncing off it (it spaces every attempt, retries included, across all workers); 429 answers are
    still honoured through ``Retry-After``. ``workers`` lookups run in parallel, each thread with its own
    HTTP session and one shared token. Call :meth:`verify` from one thread at a time.
    """

    def __init__(
        self,
        base_url: str,
        *,
        access_key: str,
        secret_key: str,
        integration_code: str,
        officers: Mapping[str, str],
        pseudonym_key: str | bytes,
        audit: AuditWriter,
        default_officer: str | None = None,
        policy: RetryPolicy | None = None,
        batch_size: int = 1000,
        max_requests_per_second: float | None = None,
        workers: int = 1,
        token_path: str = "/token",
        soap_path: str = "/dancu/soap",
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], dt.datetime] | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be positive")
        if workers < 1:
            raise ValueError("workers must be positive")
        if not officers:
            raise ValueError("at least one officer credential is required")
        base = base_url.rstrip("/")
        self._soap_url = base + soap_path
        self._integration_code = integration_code
        self._officer_keys = {code: officer_key(password) for code, password in officers.items()}
        self._default_officer = default_officer if default_officer is not None else next(iter(officers))
        self._pseudonymise = Pseudonymiser(pseudonym_key)
        self._audit = audit
        self._batch_size = batch_size
        self._min_interval = 1.0 / max_requests_per_second if max_requests_per_second else 0.0
        self._next_slot = 0.0
        self._workers = workers
        self._lock = threading.Lock()
        self._sleep = sleep
        self._now = now or (lambda: dt.datetime.now(dt.UTC))
        self._policy = policy
        self._token_session = RetryingSession(SYSTEM, policy, sleep=sleep)
        self.tokens = TokenProvider(base + token_path, access_key, secret_key, self._token_session)
        # one HTTP session per thread (requests.Session is not thread-safe); the token is shared
        self._local = threading.local()
        self._sessions: list[RetryingSession] = []
        self.session = self._thread_session()
        self.lookups = 0

    @property
    def attempts(self) -> int:
        """HTTP attempts made for lookups (retries included), for run metadata."""
        return sum(s.attempts for s in self._sessions)

    def __repr__(self) -> str:
        return f"ApplicantVerifier(soap_url={self._soap_url!r})"

    def verify(self, applicants: Iterable[Mapping[str, Any]]) -> Iterator[SourceBatch]:
        """Look up every applicant; yield ``applicant_verifications`` batches of at most ``batch_size`` rows.

        Rows that cannot be looked up (no valid identifier, bad birth date, no purpose...) are quarantined
        with the reason and only non-personal fields; they cause no lookup and no audit record. With
        ``workers > 1`` up to that many lookups are in flight (the LGSP answers in tens to hundreds of
        milliseconds); rows keep the input order. If the service fails for good, the lookups already
        made are handed over in a last batch before the error is raised.
        """
        rows: list[dict[str, Any]] = []
        quarantined: list[QuarantinedRow] = []
        pending: deque[tuple[Mapping[str, Any], str, Future]] = deque()
        pool = ThreadPoolExecutor(self._workers, "population-lookup") if self._workers > 1 else None
        window = 2 * self._workers
        try:
            for applicant in applicants:
                try:
                    request, dossier_code, purpose = self._prepare(applicant)
                except ValueError as exc:
                    quarantined.append(QuarantinedRow.of(str(exc), _redacted(applicant)))
                else:
                    pending.append(
                        (applicant, dossier_code, self._start(pool, request, dossier_code, purpose))
                    )
                while pending and (len(pending) >= window or pending[0][2].done()):
                    self._collect(pending.popleft(), rows, quarantined)
                if len(rows) + len(quarantined) >= self._batch_size:
                    yield self._batch(rows, quarantined)
                    rows, quarantined = [], []
            while pending:
                self._collect(pending.popleft(), rows, quarantined)
                if len(rows) + len(quarantined) >= self._batch_size:
                    yield self._batch(rows, quarantined)
                    rows, quarantined = [], []
        except SourceError:
            # lookups already in flight were made and audited: keep their results, skip the rest
            for item in pending:
                item[2].cancel()
            for item in pending:
                if not item[2].cancelled():
                    with contextlib.suppress(SourceError):
                        self._collect(item, rows, quarantined)
            pending.clear()
            size = self._batch_size
            for start in range(0, max(len(rows), len(quarantined)), size):
                yield self._batch(rows[start : start + size], quarantined[start : start + size])
            raise
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        if rows or quarantined:
            yield self._batch(rows, quarantined)
        # counts only: the log must never carry a lookup's content
        log.info("%s: %d lookups made, %d HTTP attempts", SYSTEM, self.lookups, self.attempts)

    def _start(
        self, pool: ThreadPoolExecutor | None, request: LookupRequest, dossier_code: str, purpose: str
    ) -> Future:
        if pool is not None:
            return pool.submit(self._lookup, request, dossier_code, purpose)
        future: Future = Future()
        try:
            future.set_result(self._lookup(request, dossier_code, purpose))
        except (SourceError, MalformedResponse) as exc:
            future.set_exception(exc)
        return future

    def _collect(
        self,
        item: tuple[Mapping[str, Any], str, Future],
        rows: list[dict[str, Any]],
        quarantined: list[QuarantinedRow],
    ) -> None:
        applicant, dossier_code, future = item
        try:
            verification, verified_at = future.result()
        except MalformedResponse as exc:
            quarantined.append(QuarantinedRow.of(f"malformed_response: {exc}", _redacted(applicant)))
        else:
            rows.append(_row(dossier_code, verification, verified_at))

    def close(self) -> None:
        for session in self._sessions:
            session.close()
        self._token_session.close()

    def __enter__(self) -> ApplicantVerifier:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _prepare(self, applicant: Mapping[str, Any]) -> tuple[LookupRequest, str, str]:
        dossier_code = _clean(applicant.get("MaHoSo"))
        if dossier_code is None:
            raise ValueError("missing_dossier_code")
        service_code = _clean(applicant.get("MaDVC"))
        if service_code is None:
            raise ValueError("missing_service_code")
        purpose = _clean(applicant.get("MucDich"))
        if purpose is None:
            raise ValueError("missing_purpose")  # a lookup without a stated purpose has no legal basis
        officer = _clean(applicant.get("MaCanBo")) or self._default_officer
        key = self._officer_keys.get(officer)
        if key is None:
            raise ValueError("unknown_officer")
        try:
            personal_id = normalise_identifier(applicant.get("SoDinhDanh"))
            old_card = normalise_identifier(applicant.get("SoCMND"))
        except ValueError:
            raise ValueError("invalid_identifier") from None
        digits = personal_id or old_card
        if digits is None:
            raise ValueError("missing_identifier")
        try:
            kind = identifier_kind(digits)
        except ValueError:
            raise ValueError("invalid_identifier_length") from None
        name = _clean(applicant.get("HoVaTen"))
        name_ascii = ascii_upper_name(unicodedata.normalize("NFC", name)) if name else None
        birth_date = _birth_date(applicant.get("NgayThangNamSinh"))
        request_id = str(uuid.uuid4())
        request = LookupRequest(
            request_id=request_id,
            service_code=service_code,
            integration_code=self._integration_code,
            officer_code=officer,
            auth_hash=auth_hash(
                integration_code=self._integration_code,
                officer_code=officer,
                service_code=service_code,
                request_id=request_id,
                key=key,
            ),
            id_kind=kind,
            id_digits=digits,
            name_ascii=name_ascii or None,
            birth_date=birth_date,
        )
        return request, dossier_code, purpose

    def _thread_session(self) -> RetryingSession:
        session = getattr(self._local, "session", None)
        if session is None:
            session = RetryingSession(
                SYSTEM,
                self._policy,
                refresh_token=self.tokens.refresh,
                is_token_expired=self._classify,
                auth_headers=self._headers,
                sleep=self._sleep,
            )
            self._local.session = session
            with self._lock:
                self._sessions.append(session)
        return session

    def _headers(self) -> dict[str, str]:
        """Called by the session before every attempt, retries included: the throttle spaces them all."""
        headers = self.tokens.bearer_headers()
        self._throttle()
        return headers

    def _lookup(
        self, request: LookupRequest, dossier_code: str, purpose: str
    ) -> tuple[Verification, dt.datetime]:
        with self._lock:
            self.lookups += 1
        outcome = OUTCOME_ERROR
        try:
            response = self._thread_session().post(
                self._soap_url,
                data=build_request(request),
                headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{SOAP_ACTION}"'},
            )
            verification = reduce_response(response.content, request, self._pseudonymise)
            outcome = verification.outcome
            return verification, self._now()
        finally:
            # one record per lookup, written whatever happened, before the result is handed on
            self._audit.append(
                officer=request.officer_code,
                service_code=request.service_code,
                purpose=purpose,
                request_id=request.request_id,
                dossier_code=dossier_code,
                outcome=outcome,
            )

    def _classify(self, response: requests.Response) -> bool:
        """Token-expiry check for :class:`RetryingSession`; also stops retries on SOAP client faults.

        SOAP 1.1 answers every fault with HTTP 500, which the session would retry; a client fault (bad
        AuthHash, unknown officer) fails the same way every time, so it is raised here at once.
        """
        if response.status_code != 500:
            return False
        fault = parse_fault(response.content)
        if fault is None:
            return False
        if "TokenExpired" in fault.code:
            return True
        if fault.is_client:
            raise PopulationServiceFault(
                SYSTEM, response.url.split("?", 1)[0], f"SOAP {fault.code}: {fault.message}"
            )
        return False

    def _throttle(self) -> None:
        """Space lookups ``1 / max_requests_per_second`` apart across all worker threads."""
        if not self._min_interval:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_slot)
            self._next_slot = slot + self._min_interval
        if slot > now:
            self._sleep(slot - now)

    def _batch(self, rows: list[dict[str, Any]], quarantined: list[QuarantinedRow]) -> SourceBatch:
        self._audit.sync()  # the audit of a batch is on disk before the batch can be committed anywhere
        return SourceBatch(TABLE, pa.Table.from_pylist(rows, schema=SCHEMA), None, list(quarantined))


def applicants_from_arrow(data: pa.Table | Iterable[pa.RecordBatch]) -> Iterator[dict[str, Any]]:
    """Applicant rows from an Arrow table or record batches (e.g. read from the lake), one batch in memory at a time."""
    batches = data.to_batches() if isinstance(data, pa.Table) else data
    for batch in batches:
        yield from batch.to_pylist()


def _row(dossier_code: str, v: Verification, verified_at: dt.datetime) -> dict[str, Any]:
    return {
        "MaHoSo": dossier_code,
        "outcome": v.outcome,
        "name_match": v.name_match,
        "birth_date_match": v.birth_date_match,
        "personal_id_pseudonym": v.personal_id_pseudonym,
        "residence_commune_code": v.residence_commune_code,
        "birth_year": v.birth_year,
        "sex": v.sex,
        "verified_at": verified_at,
    }


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value)).strip()
    return text or None


def _birth_date(value: Any) -> str | None:
    """yyyy-MM-dd, or ``None`` when unknown; ``ValueError('invalid_birth_date')`` when unreadable."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%Y%m%d"):
        try:
            parsed = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if 1880 <= parsed.year <= 2100:
            return parsed.isoformat()
    raise ValueError("invalid_birth_date")


def _redacted(applicant: Mapping[str, Any]) -> str:
    """What a quarantined input row may keep: its codes, and only the shape of its personal fields."""
    kept: dict[str, Any] = {k: _clean(applicant.get(k)) for k in ("MaHoSo", "MaDVC", "MaCanBo", "MucDich")}
    for key in _PERSONAL_KEYS:
        value = applicant.get(key)
        text = "" if value is None else str(value).strip()
        kept[key] = "absent" if not text else f"present, {len(text)} characters"
    return json.dumps(kept, ensure_ascii=False, sort_keys=True)
