-- Chỉ số giải quyết hồ sơ theo đơn vị: the same dossier KPIs as rpt_dossier_kpis (same macro, same
-- definitions), per reporting period and handling agency (đơn vị, DonViXuLy). One row per period and agency
-- that counted at least one dossier (received, in progress or awaiting receipt) in that period, with the
-- agency's administrative unit (MaDVHC) valid at the period end and the unit holding its territory today, so
-- figures can be read per administrative unit across the 2025 reorganisations.
with dossiers as (
    select * from {{ ref('fct_dossiers') }}
),

agencies as (
    select agency_code, agency_name, level, admin_unit_code from {{ ref('stg_one_stop__agencies') }}
),

admin_units as (
    select code, valid_from, valid_to, name, current_code, current_name from {{ ref('dim_admin_units') }}
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
    {{ dossier_kpi_counts('dossiers', 'periods', ['agency_code']) }}
)

select
    p.period_key,
    p.period_type,
    p.period_start,
    p.period_end,
    c.agency_code,
    a.agency_name,
    a.level,
    u.code as admin_unit_code,
    u.name as admin_unit_name,
    u.current_code as current_admin_unit_code,
    u.current_name as current_admin_unit_name,
    {% for measure in dossier_kpi_measures() %}
    c.{{ measure }},
    {% endfor %}
    {{ dossier_kpi_rates() }}
from counted as c
inner join periods as p on p.period_key = c.period_key
left join agencies as a on a.agency_code = c.agency_code
left join admin_units as u
    on u.code = a.admin_unit_code and p.period_end between u.valid_from and u.valid_to
