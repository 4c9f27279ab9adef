"""The warehouse run selects what the new batches touch, plus what a fresh warehouse never built."""

from __future__ import annotations

import dagster as dg

from orchestration.nightly import affected_keys


def _graph():
    ingest = {"layer": "ingest"}

    @dg.multi_asset(
        specs=[dg.AssetSpec(["src", n], tags=ingest, skippable=True) for n in ("a", "b")], can_subset=True
    )
    def sources():
        yield dg.MaterializeResult(asset_key=["src", "a"])

    @dg.asset(deps=[dg.AssetKey(["src", "a"])])
    def stg_a(): ...

    @dg.asset(deps=[dg.AssetKey(["src", "b"])])
    def stg_b(): ...

    @dg.asset
    def seed_periods(): ...

    @dg.asset(deps=[stg_a, seed_periods])
    def mart_a(): ...

    @dg.asset(deps=[mart_a])
    def publish_a(): ...

    @dg.asset
    def dim_admin_units(): ...

    defs = dg.Definitions(assets=[sources, stg_a, stg_b, seed_periods, mart_a, publish_a, dim_admin_units])
    graph = defs.resolve_asset_graph()
    return graph, {dg.AssetKey(["src", "a"]), dg.AssetKey(["src", "b"])}


def _keys(*names: str) -> set[dg.AssetKey]:
    return {dg.AssetKey(n) for n in names}


A, B = dg.AssetKey(["src", "a"]), dg.AssetKey(["src", "b"])
BUILT = ("stg_a", "stg_b", "seed_periods", "mart_a", "publish_a", "dim_admin_units")


def _times(built_at: float | None, **sources: float | None) -> dict[dg.AssetKey, float | None]:
    times = {dg.AssetKey(n): built_at for n in BUILT}
    times.update({A: sources.get("a"), B: sources.get("b")})
    return times


def test_only_downstream_of_sources_with_a_newer_batch():
    graph, ingest = _graph()
    keys = affected_keys(graph, ingest, _times(10.0, a=20.0, b=5.0))
    assert keys == _keys("stg_a", "mart_a", "publish_a")


def test_fresh_warehouse_also_builds_upstream_reference_assets():
    graph, ingest = _graph()
    keys = affected_keys(graph, ingest, _times(None, a=20.0, b=None))
    # stg_b waits for its source's first batch; the reference assets are built now
    assert keys == _keys("stg_a", "mart_a", "publish_a", "seed_periods", "dim_admin_units")


def test_nothing_newer_nothing_selected():
    graph, ingest = _graph()
    assert affected_keys(graph, ingest, _times(30.0, a=20.0, b=5.0)) == set()


def test_a_night_that_crashed_after_the_ingest_is_finished_by_the_rerun():
    graph, ingest = _graph()
    times = _times(30.0, a=40.0, b=5.0)
    times[dg.AssetKey("stg_a")] = 45.0  # built before the crash; the mart and its publication were not
    assert affected_keys(graph, ingest, times) == _keys("mart_a", "publish_a")
