-- Kỳ báo cáo: months, calendar quarters, years, official quarterly periods (15th of the month before the
-- quarter to the 14th of its last month) and the exact periods of the published reports.
with months as (
    {{ dbt.date_spine('month', "cast('2021-01-01' as date)", "cast('2027-01-01' as date)") }}
),

month_starts as (
    select cast(date_month as date) as month_start from months
),

calendar as (
    select
        'month' as period_type,
        month_start as period_start,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'month_start')) }} as date) as period_end
    from month_starts
    union all
    select
        'quarter',
        month_start,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 3, 'month_start')) }} as date)
    from month_starts
    where extract(month from month_start) in (1, 4, 7, 10)
    union all
    select
        'official_quarter',
        cast({{ dbt.dateadd('day', 14, dbt.dateadd('month', -1, 'month_start')) }} as date),
        cast({{ dbt.dateadd('day', 13, dbt.dateadd('month', 2, 'month_start')) }} as date)
    from month_starts
    where extract(month from month_start) in (1, 4, 7, 10)
    union all
    select
        'year',
        month_start,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('year', 1, 'month_start')) }} as date)
    from month_starts
    where extract(month from month_start) = 1
),

published as (
    select distinct 'published_report' as period_type, period_start, period_end
    from {{ ref('published_dossier_figures') }}
)

select
    period_type || ':' || cast(period_start as varchar) || ':' || cast(period_end as varchar) as period_key,
    period_type,
    period_start,
    period_end
from (select * from calendar union all select * from published) as periods
