-- Chỉ số giải quyết hồ sơ: the province's dossier KPIs per reporting period and level, computed from
-- dossier-level data with the definitions of docs/kpi-definitions.md (received = carried over + new).
-- The measures come from the macro dossier_kpi_counts, shared with rpt_dossier_kpis_by_agency.
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

counted as (
    {{ dossier_kpi_counts('dossiers', 'periods', ['level']) }}
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
    -- every period × level, zeros where nothing was counted
    select
        g.period_key,
        g.period_type,
        g.period_start,
        g.period_end,
        g.level,
        {% for measure in dossier_kpi_measures() %}
        coalesce(c.{{ measure }}, 0) as {{ measure }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from grid as g
    left join counted as c on c.period_key = g.period_key and c.level = g.level
),

with_total as (
    select * from by_level
    union all
    select
        period_key, period_type, period_start, period_end, 'all' as level,
        {% for measure in dossier_kpi_measures() %}
        sum({{ measure }}) as {{ measure }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from by_level
    group by period_key, period_type, period_start, period_end
)

select
    *,
    {{ dossier_kpi_rates() }}
from with_total
