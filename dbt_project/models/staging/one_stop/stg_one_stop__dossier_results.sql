-- DanhSachGiayToKetQua: result documents of the latest version of each dossier.
with dossiers as (
    select dossier_code, source_version from {{ ref('stg_one_stop__dossiers') }}
)

select
    cast(r.MaHoSo as varchar) as dossier_code,
    r.STT as sequence_number,
    cast(r.MaGiayToKetQua as varchar) as result_code,
    r.TenGiayTo as result_name,
    r.DuongDanTepTinKetQua is not null and trim(r.DuongDanTepTinKetQua) <> '' as has_electronic_file
from {{ source('one_stop', 'dossier_results') }} as r
inner join dossiers as d
    on d.dossier_code = r.MaHoSo and d.source_version = r.NgayCapNhatHoSo
