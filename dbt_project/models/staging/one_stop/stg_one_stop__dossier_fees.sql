-- DanhSachLePhi: fees of the latest version of each dossier, in VND.
with dossiers as (
    select dossier_code, source_version from {{ ref('stg_one_stop__dossiers') }}
)

select
    cast(f.MaHoSo as varchar) as dossier_code,
    f.STT as sequence_number,
    cast(f.MaPhiLePhi as varchar) as fee_code,
    f.TenPhiLePhi as fee_name,
    cast(f.Gia as bigint) as amount_vnd
from {{ source('one_stop', 'dossier_fees') }} as f
inner join dossiers as d
    on d.dossier_code = f.MaHoSo and d.source_version = f.NgayCapNhatHoSo
