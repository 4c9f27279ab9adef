"""One-stop system (hệ thống một cửa) connectors: SQL (any SQLAlchemy URL) and the DVCQG-style HTTP API.

Both yield the same lake tables, so the warehouse does not care which one a province can offer:

- ``dossiers`` (hồ sơ) and its nested lists as their own tables keyed by ``MaHoSo``:
  ``dossier_identifiers`` (DinhDanhCHS), ``dossier_documents`` (TaiLieuNop), ``dossier_fees``
  (DanhSachLePhi), ``dossier_supplements`` (DanhSachHoSoBoSung), ``dossier_results`` (DanhSachGiayToKetQua);
- ``processing_steps`` (tiến độ xử lý);
- catalogues: ``procedures`` (thủ tục hành chính, with validity ``NgayHieuLuc``/``NgayHetHieuLuc``) and its
  online-level history ``procedure_online_levels`` (lịch sử mức độ DVC trực tuyến, keyed by ``MaTTHC`` and
  ``STT``, tied to the procedure version by ``NgayCapNhatTTHC``), ``agencies`` (cơ quan), ``fields`` (lĩnh vực).
"""
