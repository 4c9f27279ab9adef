-- Thủ tục hành chính theo phiên bản — one row per procedure version: a span of days over which the procedure
-- is in force with one online level (its dated history, clipped to the procedure's own validity). A procedure
-- without a history in the source keeps one version with its current level. valid_to is inclusive; null
-- valid_from / valid_to mean "since always" / "still in force".
with procedures as (
    select * from {{ ref('stg_one_stop__procedures') }}
),

history as (
    select * from {{ ref('stg_one_stop__procedure_online_levels') }}
),

with_history as (
    select distinct procedure_code from history
),

versions as (
    select
        p.procedure_code,
        h.online_level,
        case
            when p.valid_from is null then h.valid_from
            when h.valid_from is null or h.valid_from < p.valid_from then p.valid_from
            else h.valid_from
        end as valid_from,
        case
            when p.valid_to is null then h.valid_to
            when h.valid_to is null or h.valid_to > p.valid_to then p.valid_to
            else h.valid_to
        end as valid_to
    from procedures as p
    inner join history as h on h.procedure_code = p.procedure_code
    union all
    select p.procedure_code, p.online_level, p.valid_from, p.valid_to
    from procedures as p
    where not exists (select 1 from with_history as w where w.procedure_code = p.procedure_code)
)

select
    v.procedure_code || '@' || coalesce(cast(v.valid_from as varchar), 'start') as procedure_version_key,
    v.procedure_code,
    p.procedure_name,
    p.field_code,
    p.field_name,
    p.levels,
    case p.levels when 'TINH' then 'province' when 'HUYEN' then 'district' when 'XA' then 'commune'
        else 'multiple' end as level,
    p.levels like '%TINH%' as is_province_level,
    p.levels like '%HUYEN%' as is_district_level,
    p.levels like '%XA%' as is_commune_level,
    v.online_level,
    p.max_processing_days,
    p.fee_vnd,
    p.is_fee_payable_online and v.online_level <> 'none' as is_fee_payable_online,
    p.is_inter_agency,
    p.is_postal,
    p.is_vertical_sector,
    v.valid_from,
    v.valid_to,
    (v.valid_from is null or v.valid_from <= current_date)
        and (v.valid_to is null or v.valid_to >= current_date) as is_current
from versions as v
inner join procedures as p on p.procedure_code = v.procedure_code
-- a history span wholly outside the procedure's validity is no version of it
where v.valid_from is null or v.valid_to is null or v.valid_from <= v.valid_to
