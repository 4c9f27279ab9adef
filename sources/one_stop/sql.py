"""Read the one-stop database directly (or a replica of it) through SQLAlchemy, incrementally.

Keyset paging on ``(NgayCapNhat, MaHoSo)`` rather than OFFSET: cost per page stays flat however deep the
history, and rows updated while we read cannot shift a page boundary. Each page of dossiers is fetched
together with its nested-list child rows, so a batch never holds a dossier without its lists.

Pages are fetched as tuples and converted a whole column at a time with Arrow (``bulk=True``, the default):
per-cell Python conversion was most of the ingest's time. A column that Arrow cannot take as it is (mixed
types, digits as text, a fraction in a fee) is converted cell by cell with ``_coerce``, and only rows the
bulk contract check cannot clear are judged by ``dossier_problem``, so quarantine reasons are those of the
per-row path, which ``bulk=False`` still runs end to end.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc
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
    dossier_problems,
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


class Page:
    """One page of a SELECT as fetched: column names and row tuples, with columns built on demand."""

    def __init__(self, names: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        self.names = list(names)
        self.rows = rows
        self._index = {name: i for i, name in enumerate(self.names)}
        self._columns: list[tuple] | None = None

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def columns(self) -> dict[str, tuple]:
        if self._columns is None:
            transposed = list(zip(*self.rows, strict=True))
            self._columns = transposed or [() for _ in self.names]
        return dict(zip(self.names, self._columns, strict=True))

    def column(self, name: str) -> tuple | None:
        return self.columns.get(name)

    def value(self, row: int, name: str) -> object:
        return self.rows[row][self._index[name]]

    def dict(self, row: int) -> dict:
        return dict(zip(self.names, self.rows[row], strict=True))

    def dicts(self) -> list[dict]:
        return [dict(zip(self.names, r, strict=True)) for r in self.rows]

    def take(self, indices: Sequence[int]) -> Page:
        return Page(self.names, [self.rows[i] for i in indices])

    def with_column(self, name: str, values: Sequence[object]) -> Page:
        if name in self._index:
            at = self._index[name]
            rows = [(*r[:at], v, *r[at + 1 :]) for r, v in zip(self.rows, values, strict=True)]
            return Page(self.names, rows)
        return Page([*self.names, name], [(*r, v) for r, v in zip(self.rows, values, strict=True)])


_NONE = type(None)


def _bulk_column(values: Sequence[object], arrow_type: pa.DataType) -> pa.Array | None:
    """The column converted in one go, exactly as ``_coerce`` would per cell; None when it cannot be."""
    kinds = set(map(type, values))
    try:
        if pa.types.is_string(arrow_type) and kinds <= {str, _NONE}:
            text = pa.array(values, arrow_type)
            empty = pc.equal(text, "")
            if pc.any(empty).as_py():
                text = pc.if_else(empty, pa.scalar(None, arrow_type), text)
            return text
        if pa.types.is_integer(arrow_type):
            if kinds <= {int, _NONE}:
                return pa.array(values, arrow_type)
            if kinds <= {Decimal, _NONE}:
                # A safe cast refuses a fraction, which then goes cell by cell to be quarantined.
                return pa.array(values).cast(arrow_type)
        if pa.types.is_floating(arrow_type) and kinds <= {float, _NONE}:
            return pa.array(values, arrow_type)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return None
    return None


def _page_to_arrow(page: Page, schema: pa.Schema) -> tuple[pa.Table, list[QuarantinedRow]]:
    """What ``_to_arrow`` gives for ``page.dicts()``, a column at a time.

    A row is quarantined with the error of the first column (in schema order) it fails, as per row.
    """
    n = len(page)
    arrays: list[pa.Array] = []
    errors: dict[int, str] = {}
    for f in schema:
        values = page.column(f.name)
        if values is None:
            arrays.append(pa.nulls(n, f.type))
            continue
        array = _bulk_column(values, f.type)
        if array is None:
            cells = []
            for i, value in enumerate(values):
                try:
                    cells.append(_coerce(value, f.type))
                except (TypeError, ValueError) as exc:
                    errors.setdefault(i, f"type error: {exc}")
                    cells.append(None)
            array = pa.array(cells, f.type)
        arrays.append(array)
    table = pa.Table.from_arrays(arrays, schema=schema)
    if not errors:
        return table, []
    keep = pa.array([i not in errors for i in range(n)], pa.bool_())
    bad = [QuarantinedRow.of(errors[i], page.dict(i)) for i in sorted(errors)]
    return table.filter(keep), bad


def _dossier_rows(rows: list[dict], schema: pa.Schema) -> tuple[pa.Table, list[QuarantinedRow], list[dict]]:
    """The per-row path for a page of dossiers: contract, then types; also the rows that met the contract."""
    good, bad = [], []
    for row in rows:
        problem = dossier_problem(row)
        (bad.append(QuarantinedRow.of(problem, row)) if problem else good.append(row))
    table, type_bad = _to_arrow(good, schema)
    return table, bad + type_bad, good


def _dossier_page(page: Page, schema: pa.Schema) -> tuple[pa.Table, list[QuarantinedRow], Page]:
    """``_dossier_rows`` a column at a time: only rows the bulk check cannot clear are judged one by one."""
    bad: list[QuarantinedRow] = []
    rejected: set[int] = set()
    for i in dossier_problems(page.columns, len(page)):
        row = page.dict(i)
        problem = dossier_problem(row)
        if problem:
            bad.append(QuarantinedRow.of(problem, row))
            rejected.add(i)
    good = page.take([i for i in range(len(page)) if i not in rejected]) if rejected else page
    table, type_bad = _page_to_arrow(good, schema)
    return table, bad + type_bad, good


def _page_max_cursor(page: Page) -> str | None:
    values = [str(v) for v in page.column("NgayCapNhat") or () if v]
    return max(values) if values else None


class OneStopSqlConnector:
    """Incremental extraction from a one-stop SQL database in the DVCQG shape (see sandbox/one_stop/schema.py)."""

    system = "one_stop"

    def __init__(
        self,
        url: str,
        *,
        page_size: int = 5000,
        overlap: timedelta = timedelta(minutes=10),
        bulk: bool = True,
    ) -> None:
        self.url = url
        self.page_size = page_size
        self.overlap = overlap
        self.bulk = bulk
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

    def _convert(self, page: Page, schema: pa.Schema) -> tuple[pa.Table, list[QuarantinedRow]]:
        return _page_to_arrow(page, schema) if self.bulk else _to_arrow(page.dicts(), schema)

    def _convert_dossiers(self, page: Page, schema: pa.Schema) -> tuple[pa.Table, list[QuarantinedRow], dict]:
        """The page's dossiers as Arrow, its rejects, and the versions (MaHoSo → NgayCapNhat) that met the
        contract, whose nested lists are read next."""
        if self.bulk:
            table, bad, good = _dossier_page(page, schema)
            keys, stamps = good.column("MaHoSo") or (), good.column("NgayCapNhat") or ()
            return table, bad, dict(zip(keys, stamps, strict=True))
        table, bad, rows = _dossier_rows(page.dicts(), schema)
        return table, bad, {r["MaHoSo"]: r["NgayCapNhat"] for r in rows}

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
            table, bad, versions = self._convert_dossiers(page, schema)
            new_cursor = _page_max_cursor(page)
            yield SourceBatch("dossiers", table, cursor=new_cursor, quarantined=bad)
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
        page = Page([c.name for c in child.columns], [])
        if versions:
            stmt = (
                sa.select(child).where(child.c[key].in_(list(versions))).order_by(child.c[key], child.c.STT)
            )
            with self.engine.connect() as con:
                result = con.execute(stmt)
                page = Page(list(result.keys()), result.fetchall())
            page = page.with_column(version_column, [versions[k] for k in page.column(key)])
        table, bad = self._convert(page, schema)
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
            table, bad = self._convert(page, schema)
            yield SourceBatch("processing_steps", table, cursor=_page_max_cursor(page), quarantined=bad)

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
            data, bad = self._convert(page, schema)
            new_cursor = _page_max_cursor(page)
            yield SourceBatch(name, data, cursor=new_cursor, quarantined=bad)
            keys, stamps = page.column(key) or (), page.column("NgayCapNhat") or ()
            versions = {k: v for k, v in zip(keys, stamps, strict=False) if k and v}
            for lake_name, child in children.items():
                if child is None:
                    empty = arrow_schema(lake_name, list(ARROW_COLUMNS[lake_name])).empty_table()
                    yield SourceBatch(lake_name, empty, cursor=new_cursor)
                else:
                    yield self._child_batch(lake_name, child, versions, new_cursor, key, PROCEDURE_VERSION)

    def _keyset_pages(self, table: sa.Table, order: tuple[str, ...], cursor: str | None) -> Iterator[Page]:
        """Keyset pages from the committed ``cursor`` less the overlap window (every row when None)."""
        start = shift_cursor(cursor, self.overlap)
        where = table.c[order[0]] >= start if start is not None else sa.true()
        yield from self._filtered_pages(table, order, where)

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
            table, bad, versions = self._convert_dossiers(page, schema)
            yield SourceBatch("dossiers", table, cursor=None, quarantined=bad)
            for lake_name, child in children.items():
                yield self._child_batch(lake_name, child, versions, None)

    def processing_steps_received_between(self, start: date, end: date) -> Iterator[SourceBatch]:
        """Every processing step (tiến độ xử lý) of the dossiers received in [start, end), for a backfill."""
        ho_so = self._table("ho_so")
        steps = self._table("tien_do_xu_ly")
        schema = self._schema("processing_steps", steps)
        where = steps.c.MaHoSo.in_(sa.select(ho_so.c.MaHoSo).where(self._received_in(ho_so, start, end)))
        for page in self._filtered_pages(steps, ("MaHoSo", "STT"), where):
            table, bad = self._convert(page, schema)
            yield SourceBatch("processing_steps", table, cursor=None, quarantined=bad)

    def _filtered_pages(
        self, table: sa.Table, order: tuple[str, ...], where: sa.ColumnElement[bool]
    ) -> Iterator[Page]:
        """Keyset pages of the rows matching ``where`` (an empty first page still carries the columns)."""
        cols = [table.c[name] for name in order]
        last: tuple | None = None
        while True:
            stmt = sa.select(table).where(where).order_by(*cols).limit(self.page_size)
            if last is not None:
                stmt = stmt.where(sa.tuple_(*cols) > sa.tuple_(*[sa.literal(v) for v in last]))
            try:
                with self.engine.connect() as con:
                    result = con.execute(stmt)
                    page = Page(list(result.keys()), result.fetchall())
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
            last = tuple(page.value(len(page) - 1, name) for name in order)
