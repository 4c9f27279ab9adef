"""The national population database through the LGSP: applicant verification and aggregate statistics.

Verification is bounded per run (``HUE_LGSP_MAX_LOOKUPS_PER_RUN``, default 500) and continues from its
committed position the next night: the population service is shared by the whole province and must never
be hammered, which is also why its pool allows one step at a time.
"""

# No `from __future__ import annotations` here: Dagster inspects the context annotation at runtime.
import time

import dagster as dg

from orchestration.lib.announce import BatchAnnouncer
from orchestration.resources import LakeResource, PopulationResource

SYSTEM = "population"
CHUNK = 200


@dg.asset(
    key=[SYSTEM, "applicant_verifications"],
    deps=[dg.AssetKey(["one_stop", "dossiers"]), dg.AssetKey(["one_stop", "dossier_identifiers"])],
    group_name="ingest_population",
    kinds={"soap", "parquet"},
    tags={"source_system": SYSTEM, "layer": "ingest", "personal_data": "pseudonymised"},
    description=(
        "Xác minh người nộp hồ sơ với CSDL quốc gia về dân cư — match outcome, keyed pseudonym, commune, "
        "birth year and sex only; every lookup is audited (officer, service, purpose, time)."
    ),
    pool="population",
    retry_policy=dg.RetryPolicy(max_retries=2, delay=60, backoff=dg.Backoff.EXPONENTIAL),
    output_required=False,
)
def applicant_verifications(
    context: dg.AssetExecutionContext, lake: LakeResource, population: PopulationResource
):
    from sources.common.batch import SourceBatch
    from sources.lake import TableContract
    from sources.population import PopulationServiceFault
    from sources.population.applicants import applicants_to_verify

    started = time.perf_counter()
    the_lake = lake.lake()
    contract = {"applicant_verifications": TableContract(key=("MaHoSo",), version="verified_at")}
    with the_lake.stream(SYSTEM, "applicant_verifications", contract) as tx:
        bound = population.lookups_per_run()
        pending = applicants_to_verify(the_lake.root, tx.cursor_from, bound)
        retries = sum(1 for position, _ in pending if position is None)
        try:
            with population.verifier(the_lake.root / "audit" / SYSTEM) as verifier:
                for start in range(0, len(pending), CHUNK):
                    chunk = pending[start : start + CHUNK]
                    # retried applicants sit behind the committed position: they do not move it
                    position = next((p for p, _ in reversed(chunk) if p is not None), None)
                    for batch in verifier.verify([applicant for _, applicant in chunk]):
                        tx.write(
                            SourceBatch(
                                batch.table, batch.data, cursor=position, quarantined=batch.quarantined
                            )
                        )
        except PopulationServiceFault as exc:
            # The service refused the request itself (credentials, request shape): the same request would
            # be refused again, so fail at once rather than wait out the retry policy.
            raise dg.Failure(description=str(exc), allow_retries=False) from exc
        records = tx.commit()
    # No new applicants: no new version of this asset and nothing downstream to rebuild, unless a run
    # killed after its commit left a batch unannounced.
    announcer = BatchAnnouncer(context, the_lake)
    lookups = {
        "lookups": len(pending),
        "retried_lookups": retries,
        "limit_reached": len(pending) >= bound,
    }
    for record in records:
        yield announcer.result(context.asset_key, record, time.perf_counter() - started, extra=lookups)
    yield from announcer.close()


@dg.asset(
    key=[SYSTEM, "population_by_commune"],
    group_name="ingest_population",
    kinds={"parquet"},
    tags={"source_system": SYSTEM, "layer": "ingest"},
    description="Dân số theo xã, giới tính và nhóm tuổi — aggregate statistics (no personal data)",
    pool="population",
    retry_policy=dg.RetryPolicy(max_retries=2, delay=60, backoff=dg.Backoff.EXPONENTIAL),
    output_required=False,
)
def population_by_commune(
    context: dg.AssetExecutionContext, lake: LakeResource, population: PopulationResource
):
    from sources.lake import TableContract

    contract = {
        "population_by_commune": TableContract(
            key=("commune_code", "sex", "age_band"), version="reference_date"
        )
    }
    started = time.perf_counter()
    the_lake = lake.lake()
    with the_lake.stream(SYSTEM, "population_by_commune", contract) as tx:
        for batch in population.statistics().fetch():
            tx.write(batch)
        records = tx.commit()
    announcer = BatchAnnouncer(context, the_lake)
    for record in records:  # identical statistics commit nothing and rebuild nothing
        yield announcer.result(context.asset_key, record, time.perf_counter() - started)
    yield from announcer.close()
