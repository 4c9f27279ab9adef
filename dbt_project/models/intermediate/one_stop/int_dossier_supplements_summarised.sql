-- Per dossier: how many supplement requests, the citizen's time on answered ones, and the open one.
select
    dossier_code,
    count(*) as supplement_count,
    sum(case when answered_at is not null then {{ seconds_between('requested_at', 'answered_at') }} else 0 end)
        as answered_supplement_seconds,
    min(case when answered_at is null then requested_at end) as open_supplement_requested_at
from {{ ref('stg_one_stop__dossier_supplements') }}
group by dossier_code
