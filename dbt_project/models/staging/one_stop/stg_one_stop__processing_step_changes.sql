-- Dòng thay đổi của tiến độ xử lý — which lake batch brought processing steps of which dossier: the change
-- feed of fct_dossier_steps, in the shape of stg_one_stop__changes (macros/util/incremental_dossiers.sql).
select distinct
    'processing_steps' as source_table,
    _batch_id as batch_id,
    cast(MaHoSo as varchar) as dossier_code
from {{ source('one_stop', 'processing_steps') }}
