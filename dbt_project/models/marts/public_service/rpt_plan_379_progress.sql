-- Tiến độ Kế hoạch 379/KH-UBND: per calendar quarter and year and per level ('all' = the whole province),
-- the online dossier share (online / received, received = carried over + new, as the province reports it)
-- and the share of procedures in force offered as full online services, each against its 2025 target
-- (seed plan_379_targets), with the gap in percentage points (positive = above the target).
with kpis as (
    select period_key, period_type, period_start, period_end, level, received, online, online_rate
    from {{ ref('rpt_dossier_kpis') }}
    where period_type in ('quarter', 'year')
),

targets as (
    select * from {{ ref('plan_379_targets') }}
),

procedures as (
    -- procedure versions: the online level in force over each span of days (dated history)
    select procedure_code, levels, online_level, valid_from, valid_to
    from {{ ref('dim_procedures') }}
),

procedure_levels as (
    -- a procedure counts for every level that performs it (CapThucHien), and once for the province
    select procedure_code, online_level, valid_from, valid_to, 'all' as level from procedures
    union all
    select procedure_code, online_level, valid_from, valid_to, 'province' from procedures
    where ',' || levels || ',' like '%,TINH,%'
    union all
    select procedure_code, online_level, valid_from, valid_to, 'district' from procedures
    where ',' || levels || ',' like '%,HUYEN,%'
    union all
    select procedure_code, online_level, valid_from, valid_to, 'commune' from procedures
    where ',' || levels || ',' like '%,XA,%'
),

procedure_shares as (
    -- procedures in force on the period's last day, at the online level of that day
    select
        k.period_key,
        k.level,
        count(pl.procedure_code) as procedures_in_force,
        sum(case when pl.online_level = 'full' then 1 else 0 end) as full_online_procedures
    from kpis as k
    inner join procedure_levels as pl
        on pl.level = k.level
        and (pl.valid_from is null or pl.valid_from <= k.period_end)
        and (pl.valid_to is null or pl.valid_to >= k.period_end)
    group by k.period_key, k.level
),

online_target as (
    select target_year, target_percent, comparison from targets where target_code = 'online_dossier_share'
),

full_online_target as (
    select target_percent from targets where target_code = 'full_online_procedure_share'
),

measured as (
    select
        k.period_type as grain,
        k.period_start,
        k.period_end,
        cast(extract(year from k.period_start) as integer) as year,
        k.level,
        cast(k.received as bigint) as received,
        cast(k.online as bigint) as online,
        cast(k.online_rate as decimal(5, 2)) as online_rate,
        cast(coalesce(ps.procedures_in_force, 0) as bigint) as procedures_in_force,
        cast(coalesce(ps.full_online_procedures, 0) as bigint) as full_online_procedures,
        cast({{ percent_rate('ps.full_online_procedures', 'ps.procedures_in_force') }} as decimal(5, 2))
            as full_online_procedure_share,
        ot.target_year,
        ot.comparison as online_target_comparison,
        cast(ot.target_percent as decimal(5, 2)) as online_rate_target,
        cast(ft.target_percent as decimal(5, 2)) as full_online_procedure_target
    from kpis as k
    left join procedure_shares as ps on ps.period_key = k.period_key and ps.level = k.level
    cross join online_target as ot
    cross join full_online_target as ft
)

select
    grain,
    period_start,
    period_end,
    year,
    level,
    received,
    online,
    online_rate,
    online_rate_target,
    cast(online_rate - online_rate_target as decimal(6, 2)) as online_rate_gap,
    case
        when online_rate is null then null
        when online_target_comparison = 'above' then online_rate > online_rate_target
        else online_rate >= online_rate_target
    end as online_target_met,
    procedures_in_force,
    full_online_procedures,
    full_online_procedure_share,
    full_online_procedure_target,
    cast(full_online_procedure_share - full_online_procedure_target as decimal(6, 2))
        as full_online_procedure_gap,
    target_year
from measured
