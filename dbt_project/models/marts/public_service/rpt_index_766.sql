-- Chỉ số Quyết định 766/QĐ-TTg: one row per grain (month, quarter, year) × period × unit, with the points
-- of each of the six groups, the total, and the main sub-indicator rates (%, 2 decimals; NULL = N/A).
-- Points of a group are the sum of its computable sub-indicators' points (rpt_index_766_indicators);
-- computable_max_points is what those sub-indicators could reach, so the total reads "out of" that.
{% set groups = ['CKMB', 'TDGQ', 'CLGQ', 'TTTT', 'MDHL', 'MDSH'] %}
{% set rates = ['1.4', '2.1', '3.1', '3.3', '3.5', '3.6', '4.1', '4.2', '4.3', '4.4', '4.5', '5.4'] %}

with indicators as (
    select * from {{ ref('rpt_index_766_indicators') }}
)

select
    grain,
    period_key,
    period_start,
    period_end,
    unit_type,
    unit_code,
    unit_name,
    level,
    {% for group in groups %}
    cast(coalesce(sum(case when group_code = '{{ group }}' then points end), 0) as decimal(6, 2))
        as {{ group | lower }}_points,
    {% endfor %}
    cast(coalesce(sum(points), 0) as decimal(6, 2)) as total_points,
    cast(coalesce(sum(case when points is not null then max_points end), 0) as decimal(6, 2))
        as computable_max_points,
    {% for indicator in rates %}
    cast(max(case when indicator = '{{ indicator }}' then rate end) as decimal(5, 2))
        as rate_{{ indicator | replace('.', '_') }}{% if not loop.last %},{% endif %}
    {% endfor %}
from indicators
group by grain, period_key, period_start, period_end, unit_type, unit_code, unit_name, level
