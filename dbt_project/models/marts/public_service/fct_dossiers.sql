-- One row per dossier (hồ sơ): level, agency, procedure, channel, dates, outcome and rule-2.1 verdict.
with dossiers as (
    select * from {{ ref('stg_one_stop__dossiers') }}
),

agencies as (
    select agency_code, agency_name, level, admin_unit_code from {{ ref('stg_one_stop__agencies') }}
),

procedures as (
    select procedure_code, max_processing_days, online_level, fee_vnd, is_inter_agency
    from {{ ref('stg_one_stop__procedures') }}
),

supplements as (
    select dossier_code, count(*) as supplement_count
    from {{ ref('stg_one_stop__dossier_supplements') }}
    group by dossier_code
),

fees as (
    select dossier_code, sum(amount_vnd) as fee_total_vnd
    from {{ ref('stg_one_stop__dossier_fees') }}
    group by dossier_code
),

documents as (
    select
        dossier_code,
        max(case when is_digitised then 1 else 0 end) = 1 as has_digitised_document,
        max(case when is_reused then 1 else 0 end) = 1 as has_reused_document,
        max(case when is_from_personal_data_store then 1 else 0 end) = 1 as has_personal_store_document
    from {{ ref('stg_one_stop__dossier_documents') }}
    group by dossier_code
),

results as (
    select dossier_code, max(case when has_electronic_file then 1 else 0 end) = 1 as has_electronic_result
    from {{ ref('stg_one_stop__dossier_results') }}
    group by dossier_code
),

joined as (
    select
        d.*,
        a.agency_name,
        a.level,
        a.admin_unit_code as agency_admin_unit_code,
        p.online_level as procedure_online_level,
        p.max_processing_days,
        p.is_inter_agency,
        coalesce(s.supplement_count, 0) as supplement_count,
        coalesce(f.fee_total_vnd, 0) as fee_total_vnd,
        coalesce(doc.has_digitised_document, false) as has_digitised_document,
        coalesce(doc.has_reused_document, false) as has_reused_document,
        coalesce(doc.has_personal_store_document, false) as has_personal_store_document,
        coalesce(r.has_electronic_result, false) as has_electronic_result,
        case
            when d.status in (9, 10) then 'resolved'
            when d.status in (3, 7, 8) then 'withdrawn_or_stopped'
            else 'open'
        end as outcome,
        case
            when d.status in (3, 7, 8, 9, 10) then coalesce(
                d.processing_ended_at,
                case when d.status = 10 then d.returned_at end,
                case when d.status = 3 then d.rejected_at end
            )
        end as ended_at,
        coalesce(
            d.due_at,
            case when p.max_processing_days is not null
                then {{ dbt.dateadd('day', 'p.max_processing_days', 'd.received_at') }} end
        ) as effective_due_at
    from dossiers as d
    left join agencies as a on a.agency_code = d.agency_code
    left join procedures as p on p.procedure_code = d.procedure_code
    left join supplements as s on s.dossier_code = d.dossier_code
    left join fees as f on f.dossier_code = d.dossier_code
    left join documents as doc on doc.dossier_code = d.dossier_code
    left join results as r on r.dossier_code = d.dossier_code
),

ended_dossiers as (
    select dossier_code, ended_at from joined where ended_at is not null
),

supplements_at_end as (
    {{ supplements_at('ended_dossiers', 'ended_at', ['dossier_code']) }}
)

select
    j.*,
    j.fee_total_vnd > 0 as is_fee_bearing,
    case when j.ended_at is not null then
        {{ on_time_verdict('j.ended_at', 'j.effective_due_at', 'e.supplement_count', 'e.supplement_seconds') }}
    end as verdict
from joined as j
left join supplements_at_end as e on e.dossier_code = j.dossier_code
