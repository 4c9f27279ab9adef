-- Nhà thuốc đạt GPP (GPP pharmacies): the latest harvest of open dataset `nha-thuoc` (Sở Y tế).
-- Every harvest lands the whole dataset as one batch, so the newest batch is the current dataset.
with harvests as (
    select * from {{ source('open_data', 'nha_thuoc') }}
),

latest as (
    select * from harvests where _batch_id = (select max(_batch_id) from harvests)
)

select
    cast(ma_nha_thuoc as varchar) as pharmacy_code,
    cast(ten_nha_thuoc as varchar) as pharmacy_name,
    cast(ma_phuong_xa as varchar) as commune_code,
    cast(dia_chi as varchar) as address,
    cast(ngay_cap_phep as date) as licensed_on,
    cast(so_chung_chi_hanh_nghe as varchar) as practice_certificate_number,
    _batch_id as batch_id,
    _extracted_at as extracted_at
from latest
