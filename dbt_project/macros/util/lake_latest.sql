{#- Keep the latest version of each key from a lake table that holds every version it ever saw. -#}
{% macro lake_latest(relation, key, version) -%}
select * from (
    select
        src.*,
        row_number() over (
            partition by {{ key | join(', ') }}
            order by {{ version }} desc, _batch_id desc
        ) as _version_rank
    from {{ relation }} as src
) as ranked
where _version_rank = 1
{%- endmacro %}
