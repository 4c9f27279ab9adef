-- Cơ quan: the latest version of each agency; CapDonVi gives the one-stop level.
with latest as (
    {{ lake_latest(source('one_stop', 'agencies'), ['MaDonVi'], 'NgayCapNhat') }}
)

select
    cast(MaDonVi as varchar) as agency_code,
    TenDonVi as agency_name,
    CapDonVi as level_number,
    case CapDonVi when 1 then 'province' when 2 then 'district' when 3 then 'commune' end as level,
    cast(MaDonViCha as varchar) as parent_agency_code,
    cast(MaDVHC as varchar) as admin_unit_code,
    {{ parse_dvcqg_date('NgayHieuLuc') }} as valid_from,
    {{ parse_dvcqg_date('NgayHetHieuLuc') }} as valid_to
from latest
