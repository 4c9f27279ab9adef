{#-
  integer (số nguyên), decimal (số thập phân) and money (tiền, VND) in Vietnamese or English notation.

  The number is rewritten to a canonical '-1234.5' string by the first rule that matches (after all
  whitespace is removed):
    1. '1234'                         plain digits
    2. '1.234.567,5'                  Vietnamese: dots group thousands, comma is the decimal mark
    3. '1,234,567.5'                  English
    4. '1,234,567'                    English, two or more groups (one comma alone is Vietnamese, rule 5)
    5. '64,89'  '1,5'  '1,234'        one comma: Vietnamese decimal mark (domain guide §6)
    6. '106.071'  '1.500.000'         dots followed by groups of exactly three digits: Vietnamese thousands
    7. '1.5'  '3.14159'  '.5'         otherwise one dot is a decimal point
  So '1.234' is 1234 and '1,234' is 1.234: Vietnamese notation wins wherever the two collide.
-#}

{% macro hue_number_canonical(s) -%}
  case
    when {{ hue_regexp_like(s, '^[+-]?[0-9]+$') }} then {{ s }}
    when {{ hue_regexp_like(s, '^[+-]?[1-9][0-9]{0,2}([.][0-9]{3})+,[0-9]+$') }} then replace(replace({{ s }}, '.', ''), ',', '.')
    when {{ hue_regexp_like(s, '^[+-]?[1-9][0-9]{0,2}(,[0-9]{3})+[.][0-9]+$') }} then replace({{ s }}, ',', '')
    when {{ hue_regexp_like(s, '^[+-]?[1-9][0-9]{0,2}(,[0-9]{3}){2,}$') }} then replace({{ s }}, ',', '')
    when {{ hue_regexp_like(s, '^[+-]?[0-9]+,[0-9]+$') }} then replace({{ s }}, ',', '.')
    when {{ hue_regexp_like(s, '^[+-]?[1-9][0-9]{0,2}([.][0-9]{3})+$') }} then replace({{ s }}, '.', '')
    when {{ hue_regexp_like(s, '^[+-]?[0-9]*[.][0-9]+$') }} then {{ s }}
  end
{%- endmacro %}

{#- Canonical number string of a raw text value ('' -> NULL). -#}
{% macro hue_number_text(expr) -%}
  {{ hue_let(hue_strip_ws(hue_nfc(expr)), '_hue_num_s', hue_number_canonical('_hue_num_s')) }}
{%- endmacro %}

{#- Refuse more than 30 integer digits: beyond any real quantity, and decimal(38,6) would overflow. -#}
{% macro hue_number_fits(c) -%}
  {{ hue_regexp_like(c, '^[+-]?[0-9]{0,30}([.][0-9]*)?$') }}
{%- endmacro %}

{% macro std_decimal(expr) -%}
  {{ return(adapter.dispatch('std_decimal', 'hue_warehouse')(expr)) }}
{%- endmacro %}
{% macro default__std_decimal(expr) -%}
  {{ hue_let(hue_number_text(expr), '_c', 'case when ' ~ hue_number_fits('_c') ~ ' then cast(_c as decimal(38, 6)) end') }}
{%- endmacro %}

{% macro std_decimal_issue(expr) -%}
  {{ return(adapter.dispatch('std_decimal_issue', 'hue_warehouse')(expr)) }}
{%- endmacro %}
{% macro default__std_decimal_issue(expr) -%}
  {%- set body -%}
  case
    when {{ hue_is_blank(expr) }} then null
    when _c is null then 'invalid_number'
    when not {{ hue_number_fits('_c') }} then 'out_of_range'
  end
  {%- endset -%}
  {{ hue_let(hue_number_text(expr), '_c', body) }}
{%- endmacro %}

{% macro std_integer(expr) -%}
  {{ return(adapter.dispatch('std_integer', 'hue_warehouse')(expr)) }}
{%- endmacro %}
{% macro default__std_integer(expr) -%}
  {%- set body -%}
  case when {{ hue_regexp_like('_c', '^[+-]?[0-9]{1,18}([.]0*)?$') }} then cast(split_part(_c, '.', 1) as bigint) end
  {%- endset -%}
  {{ hue_let(hue_number_text(expr), '_c', body) }}
{%- endmacro %}

{% macro std_integer_issue(expr) -%}
  {{ return(adapter.dispatch('std_integer_issue', 'hue_warehouse')(expr)) }}
{%- endmacro %}
{% macro default__std_integer_issue(expr) -%}
  {%- set body -%}
  case
    when {{ hue_is_blank(expr) }} then null
    when _c is null then 'invalid_integer'
    when {{ hue_regexp_like('_c', '^[+-]?[0-9]{1,18}([.]0*)?$') }} then null
    when {{ hue_regexp_like('_c', '^[+-]?[0-9]*[.]0*[1-9]') }} then 'not_integer'
    else 'out_of_range'
  end
  {%- endset -%}
  {{ hue_let(hue_number_text(expr), '_c', body) }}
{%- endmacro %}

{#- money (VND): '1.500.000 đ', '1.500.000đ', '1,5 triệu', '500k', '2 tỷ đồng', '1.500.000 VNĐ' -> bigint đồng.
    Currency words are only accepted for VND; a fraction of a đồng is refused, not rounded. -#}
{#- The amount in đồng as decimal(38,6), NULL when the text is no VND amount. -#}
{% macro hue_money_amount(expr) -%}
  {%- set units = '(nghìn|nghin|ngàn|ngan|k|triệu|trieu|tr|tỷ|tỉ|ty)$' -%}
  {%- set body = "regexp_replace(lower(" ~ hue_strip_ws(hue_nfc(expr)) ~ "), '(đồng|dong|vnđ|vnd|đ|₫)$', '')" -%}
  {%- set scale -%}
    case {{ hue_regexp_extract('_b', units) }}
      when 'nghìn' then 1000 when 'nghin' then 1000 when 'ngàn' then 1000 when 'ngan' then 1000 when 'k' then 1000
      when 'triệu' then 1000000 when 'trieu' then 1000000 when 'tr' then 1000000
      when 'tỷ' then 1000000000 when 'tỉ' then 1000000000 when 'ty' then 1000000000
      else 1
    end
  {%- endset -%}
  {%- set number = hue_let("regexp_replace(_b, '" ~ units ~ "', '')", '_hue_num_s', hue_number_canonical('_hue_num_s')) -%}
  {%- set amount = hue_let(number, '_c', "case when " ~ hue_regexp_like('_c', '^[+-]?[0-9]{0,20}([.][0-9]*)?$') ~ " then cast(_c as decimal(38, 6)) end") -%}
  {{ hue_let(body, '_b', '(' ~ amount ~ ' * ' ~ scale ~ ')') }}
{%- endmacro %}

{% macro std_money(expr) -%}
  {{ return(adapter.dispatch('std_money', 'hue_warehouse')(expr)) }}
{%- endmacro %}
{% macro default__std_money(expr) -%}
  {{ hue_let(hue_money_amount(expr), '_m', 'case when _m = round(_m, 0) then cast(_m as bigint) end') }}
{%- endmacro %}

{% macro std_money_issue(expr) -%}
  {{ return(adapter.dispatch('std_money_issue', 'hue_warehouse')(expr)) }}
{%- endmacro %}
{% macro default__std_money_issue(expr) -%}
  {%- set body -%}
  case
    when {{ hue_is_blank(expr) }} then null
    when _m is null then 'invalid_money'
    when _m <> round(_m, 0) then 'fractional_dong'
  end
  {%- endset -%}
  {{ hue_let(hue_money_amount(expr), '_m', body) }}
{%- endmacro %}
