-- Tình hình tiếp nhận và giải quyết hồ sơ TTHC (dossier figures the portal publishes): the latest harvest of open dataset `ho-so-thu-tuc-hanh-chinh` (Văn phòng UBND tỉnh).
-- Every harvest lands the whole dataset as one batch, so the newest batch is the current dataset.
with harvests as (
    select * from {{ source('open_data', 'ho_so_thu_tuc_hanh_chinh') }}
),

latest as (
    select * from harvests where _batch_id = (select max(_batch_id) from harvests)
)

select
    cast(ma_don_vi as varchar) as agency_code,
    cast(ten_don_vi as varchar) as agency_name,
    cast(ky_bao_cao as varchar) as reporting_period,
    cast(so_ho_so_tiep_nhan as bigint) as dossiers_received,
    cast(so_ho_so_truc_tuyen as bigint) as dossiers_online,
    cast(ty_le_truc_tuyen as double) as online_rate_percent,
    cast(ket_qua_da_giai_quyet as bigint) as dossiers_resolved,
    cast(ket_qua_dung_han as bigint) as dossiers_resolved_on_time,
    _batch_id as batch_id,
    _extracted_at as extracted_at
from latest
