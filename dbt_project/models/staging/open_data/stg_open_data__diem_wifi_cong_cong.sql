-- Điểm wifi công cộng miễn phí (free public wifi points): the latest harvest of open dataset `diem-wifi-cong-cong` (Sở Thông tin và Truyền thông).
-- Every harvest lands the whole dataset as one batch, so the newest batch is the current dataset.
with harvests as (
    select * from {{ source('open_data', 'diem_wifi_cong_cong') }}
),

latest as (
    select * from harvests where _batch_id = (select max(_batch_id) from harvests)
)

select
    cast(ma_diem as varchar) as wifi_point_code,
    cast(ten_diem as varchar) as wifi_point_name,
    cast(dia_chi as varchar) as address,
    cast(vi_do as double) as latitude,
    cast(kinh_do as double) as longitude,
    cast(ngay_lap_dat as date) as installed_on,
    _batch_id as batch_id,
    _extracted_at as extracted_at
from latest
