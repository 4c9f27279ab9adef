-- Các tuyến xe buýt nội tỉnh (provincial bus routes): the latest harvest of open dataset `tuyen-xe-buyt` (Sở Giao thông vận tải).
-- Every harvest lands the whole dataset as one batch, so the newest batch is the current dataset.
with harvests as (
    select * from {{ source('open_data', 'tuyen_xe_buyt') }}
),

latest as (
    select * from harvests where _batch_id = (select max(_batch_id) from harvests)
)

select
    cast(ma_tuyen as varchar) as route_code,
    cast(ten_tuyen as varchar) as route_name,
    cast(diem_dau as varchar) as first_stop,
    cast(diem_cuoi as varchar) as last_stop,
    cast(cu_ly_km as double) as length_km,
    cast(so_chuyen_ngay as bigint) as trips_per_day,
    cast(gia_ve_dong as bigint) as fare_vnd,
    cast(gio_xuat_ben_dau_tien as varchar) as first_departure,
    cast(don_vi_khai_thac as varchar) as operator_name,
    _batch_id as batch_id,
    _extracted_at as extracted_at
from latest
