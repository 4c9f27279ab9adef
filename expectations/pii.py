"""The PII scan that blocks publication (rà soát dữ liệu cá nhân trước khi công bố).

Decree 47/2020/NĐ-CP forbids personal information in open data, and Decree 13/2023/NĐ-CP lists what counts:
names, ID numbers, phones, emails, addresses. A dataset is blocked when

* the catalogue marks a column as personal (semantic type person_name, personal_id, phone, email, address)
  and it holds any value, or a column name says it holds a person's name (``ho_ten``, ``ChuHoSo``...); or
* any text value contains a 12-digit personal ID with a valid structure (province of birth code, century/sex
  digit, a birth year not in the future: domain guide §3), a 9-digit old ID card number, a phone number
  (``0``/``+84`` + 9 digits, 11-digit landlines and pre-2018 mobiles), an email address, or a person's name
  after an honorific or a label (``bà Nguyễn Thị Mai``, ``Họ tên: Trần Văn Hùng``);

unless the value or the column is on the dataset's allowlist (an agency hotline, an agency mailbox).

Numbers are read as ASCII digit groups (``0905 123 456``, ``0905.123.456``) but a run of digits is never cut:
``20240615083000`` is a timestamp, not an ID. Numeric (integer/decimal) columns are not value-scanned: by the
platform's contract codes and IDs are text, and a money column would otherwise match ID structures. Samples
in the report are masked; the scan itself stores nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

PERSONAL_TYPES = frozenset({"person_name", "personal_id", "phone", "email", "address"})
KINDS = ("personal_id", "id_card", "phone", "email", "person_name", "address")

# Province codes of birth registration in the 12-digit ID: the 63 pre-2025 provinces (not renumbered in 2025).
# Same list as reference/admin_units/communes_national_2023-05-07.csv (a test keeps them equal).
# fmt: off
ID_PROVINCE_CODES = frozenset((
    "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020", "022", "024", "025",
    "026", "027", "030", "031", "033", "034", "035", "036", "037", "038", "040", "042", "044", "045", "046", "048",
    "049", "051", "052", "054", "056", "058", "060", "062", "064", "066", "067", "068", "070", "072", "074", "075",
    "077", "079", "080", "082", "083", "084", "086", "087", "089", "091", "092", "093", "094", "095", "096",
))
# fmt: on

# Column names that hold a person's name whatever the catalogue says (DVCQG and common Vietnamese names).
_NAME_COLUMN = re.compile(
    r"^(ho_?ten|ho_?va_?ten|hovaten|hoten|chu_?ho_?so|chuhoso|ten_?cong_?dan|ten_?nguoi_?nop|nguoi_?nop"
    r"|full_?name|person_?name|applicant_?name|citizen_?name)$",
    re.IGNORECASE,
)

# fmt: off
_FAMILY_NAMES = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Đoàn", "Trương", "Lương", "Lâm", "Mai", "Trịnh", "Đào",
    "Cao", "Hà", "Tôn", "Châu", "Thái", "Phùng", "Lưu", "Kiều", "La", "Quách", "Tạ", "Từ",
    "Hứa", "Chu", "Tăng", "Triệu", "Vương", "Nông", "Lò", "Âu", "Doãn", "Khúc", "Khổng", "Mạc",
    "Ninh", "Phó", "Phí", "Quang", "Tiêu", "Tống", "Văn", "Viên", "Thân", "Hầu", "Giang", "Diệp",
    "Kha", "Lục", "Mạnh", "Nghiêm", "Ông", "Trà",
)
# fmt: on
# Vietnamese capitals (NFC). Spelled out because Unicode interleaves capitals and small letters (Ạ ạ Ả ả...).
_UPPER = "".join(
    chr(c) for c in (*range(0x41, 0x5B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)) if chr(c).isupper()
)
_WORD = rf"[{_UPPER}][^\W\d_]*"
_FAMILY = "|".join(sorted(_FAMILY_NAMES, key=len, reverse=True))
_NAME_IN_TEXT = re.compile(
    rf"(?:(?<![^\W\d_])(?:[Ôô]ng|[Bb]à|[Aa]nh|[Cc]hị|[Cc]háu|[Cc]ông dân|[Hh]ọ và tên|[Hh]ọ tên|[Cc]hủ hồ sơ"
    rf"|[Nn]gười nộp(?: hồ sơ)?)[:\s]\s*)"
    rf"((?i:{_FAMILY})(?:\s+{_WORD}){{1,4}})(?![^\W\d_])"
)
_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"
)
# Digit groups joined by one separator; an optional +84 / (+84) / 0084 prefix. Never starts or ends inside
# a longer run of digits or a word, never at a decimal point.
_NUMBER_RUN = re.compile(
    r"(?<![0-9])(?<![0-9][.,])(?:\(\+84\)|\+84|0084)?[ .-]?[0-9]+(?:[ .-][0-9]+)*(?![0-9]|[.,][0-9])"
)
_MONEY_AFTER = re.compile(r"^\s*(?:đ\b|đồng|vnđ|vnd|₫|triệu|tỷ|nghìn|ngàn|usd|%)", re.IGNORECASE)
_MONEY_BEFORE = re.compile(
    r"(?:tiền|giá|phí|kinh phí|tổng|vnđ|vnd|đồng|số lượng|dân số|diện tích)\s*:?\s*$", re.IGNORECASE
)
_MOBILE = re.compile(r"^0[35789][0-9]{8}$")
_LANDLINE = re.compile(r"^02[0-9]{9}$")
_OLD_MOBILE = re.compile(r"^01[2689][0-9]{8}$")

# Cheap vectorised pre-filters (RE2 in Arrow) so that only candidate rows reach Python.
# A superset of what ``find_pii`` can report (a test holds it to that): an email sign, an international prefix,
# a number starting with 0 written in groups, or one whole run of digits shaped like an ID, phone or ID card.
_PREFILTER_DIGITS = (
    r"@|\+84|0084|(?:^|[^0-9])0[0-9]*[ .-][0-9]"
    r"|(?:^|[^0-9])(?:0[35789][0-9]{8}|0[12][0-9]{9}|0[0-9]{11}|(?:0[1-9]|[12][0-9]|3[0-8])[0-9]{7})(?:[^0-9]|$)"
)
_COMBINING_MARK = r"[\x{0300}-\x{036F}]"
# No boundary before the honorific: RE2's and Python's Unicode tables differ on letters added in recent
# Unicode versions (e.g. U+31350), and a pre-filter may only ever keep too much, never too little.
_PREFILTER_NAMES = r"(?:ông|bà|anh|chị|cháu|công dân|họ và tên|họ tên|chủ hồ sơ|người nộp)\PL"


@dataclass(frozen=True)
class Finding:
    """One piece of personal data found in a text value."""

    kind: str
    start: int
    end: int
    normalized: str


def valid_personal_id(digits: str, *, reference_year: int | None = None) -> bool:
    """A 12-digit personal ID (số định danh cá nhân) with a possible structure (domain guide §3).

    ``PPP`` a pre-2025 province code, ``G`` century/sex with birth year ``(G // 2 + 19) * 100 + YY`` not after
    ``reference_year`` (default: this year). There is no check digit, so this is all that can be verified.
    """
    if len(digits) != 12 or not digits.isdigit() or digits[:3] not in ID_PROVINCE_CODES:
        return False
    year = (int(digits[3]) // 2 + 19) * 100 + int(digits[4:6])
    return year <= (reference_year or dt.date.today().year)


def valid_id_card(digits: str) -> bool:
    """A 9-digit old ID card (CMND, issued until 2016): issuing-area prefix 01-38 [I: prefixes not verified]."""
    return len(digits) == 9 and digits.isdigit() and 1 <= int(digits[:2]) <= 38


def phone_digits(digits: str, *, international: bool) -> str | None:
    """The national form (``0`` + digits) of a Vietnamese phone number, or None when it is not one."""
    if international:
        digits = "0" + digits
    if _MOBILE.match(digits) or _LANDLINE.match(digits) or _OLD_MOBILE.match(digits):
        return digits
    return None


def normalize_contact(value: str) -> str:
    """Allowlist key of a contact: emails lower-cased, phones in national digits, anything else NFC-stripped."""
    text = unicodedata.normalize("NFC", value).strip()
    if "@" in text:
        return text.lower()
    digits = re.sub(r"\D", "", text)
    international = text.lstrip("(").startswith("+84") or digits.startswith("0084")
    if digits.startswith("0084"):
        digits = digits[4:]
    elif international:
        digits = digits[2:]
    phone = phone_digits(digits, international=international) if digits else None
    return phone or digits or text


def _classify_number(digits: str, *, international: bool, reference_year: int | None) -> str | None:
    if international:
        return "phone" if phone_digits(digits, international=True) else None
    if valid_personal_id(digits, reference_year=reference_year):
        return "personal_id"
    if phone_digits(digits, international=False):
        return "phone"
    if valid_id_card(digits):
        return "id_card"
    return None


def _looks_like_document_number(text: str, start: int, end: int) -> bool:
    before = text[start - 1 : start] if start else ""
    after = text[end : end + 1]
    return before == "/" or after == "/" or after.isalpha()


def _number_findings(text: str, reference_year: int | None) -> Iterator[Finding]:
    year = reference_year or dt.date.today().year
    for run in _NUMBER_RUN.finditer(text):
        raw = run.group(0)
        if sum(ch.isdigit() for ch in raw) < 9:  # every kind has 9+ digits: most runs stop here
            continue
        stripped = raw.lstrip(" .-")
        prefix = re.match(r"^(?:\(\+84\)|\+84|0084)", stripped)
        body_start = run.start() + (len(raw) - len(stripped)) + (prefix.end() if prefix else 0)
        groups = [
            (m.start() + body_start, m.group(0)) for m in re.finditer(r"[0-9]+", text[body_start : run.end()])
        ]
        if _MONEY_AFTER.match(text[run.end() :]) or _MONEY_BEFORE.search(
            text[max(0, run.start() - 20) : run.start()]
        ):
            continue
        index = 0
        while index < len(groups):
            # Longest run of whole groups, from this group, that is personal data; groups are never split.
            found = None
            total = sum(len(g) for _, g in groups[index:])
            for last in range(len(groups) - 1, index - 1, -1):
                if 9 <= total <= 12:
                    found = _classify_groups(
                        text, groups, index, last, bool(prefix) and index == 0, run, year
                    )
                    if found:
                        break
                total -= len(groups[last][1])
            if found:
                yield found
                index = last + 1
            else:
                index += 1


def _classify_groups(
    text: str,
    groups: list[tuple[int, str]],
    index: int,
    last: int,
    international: bool,
    run: re.Match[str],
    year: int,
) -> Finding | None:
    digits = "".join(g for _, g in groups[index : last + 1])
    kind = _classify_number(digits, international=international, reference_year=year)
    start = run.start() if international else groups[index][0]
    end = groups[last][0] + len(groups[last][1])
    if kind == "id_card" and (last != index or _looks_like_document_number(text, start, end)):
        # An old ID card is printed in one piece; "123456789/GP" is a permit number.
        return None
    if kind is None:
        return None
    normalized = phone_digits(digits, international=international) if kind == "phone" else digits
    return Finding(kind, start, end, normalized or digits)


def find_pii(text: str, *, reference_year: int | None = None) -> list[Finding]:
    """All personal data found in one text value, in order of position."""
    text = unicodedata.normalize("NFC", text)
    findings = []
    if "@" in text:
        findings = [Finding("email", m.start(), m.end(), m.group(0).lower()) for m in _EMAIL.finditer(text)]
    taken = [(f.start, f.end) for f in findings]
    for finding in _number_findings(text, reference_year):
        if not any(s <= finding.start < e for s, e in taken):
            findings.append(finding)
    for match in _NAME_IN_TEXT.finditer(text):
        findings.append(Finding("person_name", match.start(1), match.end(1), match.group(1)))
    return sorted(findings, key=lambda f: f.start)


def mask(kind: str, value: str) -> str:
    """A sample that shows what was found without disclosing it."""
    if kind == "email":
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    if kind == "person_name":
        return " ".join(f"{word[:1]}***" for word in value.split())
    if kind == "address":
        words = value.split()
        return f"{words[0]} ***" if words else "***"
    digits = re.sub(r"\D", "", value)
    if kind == "phone":
        return digits[:3] + "*" * max(len(digits) - 5, 0) + digits[-2:]
    if kind == "personal_id":
        return digits[:3] + "*" * (len(digits) - 3)
    return digits[:2] + "*" * max(len(digits) - 2, 0)


def mask_text(text: str, *, reference_year: int | None = None) -> str:
    """``text`` with every finding replaced by its mask (for report samples and logs)."""
    text = unicodedata.normalize("NFC", text)
    pieces, cursor = [], 0
    for finding in find_pii(text, reference_year=reference_year):
        if finding.start < cursor:
            continue
        pieces += [text[cursor : finding.start], mask(finding.kind, finding.normalized)]
        cursor = finding.end
    return "".join([*pieces, text[cursor:]])


@dataclass(frozen=True)
class DatasetAllowlist:
    """Public contacts a dataset may publish: exact values and whole columns (per kind)."""

    values: frozenset[str] = frozenset()
    email_domains: frozenset[str] = frozenset()
    columns: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def allows(self, column: str, kind: str, normalized: str) -> bool:
        if kind in self.columns.get(column, frozenset()) or "*" in self.columns.get(column, frozenset()):
            return True
        if normalize_contact(normalized) in self.values:
            return True
        return kind == "email" and normalized.rpartition("@")[2].lower() in self.email_domains


@dataclass(frozen=True)
class PiiAllowlist:
    """The allowlist file: a ``default`` section for every dataset plus per-dataset sections."""

    default: DatasetAllowlist = field(default_factory=DatasetAllowlist)
    datasets: Mapping[str, DatasetAllowlist] = field(default_factory=dict)

    def for_dataset(self, dataset: str) -> DatasetAllowlist:
        own = self.datasets.get(dataset, DatasetAllowlist())
        columns = {k: frozenset(v) for k, v in self.default.columns.items()}
        for column, kinds in own.columns.items():
            columns[column] = columns.get(column, frozenset()) | kinds
        return DatasetAllowlist(
            values=self.default.values | own.values,
            email_domains=self.default.email_domains | own.email_domains,
            columns=columns,
        )

    def with_dataset(
        self, dataset: str, raw: Mapping[str, Any], *, source: str = "<dataset>"
    ) -> PiiAllowlist:
        """A copy with ``raw`` (one dataset's section, file shape) added to that dataset's entries.

        Lets a dataset definition carry its own reviewed public contacts (the generated open-catalogue
        datasets do) instead of a second hand-kept list that could drift from it.
        """
        extra = PiiAllowlist.from_dict({"datasets": {dataset: raw}}, source=source).datasets[dataset]
        own = self.datasets.get(dataset, DatasetAllowlist())
        columns = {k: frozenset(v) for k, v in own.columns.items()}
        for column, kinds in extra.columns.items():
            columns[column] = columns.get(column, frozenset()) | kinds
        merged = DatasetAllowlist(
            values=own.values | extra.values,
            email_domains=own.email_domains | extra.email_domains,
            columns=columns,
        )
        return PiiAllowlist(default=self.default, datasets={**self.datasets, dataset: merged})

    @classmethod
    def from_dict(cls, document: Mapping[str, Any], *, source: str = "<dict>") -> PiiAllowlist:
        def section(name: str, raw: Any) -> DatasetAllowlist:
            if raw is None:
                return DatasetAllowlist()
            if not isinstance(raw, Mapping) or set(raw) - {"values", "email_domains", "columns", "reason"}:
                raise ValueError(
                    f"{source}: section {name!r} may hold values, email_domains, columns, reason"
                )
            columns = raw.get("columns") or {}
            for column, kinds in columns.items():
                unknown = set(kinds) - {*KINDS, "*"}
                if unknown:
                    raise ValueError(f"{source}: {name}.columns.{column}: unknown kinds {sorted(unknown)}")
            return DatasetAllowlist(
                values=frozenset(normalize_contact(str(v)) for v in raw.get("values") or []),
                email_domains=frozenset(str(d).lower() for d in raw.get("email_domains") or []),
                columns={str(c): frozenset(k) for c, k in columns.items()},
            )

        if not isinstance(document, Mapping) or set(document) - {"default", "datasets"}:
            raise ValueError(f"{source}: the allowlist has two sections, default and datasets")
        datasets = document.get("datasets") or {}
        return cls(
            default=section("default", document.get("default")),
            datasets={str(name): section(str(name), raw) for name, raw in datasets.items()},
        )


def load_allowlist(path: str | Path) -> PiiAllowlist:
    """Read the allowlist YAML file (e.g. ``expectations/pii_allowlist.yml``)."""
    import yaml

    with open(path, encoding="utf-8") as stream:
        return PiiAllowlist.from_dict(yaml.safe_load(stream) or {}, source=str(path))


@dataclass(frozen=True)
class PiiHit:
    """One finding: where (column, row index), what kind, and a masked sample."""

    column: str
    kind: str
    row: int
    sample: str
    source: str  # "column_type" (the column is personal) or "value" (found in the value)


@dataclass(frozen=True)
class PiiReport:
    """The scan of one dataset. ``blocked`` is what the gate acts on."""

    dataset: str
    rows_scanned: int
    hits: list[PiiHit]
    counts: dict[str, int]  # "<column>:<kind>" → number of findings (all of them, samples are capped)
    allowlisted: int
    personal_columns: dict[str, str]  # column → why it is personal

    @property
    def blocked(self) -> bool:
        return bool(self.counts)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "blocked": self.blocked,
            "rows_scanned": self.rows_scanned,
            "findings": self.total,
            "allowlisted": self.allowlisted,
            "counts": dict(self.counts),
            "personal_columns": dict(self.personal_columns),
            "hits": [hit.__dict__ for hit in self.hits],
        }

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> PiiReport:
        """Rebuild a report from ``to_dict()`` output (e.g. a ``<dataset>.gate.json`` file)."""
        return cls(
            dataset=document["dataset"],
            rows_scanned=int(document["rows_scanned"]),
            hits=[PiiHit(**hit) for hit in document.get("hits", [])],
            counts=dict(document.get("counts", {})),
            allowlisted=int(document.get("allowlisted", 0)),
            personal_columns=dict(document.get("personal_columns", {})),
        )

    def metadata(self) -> dict[str, Any]:
        """Small JSON-safe values for Dagster asset-check metadata (samples are masked)."""
        return {
            "dataset": self.dataset,
            "blocked": self.blocked,
            "findings": self.total,
            "allowlisted": self.allowlisted,
            "counts": dict(sorted(self.counts.items())[:30]),
        }


def classify_columns(schema: pa.Schema, column_types: Mapping[str, str] | None) -> dict[str, str]:
    """Columns that are personal by declaration (catalogue semantic type) or by a person-name column name."""
    personal: dict[str, str] = {}
    for name in schema.names:
        declared = (column_types or {}).get(name)
        if declared in PERSONAL_TYPES:
            personal[name] = declared
        elif _NAME_COLUMN.match(name):
            personal[name] = "person_name"
    return personal


def _is_text(data_type: pa.DataType) -> bool:
    if pa.types.is_dictionary(data_type):
        return _is_text(data_type.value_type)
    return (
        pa.types.is_string(data_type)
        or pa.types.is_large_string(data_type)
        or pa.types.is_string_view(data_type)
    )


def _candidates(column: pa.ChunkedArray) -> tuple[list[int], list[Any]]:
    """Rows (index, value) that may hold personal data: RE2 in Arrow, so most rows never reach Python."""
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    digits = pc.match_substring_regex(column, _PREFILTER_DIGITS)
    names = pc.match_substring_regex(column, _PREFILTER_NAMES, ignore_case=True)
    # The contract is NFC, but a safety net must not depend on it: "bà" in NFD would slip past the name
    # filter. Rows with combining marks go to Python (which normalises); normalising every row costs 7x more.
    decomposed = pc.match_substring_regex(column, _COMBINING_MARK)
    selected = pc.fill_null(pc.or_(pc.or_(digits, names), decomposed), False)
    return pc.indices_nonzero(selected).to_pylist(), pc.filter(column, selected).to_pylist()


def _present(column: pa.ChunkedArray) -> tuple[list[int], list[Any]]:
    """Rows (index, value) of a personal column that hold a value (not null, not blank)."""
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    present = pc.is_valid(column)
    if _is_text(column.type):
        present = pc.and_(present, pc.not_equal(pc.utf8_trim_whitespace(column), ""))
    present = pc.fill_null(present, False)
    return pc.indices_nonzero(present).to_pylist(), pc.filter(column, present).to_pylist()


def scan_table(
    table: pa.Table,
    *,
    dataset: str,
    column_types: Mapping[str, str] | None = None,
    allowlist: PiiAllowlist | DatasetAllowlist | None = None,
    reference_year: int | None = None,
    samples_per_column: int = 5,
) -> PiiReport:
    """Scan every column of ``table`` for personal data; see the module docstring for what counts."""
    rules = allowlist.for_dataset(dataset) if isinstance(allowlist, PiiAllowlist) else allowlist
    rules = rules or DatasetAllowlist()
    personal = classify_columns(table.schema, column_types)
    counts: Counter[str] = Counter()
    samples: Counter[str] = Counter()
    hits: list[PiiHit] = []
    allowlisted = 0

    def record(column: str, kind: str, row: int, sample: str, source: str) -> None:
        key = f"{column}:{kind}"
        counts[key] += 1
        if samples[key] < samples_per_column:
            samples[key] += 1
            hits.append(PiiHit(column=column, kind=kind, row=row, sample=sample, source=source))

    for name in table.schema.names:
        column = table[name]
        kind = personal.get(name)
        column_rule = rules.columns.get(name, frozenset())
        # A column whose own kind is allowlisted (an organisation's phone column) is not personal as a
        # whole, but its values are still scanned below: a personal ID or a name typed into it still blocks.
        if kind is not None and not (kind in column_rule or "*" in column_rule):
            rows, values = _present(column)
            check_values = kind in ("phone", "email") and bool(rules.values or rules.email_domains)
            for row, value in zip(rows, values, strict=True):
                text = value if isinstance(value, str) else str(value)
                if check_values and rules.allows(name, kind, text):
                    allowlisted += 1
                else:
                    record(name, kind, row, mask(kind, text), "column_type")
            continue
        if not _is_text(column.type):
            continue
        seen: dict[str, list[Finding]] = {}  # repeated values (categories, boilerplate) are parsed once
        for row, text in zip(*_candidates(column), strict=True):
            findings = seen.get(text)
            if findings is None:
                findings = seen[text] = find_pii(text, reference_year=reference_year)
            for finding in findings:
                if rules.allows(name, finding.kind, finding.normalized):
                    allowlisted += 1
                else:
                    record(name, finding.kind, row, mask(finding.kind, finding.normalized), "value")
    return PiiReport(
        dataset=dataset,
        rows_scanned=table.num_rows,
        hits=hits,
        counts=dict(counts),
        allowlisted=allowlisted,
        personal_columns=personal,
    )
