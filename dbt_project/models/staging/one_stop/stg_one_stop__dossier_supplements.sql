-- DanhSachHoSoBoSung: supplement requests of the latest version of each dossier.
with dossiers as (
    select dossier_code, source_version from {{ ref('stg_one_stop__dossiers') }}
)

select
    cast(s.MaHoSo as varchar) as dossier_code,
    s.STT as sequence_number,
    {{ parse_dvcqg_timestamp('s.NgayBoSung') }} as requested_at,
    {{ parse_dvcqg_timestamp('s.NgayTiepNhanBoSung') }} as answered_at,
    {{ parse_dvcqg_timestamp('s.NgayHenTraTruoc') }} as previous_due_at,
    {{ parse_dvcqg_timestamp('s.NgayHenTraMoi') }} as new_due_at
from {{ source('one_stop', 'dossier_supplements') }} as s
inner join dossiers as d
    on d.dossier_code = s.MaHoSo and d.source_version = s.NgayCapNhatHoSo
