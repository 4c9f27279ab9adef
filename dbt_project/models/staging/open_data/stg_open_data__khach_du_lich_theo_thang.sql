-- Lượt khách du lịch theo tháng (tourist arrivals by month): the latest harvest of open dataset `khach-du-lich-theo-thang` (Sở Du lịch).
-- Every harvest lands the whole dataset as one batch, so the newest batch is the current dataset.
with harvests as (
    select * from {{ source('open_data', 'khach_du_lich_theo_thang') }}
),

latest as (
    select * from harvests where _batch_id = (select max(_batch_id) from harvests)
)

select
    cast(thang as date) as month_start,
    cast(tong_luot_khach as bigint) as visitors,
    cast(luot_khach_quoc_te as bigint) as international_visitors,
    cast(luot_khach_noi_dia as bigint) as domestic_visitors,
    cast(doanh_thu_ty_dong as double) as revenue_billion_vnd,
    cast(cong_suat_phong as double) as room_occupancy_percent,
    _batch_id as batch_id,
    _extracted_at as extracted_at
from latest
