"""The procedure catalogue (danh mục thủ tục hành chính, TTHC) of the sandbox one-stop system, with its history.

Procedures have an effective date (``NgayHieuLuc``), an end date when abolished (``NgayHetHieuLuc``,
inclusive) and a dated history of their online-service level (mức độ dịch vụ công trực tuyến: ``TOAN_TRINH``
full, ``MOT_PHAN`` partial, ``KHONG`` not online). The history is built so that the catalogue valid on
14/03/2023 and the one valid on 15/09/2024 match the province's reports (domain guide §0) exactly:

- 14/03/2023: 2,143 one-stop procedures (province 1,625 with 444 inter-agency, district 388 (20), commune
  130 (17)) plus 40 district procedures of vertical sectors; online 1,438 full + 451 partial; 486 via public
  post (451 / 28 / 7); 211 partial and 206 full online procedures had online dossiers in Q1/2023;
- 15/09/2024: 2,059 (province 1,554 (459), district 367 (35), commune 138 (17)); online 787 full + 1,072
  partial; the same 486 via public post.

Every change (abolition, new procedure, change of online level) falls between the two reporting periods'
windows (:data:`EVENTS`), so that no dossier of either period meets a procedure that changes under it.
docs/calibration.md explains every choice.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sandbox import people
from sandbox.one_stop import vocab

FULL, PARTIAL, NONE = "TOAN_TRINH", "MOT_PHAN", "KHONG"
LEVEL_TEXT = {1: "TINH", 2: "HUYEN", 3: "XA"}

Q1_2023_DAY = dt.date(2023, 3, 14)  # end of the Q1/2023 reporting period
Q3_2024_DAY = dt.date(2024, 9, 15)  # end of the Q3/2024 reporting period

# Catalogue shape per level on 14/03/2023 (domain guide §0): procedures, inter-agency (liên thông), full and
# partial online (the rest not online), via public post, without a maximum time (chosen: feeds the "not
# judgeable" dossiers), and how many partial/full online procedures had online dossiers in Q1/2023.
Q1_2023 = {
    1: dict(n=1625, lien_thong=444, full=1100, partial=360, postal=451, no_days=40, used_partial=160, used_full=150),
    2: dict(n=388, lien_thong=20, full=260, partial=70, postal=28, no_days=10, used_partial=35, used_full=40),
    3: dict(n=130, lien_thong=17, full=78, partial=21, postal=7, no_days=5, used_partial=16, used_full=16),
}  # fmt: skip
VERTICAL = dict(n=40, full=10, partial=20)  # the district "+40" (police, tax, social insurance)

# On 15/09/2024 (domain guide §0). The per-level split of the online levels is ours (only totals are
# published: 787 full, 1,072 partial); postal procedures are unchanged (see docs/calibration.md).
Q3_2024 = {
    1: dict(n=1554, lien_thong=459, full=600, partial=820),
    2: dict(n=367, lien_thong=35, full=130, partial=200),
    3: dict(n=138, lien_thong=17, full=57, partial=52),
}
# Between the two: procedures abolished (of them inter-agency) and short-lived ones (issued and abolished in
# between, valid on neither date). New procedures follow: n(Q3) − n(Q1) + abolished, and likewise for
# inter-agency.
CHANGES = {
    1: dict(abolished=121, abolished_lien_thong=10, short_lived=6),
    2: dict(abolished=41, abolished_lien_thong=0, short_lived=3),
    3: dict(abolished=10, abolished_lien_thong=2, short_lived=2),
}

INITIAL = (dt.date(2021, 7, 1), dt.date(2022, 9, 30))  # effective dates of the 2023 catalogue
EVENTS = (dt.date(2023, 5, 2), dt.date(2024, 3, 29))  # abolitions, new procedures, online-level changes
_EARLY_CHANGE_BEFORE = dt.date(2022, 3, 1)  # procedures older than this may have reached their level later
_LOWER = {FULL: PARTIAL, PARTIAL: NONE}


def ymd(day: dt.date | None) -> str | None:
    return day.strftime("%Y%m%d") if day else None


@dataclass(frozen=True)
class OnlineLevel:
    """One dated online level of a procedure (mức độ DVC trực tuyến), ``valid_to`` inclusive (None = open)."""

    level: str
    valid_from: dt.date
    valid_to: dt.date | None


@dataclass(frozen=True)
class Procedure:
    """A procedure (thủ tục hành chính) with what the generator needs besides its thu_tuc row."""

    code: str
    name: str
    field_code: str
    field_name: str
    level: int  # 1 province, 2 district, 3 commune
    online: str  # the current (latest) online level: TOAN_TRINH | MOT_PHAN | KHONG
    days: int | None
    fee: int
    pay_online: int
    inter_agency: int
    postal: int
    department: int | None  # vocab.DEPARTMENTS number for province procedures
    vertical: bool
    used_online_q1_2023: bool
    updated: str
    valid_from: dt.date = INITIAL[0]
    valid_to: dt.date | None = None  # last day in force (inclusive); None = still in force
    online_history: tuple[OnlineLevel, ...] = ()

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def online_on(self, day: dt.date) -> str | None:
        """The online level in force on ``day``; None when the procedure itself is not."""
        if not self.valid_on(day):
            return None
        for version in self.online_history:
            if version.valid_from <= day and (version.valid_to is None or day <= version.valid_to):
                return version.level
        return self.online

    def valid_throughout(self, first: dt.date, last: dt.date) -> bool:
        return self.valid_on(first) and self.valid_on(last)

    def online_throughout(self, first: dt.date, last: dt.date) -> bool:
        """Offered online (full or partial) on every day of [first, last]."""
        if not self.valid_throughout(first, last):
            return False
        return all(
            v.level != NONE
            for v in self.online_history
            if v.valid_from <= last and (v.valid_to is None or v.valid_to >= first)
        )


def _initials(name: str) -> str:
    return "".join(w[0] for w in people.ascii_fold(name).replace(",", " ").replace("-", " ").split()).upper()


def build_fields() -> dict[str, str]:
    """Field name → MaLinhVuc, stable (sorted by name)."""
    return {name: f"{_initials(name)}-{i:03d}" for i, name in enumerate(sorted(vocab.FIELD_OBJECTS), 1)}


_QUALIFIERS = (
    "",
    " trong trường hợp bị mất, hư hỏng",
    " có yếu tố nước ngoài",
    " đối với tổ chức",
    " đối với cá nhân",
)


def _names(fields: list[str], count: int, rnd: random.Random) -> list[tuple[str, str]]:
    """``count`` distinct (field, procedure name) pairs spread over ``fields`` round-robin."""
    combos = {f: [f"{a} {o}" for o in vocab.FIELD_OBJECTS[f] for a in vocab.ACTIONS] for f in fields}
    for names in combos.values():
        rnd.shuffle(names)
    out: list[tuple[str, str]] = []
    for qualifier in _QUALIFIERS:
        pools = {f: list(names) for f, names in combos.items()}
        while len(out) < count and any(pools.values()):
            for f in fields:
                if pools[f] and len(out) < count:
                    out.append((f, pools[f].pop() + qualifier))
        if len(out) == count:
            return out
    raise ValueError(f"vocabulary too small for {count} procedures")  # pragma: no cover


def _day_between(rnd: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=int(rnd.random() * ((last - first).days + 1)))


def _stamp(rnd: random.Random, day: dt.date) -> str:
    """A morning time on ``day`` as ``yyyyMMddHHmmss`` (catalogue edits are office work)."""
    seconds = 7 * 3600 + 30 * 60 + int(rnd.random() * 4 * 3600)
    return f"{day:%Y%m%d}{seconds // 3600:02d}{seconds // 60 % 60:02d}{seconds % 60:02d}"


@dataclass
class _Draft:
    """A procedure while its history is decided."""

    field: str
    name: str
    level: int
    vertical: bool
    valid_from: dt.date
    valid_to: dt.date | None = None
    q1_level: str = NONE  # level on 14/03/2023 (or when issued, for new procedures)
    q3_level: str | None = None  # level from changed_on on (in force on 15/09/2024), when it differs
    earlier: tuple[str, dt.date] | None = None  # (level before, day the Q1 level started)
    changed_on: dt.date | None = None
    inter_agency: bool = False
    postal: bool = False
    no_days: bool = False
    used: bool = False


def _exact(order: list[int], count: int) -> set[int]:
    return set(order[:count])


def _initial_level(rnd: random.Random, drafts: list[_Draft], spec: dict[str, int]) -> None:
    """Online levels on 14/03/2023, used-in-Q1 flags, inter-agency, postal and no-maximum-time sets, exactly."""
    n = len(drafts)
    order = list(range(n))
    rnd.shuffle(order)
    full, partial = spec["full"], spec["partial"]
    for rank, i in enumerate(order):
        d = drafts[i]
        if rank < full:
            d.q1_level, d.used = FULL, rank < spec.get("used_full", 0)
        elif rank < full + partial:
            d.q1_level, d.used = PARTIAL, rank - full < spec.get("used_partial", 0)
    rnd.shuffle(order)
    for i in _exact(order, spec.get("lien_thong", 0)):
        drafts[i].inter_agency = True
    rnd.shuffle(order)
    for i in _exact(order, spec.get("postal", 0)):
        drafts[i].postal = True
    # Procedures without a maximum time: not among those used online in Q1/2023 (online dossiers of Q1 are
    # all judgeable), and offered online, because some of the "not judgeable" dossiers are online ones.
    rnd.shuffle(order)
    for i in [i for i in order if not drafts[i].used and drafts[i].q1_level != NONE][
        : spec.get("no_days", 0)
    ]:
        drafts[i].no_days = True


def _evolve(
    rnd: random.Random, level: int, drafts: list[_Draft], new: list[_Draft], short: list[_Draft]
) -> None:
    """Abolitions, new and short-lived procedures, and online-level changes between the two reports."""
    q1, q3, changes = Q1_2023[level], Q3_2024[level], CHANGES[level]
    # Postal procedures and those without a maximum time stay: both sets are reported (or relied on) unchanged.
    candidates = [d for d in drafts if not d.postal and not d.no_days]
    rnd.shuffle(candidates)
    lien_thong = [d for d in candidates if d.inter_agency][: changes["abolished_lien_thong"]]
    others = [d for d in candidates if not d.inter_agency][: changes["abolished"] - len(lien_thong)]
    for d in lien_thong + others:
        d.valid_to = _day_between(rnd, *EVENTS)
    new_lien_thong = q3["lien_thong"] - q1["lien_thong"] + changes["abolished_lien_thong"]
    for i, d in enumerate(new):
        d.valid_from = _day_between(rnd, *EVENTS)
        d.inter_agency = i < new_lien_thong
    for d in short:
        d.valid_from = _day_between(rnd, EVENTS[0], EVENTS[0] + dt.timedelta(days=150))
        d.valid_to = _day_between(rnd, d.valid_from + dt.timedelta(days=60), EVENTS[1])
        d.q1_level = rnd.choice((FULL, PARTIAL, NONE))
    # Levels on 15/09/2024: full first to those that were full, then partial, then new, then not online,
    # so most changes are the national review's full → partial reclassification, and a few upgrades.
    survivors = [d for d in drafts if d.valid_to is None]
    is_new = {id(d) for d in new}
    ranked = []
    for group in (
        [d for d in survivors if d.q1_level == FULL],
        [d for d in survivors if d.q1_level == PARTIAL],
        list(new),
        [d for d in survivors if d.q1_level == NONE],
    ):
        rnd.shuffle(group)
        ranked += group
    for rank, d in enumerate(ranked):
        target = FULL if rank < q3["full"] else (PARTIAL if rank < q3["full"] + q3["partial"] else NONE)
        if id(d) in is_new:
            d.q1_level = target
        elif target != d.q1_level:
            d.q3_level = target
            d.changed_on = _day_between(rnd, EVENTS[0], EVENTS[1])


def build_catalogue(seed: int, snapshot: dt.datetime) -> list[Procedure]:
    """The procedure catalogue with its history (see the module docstring), deterministic for ``seed``."""
    rnd = random.Random(f"catalogue:{seed}")
    field_codes = build_fields()
    dept_of = {f: num for num, _, fs in vocab.DEPARTMENTS for f in fs}
    last_event = min(EVENTS[1], snapshot.date())
    out: list[Procedure] = []
    serial = 1000

    def drafts_for(level: int, fields: list[str], n: int, extra: int, vertical: bool) -> list[_Draft]:
        pairs = _names(fields, n + extra, rnd)
        return [
            _Draft(field, name[0].upper() + name[1:], level, vertical, _day_between(rnd, *INITIAL))
            for field, name in pairs
        ]

    def emit(d: _Draft) -> None:
        nonlocal serial
        serial += 1
        history: list[OnlineLevel] = []
        start = d.valid_from
        if d.earlier is not None:
            history.append(OnlineLevel(d.earlier[0], start, d.earlier[1] - dt.timedelta(days=1)))
            start = d.earlier[1]
        if d.q3_level is not None and d.changed_on is not None:
            history.append(OnlineLevel(d.q1_level, start, d.changed_on - dt.timedelta(days=1)))
            history.append(OnlineLevel(d.q3_level, d.changed_on, d.valid_to))
        else:
            history.append(OnlineLevel(d.q1_level, start, d.valid_to))
        current = history[-1].level
        fee = rnd.choice(vocab.FEES_VND) if rnd.random() < 0.45 else 0
        events = [d.valid_from, *(v.valid_from for v in history)] + ([d.valid_to] if d.valid_to else [])
        out.append(
            Procedure(
                code=f"{d.level}.{serial:06d}",
                name=d.name,
                field_code=field_codes[d.field],
                field_name=d.field,
                level=d.level,
                online=current,
                days=None if d.no_days else rnd.choice((1, 2, 3, 3, 5, 5, 7, 10, 10, 15, 20, 30)),
                fee=fee,
                pay_online=int(fee > 0 and any(v.level != NONE for v in history) and rnd.random() < 0.8),
                inter_agency=int(d.inter_agency),
                postal=int(d.postal),
                department=dept_of[d.field] if d.level == 1 else None,
                vertical=d.vertical,
                used_online_q1_2023=d.used,
                updated=_stamp(rnd, min(max(events), last_event)),
                valid_from=d.valid_from,
                valid_to=d.valid_to,
                online_history=tuple(history),
            )
        )

    level_fields = {
        1: [f for _, _, fs in vocab.DEPARTMENTS for f in fs],
        2: list(vocab.DISTRICT_FIELDS),
        3: list(vocab.COMMUNE_FIELDS),
    }
    for level in (1, 2, 3):
        q1, q3, changes = Q1_2023[level], Q3_2024[level], CHANGES[level]
        n_new = q3["n"] - q1["n"] + changes["abolished"]
        everything = drafts_for(level, level_fields[level], q1["n"], n_new + changes["short_lived"], False)
        drafts, new, short = (
            everything[: q1["n"]],
            everything[q1["n"] : q1["n"] + n_new],
            everything[q1["n"] + n_new :],
        )
        _initial_level(rnd, drafts, q1)
        for d in drafts:
            # Some older procedures reached their 2023 level later (one step up), well before Q1/2023.
            if d.q1_level in _LOWER and d.valid_from < _EARLY_CHANGE_BEFORE and rnd.random() < 0.25:
                up = _day_between(rnd, d.valid_from + dt.timedelta(days=30), INITIAL[1])
                d.earlier = (_LOWER[d.q1_level], up)
        _evolve(rnd, level, drafts, new, short)
        for d in drafts + new + short:
            emit(d)
        if level == 2:
            verticals = drafts_for(2, list(vocab.VERTICAL_FIELDS), VERTICAL["n"], 0, True)
            _initial_level(rnd, verticals, VERTICAL)
            for d in verticals:
                emit(d)
    return out


def catalogue_counts(procedures: list[Procedure], day: dt.date) -> dict[int, dict[str, int]]:
    """Per level, what the province reports of the catalogue valid on ``day`` (vertical sectors apart)."""
    out: dict[int, dict[str, int]] = {}
    for level in (1, 2, 3):
        valid = [p for p in procedures if p.level == level and p.valid_on(day)]
        local = [p for p in valid if not p.vertical]
        out[level] = {
            "procedures": len(local),
            "inter_agency": sum(p.inter_agency for p in local),
            "online_full": sum(p.online_on(day) == FULL for p in local),
            "online_partial": sum(p.online_on(day) == PARTIAL for p in local),
            "not_online": sum(p.online_on(day) == NONE for p in local),
            "postal": sum(p.postal for p in local),
            "vertical_sector": len(valid) - len(local),
        }
    return out
