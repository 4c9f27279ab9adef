{#- The dossier KPI measures of docs/kpi-definitions.md, in one place: rpt_dossier_kpis (per level) and
    rpt_dossier_kpis_by_agency (per agency) call the same macro, so the two can never drift apart. -#}

{#- Additive count measures, in output order (awaiting_receipt last: it is counted outside `received`). -#}
{% macro dossier_kpi_measures() -%}
  {{ return(['received', 'online', 'in_person', 'by_post', 'resolved', 'withdrawn_or_stopped',
             'early', 'on_time', 'late', 'not_judgeable', 'in_progress',
             'in_progress_within_deadline', 'in_progress_over_deadline', 'in_progress_not_judgeable',
             'awaiting_receipt']) }}
{%- endmacro %}

{#- A query giving, for every period of `periods` (columns period_key, period_start, period_end) and every
    value of `group_by` (columns of `dossiers`, a relation shaped like fct_dossiers), the count measures of
    dossier_kpi_measures(). Only groups with at least one counted dossier appear. Dossiers still open at a
    period's end are judged at that moment (rule 2.1), with the supplement requests made up to then. -#}
{% macro dossier_kpi_counts(dossiers, periods, group_by) -%}
with in_period as (
    -- every dossier the period has to count: received by its end and not ended before its start
    select
        p.period_key,
        {{ dbt.dateadd('second', 86399, 'cast(p.period_end as timestamp)') }} as period_end_at,
        d.dossier_code,
        {% for column in group_by %}d.{{ column }},{% endfor %}
        d.channel,
        d.outcome,
        d.verdict,
        d.effective_due_at,
        case
            when d.ended_at is not null and cast(d.ended_at as date) <= p.period_end then 'ended'
            else 'open'
        end as state_at_end
    from {{ periods }} as p
    inner join {{ dossiers }} as d
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

counted as (
    select
        period_key,
        {% for column in group_by %}{{ column }},{% endfor %}
        count(*) as received,
        sum(case when channel = 2 then 1 else 0 end) as online,
        sum(case when channel = 1 then 1 else 0 end) as in_person,
        sum(case when channel = 3 then 1 else 0 end) as by_post,
        sum(case when state_at_end = 'ended' and outcome = 'resolved' then 1 else 0 end) as resolved,
        sum(case when state_at_end = 'ended' and outcome = 'withdrawn_or_stopped' then 1 else 0 end)
            as withdrawn_or_stopped,
        sum(case when state_at_end = 'ended' and outcome = 'resolved' and verdict = 'early' then 1 else 0 end)
            as early,
        sum(case when state_at_end = 'ended' and outcome = 'resolved' and verdict = 'on_time' then 1 else 0 end)
            as on_time,
        sum(case when state_at_end = 'ended' and outcome = 'resolved' and verdict = 'late' then 1 else 0 end)
            as late,
        sum(case when state_at_end = 'ended' and outcome = 'resolved' and verdict = 'not_judgeable'
            then 1 else 0 end) as not_judgeable,
        sum(case when state_at_end = 'open' then 1 else 0 end) as in_progress,
        sum(case when state_at_end = 'open' and verdict_at_end in ('early', 'on_time') then 1 else 0 end)
            as in_progress_within_deadline,
        sum(case when state_at_end = 'open' and verdict_at_end = 'late' then 1 else 0 end)
            as in_progress_over_deadline,
        sum(case when state_at_end = 'open' and verdict_at_end = 'not_judgeable' then 1 else 0 end)
            as in_progress_not_judgeable,
        0 as awaiting_receipt
    from judged
    group by period_key{% for column in group_by %}, {{ column }}{% endfor %}
),

awaiting as (
    -- submitted (status 1) by the period end and not received by then: outside `received`
    select
        p.period_key,
        {% for column in group_by %}d.{{ column }},{% endfor %}
        {% for measure in dossier_kpi_measures() if measure != 'awaiting_receipt' %}0 as {{ measure }},{% endfor %}
        count(*) as awaiting_receipt
    from {{ periods }} as p
    inner join {{ dossiers }} as d
        on d.status = 1
        and d.submitted_at is not null
        and cast(d.submitted_at as date) <= p.period_end
        and (d.received_at is null or cast(d.received_at as date) > p.period_end)
    group by p.period_key{% for column in group_by %}, d.{{ column }}{% endfor %}
),

both_parts as (
    select * from counted
    union all
    select * from awaiting
)

select
    period_key,
    {% for column in group_by %}{{ column }},{% endfor %}
    {% for measure in dossier_kpi_measures() %}
    cast(sum({{ measure }}) as bigint) as {{ measure }}{% if not loop.last %},{% endif %}
    {% endfor %}
from both_parts
group by period_key{% for column in group_by %}, {{ column }}{% endfor %}
{%- endmacro %}

{#- online_rate and on_time_rate (rule 2.1 as the province reports it), 2 decimals, NULL on a zero
    denominator. decimal(18, 6), not bare numeric: DuckDB's numeric is decimal(18, 3), so it rounded twice
    (36/294 = 12,2449 % became 12,245 then 12,25) and disagreed with PostgreSQL's exact 12,24. -#}
{% macro dossier_kpi_rates() -%}
    case when received > 0 then round(cast(100.0 * online / received as decimal(18, 6)), 2) end as online_rate,
    case when early + on_time + late > 0
        then round(cast(100.0 * (early + on_time) / (early + on_time + late) as decimal(18, 6)), 2) end as on_time_rate
{%- endmacro %}

{#- A rate in percent rounded to 2 decimals; NULL (N/A) when the denominator is 0 (Decision 766). -#}
{% macro percent_rate(numerator, denominator) -%}
    case when {{ denominator }} > 0
        then round(cast(100.0 * {{ numerator }} / {{ denominator }} as decimal(18, 6)), 2) end
{%- endmacro %}
