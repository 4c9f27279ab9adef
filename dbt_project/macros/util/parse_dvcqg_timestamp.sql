{#- DVCQG timestamps are `yyyyMMddHHmmss` text in Asia/Ho_Chi_Minh local time. They stay local
    (timestamp without time zone): every KPI boundary is a local date. NULL for blanks and bad values. -#}
{% macro parse_dvcqg_timestamp(expr) -%}
  {{ return(adapter.dispatch('parse_dvcqg_timestamp')(expr)) }}
{%- endmacro %}

{% macro duckdb__parse_dvcqg_timestamp(expr) -%}
  try_strptime(nullif(trim({{ expr }}), ''), '%Y%m%d%H%M%S')
{%- endmacro %}

{% macro default__parse_dvcqg_timestamp(expr) -%}
  case when {{ expr }} ~ '^[0-9]{14}$'
       then to_timestamp({{ expr }}, 'YYYYMMDDHH24MISS')::timestamp end
{%- endmacro %}

{#- `yyyyMMdd` dates (agency validity). -#}
{% macro parse_dvcqg_date(expr) -%}
  {{ return(adapter.dispatch('parse_dvcqg_date')(expr)) }}
{%- endmacro %}

{% macro duckdb__parse_dvcqg_date(expr) -%}
  cast(try_strptime(nullif(trim({{ expr }}), ''), '%Y%m%d') as date)
{%- endmacro %}

{% macro default__parse_dvcqg_date(expr) -%}
  case when {{ expr }} ~ '^[0-9]{8}$' then to_date({{ expr }}, 'YYYYMMDD') end
{%- endmacro %}
