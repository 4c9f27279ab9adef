{#- Schemas are the layers themselves (staging, intermediate, marts, reference), not `<target>_<layer>`:
    access grants on PostgreSQL are per layer, and Dagster groups follow the same names. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
  {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
