-- TaiLieuNop: submitted documents of the latest version of each dossier; file paths are not carried.
with dossiers as (
    select dossier_code, source_version from {{ ref('stg_one_stop__dossiers') }}
)

select
    cast(t.MaHoSo as varchar) as dossier_code,
    t.STT as sequence_number,
    cast(t.MaThanhPhanHoSo as varchar) as component_code,
    coalesce(t.DuocSoHoa, 0) = 1 as is_digitised,
    coalesce(t.DuocTaiSuDung, 0) = 1 as is_reused,
    coalesce(t.DuocLayTuKhoDMQG, 0) = 1 as is_from_personal_data_store
from {{ source('one_stop', 'dossier_documents') }} as t
inner join dossiers as d
    on d.dossier_code = t.MaHoSo and d.source_version = t.NgayCapNhatHoSo
