"""The lake: immutable Parquet batches per source table, a manifest with cursors, and quarantine.

Layout under the lake root::

    raw/<system>/<table>/batch=<batch_id>/part-0.parquet    committed data, one folder per batch
    quarantine/<system>/<table>/batch=<batch_id>.jsonl      rejected rows with their reason
    quarantine/<system>/<table>/batch=<batch_id>.parquet    whole batches held back by breaking drift
    _staging/<batch_id>/                                     batches being written (never read)
    _manifest.sqlite                                         batches, cursors, known schemas

Writing files rather than warehouse tables keeps ingestion free of DuckDB's single-writer lock and lets
other engines (PostgreSQL loader, Trino, Spark) read the same lake.
"""

from sources.lake.lake import BatchRecord, Lake, StreamWriter, TableContract

__all__ = ["BatchRecord", "Lake", "StreamWriter", "TableContract"]
