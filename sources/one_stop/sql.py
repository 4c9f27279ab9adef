"""Read the one-stop database directly (or a replica of it) through SQLAlchemy, incrementally.

Keyset paging on ``(NgayCapNhat, MaHoSo)`` rather than OFFSET: cost per page stays flat however deep the
history, and rows updated while we read cannot shift a page boundary. Each page of dossiers is fetched
together with its nested-list child rows, so a batch never holds a dossier without its lists.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import pyarrow as pa
import sqlalchemy as sa

from sources.common.batch import QuarantinedRow, SourceBatch
from sources.common.errors import SourceError
from sources.one_stop.contract import (
    ARROW_COLUMNS,
    NESTED_LISTS,
    PARENT_VERSION,
    PROCEDURE_LISTS,
    PROCEDURE_VERSION,
    arrow_schema,
    dossier_problem,
    shift_cursor,
)

log = logging.getLogger(__name__)

_ARROW_TYPES = {
    sa.Integer: pa.int64(),
    sa.SmallInteger: pa.int64(),
    sa.BigInteger: pa.int64(),
    sa.Numeric: pa.int64(),  # fees in VND are whole numbers; decimals would be a schema change upstream
    sa.Float: pa.float64(),
}


def _arrow_type(column: sa.Column) -> pa.DataType:
    for sa_type, arrow_type in _ARROW_TYPES.items():
        if isinstance(column.type, sa_type):
            return arrow_type
    return pa.string()


def _to_arrow(rows: list[dict], schema: pa.Schema) -> tuple[pa.Table, list[QuarantinedRow]]:
    """Columns from row dicts; a row whose value cannot take the column's type is quarantined."""
    good: list[dict] = []
    bad: list[QuarantinedRow] = []
    for row in rows:
        try:
            good.append({f.name: _coerce(row.get(f.name), f.type) for f in schema})
        except (TypeError, ValueError) as exc:
            bad.append(QuarantinedRow.of(f"type error: {exc}", row))
    columns = {f.name: pa.array([r[f.name] for r in good], f.type) for f in schema}
    return pa.table(columns, schema=schema), bad


def _max_cursor(rows: list[dict]) -> str | None:
    values = [str(r["NgayCapNhat"]) for r in rows if r.get("NgayCapNhat")]
    return max(values) if values else None


def _coerce(value, arrow_type: pa.DataType):
    if value is None or value == "":
        return None
    if pa.types.is_integer(arrow_type):
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, Decimal) and value == value.to_integral_value():
            return int(value)
        text = str(value).strip()
        if text.lstrip("-").isdigit():
            return int(text)
        raise ValueError(f"not an integer: {value!r}")
    if pa.types.is_floating(arrow_type):
        return float(value)
    return str(value)


class OneStopSqlConnector:
    """Incremental extraction from a one-stop SQL database in the DVCQG shape (see sandbox/one_stop/schema.py)."""

    system = "one_stop"

    def __init__(
        self, url: str, *, page_size: int = 5000, overlap: timedelta = timedelta(minutes=10)
    ) -> None:
        self.url = url
        self.page_size = page_size
        self.overlap = overlap
        self._engine: sa.Engine | None = None
        self._tables: dict[str, sa.Table] = {}

    # ---- plumbing ----------------------------------------------------------------------------------
    @property
    def engine(self) -> sa.Engine:
        if self._engine is None:
            self._engine = sa.create_engine(self.url)
        return self._engine

    def _table(self, name: str) -> sa.Table:
        if name not in self._tables:
            try:
                self._tables[name] = sa.Table(name, sa.MetaData(), autoload_with=self.engine)
            except sa.exc.SQLAlchemyError as exc:
                raise SourceError(self.system, f"table {name}", f"{type(exc).__name__}: {exc}") from exc
        return self._tables[name]

    @staticmethod
    def _schema(lake_table: str, table: sa.Table, extra: tuple[str, ...] = ()) -> pa.Schema:
        present = [c.name for c in table.columns] + list(extra)
        return arrow_schema(lake_table, present, {c.name: _arrow_type(c) for c in table.columns})

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()

    # ---- streams -----------------------------------------------------------------------------------
    def dossiers(self, cursor: str | None) -> Iterator[SourceBatch]:
        """Dossiers changed since ``cursor`` (minus the overlap window) with their nested lists."""
        ho_so = self._table("ho_so")
        schema = self._schema("dossiers", ho_so)
        children = {lake: self._table(sql) for lake, sql in NESTED_LISTS.values()}
        for page in self._keyset_pages(ho_so, ("NgayCapNhat", "MaHoSo"), cursor):
            good, bad = [], []
            for row in page:
                problem = dossier_problem(row)
                (bad.append(QuarantinedRow.of(problem, row)) if problem else good.append(row))
            table, type_bad = _to_arrow(good, schema)
            new_cursor = _max_cursor(page)
            yield SourceBatch("dossiers", table, cursor=new_cursor, quarantined=bad + type_bad)
            versions = {r["MaHoSo"]: r["NgayCapNhat"] for r in good}
            for lake_name, child in children.items():
                yield self._child_batch(lake_name, child, versions, new_cursor)

    def _child_batch(
        self,
        lake_name: str,
        child: sa.Table,
        versions: dict[str, str],
        cursor: str | None,
        key: str = "MaHoSo",
        version_column: str = PARENT_VERSION,
    ) -> SourceBatch:
        """The child rows of exactly the parent versions in ``versions`` (parent key → its NgayCapNhat)."""
        schema = self._schema(lake_name, child, (version_column,))
        rows: list[dict] = []
        if versions:
            stmt = (
                sa.select(child).where(child.c[key].in_(list(versions))).order_by(child.c[key], child.c.STT)
            )
            with self.engine.connect() as con:
                for r in con.execute(stmt).mappings():
                    row = dict(r)
                    row[version_column] = versions[row[key]]
                    rows.append(row)
        table, bad = _to_arrow(rows, schema)
        return SourceBatch(lake_name, table, cursor=cursor, quarantined=bad)

    def _has_table(self, name: str) -> bool:
        try:
            return sa.inspect(self.engine).has_table(name)
        except sa.exc.SQLAlchemyError as exc:
            raise SourceError(self.system, f"table {name}", f"{type(exc).__name__}: {exc}") from exc

    def processing_steps(self, cursor: str | None) -> Iterator[SourceBatch]:
        steps = self._table("tien_do_xu_ly")
        schema = self._schema("processing_steps", steps)
        for page in self._keyset_pages(steps, ("NgayCapNhat", "MaHoSo", "STT"), cursor):
            table, bad = _to_arrow(page, schema)
            yield SourceBatch("processing_steps", table, cursor=_max_cursor(page), quarantined=bad)

    def catalogue(self, name: str, cursor: str | None) -> Iterator[SourceBatch]:
        """``procedures`` (thu_tuc), ``agencies`` (co_quan) or ``fields`` (linh_vuc), changed since ``cursor``."""
        sql_name, key = {
            "procedures": ("thu_tuc", "MaTTHC"),
            "agencies": ("co_quan", "MaDonVi"),
            "fields": ("linh_vuc", "MaLinhVuc"),
        }[name]
        table = self._table(sql_name)
        schema = self._schema(name, table)
        # A procedure's online-level history travels with the procedure version it belongs to. A source
        # without a history table (older one-stop systems) still yields the (empty) table, so the lake and
        # the warehouse know its columns.
        children = {}
        if name == "procedures":
            for lake_name, sql_child in PROCEDURE_LISTS.values():
                children[lake_name] = self._table(sql_child) if self._has_table(sql_child) else None
        for page in self._keyset_pages(table, ("NgayCapNhat", key), cursor):
            data, bad = _to_arrow(page, schema)
            new_cursor = _max_cursor(page)
            yield SourceBatch(name, data, cursor=new_cursor, quarantined=bad)
            versions = {r[key]: r["NgayCapNhat"] for r in page if r.get(key) and r.get("NgayCapNhat")}
            for lake_name, child in children.items():
                if child is None:
                    empty = arrow_schema(lake_name, list(ARROW_COLUMNS[lake_name])).empty_table()
                    yield SourceBatch(lake_name, empty, cursor=new_cursor)
                else:
                    yield self._child_batch(lake_name, child, versions, new_cursor, key, PROCEDURE_VERSION)

    def _keyset_pages(
        self, table: sa.Table, order: tuple[str, ...], cursor: str | None
    ) -> Iterator[list[dict]]:
        cols = [table.c[name] for name in order]
        start = shift_cursor(cursor, self.overlap)
        last: tuple | None = None
        while True:
            stmt = sa.select(table).order_by(*cols).limit(self.page_size)
            if last is not None:
                stmt = stmt.where(sa.tuple_(*cols) > sa.tuple_(*[sa.literal(v) for v in last]))
            elif start is not None:
                stmt = stmt.where(cols[0] >= start)
            try:
                with self.engine.connect() as con:
                    page = [dict(r) for r in con.execute(stmt).mappings()]
            except sa.exc.SQLAlchemyError as exc:
                raise SourceError(
                    self.system, f"SELECT {table.name}", f"{type(exc).__name__}: {exc}"
                ) from exc
            if not page:
                if last is None:
                    yield page  # an empty first page still tells the lake the table's columns
                return
            yield page
            if len(page) < self.page_size:
                return
            last = tuple(page[-1][name] for name in order)

    # ---- backfill (nạp lại theo khoảng ngày) -------------------------------------------------------
    @staticmethod
    def _received_in(ho_so: sa.Table, start: date, end: date) -> sa.ColumnElement[bool]:
        """Dossiers received (NgayTiepNhan, else submitted: NgayNopHoSo) on a day in [start, end)."""
        received = sa.func.coalesce(ho_so.c.NgayTiepNhan, ho_so.c.NgayNopHoSo)
        # yyyyMMddHHmmss strings order like the instants they name, so the range is a string range.
        return sa.and_(received >= start.strftime("%Y%m%d000000"), received < end.strftime("%Y%m%d000000"))

    def dossiers_received_between(self, start: date, end: date) -> Iterator[SourceBatch]:
        """Every dossier received in [start, end) as it is now, with its nested lists, for a backfill.

        One keyset-paged query over the whole range (not one per day). Batches carry no cursor: a backfill
        must not move the nightly sync's position.
        """
        ho_so = self._table("ho_so")
        schema = self._schema("dossiers", ho_so)
        children = {lake: self._table(sql) for lake, sql in NESTED_LISTS.values()}
        where = self._received_in(ho_so, start, end)
        for page in self._filtered_pages(ho_so, ("MaHoSo",), where):
            good, bad = [], []
            for row in page:
                problem = dossier_problem(row)
                (bad.append(QuarantinedRow.of(problem, row)) if problem else good.append(row))
            table, type_bad = _to_arrow(good, schema)
            yield SourceBatch("dossiers", table, cursor=None, quarantined=bad + type_bad)
            versions = {r["MaHoSo"]: r["NgayCapNhat"] for r in good}
            for lake_name, child in children.items():
                yield self._child_batch(lake_name, child, versions, None)

    def processing_steps_received_between(self, start: date, end: date) -> Iterator[SourceBatch]:
        """Every processing step (tiến độ xử lý) of the dossiers received in [start, end), for a backfill."""
        ho_so = self._table("ho_so")
        steps = self._table("tien_do_xu_ly")
        schema = self._schema("processing_steps", steps)
        where = steps.c.MaHoSo.in_(sa.select(ho_so.c.MaHoSo).where(self._received_in(ho_so, start, end)))
        for page in self._filtered_pages(steps, ("MaHoSo", "STT"), where):
            table, bad = _to_arrow(page, schema)
            yield SourceBatch("processing_steps", table, cursor=None, quarantined=bad)

    def _filtered_pages(
        self, table: sa.Table, order: tuple[str, ...], where: sa.ColumnElement[bool]
    ) -> Iterator[list[dict]]:
        """Keyset pages of the rows matching ``where`` (an empty first page still carries the columns)."""
        cols = [table.c[name] for name in order]
        last: tuple | None = None
        while True:
            stmt = sa.select(table).where(where).order_by(*cols).limit(self.page_size)
            if last is not None:
                stmt = stmt.where(sa.tuple_(*cols) > sa.tuple_(*[sa.literal(v) for v in last]))
            try:
                with self.engine.connect() as con:
                    page = [dict(r) for r in con.execute(stmt).mappings()]
            except sa.exc.SQLAlchemyError as exc:
                raise SourceError(
                    self.system, f"SELECT {table.name}", f"{type(exc).__name__}: {exc}"
                ) from exc
            if not page:
                if last is None:
                    yield page
                return
            yield page
            if len(page) < self.page_size:
                return
            last = tuple(page[-1][name] for name in order)
