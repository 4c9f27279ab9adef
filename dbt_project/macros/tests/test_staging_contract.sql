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

{#- Warning severity: required columns are filled and listed columns keep to their accepted values. -#}
{% test staging_values(model, required=[], accepted={}) %}
select * from (
    select 'no_violation' as violation, '' as column_name, 0 as row_count where 1 = 0
    {% for c in required %}
    union all
    select 'null', '{{ c }}', count(*) from {{ model }} where {{ c }} is null having count(*) > 0
    {% endfor %}
    {% for c, values in accepted.items() %}
    union all
    select 'not_accepted', '{{ c }}', count(*) from {{ model }}
    where {{ c }} is not null and {{ c }} not in (
        {% for v in values %}'{{ v | replace("'", "''") }}'{% if not loop.last %}, {% endif %}{% endfor %}
    )
    having count(*) > 0
    {% endfor %}
) as violations
{% endtest %}
