-- Danh sách chợ (traditional markets): the latest harvest of open dataset `cho-truyen-thong` (Sở Công Thương).
-- Every harvest lands the whole dataset as one batch, so the newest batch is the current dataset.
with harvests as (
    select * from {{ source('open_data', 'cho_truyen_thong') }}
),

latest as (
    select * from harvests where _batch_id = (select max(_batch_id) from harvests)
)

select
    cast(ma_cho as varchar) as market_code,
    cast(ten_cho as varchar) as market_name,
    cast(hang_cho as varchar) as market_class,
    cast(ma_phuong_xa as varchar) as commune_code,
    cast(so_ho_kinh_doanh as bigint) as trader_households,
    cast(dien_tich_m_2 as double) as area_m2,
    _batch_id as batch_id,
    _extracted_at as extracted_at
from latest
