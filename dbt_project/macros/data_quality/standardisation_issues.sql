{#-
  Standardisation issues (lỗi chuẩn hóa): every generated staging model keeps a value that failed its
  semantic type as null plus `<column>__issue` with the reason. After each build of such a model a post-hook
  replaces that table's counts in `data_quality.standardisation_issue_counts`; the mart
  `rpt_standardisation_issues` reads them.

  Why a post-hook and not a mart that unions the 597 models: such a mart would depend on every generated
  model, so a night that syncs three tables would rebuild (or fail on) all of them. The hook keeps the
  counts exactly as current as the models, and its cost follows the tables that changed.
-#}

{% macro standardisation_issues_relation() -%}
    {{ adapter.quote('data_quality') }}.{{ adapter.quote('standardisation_issue_counts') }}
{%- endmacro %}


{% macro create_standardisation_issues_table() -%}
    create schema if not exists {{ adapter.quote('data_quality') }};
    create table if not exists {{ standardisation_issues_relation() }} (
        table_name varchar(200) not null,
        domain varchar(100) not null,
        column_name varchar(200),
        reason varchar(200),
        issue_count bigint not null,
        table_rows bigint not null,
        measured_at timestamp not null
    )
{%- endmacro %}


{% macro record_standardisation_issues(relation, table_name, domain) -%}
    {{ create_standardisation_issues_table() }};
    delete from {{ standardisation_issues_relation() }} where table_name = '{{ table_name }}';
    insert into {{ standardisation_issues_relation() }}
        (table_name, domain, column_name, reason, issue_count, table_rows, measured_at)
    with totals as (
        select count(*) as table_rows from {{ relation }}
    ),
    issues as (
        {{ adapter.dispatch('standardisation_issue_pairs')(relation) }}
    ),
    counted as (
        select column_name, reason, count(*) as issue_count from issues group by column_name, reason
    )
    -- one row per (column, reason); a table without any issue still gets one row (column null) so the
    -- mart can tell "checked, clean" from "never built"
    select '{{ table_name }}', '{{ domain }}', c.column_name, c.reason, c.issue_count, t.table_rows,
        {{ dbt.current_timestamp() }}
    from counted as c cross join totals as t
    union all
    select '{{ table_name }}', '{{ domain }}', null, null, 0, t.table_rows, {{ dbt.current_timestamp() }}
    from totals as t
    where not exists (select 1 from counted)
{%- endmacro %}


{#- (column, reason) for every non-null `__issue` value of the relation. -#}
{% macro default__standardisation_issue_pairs(relation) -%}
    select regexp_replace(kv.key, '__issue$', '') as column_name, kv.value as reason
    from {{ relation }} as t
    cross join lateral jsonb_each_text(to_jsonb(t)) as kv
    where kv.key like '%\_\_issue' and kv.value is not null
{%- endmacro %}

{% macro duckdb__standardisation_issue_pairs(relation) -%}
    -- UNPIVOT drops nulls, so only the failed values remain
    select regexp_replace(issue_column, '__issue$', '') as column_name, reason
    from (
        unpivot (select columns('__issue$') from {{ relation }})
        on columns(*) into name issue_column value reason
    )
{%- endmacro %}
