{#- Rule 2.1 of Decision 766 (docs/kpi-definitions.md): the verdict of a dossier judged at `judged_at`.
    More than one supplement request is late; the citizen's supplement time (answered requests, plus an
    unanswered one up to `judged_at`) is subtracted; early/on time compare calendar days. -#}
{% macro adjusted_end(judged_at, answered_seconds, open_requested_at) -%}
  {{ dbt.dateadd('second',
       '-1 * (coalesce(' ~ answered_seconds ~ ', 0) + case when ' ~ open_requested_at ~ ' is not null and '
       ~ judged_at ~ ' > ' ~ open_requested_at ~ ' then ' ~ seconds_between(open_requested_at, judged_at)
       ~ ' else 0 end)',
       judged_at) }}
{%- endmacro %}

{% macro on_time_verdict(judged_at, due_at, supplement_count, answered_seconds, open_requested_at) -%}
  case
    when coalesce({{ supplement_count }}, 0) > 1 then 'late'
    when {{ due_at }} is null then 'not_judgeable'
    when {{ adjusted_end(judged_at, answered_seconds, open_requested_at) }} > {{ due_at }} then 'late'
    when cast({{ adjusted_end(judged_at, answered_seconds, open_requested_at) }} as date) < cast({{ due_at }} as date) then 'early'
    else 'on_time'
  end
{%- endmacro %}
