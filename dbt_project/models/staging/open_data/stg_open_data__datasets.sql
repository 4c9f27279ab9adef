-- Bộ dữ liệu (dcat:Dataset): the latest catalogue entry of every dataset on the portal.
with latest as (
    {{ lake_latest(source('open_data', 'datasets'), ['identifier'], 'modified') }}
)

select
    identifier as dataset_identifier,
    replace(identifier, '-', '_') as lake_table,
    title,
    description,
    publisher,
    theme,
    keywords,
    cast(created as timestamp) as created_at,
    cast(issued as timestamp) as issued_at,
    cast(modified as timestamp) as modified_at,
    rights,
    uri,
    distribution_count
from latest
