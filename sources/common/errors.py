"""Errors a nightly sync must surface loudly, naming the system, the endpoint and the cause."""

from __future__ import annotations


class SourceError(RuntimeError):
    """A source system could not be read after every retry."""

    def __init__(self, system: str, endpoint: str, last_error: str) -> None:
        self.system = system
        self.endpoint = endpoint
        self.last_error = last_error
        super().__init__(f"{system}: {endpoint} failed after retries: {last_error}")


class SchemaDriftError(RuntimeError):
    """A batch broke the table's known schema (a column removed or retyped)."""

    def __init__(self, table: str, changes: list[str]) -> None:
        self.table = table
        self.changes = changes
        super().__init__(f"breaking schema change in {table}: " + "; ".join(changes))
