-- Chỉ số danh mục thủ tục hành chính — per reporting period and level ('all' for the province): the
-- one-stop catalogue in force on the period's last day (procedures, inter-agency, online full / partial /
-- not, public post), and how many of them had dossiers in the period. "Had dossiers" uses the received
-- definition of rpt_dossier_kpis (received by the period end and not ended before its start); for the
-- online levels it counts online dossiers (KenhThucHien = 2), as the province's "DVCTT có phát sinh hồ sơ".
-- Procedures of vertical sectors (police, tax, social insurance) are counted apart, as the reports do.
{% set levels = {'province': 'is_province_level', 'district': 'is_district_level', 'commune': 'is_commune_level'} %}
{% set metrics = ['procedures', 'inter_agency', 'online_full', 'online_partial', 'not_online',
                  'procedures_with_dossiers', 'procedures_without_dossiers',
                  'online_full_with_dossiers', 'online_full_without_dossiers',
                  'online_partial_with_dossiers', 'online_partial_without_dossiers',
                  'postal', 'vertical_sector_procedures'] %}

with procedures as (
    select * from {{ ref('dim_procedures') }}
),

dossiers as (
    select procedure_code, channel, received_at, submitted_at, ended_at from {{ ref('fct_dossiers') }}
),

bounds as (
    select
        min(cast(coalesce(received_at, submitted_at) as date)) as first_day,
        max(cast(coalesce(ended_at, received_at, submitted_at) as date)) as last_day
    from dossiers
),

periods as (
    select p.period_key, p.period_type, p.period_start, p.period_end
    from {{ ref('dim_reporting_periods') }} as p
    cross join bounds as b
    where p.period_type in ('official_quarter', 'published_report')
        and p.period_end >= b.first_day
        and p.period_start <= b.last_day
),

catalogue as (
    -- the version of each procedure in force on the period's last day
    select
        p.period_key,
        v.procedure_code,
        v.online_level,
        v.is_inter_agency,
        v.is_postal,
        v.is_vertical_sector,
        v.is_province_level,
        v.is_district_level,
        v.is_commune_level
    from periods as p
    inner join procedures as v
        on (v.valid_from is null or v.valid_from <= p.period_end)
        and (v.valid_to is null or v.valid_to >= p.period_end)
),

used as (
    select
        p.period_key,
        d.procedure_code,
        max(case when d.channel = 2 then 1 else 0 end) as has_online_dossier
    from periods as p
    inner join dossiers as d
        on d.received_at is not null
        and cast(d.received_at as date) <= p.period_end
        and (d.ended_at is null or cast(d.ended_at as date) >= p.period_start)
    group by p.period_key, d.procedure_code
),

flagged as (
    select
        c.*,
        case when u.procedure_code is not null then 1 else 0 end as has_dossiers,
        coalesce(u.has_online_dossier, 0) as has_online_dossiers
    from catalogue as c
    left join used as u on u.period_key = c.period_key and u.procedure_code = c.procedure_code
),

leveled as (
    {% for level, flag in levels.items() %}
    select '{{ level }}' as level, f.* from flagged as f where f.{{ flag }}
    union all
    {% endfor %}
    select 'all' as level, f.* from flagged as f
),

counted as (
    select
        period_key,
        level,
        sum(case when not is_vertical_sector then 1 else 0 end) as procedures,
        sum(case when not is_vertical_sector and is_inter_agency then 1 else 0 end) as inter_agency,
        sum(case when not is_vertical_sector and online_level = 'full' then 1 else 0 end) as online_full,
        sum(case when not is_vertical_sector and online_level = 'partial' then 1 else 0 end) as online_partial,
        sum(case when not is_vertical_sector and online_level = 'none' then 1 else 0 end) as not_online,
        sum(case when not is_vertical_sector and has_dossiers = 1 then 1 else 0 end) as procedures_with_dossiers,
        sum(case when not is_vertical_sector and has_dossiers = 0 then 1 else 0 end)
            as procedures_without_dossiers,
        sum(case when not is_vertical_sector and online_level = 'full' and has_online_dossiers = 1
            then 1 else 0 end) as online_full_with_dossiers,
        sum(case when not is_vertical_sector and online_level = 'full' and has_online_dossiers = 0
            then 1 else 0 end) as online_full_without_dossiers,
        sum(case when not is_vertical_sector and online_level = 'partial' and has_online_dossiers = 1
            then 1 else 0 end) as online_partial_with_dossiers,
        sum(case when not is_vertical_sector and online_level = 'partial' and has_online_dossiers = 0
            then 1 else 0 end) as online_partial_without_dossiers,
        sum(case when not is_vertical_sector and is_postal then 1 else 0 end) as postal,
        sum(case when is_vertical_sector then 1 else 0 end) as vertical_sector_procedures
    from leveled
    group by period_key, level
),

levels as (
    {% for level in levels.keys() | list + ['all'] %}
    select '{{ level }}' as level{% if not loop.last %} union all{% endif %}
    {% endfor %}
),

grid as (
    select p.period_key, p.period_type, p.period_start, p.period_end, l.level
    from periods as p
    cross join levels as l
)

select
    g.period_key || ':' || g.level as report_key,
    g.period_key,
    g.period_type,
    g.period_start,
    g.period_end,
    g.level,
    {% for metric in metrics %}
    coalesce(c.{{ metric }}, 0) as {{ metric }},
    {% endfor %}
    case when coalesce(c.procedures, 0) > 0
        then round(cast(100.0 * (c.online_full + c.online_partial) / c.procedures as numeric), 2) end as online_rate,
    case when coalesce(c.procedures, 0) > 0
        then round(cast(100.0 * c.online_full / c.procedures as numeric), 2) end as online_full_rate
from grid as g
left join counted as c on c.period_key = g.period_key and c.level = g.level
