-- Chỉ số giải quyết hồ sơ: the province's dossier KPIs per reporting period and level, computed from
-- dossier-level data with the definitions of docs/kpi-definitions.md (received = carried over + new).
{% set levels = ['province', 'district', 'commune'] %}

with dossiers as (
    select * from {{ ref('fct_dossiers') }}
),

bounds as (
    select
        min(cast(coalesce(received_at, submitted_at) as date)) as first_day,
        max(cast(coalesce(ended_at, received_at, submitted_at) as date)) as last_day
    from dossiers
),

periods as (
    select p.*
    from {{ ref('dim_reporting_periods') }} as p
    cross join bounds as b
    where p.period_end >= b.first_day and p.period_start <= b.last_day
),

in_period as (
    -- every dossier the period has to count: received by its end and not ended before its start
    select
        p.period_key,
        {{ dbt.dateadd('second', 86399, 'cast(p.period_end as timestamp)') }} as period_end_at,
        d.dossier_code,
        d.level,
        d.channel,
        d.outcome,
        d.verdict,
        d.effective_due_at,
        case
            when d.ended_at is not null and cast(d.ended_at as date) <= p.period_end then 'ended'
            else 'open'
        end as state_at_end
    from periods as p
    inner join dossiers as d
        on d.received_at is not null
        and cast(d.received_at as date) <= p.period_end
        and (d.ended_at is null or cast(d.ended_at as date) >= p.period_start)
),

open_at_end as (
    select period_key, period_end_at, dossier_code from in_period where state_at_end = 'open'
),

supplements_at_period_end as (
    {{ supplements_at('open_at_end', 'period_end_at', ['period_key', 'dossier_code', 'period_end_at']) }}
),

judged as (
    -- dossiers still open at the period end are judged at that moment (rule 2.1)
    select
        i.*,
        case when i.state_at_end = 'open' then
            {{ on_time_verdict('i.period_end_at', 'i.effective_due_at', 'o.supplement_count',
                               'o.supplement_seconds') }}
        end as verdict_at_end
    from in_period as i
    left join supplements_at_period_end as o
        on o.period_key = i.period_key and o.dossier_code = i.dossier_code
),

awaiting as (
    select p.period_key, d.level, count(*) as awaiting_receipt
    from periods as p
    inner join dossiers as d
        on d.status = 1
        and d.submitted_at is not null
        and cast(d.submitted_at as date) <= p.period_end
        and (d.received_at is null or cast(d.received_at as date) > p.period_end)
    group by p.period_key, d.level
),

counted as (
    select
        period_key,
        level,
        count(*) as received,
        sum(case when channel = 2 then 1 else 0 end) as online,
        sum(case when channel = 1 then 1 else 0 end) as in_person,
        sum(case when channel = 3 then 1 else 0 end) as by_post,
        sum(case when state_at_end = 'ended' and outcome = 'resolved' then 1 else 0 end) as resolved,
        sum(case when state_at_end = 'ended' and outcome = 'withdrawn_or_stopped' then 1 else 0 end)
            as withdrawn_or_stopped,
        sum(case when state_at_end = 'ended' and outcome = 'resolved' and verdict = 'early' then 1 else 0 end) as early,
        sum(case when state_at_end = 'ended' and outcome = 'resolved' and verdict = 'on_time' then 1 else 0 end) as on_time,
        sum(case when state_at_end = 'ended' and outcome = 'resolved' and verdict = 'late' then 1 else 0 end) as late,
        sum(case when state_at_end = 'ended' and outcome = 'resolved' and verdict = 'not_judgeable' then 1 else 0 end)
            as not_judgeable,
        sum(case when state_at_end = 'open' then 1 else 0 end) as in_progress,
        sum(case when state_at_end = 'open' and verdict_at_end in ('early', 'on_time') then 1 else 0 end)
            as in_progress_within_deadline,
        sum(case when state_at_end = 'open' and verdict_at_end = 'late' then 1 else 0 end)
            as in_progress_over_deadline,
        sum(case when state_at_end = 'open' and verdict_at_end = 'not_judgeable' then 1 else 0 end)
            as in_progress_not_judgeable
    from judged
    group by period_key, level
),

levels as (
    {% for level in levels %}
    select '{{ level }}' as level{% if not loop.last %} union all{% endif %}
    {% endfor %}
),

grid as (
    select p.period_key, p.period_type, p.period_start, p.period_end, l.level
    from periods as p
    cross join levels as l
),

by_level as (
    select
        g.period_key,
        g.period_type,
        g.period_start,
        g.period_end,
        g.level,
        {% for metric in ['received', 'online', 'in_person', 'by_post', 'resolved', 'withdrawn_or_stopped',
                          'early', 'on_time', 'late', 'not_judgeable', 'in_progress',
                          'in_progress_within_deadline', 'in_progress_over_deadline', 'in_progress_not_judgeable'] %}
        coalesce(c.{{ metric }}, 0) as {{ metric }},
        {% endfor %}
        coalesce(a.awaiting_receipt, 0) as awaiting_receipt
    from grid as g
    left join counted as c on c.period_key = g.period_key and c.level = g.level
    left join awaiting as a on a.period_key = g.period_key and a.level = g.level
),

with_total as (
    select * from by_level
    union all
    select
        period_key, period_type, period_start, period_end, 'all' as level,
        {% for metric in ['received', 'online', 'in_person', 'by_post', 'resolved', 'withdrawn_or_stopped',
                          'early', 'on_time', 'late', 'not_judgeable', 'in_progress',
                          'in_progress_within_deadline', 'in_progress_over_deadline', 'in_progress_not_judgeable',
                          'awaiting_receipt'] %}
        sum({{ metric }}) as {{ metric }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from by_level
    group by period_key, period_type, period_start, period_end
)

select
    *,
    case when received > 0 then round(cast(100.0 * online / received as numeric), 2) end as online_rate,
    case when early + on_time + late > 0
        then round(cast(100.0 * (early + on_time) / (early + on_time + late) as numeric), 2) end as on_time_rate
from with_total
