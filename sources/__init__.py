"""Connectors to the province's source systems.

Plain Python: nothing here imports Dagster. Each connector speaks one system's protocol, is given its
configuration and cursor by the caller, and yields :class:`sources.common.batch.SourceBatch` objects
(Arrow tables plus the cursor they reach and the rows they had to quarantine).
"""
