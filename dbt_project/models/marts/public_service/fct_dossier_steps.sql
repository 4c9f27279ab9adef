-- Bước xử lý hồ sơ — one row per processing step (CapNhatTienDoHoSoMC): when it started (the previous step's
-- moment, or NgayBatDau for the first), how long it took, and whether it was done by the regulated end
-- NgayKetThucTheoQuyDinh (null when either moment is missing).
-- Incremental like fct_dossiers (dbt_project.yml, macros/util/incremental_dossiers.sql): a night rebuilds
-- every step of the dossiers whose steps, or whose agency and procedure, its new batches touched.
-- depends_on: {{ ref('stg_one_stop__changes') }}
-- depends_on: {{ ref('stg_one_stop__processing_step_changes') }}
{%- set changes = dossier_changes(
    ['dossiers', 'processing_steps'],
    feeds=['stg_one_stop__changes', 'stg_one_stop__processing_step_changes']) %}

with steps as (
    select * from {{ ref('stg_one_stop__processing_steps') }} {{ where_dossier_in('dossier_code', changes.codes) }}
),

dossiers as (
    select dossier_code, agency_code, procedure_code
    from {{ ref('stg_one_stop__dossiers') }} {{ where_dossier_in('dossier_code', changes.codes) }}
),

ordered as (
    select
        s.*,
        lag(s.processed_at) over (partition by s.dossier_code order by s.sequence_number) as previous_processed_at
    from steps as s
),

timed as (
    select
        o.*,
        coalesce(o.previous_processed_at, o.started_at) as step_started_at
    from ordered as o
)

select
    t.dossier_code || '#' || cast(t.sequence_number as varchar) as step_key,
    t.dossier_code,
    t.sequence_number,
    d.agency_code,
    d.procedure_code,
    t.step_status,
    t.action,
    t.department,
    t.officer_title,
    t.started_at,
    t.step_started_at,
    t.processed_at,
    t.due_at,
    case when t.step_started_at is not null and t.processed_at is not null
        then {{ seconds_between('t.step_started_at', 't.processed_at') }} end as duration_seconds,
    case when t.started_at is not null and t.processed_at is not null
        then {{ seconds_between('t.started_at', 't.processed_at') }} end as elapsed_seconds,
    case when t.due_at is null or t.processed_at is null then null
        else t.processed_at <= t.due_at end as is_within_regulated_end,
    {{ watermark_column(changes) }}
from timed as t
left join dossiers as d on d.dossier_code = t.dossier_code
