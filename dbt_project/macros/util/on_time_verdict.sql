{#- Rule 2.1 of Decision 766 (docs/kpi-definitions.md): the verdict of a dossier judged at `judged_at`,
    given the supplement requests made at or before that moment (their count, and the citizen's time on
    them, each counted up to the judging moment). More than one request is late; early/on time compare
    calendar days. -#}
{% macro on_time_verdict(judged_at, due_at, supplement_count, supplement_seconds) -%}
  {%- set adjusted_end = dbt.dateadd('second', '-1 * coalesce(' ~ supplement_seconds ~ ', 0)', judged_at) -%}
  case
    when coalesce({{ supplement_count }}, 0) > 1 then 'late'
    when {{ due_at }} is null then 'not_judgeable'
    when {{ adjusted_end }} > {{ due_at }} then 'late'
    when cast({{ adjusted_end }} as date) < cast({{ due_at }} as date) then 'early'
    else 'on_time'
  end
{%- endmacro %}

{#- Supplement requests of each row of `judged` (columns dossier_code, <judged_at>, plus `keys`) made at or
    before its judging moment: count and seconds, each request counted up to that moment. `supplements` names
    the requests to read (a CTE of the caller); the staging model when none. -#}
{% macro supplements_at(judged, judged_at, keys, supplements=none) -%}
select
    {% for key in keys %}j.{{ key }}, {% endfor %}
    count(s.requested_at) as supplement_count,
    coalesce(sum({{ seconds_between('s.requested_at',
        'case when s.answered_at is not null and s.answered_at < j.' ~ judged_at ~ ' then s.answered_at else j.' ~ judged_at ~ ' end') }}), 0)
        as supplement_seconds
from {{ judged }} as j
left join {{ supplements if supplements is not none else ref('stg_one_stop__dossier_supplements') }} as s
    on s.dossier_code = j.dossier_code and s.requested_at <= j.{{ judged_at }}
group by {% for key in keys %}j.{{ key }}{% if not loop.last %}, {% endif %}{% endfor %}
{%- endmacro %}
