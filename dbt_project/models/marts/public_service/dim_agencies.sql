-- Cơ quan, đơn vị — one row per agency (DVCQG identifier 000.00.xx.H57) with its one-stop level, parent,
-- administrative unit and validity. Agencies are keyed on their identifier alone: a renamed or re-parented
-- unit gets a new identifier in the source, while the same administrative-unit code may name different
-- agencies over time (join on admin_unit_code and validity, never on the code alone).
with agencies as (
    select * from {{ ref('stg_one_stop__agencies') }}
),

admin_units as (
    select code, valid_from, valid_to, name from {{ ref('dim_admin_units') }}
)

select
    a.agency_code,
    a.agency_name,
    a.level,
    a.level_number,
    a.parent_agency_code,
    a.admin_unit_code,
    u.name as admin_unit_name,
    a.valid_from,
    a.valid_to,
    (a.valid_from is null or a.valid_from <= current_date)
        and (a.valid_to is null or a.valid_to >= current_date) as is_current
from agencies as a
left join admin_units as u
    on u.code = a.admin_unit_code
    and a.valid_from >= u.valid_from
    and (u.valid_to is null or a.valid_from <= u.valid_to)
