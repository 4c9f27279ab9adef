-- One row per dossier (hồ sơ): level, agency, procedure, field, channel, applicant type, dates, outcome,
-- supplements, the rule-2.1 verdict, fee/payment, digitisation, reuse and VNeID flags, and the
-- administrative unit of the handling agency valid at receipt with the unit holding its territory today.
-- Incremental (dbt_project.yml): a night rebuilds the dossiers its new batches touched
-- (macros/util/incremental_dossiers.sql); the nested lists are tied to a dossier version, so the dossier and
-- list tables name every change, and a changed agency or procedure catalogue rebuilds every dossier.
-- depends_on: {{ ref('stg_one_stop__changes') }}
{%- set changes = dossier_changes(
    ['dossiers', 'dossier_supplements', 'dossier_fees', 'dossier_documents', 'dossier_results'],
    catalogue=['agencies', 'procedures']) %}

with dossiers as (
    select * from {{ ref('stg_one_stop__dossiers') }} {{ where_dossier_in('dossier_code', changes.codes) }}
),

supplement_requests as (
    select * from {{ ref('stg_one_stop__dossier_supplements') }} {{ where_dossier_in('dossier_code', changes.codes) }}
),

agencies as (
    select agency_code, agency_name, level, admin_unit_code from {{ ref('stg_one_stop__agencies') }}
),

procedures as (
    select procedure_code, max_processing_days, online_level, fee_vnd, is_inter_agency, is_fee_payable_online
    from {{ ref('stg_one_stop__procedures') }}
),

supplements as (
    select dossier_code, count(*) as supplement_count
    from supplement_requests
    group by dossier_code
),

fees as (
    select dossier_code, sum(amount_vnd) as fee_total_vnd
    from {{ ref('stg_one_stop__dossier_fees') }} {{ where_dossier_in('dossier_code', changes.codes) }}
    group by dossier_code
),

documents as (
    select
        dossier_code,
        max(case when is_digitised then 1 else 0 end) = 1 as has_digitised_document,
        max(case when is_reused then 1 else 0 end) = 1 as has_reused_document,
        max(case when is_from_personal_data_store then 1 else 0 end) = 1 as has_personal_store_document
    from {{ ref('stg_one_stop__dossier_documents') }} {{ where_dossier_in('dossier_code', changes.codes) }}
    group by dossier_code
),

results as (
    select dossier_code, max(case when has_electronic_file then 1 else 0 end) = 1 as has_electronic_result
    from {{ ref('stg_one_stop__dossier_results') }} {{ where_dossier_in('dossier_code', changes.codes) }}
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
        p.is_fee_payable_online as is_procedure_fee_payable_online,
        coalesce(s.supplement_count, 0) as supplement_count,
        coalesce(f.fee_total_vnd, 0) as fee_total_vnd,
        coalesce(doc.has_digitised_document, false) as has_digitised_document,
        coalesce(doc.has_reused_document, false) as has_reused_document,
        coalesce(doc.has_personal_store_document, false) as has_personal_store_document,
        coalesce(r.has_electronic_result, false) as has_electronic_result,
        {{ dossier_outcome('d.status') }} as outcome,
        {{ dossier_ended_at('d.status', 'd.processing_ended_at', 'd.returned_at', 'd.rejected_at') }} as ended_at,
        {{ dossier_effective_due_at('d.due_at', 'd.received_at', 'p.max_processing_days') }} as effective_due_at
    from dossiers as d
    left join agencies as a on a.agency_code = d.agency_code
    left join procedures as p on p.procedure_code = d.procedure_code
    left join supplements as s on s.dossier_code = d.dossier_code
    left join fees as f on f.dossier_code = d.dossier_code
    left join documents as doc on doc.dossier_code = d.dossier_code
    left join results as r on r.dossier_code = d.dossier_code
),

admin_units as (
    select admin_unit_key, code, valid_from, valid_to, name, unit_tier, current_code, current_name
    from {{ ref('dim_admin_units') }}
),

ended_dossiers as (
    select dossier_code, ended_at from joined where ended_at is not null
),

answered_supplements as (
    -- open dossiers: the citizen's time on requests already answered (unanswered ones are judged at each
    -- period end by the KPI models, so no moment is invented here)
    select
        dossier_code,
        coalesce(sum({{ seconds_between('requested_at', 'answered_at') }}), 0) as supplement_seconds
    from supplement_requests
    where answered_at is not null
    group by dossier_code
),

supplements_at_end as (
    {{ supplements_at('ended_dossiers', 'ended_at', ['dossier_code'], 'supplement_requests') }}
)

select
    j.*,
    case
        when j.ended_at is not null then coalesce(e.supplement_seconds, 0)
        else coalesce(sa.supplement_seconds, 0)
    end as supplement_seconds,
    case when j.ended_at is not null and j.received_at is not null
        then {{ seconds_between('j.received_at', 'j.ended_at') }} end as processing_seconds,
    j.fee_total_vnd > 0 as is_fee_bearing,
    case when j.ended_at is not null then
        {{ on_time_verdict('j.ended_at', 'j.effective_due_at', 'e.supplement_count', 'e.supplement_seconds') }}
    end as verdict,
    u.admin_unit_key as admin_unit_key_at_receipt,
    u.code as admin_unit_code_at_receipt,
    u.name as admin_unit_name_at_receipt,
    u.unit_tier as admin_unit_tier,
    u.current_code as current_admin_unit_code,
    u.current_name as current_admin_unit_name,
    {{ watermark_column(changes) }}
from joined as j
left join supplements_at_end as e on e.dossier_code = j.dossier_code
left join answered_supplements as sa on sa.dossier_code = j.dossier_code
left join admin_units as u
    on u.code = j.agency_admin_unit_code
    and cast(coalesce(j.received_at, j.submitted_at) as date) between u.valid_from and u.valid_to
