{#-
  dim_admin_units (đơn vị hành chính): one row per unit and validity period, keyed on
  (code, valid_from, valid_to) because a 5-digit code can name different territories before and after
  1/7/2025 (19753: Phường Thuận Lộc, then Phường Phú Xuân). Carries the unit that holds the territory today.
-#}
with history as (
    select * from {{ ref('int_admin_units__history') }}
),

districts as (
    select code, valid_from, name from history where unit_tier = 'district'
)

select
    h.code || '@' || cast(h.valid_from as varchar) as admin_unit_key,
    h.code,
    h.valid_from,
    h.valid_to,
    h.name,
    h.level,
    h.unit_tier,
    h.district_code,
    d.name as district_name,
    h.current_code,
    c.name as current_name,
    h.current_valid_from,
    h.mapping_status,
    h.mapping_note,
    (current_date between h.valid_from and h.valid_to) as is_current
from history as h
left join districts as d
    on d.code = h.district_code and d.valid_from = h.valid_from
left join history as c
    on c.code = h.current_code and c.valid_from = h.current_valid_from
