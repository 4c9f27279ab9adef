-- Lịch sử mức độ DVC trực tuyến: the online-level history of the latest version of each procedure, one row
-- per dated level (valid_to inclusive; null = still in force).
with procedures as (
    select procedure_code, source_version from {{ ref('stg_one_stop__procedures') }}
)

select
    cast(h.MaTTHC as varchar) as procedure_code,
    h.STT as sequence_number,
    case h.MucDoDVC when 'TOAN_TRINH' then 'full' when 'MOT_PHAN' then 'partial' else 'none' end as online_level,
    {{ parse_dvcqg_date('h.NgayHieuLuc') }} as valid_from,
    {{ parse_dvcqg_date('h.NgayHetHieuLuc') }} as valid_to
from {{ source('one_stop', 'procedure_online_levels') }} as h
inner join procedures as p
    on p.procedure_code = h.MaTTHC and p.source_version = h.NgayCapNhatTTHC
