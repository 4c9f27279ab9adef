-- Tiến độ xử lý: the latest version of each processing step. Officer names stay in the lake.
with latest as (
    {{ lake_latest(source('one_stop', 'processing_steps'), ['MaHoSo', 'STT'], 'NgayCapNhat') }}
)

select
    cast(MaHoSo as varchar) as dossier_code,
    STT as sequence_number,
    ChucDanh as officer_title,
    PhongBanXuLy as department,
    NoiDungXuLy as action,
    TrangThai as step_status,
    {{ parse_dvcqg_timestamp('ThoiDiemXuLy') }} as processed_at,
    {{ parse_dvcqg_timestamp('NgayBatDau') }} as started_at,
    {{ parse_dvcqg_timestamp('NgayKetThucTheoQuyDinh') }} as due_at
from latest
