{#- Seconds from `start_ts` to `end_ts` (may be negative), portable across adapters. -#}
{% macro seconds_between(start_ts, end_ts) -%}
  {{ dbt.datediff(start_ts, end_ts, 'second') }}
{%- endmacro %}
