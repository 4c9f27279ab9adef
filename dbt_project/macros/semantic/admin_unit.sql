{#-
  admin_unit (đơn vị hành chính cấp xã): a commune name or code -> the 5-digit code of the commune valid at
  as_of_date_expr (a SQL date expression, e.g. {{ std_date('ngay_cap') }}; NULL means today).

  Codes: 1-5 digits, left-padded to five because spreadsheets drop leading zeros ('9753' is read as '09753',
  which is no Huế commune). A code from communes_2025-07.csv that differs from the crosswalk's code for the
  same 2025-07 unit is accepted as an alias (admin_unit_code_aliases seed).
  Names: matched without diacritics and case, with or without the level prefix (Phường/Xã/Thị trấn, also
  'P.', 'X.', 'TT.'); when the prefix is given it must agree with the unit's level. A name that fits two
  units at that date (Hương Phong was both a commune of Huế city and of A Lưới until 2024) is
  'ambiguous_admin_unit', never a guess. Other issues: 'unknown_admin_unit', 'not_valid_at_date'.
  The lookups are correlated scalar subqueries over the small seed (about 330 rows).
-#}

{% macro hue_admin_unit_key(expr) -%}
  regexp_replace({{ hue_unaccent_lower(hue_clean_ws(hue_nfc(expr))) }},
    '^((phuong|xa|thi tran)[ ]+|(p|x|tt)[.][ ]*)', '')
{%- endmacro %}

{% macro hue_admin_unit_level(expr) -%}
  {%- set k = hue_unaccent_lower(hue_clean_ws(hue_nfc(expr))) -%}
  case
    when {{ hue_regexp_like(k, '^(phuong[ ]|p[.])') }} then 'phuong'
    when {{ hue_regexp_like(k, '^(xa[ ]|x[.])') }} then 'xa'
    when {{ hue_regexp_like(k, '^(thi tran[ ]|tt[.])') }} then 'thi tran'
  end
{%- endmacro %}

{% macro hue_admin_unit_eval(expr, as_of_date_expr, want) -%}
  {%- set units = ref('admin_units') -%}
  {%- set aliases = ref('admin_unit_code_aliases') -%}
  {%- set at = "coalesce(cast(" ~ (as_of_date_expr if as_of_date_expr is not none else 'null') ~ " as date), current_date)" -%}
  (select
    {%- if want == 'value' %}
    case
      when _is_code then coalesce(
        (select min(u.code) from {{ units }} u
          where u.unit_tier = 'commune' and u.code = _code and _at between u.valid_from and u.valid_to),
        (select min(a.code) from {{ aliases }} a
          where a.alias_code = _code and _at between a.valid_from and a.valid_to))
      else (select case when count(*) = 1 then min(u.code) end from {{ units }} u
          where u.unit_tier = 'commune' and u.match_key = _key
            and (_level is null or {{ hue_unaccent_lower('u.level') }} = _level)
            and _at between u.valid_from and u.valid_to)
    end
    {%- else %}
    case
      when _key is null or _key = '' then null
      when _is_code then case
        when exists (select 1 from {{ units }} u
            where u.unit_tier = 'commune' and u.code = _code and _at between u.valid_from and u.valid_to)
          or exists (select 1 from {{ aliases }} a
            where a.alias_code = _code and _at between a.valid_from and a.valid_to) then null
        when exists (select 1 from {{ units }} u where u.unit_tier = 'commune' and u.code = _code)
          then 'not_valid_at_date'
        else 'unknown_admin_unit' end
      else case (select count(*) from {{ units }} u
            where u.unit_tier = 'commune' and u.match_key = _key
              and (_level is null or {{ hue_unaccent_lower('u.level') }} = _level)
              and _at between u.valid_from and u.valid_to)
        when 1 then null
        when 0 then case when exists (select 1 from {{ units }} u
            where u.unit_tier = 'commune' and u.match_key = _key) then 'not_valid_at_date'
          else 'unknown_admin_unit' end
        else 'ambiguous_admin_unit' end
    end
    {%- endif %}
  from (
    select _key, _level, _at,
      {{ hue_regexp_like('_key', '^[0-9]{1,5}$') }} as _is_code,
      lpad(_key, 5, '0') as _code
    from (
      select {{ hue_admin_unit_key(expr) }} as _key, {{ hue_admin_unit_level(expr) }} as _level, {{ at }} as _at
    ) as _hue_au0
  ) as _hue_au1)
{%- endmacro %}

{% macro std_admin_unit(expr, as_of_date_expr=none) -%}
  {{ return(adapter.dispatch('std_admin_unit', 'hue_warehouse')(expr, as_of_date_expr)) }}
{%- endmacro %}
{% macro default__std_admin_unit(expr, as_of_date_expr) -%}
  {{ hue_admin_unit_eval(expr, as_of_date_expr, 'value') }}
{%- endmacro %}

{% macro std_admin_unit_issue(expr, as_of_date_expr=none) -%}
  {{ return(adapter.dispatch('std_admin_unit_issue', 'hue_warehouse')(expr, as_of_date_expr)) }}
{%- endmacro %}
{% macro default__std_admin_unit_issue(expr, as_of_date_expr) -%}
  {{ hue_admin_unit_eval(expr, as_of_date_expr, 'issue') }}
{%- endmacro %}

{#- "Today's unit" (đơn vị hiện nay) of a commune code valid at a date: follows the crosswalk through
    2025-01 and 2025-07. NULL when the chain is flagged (no crosswalk row). -#}
{% macro admin_unit_today(code_expr, as_of_date_expr=none) -%}
  {%- set at = "coalesce(cast(" ~ (as_of_date_expr if as_of_date_expr is not none else 'null') ~ " as date), current_date)" -%}
  (select min(h.current_code) from {{ ref('int_admin_units__history') }} h
    where h.unit_tier = 'commune' and h.code = {{ code_expr }} and {{ at }} between h.valid_from and h.valid_to)
{%- endmacro %}

{#- The commune valid at a date, as a code: thin alias of std_admin_unit for readability in marts. -#}
{% macro admin_unit_at(expr, as_of_date_expr) -%}
  {{ std_admin_unit(expr, as_of_date_expr) }}
{%- endmacro %}
