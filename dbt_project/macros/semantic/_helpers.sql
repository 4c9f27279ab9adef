{#-
  Cross-database building blocks for the semantic-type macros (kiểu ngữ nghĩa). Each helper dispatches
  by adapter only where DuckDB and PostgreSQL really differ; everything else is plain SQL both accept.
  Regular expressions stay inside the common subset of RE2 (DuckDB) and PostgreSQL ARE: no look-around,
  no \p{..} classes, POSIX bracket classes only for ASCII.
-#}

{% macro hue_regexp_like(expr, pattern) -%}
  {{ return(adapter.dispatch('hue_regexp_like', 'hue_warehouse')(expr, pattern)) }}
{%- endmacro %}
{% macro duckdb__hue_regexp_like(expr, pattern) -%} regexp_matches({{ expr }}, '{{ pattern }}') {%- endmacro %}
{% macro default__hue_regexp_like(expr, pattern) -%} ({{ expr }} ~ '{{ pattern }}') {%- endmacro %}

{#- Same, with the pattern given as a SQL expression (for patterns built with chr()). -#}
{% macro hue_regexp_like_sql(expr, pattern_sql) -%}
  {{ return(adapter.dispatch('hue_regexp_like_sql', 'hue_warehouse')(expr, pattern_sql)) }}
{%- endmacro %}
{% macro duckdb__hue_regexp_like_sql(expr, pattern_sql) -%} regexp_matches({{ expr }}, {{ pattern_sql }}) {%- endmacro %}
{% macro default__hue_regexp_like_sql(expr, pattern_sql) -%} ({{ expr }} ~ {{ pattern_sql }}) {%- endmacro %}

{#- First capture group of pattern, NULL when there is no match (DuckDB returns '' there: normalised). -#}
{% macro hue_regexp_extract(expr, pattern) -%}
  {{ return(adapter.dispatch('hue_regexp_extract', 'hue_warehouse')(expr, pattern)) }}
{%- endmacro %}
{% macro duckdb__hue_regexp_extract(expr, pattern) -%}
  case when regexp_matches({{ expr }}, '{{ pattern }}') then regexp_extract({{ expr }}, '{{ pattern }}', 1) end
{%- endmacro %}
{% macro default__hue_regexp_extract(expr, pattern) -%} (regexp_match({{ expr }}, '{{ pattern }}'))[1] {%- endmacro %}

{#- Unicode NFC (chuẩn hoá dựng sẵn): decomposed tone marks from macOS/Excel become single code points. -#}
{% macro hue_nfc(expr) -%}
  {{ return(adapter.dispatch('hue_nfc', 'hue_warehouse')(expr)) }}
{%- endmacro %}
{% macro duckdb__hue_nfc(expr) -%} nfc_normalize(cast({{ expr }} as varchar)) {%- endmacro %}
{% macro default__hue_nfc(expr) -%} normalize(cast({{ expr }} as varchar), NFC) {%- endmacro %}

{#- Lower-case hex SHA-256 of a text value, identical on both adapters (tested). -#}
{% macro hue_sha256_hex(expr) -%}
  {{ return(adapter.dispatch('hue_sha256_hex', 'hue_warehouse')(expr)) }}
{%- endmacro %}
{% macro duckdb__hue_sha256_hex(expr) -%} sha256({{ expr }}) {%- endmacro %}
{% macro default__hue_sha256_hex(expr) -%} encode(sha256(convert_to({{ expr }}, 'UTF8')), 'hex') {%- endmacro %}

{#- Upper-case the first letter of each space-separated word, lower-case the rest (viết hoa chữ đầu). -#}
{% macro hue_title_case(expr) -%}
  {{ return(adapter.dispatch('hue_title_case', 'hue_warehouse')(expr)) }}
{%- endmacro %}
{% macro duckdb__hue_title_case(expr) -%}
  array_to_string(list_transform(string_split({{ expr }}, ' '), lambda w: upper(left(w, 1)) || lower(substr(w, 2))), ' ')
{%- endmacro %}
{% macro default__hue_title_case(expr) -%}
  array_to_string(array(
    select upper(left(w, 1)) || lower(substr(w, 2))
    from unnest(string_to_array({{ expr }}, ' ')) with ordinality as t(w, n) order by n
  ), ' ')
{%- endmacro %}

{#- Whitespace of every kind (tabs, newlines, NBSP, narrow NBSP, ideographic space) collapsed to one space and
    trimmed; zero-width characters and the BOM removed. -#}
{% macro hue_clean_ws(expr) -%}
  trim(regexp_replace(regexp_replace({{ expr }}, {{ hue_zero_width_class() }}, '', 'g'), {{ hue_space_class() }}, ' ', 'g'))
{%- endmacro %}

{#- All whitespace and the usual digit-group separators removed: for numbers, phones and IDs. -#}
{% macro hue_strip_ws(expr) -%}
  regexp_replace(regexp_replace({{ expr }}, {{ hue_zero_width_class() }}, '', 'g'), {{ hue_space_class() }}, '', 'g')
{%- endmacro %}

{#- Trimmed NFC text, NULL when blank. -#}
{% macro hue_clean_text(expr) -%}
  nullif({{ hue_clean_ws(hue_nfc(expr)) }}, '')
{%- endmacro %}

{#- Vietnamese letters without diacritics, lower case (bỏ dấu): 'Phường Thuận Hóa' -> 'phường thuan hoa'
    only after lower(); used for matching names typed without tone marks. -#}
{% macro hue_unaccent_lower(expr) -%}
  translate(lower({{ expr }}),
    'àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ',
    'aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd')
{%- endmacro %}

{#- Regex classes built with chr() so that no invisible character hides in the source. -#}
{% macro hue_zero_width_class() -%}
  ('[' || chr(8203) || chr(8204) || chr(8205) || chr(65279) || ']')
{%- endmacro %}
{% macro hue_space_class() -%}
  {#- Spelled out instead of [[:space:][:cntrl:]]: PostgreSQL's classes follow the locale (they include the C1
      controls U+0080-U+009F) while DuckDB's RE2 classes are ASCII only, and both adapters must agree. C1
      controls are not whitespace here: they betray mis-decoded Windows-1252 text (std_text_issue flags them). -#}
  ('[' || chr(1) || '-' || chr(32) || chr(127) || chr(160) || chr(5760) || chr(8192) || '-' || chr(8202)
       || chr(8232) || chr(8233) || chr(8239) || chr(8287) || chr(12288) || ']+')
{%- endmacro %}

{#- TRUE when a raw value is NULL or only whitespace: such values are missing, never an issue. -#}
{% macro hue_is_blank(expr) -%}
  ({{ expr }} is null or {{ hue_clean_ws(expr) }} = '')
{%- endmacro %}

{#- Bind the SQL expression value_sql to a name for use in body_sql, evaluated once per value.
    Macros that look at a cleaned value many times (numbers, money, phones, dates) use this instead of pasting
    the cleaning expression into every branch: the compiled SQL stays small and each value is cleaned once.
    DuckDB: a one-element list and a lambda, evaluated row by row in vectors. A correlated scalar subquery
    would also work there, but DuckDB decorrelates it into a hash join per level: measured 5-10x slower on
    1M distinct values. PostgreSQL: a scalar subquery without FROM table, run per row as a SubPlan.
    body_sql must not contain a subquery (DuckDB lambdas cannot). -#}
{% macro hue_let(value_sql, name, body_sql) -%}
  {{ return(adapter.dispatch('hue_let', 'hue_warehouse')(value_sql, name, body_sql)) }}
{%- endmacro %}
{% macro duckdb__hue_let(value_sql, name, body_sql) -%}
  list_transform([{{ value_sql }}], lambda {{ name }}: {{ body_sql }})[1]
{%- endmacro %}
{% macro default__hue_let(value_sql, name, body_sql) -%}
  (select {{ body_sql }} from (select {{ value_sql }} as {{ name }}) as _hue_{{ name }})
{%- endmacro %}
