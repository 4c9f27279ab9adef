-- Hồ sơ: the latest version of each dossier, typed. Applicant names, contacts and ID numbers stay in the
-- lake: nothing personal is needed for the KPIs, so nothing personal enters the shared layers.
with latest as (
    {{ lake_latest(source('one_stop', 'dossiers'), ['MaHoSo'], 'NgayCapNhat') }}
)

select
    cast(MaHoSo as varchar) as dossier_code,
    cast(MaTTHC as varchar) as procedure_code,
    TenTTHC as procedure_name,
    cast(MaLinhVuc as varchar) as field_code,
    TenLinhVuc as field_name,
    coalesce(KenhThucHien, 1) as channel,  -- NULL counts as in person (domain §1)
    LoaiDoiTuong as applicant_type,
    cast(MaXaChuHoSo as varchar) as applicant_commune_code,
    {{ parse_dvcqg_timestamp('NgayNopHoSo') }} as submitted_at,
    {{ parse_dvcqg_timestamp('NgayTiepNhan') }} as received_at,
    {{ parse_dvcqg_timestamp('NgayHenTra') }} as due_at,
    {{ parse_dvcqg_timestamp('NgayTuChoi') }} as rejected_at,
    {{ parse_dvcqg_timestamp('NgayKetThucXuLy') }} as processing_ended_at,
    {{ parse_dvcqg_timestamp('NgayTra') }} as returned_at,
    TrangThaiHoSo as status,
    cast(DonViXuLy as varchar) as agency_code,
    coalesce(HoSoCoThanhPhanSoHoa, 0) = 1 as has_digitised_components,
    coalesce(TaiKhoanDuocXacThucVoiVNeID, 0) = 1 as is_vneid_verified,
    DuocThanhToanTrucTuyen as online_payment_channel,
    coalesce(DuocThanhToanTrucTuyen, 0) in (1, 2) as is_paid_online,
    coalesce(DongBoDVCQG, 0) = 1 as is_synced_to_dvcqg,
    coalesce(CoPhanAnhKienNghi, 0) = 1 as has_complaint,
    {{ parse_dvcqg_timestamp('NgayCapNhat') }} as updated_at,
    NgayCapNhat as source_version,
    _batch_id as batch_id
from latest
