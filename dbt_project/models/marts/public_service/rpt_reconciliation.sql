-- Đối chiếu số liệu: the figures the province published in its reports beside the same figures recomputed
-- from dossier-level data for exactly the published periods, with the difference. Published figures are
-- shown as printed, including their known inconsistencies; nothing is "fixed" on either side.
{% set metrics = {
    'received': 'received',
    'online': 'online',
    'resolved': 'resolved',
    'early': 'early',
    'on_time': 'on_time',
    'late': 'late',
    'early_or_on_time': 'early + on_time',
    'in_progress': 'in_progress',
    'in_progress_within_deadline': 'in_progress_within_deadline',
    'in_progress_over_deadline': 'in_progress_over_deadline',
    'awaiting_receipt': 'awaiting_receipt',
    'online_rate': 'online_rate',
    'on_time_rate': 'on_time_rate',
} %}

with recomputed as (
    {% for metric, expression in metrics.items() %}
    select
        period_start,
        period_end,
        level,
        '{{ metric }}' as metric,
        cast({{ expression }} as decimal(18, 2)) as recomputed_value
    from {{ ref('rpt_dossier_kpis') }}
    where period_type = 'published_report'
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

published as (
    select report, period_start, period_end, level, metric, value as published_value, source
    from {{ ref('published_dossier_figures') }}
)

select
    p.report,
    p.period_start,
    p.period_end,
    p.level,
    p.metric,
    p.published_value,
    r.recomputed_value,
    r.recomputed_value - p.published_value as difference,
    case
        when r.recomputed_value is null then 'not recomputed'
        when r.recomputed_value = p.published_value then 'match'
        else 'differs'
    end as status,
    p.source
from published as p
left join recomputed as r
    on r.period_start = p.period_start
    and r.period_end = p.period_end
    and r.level = p.level
    and r.metric = p.metric
