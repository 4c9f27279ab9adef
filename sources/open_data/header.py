"""Find a table's header in a grid of cells (dòng tiêu đề): skip title rows, flatten two-row headers.

Departments put a title and a date line above the table, and group columns under a merged cell
("Số học sinh" over "Nam" and "Nữ"). :func:`locate_header` finds the header row, recognises a two-row
header from merged ranges (XLSX) or from the shape of the empty cells (CSV), and flattens it into
``Số học sinh - Nam``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sources.open_data.cells import Cell, blank, cell_text, filled, is_value, pad


@dataclass(frozen=True)
class Header:
    names: list[str]  # flattened header text, one per column
    data_start: int  # index of the first data row in the grid
    header_rows: int


_YEAR_RE = re.compile(r"^(19|20)\d{2}$")


def _header_like(row: Sequence[Cell]) -> bool:
    """A row of titles: nothing in it reads as data, except years (statistical tables head columns 2023, 2024)."""
    return filled(row) > 0 and not any(
        is_value(c) and not _YEAR_RE.match(str(c).strip()) for c in row if not blank(c)
    )


def locate_header(
    grid: Sequence[Sequence[Cell]],
    merged: Sequence[tuple[int, int, int, int]] = (),
    *,
    scan_rows: int = 30,
) -> Header:
    """Find the header in ``grid`` (rows of cells) and flatten it.

    ``merged`` lists merged ranges as zero-based ``(first_row, first_col, last_row, last_col)`` (from an
    XLSX); a CSV has none and its group cells are recognised by their empty neighbours instead.
    """
    width = max((len(r) for r in grid[:scan_rows]), default=0)
    if width == 0:
        raise ValueError("the file holds no rows")
    widest = max(filled(r) for r in grid[:scan_rows])
    top_index = None
    for i, row in enumerate(grid[:scan_rows]):
        # title rows (one merged cell of text, a date line) hold far fewer cells than the table
        if filled(row) * 2 > widest and _header_like(row):
            top_index = i
            break
    if top_index is None:
        raise ValueError("no header row found: no row of column titles in the first rows")
    if top_index > 0 and _group_row_above(grid, top_index, merged, width):
        top_index -= 1  # the row found holds sub-headers; their group titles sit in the row above
    top = [cell_text(c) for c in pad(grid[top_index], width)]
    second: list[str] | None = None
    if top_index + 1 < len(grid):
        below = [cell_text(c) for c in pad(grid[top_index + 1], width)]
        spans_below = any(
            r0 == top_index and c1 > c0 for r0, c0, _r1, c1 in merged
        )  # a horizontally merged group title
        under_gap = any(below[j] and not top[j] for j in range(width))
        if _header_like(grid[top_index + 1]) and 0 < filled(below) < width and (spans_below or under_gap):
            second = below
    if second is not None:
        _apply_merges(top, second, merged, top_index)
        for j in range(1, width):
            # Excel writes a merged group title in its first cell only: carry it right over the group
            if not top[j] and second[j] and top[j - 1] and second[j - 1]:
                top[j] = top[j - 1]
        names = []
        for j in range(width):
            if top[j] and second[j] and top[j] != second[j]:
                names.append(f"{top[j]} - {second[j]}")
            else:
                names.append(top[j] or second[j])
        return Header(_trim(names), top_index + 2, 2)
    return Header(_trim(top), top_index + 1, 1)


def _trim(names: list[str]) -> list[str]:
    """Drop empty header cells at the right: rows padded with empty fields are not extra columns."""
    while names and not names[-1]:
        names = names[:-1]
    return names


def _group_row_above(
    grid: Sequence[Sequence[Cell]], index: int, merged: Sequence[tuple[int, int, int, int]], width: int
) -> bool:
    """Is the row above ``index`` the first row of a two-row header (group titles over sub-headers)?

    The signature of a two-row header is structural: the sub-header row is empty exactly where a column
    has no group (its title sits in the row above, vertically merged), and has titles under empty cells
    that continue a group. A title line above a full header row never has that shape.
    """
    above = [cell_text(c) for c in pad(grid[index - 1], width)]
    row = [cell_text(c) for c in pad(grid[index], width)]
    if not _header_like(grid[index - 1]):
        return False
    if any(r0 == index - 1 and c0 == 0 and c1 >= width - 1 for r0, c0, _r1, c1 in merged):
        return False  # one cell merged across the whole table: a title
    empties = [j for j in range(width) if not row[j]]
    return (
        bool(empties)
        and all(above[j] for j in empties)
        and any(row[j] and not above[j] for j in range(width))
    )


def _apply_merges(
    top: list[str], second: list[str], merged: Sequence[tuple[int, int, int, int]], row: int
) -> None:
    for r0, c0, r1, c1 in merged:
        if r0 == row:
            for j in range(c0, min(c1, len(top) - 1) + 1):
                top[j] = top[c0]
                if r1 >= row + 1:
                    second[j] = second[j] or top[c0]
