{#-
  date (ngày) and timestamp (thời điểm) from the formats found in Huế's sources:
    dd/mm/yyyy, d/m/yyyy (also with '-' or '.'), 'dd/mm/yyyy HH:MM[:SS]', 'HH:MM dd/mm/yyyy',
    yyyyMMddHHmmss (DVCQG), yyyyMMdd, ISO 8601 with optional time, fraction and offset (Z, +07:00),
    and Excel serial day numbers of five digits (10000-99999, i.e. 1927-1938 .. 2173) with optional fraction.
  Timestamps are local Asia/Ho_Chi_Minh time, type timestamp without time zone. A value with an explicit
  offset is converted by arithmetic: Vietnam has kept UTC+07:00 without daylight saving since 1975, so no
  time-zone database is needed on either adapter. A date of a value with a time part is its local date.
  Years outside 1900-2100 are 'date_out_of_range'; impossible calendar values (31/02) are 'invalid_date'.

  The parsing runs in a scalar subquery so that the many-branch pattern match is evaluated once per value;
  both DuckDB and PostgreSQL accept a correlated subquery without FROM table.
-#}

{% macro hue_datetime_eval(expr, kind, want) -%}
  {%- set fmt = [
      ('^([0-9]{4})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})$', '\\1|\\2|\\3|\\4|\\5|\\6|'),
      ('^([0-9]{4})([0-9]{2})([0-9]{2})$', '\\1|\\2|\\3|0|0|0|'),
      ('^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})$', '\\3|\\2|\\1|0|0|0|'),
      ('^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})[ T,]+([0-9]{1,2})[:hH]([0-9]{2})(?::([0-9]{2}))?$', '\\3|\\2|\\1|\\4|\\5|\\6|'),
      ('^([0-9]{1,2})[:hH]([0-9]{2})(?::([0-9]{2}))?[ ,]+([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})$', '\\6|\\5|\\4|\\1|\\2|\\3|'),
      ('^([0-9]{4})[/-]([0-9]{1,2})[/-]([0-9]{1,2})(?:[T ]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}(?:[.][0-9]+)?))?)?(Z|[+-][0-9]{2}:?[0-9]{2})?$', '\\1|\\2|\\3|\\4|\\5|\\6|\\7'),
  ] -%}
  {%- set local_ts = "make_timestamp(_y, _mo, _d, _h, _mi, _sec)" -%}
  {%- set shifted = dbt.dateadd('minute', '420 - _off_min', local_ts) -%}
  {%- set from_serial = dbt.dateadd('second', 'round(_serial * 86400)', 'make_timestamp(1899, 12, 30, 0, 0, 0)') -%}
  (select
    {%- if want == 'value' %}
    {%- set ts = "case when _serial is not null then " ~ from_serial ~ " when _ok and _off_min is null then " ~ local_ts ~ " when _ok then " ~ shifted ~ " end" %}
    {% if kind == 'date' %}cast({{ ts }} as date){% else %}{{ ts }}{% endif %}
    {%- else %}
    case
      when _s is null or _s = '' then null
      when _serial is not null then null
      when _c is null then 'invalid_{{ kind }}'
      when _y not between 1900 and 2100 then 'date_out_of_range'
      when not _ok then 'invalid_{{ kind }}'
    end
    {%- endif %}
  from (
    select _s, _c, _serial, _y, _mo, _d, _h, _mi, _sec, _off_min,
      (_y between 1900 and 2100 and _mo between 1 and 12 and _h between 0 and 23 and _mi between 0 and 59
       and _sec < 60 and _d between 1 and case
         when _mo in (4, 6, 9, 11) then 30
         when _mo = 2 then case when (_y % 4 = 0 and _y % 100 <> 0) or _y % 400 = 0 then 29 else 28 end
         else 31 end) as _ok
    from (
      select _s, _c, _serial,
        cast(nullif(split_part(_c, '|', 1), '') as integer) as _y,
        cast(nullif(split_part(_c, '|', 2), '') as integer) as _mo,
        cast(nullif(split_part(_c, '|', 3), '') as integer) as _d,
        cast(coalesce(nullif(split_part(_c, '|', 4), ''), '0') as integer) as _h,
        cast(coalesce(nullif(split_part(_c, '|', 5), ''), '0') as integer) as _mi,
        cast(coalesce(nullif(split_part(_c, '|', 6), ''), '0') as decimal(9, 6)) as _sec,
        case replace(split_part(_c, '|', 7), ':', '')
          when '' then null
          when 'Z' then 0
          else (case when split_part(_c, '|', 7) like '-%' then -1 else 1 end)
               * (cast(substr(replace(split_part(_c, '|', 7), ':', ''), 2, 2) as integer) * 60
                  + cast(substr(replace(split_part(_c, '|', 7), ':', ''), 4, 2) as integer))
        end as _off_min
      from (
        select _s,
          case
            {%- for pattern, template in fmt %}
            when {{ hue_regexp_like('_s', pattern) }} then regexp_replace(_s, '{{ pattern }}', '{{ template }}')
            {%- endfor %}
          end as _c,
          case when {{ hue_regexp_like('_s', '^[0-9]{5}([.][0-9]+)?$') }} then cast(_s as decimal(20, 10)) end as _serial
        from (select {{ hue_clean_ws('cast(' ~ expr ~ ' as varchar)') }} as _s) as _hue_dt0
      ) as _hue_dt1
    ) as _hue_dt2
  ) as _hue_dt3)
{%- endmacro %}

{% macro std_timestamp(expr) -%}
  {{ return(adapter.dispatch('std_timestamp', 'hue_warehouse')(expr)) }}
{%- endmacro %}
{% macro default__std_timestamp(expr) -%}{{ hue_datetime_eval(expr, 'timestamp', 'value') }}{%- endmacro %}

{% macro std_timestamp_issue(expr) -%}
  {{ return(adapter.dispatch('std_timestamp_issue', 'hue_warehouse')(expr)) }}
{%- endmacro %}
{% macro default__std_timestamp_issue(expr) -%}{{ hue_datetime_eval(expr, 'timestamp', 'issue') }}{%- endmacro %}

{% macro std_date(expr) -%}
  {{ return(adapter.dispatch('std_date', 'hue_warehouse')(expr)) }}
{%- endmacro %}
{% macro default__std_date(expr) -%}{{ hue_datetime_eval(expr, 'date', 'value') }}{%- endmacro %}

{% macro std_date_issue(expr) -%}
  {{ return(adapter.dispatch('std_date_issue', 'hue_warehouse')(expr)) }}
{%- endmacro %}
{% macro default__std_date_issue(expr) -%}{{ hue_datetime_eval(expr, 'date', 'issue') }}{%- endmacro %}
