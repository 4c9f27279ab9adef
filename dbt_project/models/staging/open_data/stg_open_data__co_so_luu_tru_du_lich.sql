-- Cơ sở lưu trú du lịch (tourist accommodation): the latest harvest of open dataset `co-so-luu-tru-du-lich` (Sở Du lịch).
-- Every harvest lands the whole dataset as one batch, so the newest batch is the current dataset.
with harvests as (
    select * from {{ source('open_data', 'co_so_luu_tru_du_lich') }}
),

latest as (
    select * from harvests where _batch_id = (select max(_batch_id) from harvests)
)

select
    cast(ma_co_so as varchar) as accommodation_code,
    cast(ten_co_so as varchar) as accommodation_name,
    cast(loai_hinh as varchar) as accommodation_type,
    cast(hang_sao as bigint) as star_rating,
    cast(dia_chi as varchar) as address,
    cast(ma_phuong_xa as varchar) as commune_code,
    cast(so_phong as bigint) as rooms,
    cast(so_giuong as bigint) as beds,
    cast(gia_phong_trung_binh_dong_dem as bigint) as average_room_rate_vnd,
    cast(ngay_cap_phep as date) as licensed_on,
    cast(so_dien_thoai as varchar) as phone,
    _batch_id as batch_id,
    _extracted_at as extracted_at
from latest
