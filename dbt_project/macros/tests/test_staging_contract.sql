{#- Contract tests of the generated digitisation staging models, one query per model rather than one per
    column: at catalogue scale per-test overhead, not data, dominates a build (3,468 column tests took
    longer than the 597 models they test). Each returned row names the violation and the column. -#}

{#- Error severity: the key is unique and never null. -#}
{% test staging_keys(model, columns) %}
with keyed as (
    select {{ columns | join(', ') }}, count(*) as n
    from {{ model }}
    group by {{ columns | join(', ') }}
)
select 'duplicate_key' as violation, n as row_count from keyed where n > 1
union all
select 'null_key', count(*) from {{ model }}
where {% for c in columns %}{{ c }} is null{% if not loop.last %} or {% endif %}{% endfor %}
having count(*) > 0
{% endtest %}

{#- Warning severity: required columns are filled and listed columns keep to their accepted values.
    One scan of the model counts every violation; the rows returned are the non-zero counts. -#}
{% test staging_values(model, required=[], accepted={}) %}
{%- set checks = [] -%}
{%- for c in required -%}
  {%- do checks.append(('null', c, c ~ ' is null')) -%}
{%- endfor -%}
{%- for c, values in accepted.items() -%}
  {%- set listed = [] -%}
  {%- for v in values -%}{%- do listed.append("'" ~ (v | replace("'", "''")) ~ "'") -%}{%- endfor -%}
  {%- do checks.append(('not_accepted', c, c ~ ' is not null and ' ~ c ~ ' not in (' ~ listed | join(', ') ~ ')')) -%}
{%- endfor -%}
with counts as (
    select
        {% for kind, column, condition in checks %}
        sum(case when {{ condition }} then 1 else 0 end) as n_{{ loop.index }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from {{ model }}
)
{% for kind, column, condition in checks %}
select '{{ kind }}' as violation, '{{ column }}' as column_name, n_{{ loop.index }} as row_count
from counts where n_{{ loop.index }} > 0
{% if not loop.last %}union all{% endif %}
{% endfor %}
{% endtest %}
