{#-
  Every administrative unit of Huế per vintage, with the unit that holds its territory today (đơn vị hiện
  nay), followed through the crosswalk 2021 -> 2025-01 -> 2025-07. A unit whose chain meets a flagged
  crosswalk row keeps current_code NULL and says why in mapping_status; districts have no successor since
  the district level was abolished on 1/7/2025.
-#}
with units as (
    select * from {{ ref('admin_units') }}
),

mapped as (
    select * from {{ ref('admin_unit_crosswalk') }} where mapping_status = 'mapped'
),

flagged as (
    select old_code, old_valid_from, mapping_status, basis
    from {{ ref('admin_unit_crosswalk') }}
    where mapping_status <> 'mapped'
),

chain as (
    select
        u.*,
        x1.new_code as code_1, x1.new_valid_from as from_1, x1.new_valid_to as to_1,
        x2.new_code as code_2, x2.new_valid_from as from_2, x2.new_valid_to as to_2,
        coalesce(f0.mapping_status, f1.mapping_status) as flag_status,
        coalesce(f0.basis, f1.basis) as flag_basis
    from units as u
    left join mapped as x1 on x1.old_code = u.code and x1.old_valid_from = u.valid_from
    left join mapped as x2 on x2.old_code = x1.new_code and x2.old_valid_from = x1.new_valid_from
    left join flagged as f0 on f0.old_code = u.code and f0.old_valid_from = u.valid_from
    left join flagged as f1 on f1.old_code = x1.new_code and f1.old_valid_from = x1.new_valid_from
),

resolved as (
    select
        *,
        case
            when current_date between valid_from and valid_to then code
            when current_date between from_1 and to_1 then code_1
            when current_date between from_2 and to_2 then code_2
        end as current_code,
        case
            when current_date between valid_from and valid_to then valid_from
            when current_date between from_1 and to_1 then from_1
            when current_date between from_2 and to_2 then from_2
        end as current_valid_from
    from chain
)

select
    code,
    valid_from,
    valid_to,
    name,
    level,
    unit_tier,
    district_code,
    current_code,
    current_valid_from,
    case
        when current_code is not null then 'mapped'
        when unit_tier = 'district' then 'district_level_abolished'
        when flag_status is not null then flag_status
        else 'unmapped'
    end as mapping_status,
    flag_basis as mapping_note
from resolved
