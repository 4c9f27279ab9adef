-- Cơ sở khám bệnh, chữa bệnh (health facilities): the latest harvest of open dataset `co-so-y-te` (Sở Y tế).
-- Every harvest lands the whole dataset as one batch, so the newest batch is the current dataset.
with harvests as (
    select * from {{ source('open_data', 'co_so_y_te') }}
),

latest as (
    select * from harvests where _batch_id = (select max(_batch_id) from harvests)
)

select
    cast(ma_co_so as varchar) as facility_code,
    cast(ten_co_so as varchar) as facility_name,
    cast(loai_co_so as varchar) as facility_type,
    cast(ma_phuong_xa as varchar) as commune_code,
    cast(so_giuong_benh as bigint) as hospital_beds,
    cast(so_bac_si as bigint) as doctors,
    cast(vi_do as double) as latitude,
    cast(kinh_do as double) as longitude,
    cast(ngay_hoat_dong as date) as operating_since,
    _batch_id as batch_id,
    _extracted_at as extracted_at
from latest
