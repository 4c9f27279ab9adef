{#- The dossier KPIs of one kind of period, in the shape the portal publishes (counts as bigint, rates with
    two decimals): one definition for the monthly and the quarterly dataset, so they never drift apart. -#}
{% macro published_dossier_kpis(period_type) -%}
select
    period_start,
    period_end,
    level,
    {%- for measure in ['received', 'online', 'in_person', 'by_post', 'resolved', 'early', 'on_time', 'late',
                        'in_progress', 'in_progress_within_deadline', 'in_progress_over_deadline',
                        'in_progress_not_judgeable', 'awaiting_receipt'] %}
    cast({{ measure }} as bigint) as {{ measure }},
    {%- endfor %}
    cast(online_rate as decimal(5, 2)) as online_rate,
    cast(on_time_rate as decimal(5, 2)) as on_time_rate
from {{ ref('rpt_dossier_kpis') }}
where period_type = '{{ period_type }}'
{%- endmacro %}
