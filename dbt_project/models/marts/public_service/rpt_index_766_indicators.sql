-- Chỉ số Quyết định 766/QĐ-TTg theo chỉ tiêu: one row per grain (month, quarter, year) × period × unit
-- (the whole province, each level, each agency) × sub-indicator, with numerator, denominator, rate (%,
-- 2 decimals, NULL = N/A on a zero denominator), threshold, maximum points and points. Weights and
-- thresholds come from the seed index_766_indicators; formulas are in docs/kpi-definitions.md.
-- Sub-indicators the dossier data cannot give appear with status 'not computable' and the reason.
{#- The formulas this model knows; the seed decides which of them count (status) and how much. -#}
{% set additive = ['1.4', '2.1', '3.3', '3.6', '4.1', '4.2', '4.3', '4.4', '4.5', '5.4'] %}
{% set per_procedure = ['3.1', '3.5'] %}
{% set level_text = {'province': 'TINH', 'district': 'HUYEN', 'commune': 'XA'} %}

with dossiers as (
    select * from {{ ref('fct_dossiers') }}
),

agencies as (
    select agency_code, agency_name, level from {{ ref('stg_one_stop__agencies') }}
),

procedures as (
    -- one row per procedure version: the online level and validity in force over a span of days
    select procedure_code, levels, online_level, fee_vnd, is_fee_payable_online, valid_from, valid_to
    from {{ ref('dim_procedures') }}
),

periods as (
    select p.period_key, p.period_type as grain, p.period_start, p.period_end
    from {{ ref('dim_reporting_periods') }} as p
    where p.period_type in ('month', 'quarter', 'year')
        and p.period_end >= (select min(cast(coalesce(received_at, submitted_at) as date)) from dossiers)
        and p.period_start <= (select max(cast(coalesce(ended_at, received_at, submitted_at) as date)) from dossiers)
),

timeliness as (
    -- 2.1 from the shared KPI measures: resolved in the period judged at their end, open ones at its end
    select
        period_key,
        agency_code,
        early + on_time + in_progress_within_deadline as n_2_1,
        early + on_time + late + in_progress_within_deadline + in_progress_over_deadline as d_2_1
    from {{ ref('rpt_dossier_kpis_by_agency') }}
    where period_type in ('month', 'quarter', 'year')
),

received_in_period as (
    -- dossiers newly received in the period (NgayTiepNhan within it)
    select
        p.period_key,
        d.agency_code,
        sum(case when d.is_synced_to_dvcqg then 1 else 0 end) as n_1_4,
        count(*) as d_1_4,
        sum(case when d.channel = 2 then 1 else 0 end) as n_3_3,
        count(*) as d_3_3,
        sum(case when d.is_fee_bearing and d.is_paid_online then 1 else 0 end) as n_3_6,
        sum(case when d.is_fee_bearing then 1 else 0 end) as d_3_6,
        sum(case when d.has_digitised_components or d.has_digitised_document then 1 else 0 end) as n_4_3,
        count(*) as d_4_3,
        sum(case when d.has_personal_store_document then 1 else 0 end) as n_4_4,
        count(*) as d_4_4,
        sum(case when d.channel = 2 and d.is_vneid_verified then 1 else 0 end) as n_4_5,
        sum(case when d.channel = 2 then 1 else 0 end) as d_4_5
    from periods as p
    inner join dossiers as d
        on cast(d.received_at as date) between p.period_start and p.period_end
    group by p.period_key, d.agency_code
),

resolved_in_period as (
    -- dossiers resolved (status 9/10) with their end of processing in the period
    select
        p.period_key,
        d.agency_code,
        sum(case when d.has_electronic_result then 1 else 0 end) as n_4_1,
        count(*) as d_4_1,
        sum(case when d.has_digitised_document and d.has_electronic_result then 1 else 0 end) as n_4_2,
        count(*) as d_4_2,
        -- 5.4 = 100 − (late rate + complaint rate), both over the judgeable resolved dossiers
        sum(case when d.verdict in ('early', 'on_time', 'late') then 1 else 0 end)
            - sum(case when d.verdict = 'late' then 1 else 0 end)
            - sum(case when d.verdict in ('early', 'on_time', 'late') and d.has_complaint then 1 else 0 end)
            as n_5_4,
        sum(case when d.verdict in ('early', 'on_time', 'late') then 1 else 0 end) as d_5_4
    from periods as p
    inner join dossiers as d
        on d.outcome = 'resolved'
        and cast(d.ended_at as date) between p.period_start and p.period_end
    group by p.period_key, d.agency_code
),

agency_keys as (
    select period_key, agency_code from timeliness
    union
    select period_key, agency_code from received_in_period
    union
    select period_key, agency_code from resolved_in_period
),

per_agency as (
    select
        k.period_key,
        k.agency_code,
        a.level,
        {% for indicator in additive %}
        {%- set key = indicator | replace('.', '_') %}
        coalesce({{ 't' if indicator == '2.1' else ('s' if indicator in ['4.1', '4.2', '5.4'] else 'r') }}.n_{{ key }}, 0)
            as n_{{ key }},
        coalesce({{ 't' if indicator == '2.1' else ('s' if indicator in ['4.1', '4.2', '5.4'] else 'r') }}.d_{{ key }}, 0)
            as d_{{ key }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from agency_keys as k
    left join agencies as a on a.agency_code = k.agency_code
    left join timeliness as t on t.period_key = k.period_key and t.agency_code = k.agency_code
    left join received_in_period as r on r.period_key = k.period_key and r.agency_code = k.agency_code
    left join resolved_in_period as s on s.period_key = k.period_key and s.agency_code = k.agency_code
),

additive_units as (
    -- the counts add up: a level is the sum of its agencies, the province the sum of all
    select period_key, 'agency' as unit_type, agency_code as unit_code, level,
        {% for indicator in additive %}{%- set key = indicator | replace('.', '_') %}
        n_{{ key }}, d_{{ key }}{% if not loop.last %},{% endif %}{% endfor %}
    from per_agency
    union all
    select period_key, 'level', level, level,
        {% for indicator in additive %}{%- set key = indicator | replace('.', '_') %}
        sum(n_{{ key }}), sum(d_{{ key }}){% if not loop.last %},{% endif %}{% endfor %}
    from per_agency
    where level is not null
    group by period_key, level
    union all
    select period_key, 'province', '46', 'all',
        {% for indicator in additive %}{%- set key = indicator | replace('.', '_') %}
        sum(n_{{ key }}), sum(d_{{ key }}){% if not loop.last %},{% endif %}{% endfor %}
    from per_agency
    group by period_key
),

procedures_at_end as (
    -- procedures in force on the period's last day, with the online level they had on that day
    select p.period_key, pr.*
    from periods as p
    inner join procedures as pr
        on (pr.valid_from is null or pr.valid_from <= p.period_end)
        and (pr.valid_to is null or pr.valid_to >= p.period_end)
),

procedure_units as (
    -- the procedures a unit is judged on: the whole catalogue (province), the procedures performed at a
    -- level (CapThucHien), or those an agency received dossiers for in the period
    select period_key, 'province' as unit_type, '46' as unit_code, procedure_code
    from procedures_at_end
    {% for level, text in level_text.items() %}
    union all
    select period_key, 'level', '{{ level }}', procedure_code
    from procedures_at_end
    where ',' || levels || ',' like '%,{{ text }},%'
    {% endfor %}
    union all
    select distinct p.period_key, 'agency', d.agency_code, d.procedure_code
    from periods as p
    inner join dossiers as d
        on cast(d.received_at as date) between p.period_start and p.period_end
),

procedure_counts as (
    select
        u.period_key,
        u.unit_type,
        u.unit_code,
        sum(case when pr.online_level in ('full', 'partial') then 1 else 0 end) as n_3_1,
        count(pr.procedure_code) as d_3_1,
        sum(case when pr.fee_vnd > 0 and pr.is_fee_payable_online then 1 else 0 end) as n_3_5,
        sum(case when pr.fee_vnd > 0 then 1 else 0 end) as d_3_5
    from procedure_units as u
    inner join procedures_at_end as pr
        on pr.period_key = u.period_key and pr.procedure_code = u.procedure_code
    group by u.period_key, u.unit_type, u.unit_code
),

units as (
    select
        a.period_key,
        a.unit_type,
        a.unit_code,
        case a.unit_type
            when 'province' then 'Thành phố Huế (toàn tỉnh)'
            when 'level' then case a.unit_code
                when 'province' then 'Cấp tỉnh' when 'district' then 'Cấp huyện' else 'Cấp xã' end
            else ag.agency_name
        end as unit_name,
        a.level,
        {% for indicator in additive %}{%- set key = indicator | replace('.', '_') %}
        a.n_{{ key }}, a.d_{{ key }},{% endfor %}
        {% for indicator in per_procedure %}{%- set key = indicator | replace('.', '_') %}
        coalesce(pc.n_{{ key }}, 0) as n_{{ key }},
        coalesce(pc.d_{{ key }}, 0) as d_{{ key }}{% if not loop.last %},{% endif %}{% endfor %}
    from additive_units as a
    left join procedure_counts as pc
        on pc.period_key = a.period_key and pc.unit_type = a.unit_type and pc.unit_code = a.unit_code
    left join agencies as ag on a.unit_type = 'agency' and ag.agency_code = a.unit_code
),

formulas as (
    {% for indicator in additive + per_procedure %}{%- set key = indicator | replace('.', '_') %}
    select period_key, unit_type, unit_code, unit_name, level, '{{ indicator }}' as indicator,
        cast(n_{{ key }} as bigint) as numerator, cast(d_{{ key }} as bigint) as denominator
    from units
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

config as (
    select
        i.indicator, i.group_code, i.max_points, i.threshold, i.status, i.description_vi, i.description_en,
        i.reason, g.name_vi as group_name_vi, g.name_en as group_name_en, g.max_points as group_max_points
    from {{ ref('index_766_indicators') }} as i
    left join {{ ref('index_766_groups') }} as g on g.group_code = i.group_code
),

unit_periods as (
    select distinct period_key, unit_type, unit_code, unit_name, level from units
),

long_rows as (
    select
        p.grain,
        p.period_key,
        p.period_start,
        p.period_end,
        u.unit_type,
        u.unit_code,
        u.unit_name,
        u.level,
        c.indicator,
        c.group_code,
        c.group_name_vi,
        c.group_name_en,
        c.group_max_points,
        c.description_vi,
        c.description_en,
        case when c.status = 'computable' and f.indicator is not null then 'computable' else 'not computable' end
            as status,
        case
            when c.status = 'computable' and f.indicator is not null then null
            when f.indicator is null and c.status = 'computable' then 'no formula for this indicator in the model'
            else c.reason
        end as reason,
        case when c.status = 'computable' then f.numerator end as numerator,
        case when c.status = 'computable' then f.denominator end as denominator,
        c.threshold,
        c.max_points
    from unit_periods as u
    inner join periods as p on p.period_key = u.period_key
    cross join config as c
    left join formulas as f
        on f.period_key = u.period_key
        and f.unit_type = u.unit_type
        and f.unit_code = u.unit_code
        and f.indicator = c.indicator
),

rated as (
    select
        *,
        {{ percent_rate('greatest(numerator, 0)', 'denominator') }} as rate
    from long_rows
)

select
    *,
    case
        when rate is null or max_points is null then null
        when threshold is null or threshold = 0 then round(cast(max_points * rate / 100 as numeric), 2)
        else round(cast(max_points * least(1, rate / threshold) as numeric), 2)
    end as points
from rated
