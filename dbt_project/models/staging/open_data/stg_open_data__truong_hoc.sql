-- Danh sách trường học (schools): the latest harvest of open dataset `truong-hoc` (Sở Giáo dục và Đào tạo).
-- Every harvest lands the whole dataset as one batch, so the newest batch is the current dataset.
with harvests as (
    select * from {{ source('open_data', 'truong_hoc') }}
),

latest as (
    select * from harvests where _batch_id = (select max(_batch_id) from harvests)
)

select
    cast(ma_truong as varchar) as school_code,
    cast(ten_truong as varchar) as school_name,
    cast(cap_hoc as varchar) as school_level,
    cast(loai_hinh as varchar) as ownership_type,
    cast(ma_phuong_xa as varchar) as commune_code,
    cast(so_lop as bigint) as classes,
    cast(so_hoc_sinh_nam as bigint) as pupils_male,
    cast(so_hoc_sinh_nu as bigint) as pupils_female,
    cast(ty_le_phong_hoc_dat_chuan as double) as standard_classroom_percent,
    cast(nam_thanh_lap as bigint) as founded_year,
    _batch_id as batch_id,
    _extracted_at as extracted_at
from latest
