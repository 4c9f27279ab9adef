-- Di tích lịch sử – văn hóa đã xếp hạng (ranked heritage sites): the latest harvest of open dataset `di-tich-lich-su-van-hoa` (Sở Văn hóa và Thể thao).
-- Every harvest lands the whole dataset as one batch, so the newest batch is the current dataset.
with harvests as (
    select * from {{ source('open_data', 'di_tich_lich_su_van_hoa') }}
),

latest as (
    select * from harvests where _batch_id = (select max(_batch_id) from harvests)
)

select
    cast(ma_di_tich as varchar) as heritage_site_code,
    cast(ten_di_tich as varchar) as heritage_site_name,
    cast(loai_hinh as varchar) as heritage_type,
    cast(cap_xep_hang as varchar) as ranking_level,
    cast(ma_phuong_xa as varchar) as commune_code,
    cast(nam_xep_hang as bigint) as ranked_year,
    cast(dien_tich_m_2 as double) as area_m2,
    _batch_id as batch_id,
    _extracted_at as extracted_at
from latest
