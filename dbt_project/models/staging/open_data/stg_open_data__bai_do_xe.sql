-- Điểm trông giữ xe công cộng (public parking sites): the latest harvest of open dataset `bai-do-xe` (Sở Giao thông vận tải).
-- Every harvest lands the whole dataset as one batch, so the newest batch is the current dataset.
with harvests as (
    select * from {{ source('open_data', 'bai_do_xe') }}
),

latest as (
    select * from harvests where _batch_id = (select max(_batch_id) from harvests)
)

select
    cast(ma_bai as varchar) as parking_code,
    cast(ten_bai as varchar) as parking_name,
    cast(dia_chi as varchar) as address,
    cast(suc_chua_xe as bigint) as capacity_vehicles,
    cast(gia_ve_dong_luot_xe_may as bigint) as motorbike_fee_vnd,
    cast(gia_ve_dong_luot_o_to as bigint) as car_fee_vnd,
    _batch_id as batch_id,
    _extracted_at as extracted_at
from latest
