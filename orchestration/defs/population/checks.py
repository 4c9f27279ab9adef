"""The population audit trail's hash chain, checked after every verification run.

On DuckDB the audit trail is the lake's immutable batch files (``audit/population/audit-*.jsonl``, made
read-only when a run closes them), chained by hashes; this check recomputes the whole chain, so an edited,
reordered or deleted record — or a deleted batch file — fails it with the file and line at fault. On
PostgreSQL the same records are also appended to ``audit.population_lookups``, which refuses UPDATE, DELETE
and TRUNCATE (orchestration/lib/warehouse/postgres_roles.sql).
"""

import dagster as dg

from orchestration.resources import LakeResource

AUDIT_SUBDIR = ("audit", "population")


@dg.asset_check(
    name="audit_chain_intact",
    asset=dg.AssetKey(["population", "applicant_verifications"]),
    description="Nhật ký tra cứu dân cư nguyên vẹn — the population lookup audit trail's hash chain verifies",
)
def audit_chain_intact(lake: LakeResource) -> dg.AssetCheckResult:
    from sources.population.audit import AuditChainError, chain_head, verify_chain

    directory = lake.lake().root.joinpath(*AUDIT_SUBDIR)
    try:
        verify_chain(directory)
        head = chain_head(directory)
    except AuditChainError as error:
        return dg.AssetCheckResult(
            passed=False, severity=dg.AssetCheckSeverity.ERROR, metadata={"error": str(error)}
        )
    return dg.AssetCheckResult(
        passed=True,
        metadata={
            "records": head.seq,
            "head_hash": head.hash,
            "batch_files": len(list(directory.glob("audit-*.jsonl"))) if directory.exists() else 0,
        },
    )
