-- Thủ tục hành chính (TTHC): the latest version of each procedure.
with latest as (
    {{ lake_latest(source('one_stop', 'procedures'), ['MaTTHC'], 'NgayCapNhat') }}
)

select
    cast(MaTTHC as varchar) as procedure_code,
    TenTTHC as procedure_name,
    cast(MaLinhVuc as varchar) as field_code,
    TenLinhVuc as field_name,
    CapThucHien as levels,
    case MucDoDVC when 'TOAN_TRINH' then 'full' when 'MOT_PHAN' then 'partial' else 'none' end as online_level,
    ThoiHanGiaiQuyet as max_processing_days,
    cast(LePhi as bigint) as fee_vnd,
    coalesce(ThanhToanTrucTuyen, 0) = 1 as is_fee_payable_online,
    coalesce(LienThong, 0) = 1 as is_inter_agency,
    coalesce(BuuChinhCongIch, 0) = 1 as is_postal
from latest
