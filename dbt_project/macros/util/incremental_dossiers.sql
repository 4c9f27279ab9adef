{#
  Incremental dossier facts: a night rebuilds only the dossiers its new lake batches touched.

  dossier_changes(tables, catalogue, feeds) returns {'codes': ..., 'watermark': ...}, read from the change
  feeds `feeds` (stg_one_stop__changes and, for the steps, stg_one_stop__processing_step_changes).

  - codes: in an incremental run, the dossier codes that the one-stop tables `tables` received in batches
    after the model's watermark; none means "every dossier": on a full build, when a `catalogue` table
    (agencies, procedures) received a batch, or when more dossiers changed than an IN list should carry
    (a first night after a long outage). The model deletes and re-inserts the rows of those dossiers
    (incremental_strategy delete+insert on dossier_code), so a dossier is rebuilt whole from its latest
    version, exactly as a full build would.
  - watermark: the newest batch of the change feeds this build has seen, written on
    every row it builds (watermark_batch_id); the next build starts from the greatest in the table. A
    night whose batches changed no row of the model leaves it where it was, which costs nothing.

  Dossiers are taken from the batches after the watermark less a lookback (HUE_DOSSIER_FACTS_LOOKBACK_HOURS,
  3 hours unless set). Batch ids are UTC timestamps taken when a sync starts (sources/lake/lake.py), so a
  sync that started before the last build and committed after it has an older id than the watermark; the
  lookback takes such batches again (their dossiers are rebuilt twice, which is harmless). Only a sync
  running longer than the lookback could be missed: the nightly syncs take minutes, and the nightly chain
  never builds while it ingests. The benchmarks, whose "next day" comes minutes after the first night, set
  the lookback to 0. A catalogue batch is looked for after the watermark itself: it rebuilds every dossier,
  so taking it twice would cost a second full night.

  The codes reach the query as a constant IN list on purpose: DuckDB pushes a constant list through the
  staging views' latest-version window into the Parquet scan, a semi-join it does not (about 0.1 s against
  a full read of 1 s over 753k processing steps: python -m benchmarks.constant_list_pushdown).

  Not in the change feed: the administrative-unit reference (seeds). After changing it, build the facts
  with --full-refresh (the warehouse asset's `full_refresh` run config).
#}
{% macro dossier_changes(tables, catalogue=[], feeds=['stg_one_stop__changes'], max_codes=20000) %}
    {%- if not execute -%}
        {{ return({'codes': none, 'watermark': none}) }}
    {%- endif -%}
    {%- set parts = [] -%}
    {%- for name in feeds -%}
        {%- do parts.append('select * from ' ~ ref(name)) -%}
    {%- endfor -%}
    {%- set feed = '(' ~ parts | join(' union all ') ~ ') as feed' -%}
    {%- set newest = none -%}
    {%- if is_incremental() -%}
        {%- set existing = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
        {%- if 'watermark_batch_id' not in existing -%}
            {{ exceptions.raise_compiler_error(
                this.identifier ~ " was built before it became incremental and has no watermark: rebuild it"
                ~ " once from the whole lake with dbt --full-refresh (Dagster: launch the warehouse job with"
                ~ " ops: {warehouse_dbt_assets: {config: {full_refresh: true}}})") }}
        {%- endif -%}
        {%- set newest = run_query('select max(watermark_batch_id) from ' ~ this).columns[0].values()[0] -%}
    {%- endif -%}
    {%- if newest is none -%}
        {%- set watermark = run_query('select max(batch_id) from ' ~ feed).columns[0].values()[0] -%}
        {{ return({'codes': none, 'watermark': watermark}) }}
    {%- endif -%}

    {%- set lookback_hours = env_var('HUE_DOSSIER_FACTS_LOOKBACK_HOURS', '3') | int -%}
    {%- set since = newest -%}
    {%- if lookback_hours > 0 -%}
        {%- set since = (modules.datetime.datetime.strptime(newest[:15], '%Y%m%dT%H%M%S')
            - modules.datetime.timedelta(hours=lookback_hours)).strftime('%Y%m%dT%H%M%S') -%}
    {%- endif -%}
    {%- set in_catalogue = "source_table in ('" ~ catalogue | join("', '") ~ "')" if catalogue else "false" -%}
    {%- set summary = run_query(
        "select max(batch_id), count(*) filter (where " ~ in_catalogue ~ " and batch_id > '" ~ newest ~ "')"
        ~ " from " ~ feed ~ " where batch_id > '" ~ since ~ "'").rows[0] -%}
    {%- set watermark = [newest, summary[0] or newest] | max -%}
    {%- if summary[1] > 0 -%}
        {{ log(this.identifier ~ ": the agency or procedure catalogue changed after batch " ~ newest
            ~ "; rebuilding every dossier", info=true) }}
        {{ return({'codes': none, 'watermark': watermark}) }}
    {%- endif -%}
    {%- set codes = run_query(
        "select distinct dossier_code from " ~ feed ~ " where batch_id > '" ~ since ~ "'"
        ~ " and source_table in ('" ~ tables | join("', '") ~ "') order by 1 limit " ~ (max_codes + 1)
        ).columns[0].values() -%}
    {%- if codes | length > max_codes -%}
        {{ log(this.identifier ~ ": more than " ~ max_codes ~ " dossiers changed since " ~ since
            ~ "; rebuilding every dossier", info=true) }}
        {{ return({'codes': none, 'watermark': watermark}) }}
    {%- endif -%}
    {{ log(this.identifier ~ ": " ~ codes | length ~ " dossiers changed since " ~ since, info=true) }}
    {{ return({'codes': codes | list, 'watermark': watermark}) }}
{% endmacro %}


{# `where <column> in (...)` for the codes of dossier_changes; nothing when they are none (every dossier).
   An empty change set selects nothing (`in (null)`), so the model inserts no row. #}
{% macro where_dossier_in(column, codes) -%}
    {%- if codes is not none -%}
        where {{ column }} in (
            {%- for code in codes %}'{{ code | replace("'", "''") }}'{% if not loop.last %}, {% endif %}{% endfor -%}
            {%- if codes | length == 0 %}null{% endif -%}
        )
    {%- endif -%}
{%- endmacro %}


{# The watermark column the incremental dossier facts carry (lineage: the same on every row a build writes). #}
{% macro watermark_column(changes) -%}
    cast({{ "'" ~ changes.watermark ~ "'" if changes.watermark is not none else 'null' }} as varchar)
        as watermark_batch_id
{%- endmacro %}
