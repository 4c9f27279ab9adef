-- Thủ tục hành chính (TTHC): the latest version of each procedure, with its validity (valid_to inclusive,
-- null = not abolished). online_level is the current level; the dated history is
-- stg_one_stop__procedure_online_levels, and dim_procedures has one row per version.
-- NganhDoc, NgayHieuLuc and NgayHetHieuLuc came later to the lake contract: a lake whose procedure batches
-- all predate them reads them as null (resync the procedures stream to fill them) instead of failing.
{%- set present = [] -%}
{%- if execute -%}
    {%- set probe = run_query('select * from ' ~ source('one_stop', 'procedures') ~ ' as p limit 0') -%}
    {%- set present = probe.column_names | map('lower') | list -%}
{%- endif -%}
{%- set added = {'NganhDoc': 'integer', 'NgayHieuLuc': 'varchar', 'NgayHetHieuLuc': 'varchar'} %}

with latest as (
    {{ lake_latest(source('one_stop', 'procedures'), ['MaTTHC'], 'NgayCapNhat') }}
),

completed as (
    select
        latest.*
        {%- for name, type in added.items() if execute and (name | lower) not in present %},
        cast(null as {{ type }}) as {{ name }}
        {%- endfor %}
    from latest
)

select
    cast(MaTTHC as varchar) as procedure_code,
    TenTTHC as procedure_name,
    cast(MaLinhVuc as varchar) as field_code,
    TenLinhVuc as field_name,
    CapThucHien as levels,
    case MucDoDVC when 'TOAN_TRINH' then 'full' when 'MOT_PHAN' then 'partial' else 'none' end as online_level,
    ThoiHanGiaiQuyet as max_processing_days,
    cast(LePhi as bigint) as fee_vnd,
    coalesce(ThanhToanTrucTuyen, 0) = 1 as is_fee_payable_online,
    coalesce(LienThong, 0) = 1 as is_inter_agency,
    coalesce(BuuChinhCongIch, 0) = 1 as is_postal,
    coalesce(NganhDoc, 0) = 1 as is_vertical_sector,
    {{ parse_dvcqg_date('NgayHieuLuc') }} as valid_from,
    {{ parse_dvcqg_date('NgayHetHieuLuc') }} as valid_to,
    {{ parse_dvcqg_timestamp('NgayCapNhat') }} as updated_at,
    NgayCapNhat as source_version
from completed
