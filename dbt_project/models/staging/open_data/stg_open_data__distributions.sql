-- Phân phối (dcat:Distribution): how each dataset can be fetched (JSON API, CSV, XLSX), latest entry.
with latest as (
    {{ lake_latest(source('open_data', 'distributions'), ['dataset', 'identifier'], 'modified') }}
)

select
    dataset as dataset_identifier,
    identifier as distribution_identifier,
    title,
    format,
    media_type,
    byte_size,
    download_url,
    api_method,
    cast(modified as timestamp) as modified_at
from latest
