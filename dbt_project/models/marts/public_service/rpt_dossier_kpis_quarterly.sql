-- Chỉ số giải quyết hồ sơ theo kỳ báo cáo: the dossier KPIs per official quarterly reporting period (15th of the
-- month before the quarter to the 14th of its last month) and level — the dataset published on the
-- open-data portal (no personal data: counts and rates only), the same columns as the monthly one.
select
    period_start,
    period_end,
    level,
    cast(received as bigint) as received,
    cast(online as bigint) as online,
    cast(in_person as bigint) as in_person,
    cast(by_post as bigint) as by_post,
    cast(resolved as bigint) as resolved,
    cast(early as bigint) as early,
    cast(on_time as bigint) as on_time,
    cast(late as bigint) as late,
    cast(in_progress as bigint) as in_progress,
    cast(in_progress_within_deadline as bigint) as in_progress_within_deadline,
    cast(in_progress_over_deadline as bigint) as in_progress_over_deadline,
    cast(in_progress_not_judgeable as bigint) as in_progress_not_judgeable,
    cast(awaiting_receipt as bigint) as awaiting_receipt,
    cast(online_rate as decimal(5, 2)) as online_rate,
    cast(on_time_rate as decimal(5, 2)) as on_time_rate
from {{ ref('rpt_dossier_kpis') }}
where period_type = 'official_quarter'
