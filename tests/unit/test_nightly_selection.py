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


def test_only_downstream_of_changed_sources():
    graph, ingest = _graph()
    keys = affected_keys(graph, {dg.AssetKey(["src", "a"])}, ingest, lambda key: True)
    assert keys == _keys("stg_a", "mart_a", "publish_a")


def test_fresh_warehouse_also_builds_upstream_reference_assets():
    graph, ingest = _graph()
    keys = affected_keys(graph, {dg.AssetKey(["src", "a"])}, ingest, lambda key: False)
    # stg_b waits for its source's first batch; the reference assets are built now
    assert keys == _keys("stg_a", "mart_a", "publish_a", "seed_periods", "dim_admin_units")


def test_nothing_changed_nothing_selected():
    graph, ingest = _graph()
    assert affected_keys(graph, set(), ingest, lambda key: False) == set()
