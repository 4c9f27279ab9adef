-- Giá trị không chuẩn hóa được (values that failed standardisation), per digitisation table, column and
-- reason, with the share of the table's rows. A view over the counts the generated staging models record
-- after each build (macros/data_quality/standardisation_issues.sql): always as current as the models.
{{ config(materialized='view') }}

select
    table_name,
    domain,
    column_name,
    reason,
    issue_count,
    table_rows,
    case
        when table_rows > 0 then round(cast(100.0 * issue_count / table_rows as numeric), 2)
    end as issue_rate,
    measured_at
from {{ standardisation_issues_relation() }}
