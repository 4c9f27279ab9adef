-- Dòng thay đổi — which lake batch brought rows of which dossier, per one-stop table: the change feed
-- fct_dossiers reads (macros/util/incremental_dossiers.sql). Catalogue tables (agencies, procedures) have no
-- dossier, only their batches: a new catalogue batch makes the fact rebuild every dossier. Processing
-- steps have their own feed (stg_one_stop__processing_step_changes): a lake may hold dossiers without them.
-- Kept to (table, batch, dossier) so that a filter on batch_id prunes whole Parquet files by their
-- statistics: a night reads the new batches, not the history.
{%- set dossier_tables = [
    'dossiers', 'dossier_supplements', 'dossier_fees', 'dossier_documents', 'dossier_results'] %}
{%- set catalogue_tables = ['agencies', 'procedures'] %}

{% for table in dossier_tables %}
select distinct
    '{{ table }}' as source_table,
    _batch_id as batch_id,
    cast(MaHoSo as varchar) as dossier_code
from {{ source('one_stop', table) }}
union all
{% endfor %}
{%- for table in catalogue_tables %}
select distinct
    '{{ table }}' as source_table,
    _batch_id as batch_id,
    cast(null as varchar) as dossier_code
from {{ source('one_stop', table) }}
{% if not loop.last %}union all{% endif %}
{%- endfor %}
