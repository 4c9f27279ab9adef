{#-
  date (ngày) and timestamp (thời điểm) from the formats found in Huế's sources:
    dd/mm/yyyy, d/m/yyyy (also with '-' or '.'), 'dd/mm/yyyy HH:MM[:SS]', 'HH:MM dd/mm/yyyy',
    yyyyMMddHHmmss (DVCQG), yyyyMMdd, ISO 8601 with optional time, fraction and offset (Z, +07:00),
    and Excel serial day numbers of five digits (10000-99999, i.e. 1927-1938 .. 2173) with optional fraction.
  Timestamps are local Asia/Ho_Chi_Minh time, type timestamp without time zone. A value with an explicit
  offset is converted by arithmetic: Vietnam has kept UTC+07:00 without daylight saving since 1975, so no
  time-zone database is needed on either adapter. A date of a value with a time part is its local date.
  Years outside 1900-2100 are 'date_out_of_range'; impossible calendar values (31/02) are 'invalid_date'.

  The cleaned value and its canonical form are bound once per value with hue_let (see _helpers.sql).
-#}

{#- Canonical 'Y|M|D|h|m|s|offset' text of a cleaned value: '' when blank, '|||||||S<serial>' for an Excel
    serial, '|||||||!' when no format matches, NULL when NULL. The markers sit in an eighth field so that the
    part casts below only ever see digits or ''. Everything after this step looks at the canonical text only. -#}
{% macro hue_datetime_canonical(s) -%}
  {%- set fmt = [
      ('^([0-9]{4})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})$', '\\1|\\2|\\3|\\4|\\5|\\6|'),
      ('^([0-9]{4})([0-9]{2})([0-9]{2})$', '\\1|\\2|\\3|0|0|0|'),
      ('^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})$', '\\3|\\2|\\1|0|0|0|'),
      ('^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})[ T,]+([0-9]{1,2})[:hH]([0-9]{2})(?::([0-9]{2}))?$', '\\3|\\2|\\1|\\4|\\5|\\6|'),
      ('^([0-9]{1,2})[:hH]([0-9]{2})(?::([0-9]{2}))?[ ,]+([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})$', '\\6|\\5|\\4|\\1|\\2|\\3|'),
      ('^([0-9]{4})[/-]([0-9]{1,2})[/-]([0-9]{1,2})(?:[T ]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}(?:[.][0-9]+)?))?)?(Z|[+-][0-9]{2}:?[0-9]{2})?$', '\\1|\\2|\\3|\\4|\\5|\\6|\\7'),
  ] -%}
  case
    when {{ s }} = '' then ''
    {%- for pattern, template in fmt %}
    when {{ hue_regexp_like(s, pattern) }} then regexp_replace({{ s }}, '{{ pattern }}', '{{ template }}')
    {%- endfor %}
    when {{ hue_regexp_like(s, '^[0-9]{5}([.][0-9]+)?$') }} then '|||||||S' || {{ s }}
    else '|||||||!'
  end
{%- endmacro %}

{#- Local timestamp from the canonical text _c, NULL for impossible calendar values or years outside
    1900-2100. DuckDB validates with its own timestamp parser (try_cast), about 5x faster than the arithmetic;
    PostgreSQL has no try_cast, so the calendar is checked by arithmetic before make_timestamp. The shared case
    table proves both give the same answers. -#}
{% macro hue_checked_local_ts(c) -%}
  {{ return(adapter.dispatch('hue_checked_local_ts', 'hue_warehouse')(c)) }}
{%- endmacro %}

{% macro hue_ts_parts(c) -%}
  {%- set part = "split_part(" ~ c ~ ", '|', %d)" -%}
  {{ return({
      'y': "cast(nullif(" ~ (part | format(1)) ~ ", '') as integer)",
      'mo': "cast(nullif(" ~ (part | format(2)) ~ ", '') as integer)",
      'd': "cast(nullif(" ~ (part | format(3)) ~ ", '') as integer)",
      'h': "cast(coalesce(nullif(" ~ (part | format(4)) ~ ", ''), '0') as integer)",
      'mi': "cast(coalesce(nullif(" ~ (part | format(5)) ~ ", ''), '0') as integer)",
      'sec': "cast(coalesce(nullif(" ~ (part | format(6)) ~ ", ''), '0') as decimal(9, 6))",
      'text': [part | format(1), " '-' ", "lpad(" ~ (part | format(2)) ~ ", 2, '0')", " '-' ",
               "lpad(" ~ (part | format(3)) ~ ", 2, '0')", " ' ' ",
               "lpad(coalesce(nullif(" ~ (part | format(4)) ~ ", ''), '0'), 2, '0')", " ':' ",
               "lpad(coalesce(nullif(" ~ (part | format(5)) ~ ", ''), '0'), 2, '0')", " ':' ",
               "coalesce(nullif(" ~ (part | format(6)) ~ ", ''), '00')"] | join(' || '),
  }) }}
{%- endmacro %}

{% macro duckdb__hue_checked_local_ts(c) -%}
  {%- set p = hue_ts_parts(c) -%}
  case when {{ p.y }} between 1900 and 2100 and {{ p.h }} between 0 and 23
    then try_cast({{ p.text }} as timestamp) end
{%- endmacro %}

{% macro default__hue_checked_local_ts(c) -%}
  {%- set p = hue_ts_parts(c) -%}
  case when {{ p.y }} between 1900 and 2100 and {{ p.mo }} between 1 and 12 and {{ p.h }} between 0 and 23
     and {{ p.mi }} between 0 and 59 and {{ p.sec }} < 60 and {{ p.d }} between 1 and case
       when {{ p.mo }} in (4, 6, 9, 11) then 30
       when {{ p.mo }} = 2 then case when ({{ p.y }} % 4 = 0 and {{ p.y }} % 100 <> 0) or {{ p.y }} % 400 = 0 then 29 else 28 end
       else 31 end
    then make_timestamp({{ p.y }}, {{ p.mo }}, {{ p.d }}, {{ p.h }}, {{ p.mi }}, {{ p.sec }}) end
{%- endmacro %}

{% macro hue_datetime_eval(expr, kind, want) -%}
  {%- set p = hue_ts_parts('_c') -%}
  {%- set off = "replace(split_part(_c, '|', 7), ':', '')" -%}
  {%- set off_min = "(case when " ~ off ~ " = 'Z' then 0 else (case when " ~ off ~ " like '-%' then -1 else 1 end)"
        ~ " * (cast(substr(" ~ off ~ ", 2, 2) as integer) * 60 + cast(substr(" ~ off ~ ", 4, 2) as integer)) end)" -%}
  {%- set serial = "cast(substr(split_part(_c, '|', 8), 2) as decimal(20, 10))" -%}
  {%- set is_serial = "_c like '%|S%'" -%}
  {#- Whole days and the time of day separately: seconds since 1899 overflow DuckDB's interval factor. -#}
  {%- set serial_day = dbt.dateadd('day', 'floor(' ~ serial ~ ')', 'make_timestamp(1899, 12, 30, 0, 0, 0)') -%}
  {%- set from_serial = dbt.dateadd('second', 'round((' ~ serial ~ ' - floor(' ~ serial ~ ')) * 86400)', serial_day) -%}
  {%- set body -%}
    {%- if want == 'value' -%}
      {%- set ts -%}
      case
        when {{ is_serial }} then {{ from_serial }}
        when {{ off }} = '' then {{ hue_checked_local_ts('_c') }}
        else {{ dbt.dateadd('minute', '420 - ' ~ off_min, hue_checked_local_ts('_c')) }}
      end
      {%- endset -%}
      {% if kind == 'date' %}cast({{ ts }} as date){% else %}{{ ts }}{% endif %}
    {%- else -%}
      case
        when _c is null or _c = '' or {{ is_serial }} then null
        when _c like '%|!' then 'invalid_{{ kind }}'
        when {{ p.y }} not between 1900 and 2100 then 'date_out_of_range'
        when {{ hue_checked_local_ts('_c') }} is null then 'invalid_{{ kind }}'
      end
    {%- endif -%}
  {%- endset -%}
  {%- set canonical = hue_let(hue_clean_ws('cast(' ~ expr ~ ' as varchar)'), '_s', hue_datetime_canonical('_s')) -%}
  {{ hue_let(canonical, '_c', body) }}
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
