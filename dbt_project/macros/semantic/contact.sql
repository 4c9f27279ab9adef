{#-
  phone (số điện thoại) to E.164, email (thư điện tử), url (địa chỉ web).

  Phones: separators (space . - ( ) /) are dropped; +84 / 0084 / 84 country prefixes and a leading zero
  lost in a spreadsheet ('912345678') are accepted. Mobile numbers are 0 + 9 digits starting 3/5/7/8/9;
  landlines (since 2017) 0 + 10 digits starting 2. The 11-digit mobile numbers retired in 2018 are mapped to
  their 10-digit successors (0162 -> 032 ... 0199 -> 059); an 11-digit 01xx number outside that table is
  'unknown_old_prefix'.
-#}

{#- The number in national form ('0' + digits), NULL when it has no phone shape. -#}
{% macro hue_phone_national(expr) -%}
  {%- set d = "regexp_replace(" ~ hue_strip_ws(hue_nfc(expr)) ~ ", '[.()/-]', '', 'g')" -%}
  {%- set body -%}
  case
    when {{ hue_regexp_like('_d', '^[+]84[0-9]{9,10}$') }} then '0' || substr(_d, 4)
    when {{ hue_regexp_like('_d', '^0084[0-9]{9,10}$') }} then '0' || substr(_d, 5)
    when {{ hue_regexp_like('_d', '^84[0-9]{9,10}$') }} then '0' || substr(_d, 3)
    when {{ hue_regexp_like('_d', '^0[0-9]{9,10}$') }} then _d
    when {{ hue_regexp_like('_d', '^[35789][0-9]{8}$') }} then '0' || _d
  end
  {%- endset -%}
  {{ hue_let(d, '_d', body) }}
{%- endmacro %}

{% macro hue_old_mobile_prefix(prefix4) -%}
  case {{ prefix4 }}
    {%- for old, new in [('0162', '032'), ('0163', '033'), ('0164', '034'), ('0165', '035'), ('0166', '036'),
                         ('0167', '037'), ('0168', '038'), ('0169', '039'), ('0120', '070'), ('0121', '079'),
                         ('0122', '077'), ('0126', '076'), ('0128', '078'), ('0123', '083'), ('0124', '084'),
                         ('0125', '085'), ('0127', '081'), ('0129', '082'), ('0186', '056'), ('0188', '058'),
                         ('0199', '059')] %}
    when '{{ old }}' then '{{ new }}'
    {%- endfor %}
  end
{%- endmacro %}

{% macro std_phone(expr) -%}
  {{ return(adapter.dispatch('std_phone', 'hue_warehouse')(expr)) }}
{%- endmacro %}
{% macro default__std_phone(expr) -%}
  {%- set body -%}
  case
    when {{ hue_regexp_like('_n', '^0[35789][0-9]{8}$') }} then '+84' || substr(_n, 2)
    when {{ hue_regexp_like('_n', '^02[0-9]{9}$') }} then '+84' || substr(_n, 2)
    when {{ hue_regexp_like('_n', '^01[0-9]{9}$') }}
      then '+84' || substr({{ hue_old_mobile_prefix('substr(_n, 1, 4)') }}, 2) || substr(_n, 5)
  end
  {%- endset -%}
  {{ hue_let(hue_phone_national(expr), '_n', body) }}
{%- endmacro %}

{% macro std_phone_issue(expr) -%}
  {{ return(adapter.dispatch('std_phone_issue', 'hue_warehouse')(expr)) }}
{%- endmacro %}
{% macro default__std_phone_issue(expr) -%}
  {%- set body -%}
  case
    when {{ hue_is_blank(expr) }} then null
    when {{ hue_regexp_like('_n', '^0[35789][0-9]{8}$') }} or {{ hue_regexp_like('_n', '^02[0-9]{9}$') }} then null
    when {{ hue_regexp_like('_n', '^01[0-9]{9}$') }} and {{ hue_old_mobile_prefix('substr(_n, 1, 4)') }} is not null then null
    when {{ hue_regexp_like('_n', '^01[0-9]{9}$') }} then 'unknown_old_prefix'
    else 'invalid_phone'
  end
  {%- endset -%}
  {{ hue_let(hue_phone_national(expr), '_n', body) }}
{%- endmacro %}

{#- email: lower case, 'mailto:' dropped, a conservative address shape (no quoted local parts). -#}
{% macro hue_email_candidate(expr) -%}
  regexp_replace(lower({{ hue_strip_ws(hue_nfc(expr)) }}), '^mailto:', '')
{%- endmacro %}
{% macro hue_email_pattern() -%}^[a-z0-9_%+-]+([.][a-z0-9_%+-]+)*@([a-z0-9]([a-z0-9-]*[a-z0-9])?[.])+[a-z]{2,}${%- endmacro %}

{% macro std_email(expr) -%}
  {{ return(adapter.dispatch('std_email', 'hue_warehouse')(expr)) }}
{%- endmacro %}
{% macro default__std_email(expr) -%}
  {{ hue_let(hue_email_candidate(expr), '_e', 'case when ' ~ hue_regexp_like('_e', hue_email_pattern()) ~ ' then _e end') }}
{%- endmacro %}

{% macro std_email_issue(expr) -%}
  {{ return(adapter.dispatch('std_email_issue', 'hue_warehouse')(expr)) }}
{%- endmacro %}
{% macro default__std_email_issue(expr) -%}
  case
    when {{ hue_is_blank(expr) }} then null
    when not {{ hue_regexp_like(hue_email_candidate(expr), hue_email_pattern()) }} then 'invalid_email'
  end
{%- endmacro %}

{#- url: http(s) only; 'www.' without a scheme gets 'http://'; scheme and host lower-cased, path kept. -#}
{% macro hue_url_candidate(expr) -%}
  {%- set full -%}
  case when {{ hue_regexp_like('lower(_u)', '^www[.]') }} then 'http://' || _u else _u end
  {%- endset -%}
  {%- set lowered = hue_let(hue_regexp_extract('_f', '^([A-Za-z]+://[^/?#]*)'), '_h', 'lower(_h) || substr(_f, length(_h) + 1)') -%}
  {{ hue_let(hue_let(hue_clean_ws(hue_nfc(expr)), '_u', full), '_f', lowered) }}
{%- endmacro %}
{% macro hue_url_pattern() -%}^https?://[a-z0-9]([a-z0-9-]*[a-z0-9])?([.][a-z0-9]([a-z0-9-]*[a-z0-9])?)*[.][a-z]{2,}(:[0-9]{1,5})?([/?#][^ ]*)?${%- endmacro %}

{% macro std_url(expr) -%}
  {{ return(adapter.dispatch('std_url', 'hue_warehouse')(expr)) }}
{%- endmacro %}
{% macro default__std_url(expr) -%}
  {{ hue_let(hue_url_candidate(expr), '_url', 'case when ' ~ hue_regexp_like('_url', hue_url_pattern()) ~ ' then _url end') }}
{%- endmacro %}

{% macro std_url_issue(expr) -%}
  {{ return(adapter.dispatch('std_url_issue', 'hue_warehouse')(expr)) }}
{%- endmacro %}
{% macro default__std_url_issue(expr) -%}
  case
    when {{ hue_is_blank(expr) }} then null
    when not coalesce({{ hue_regexp_like(hue_url_candidate(expr), hue_url_pattern()) }}, false) then 'invalid_url'
  end
{%- endmacro %}

{#- yes_no (có/không) -> boolean. -#}
{% macro hue_yes_no_word(expr) -%}
  lower({{ hue_clean_ws(hue_nfc(expr)) }})
{%- endmacro %}

{% macro std_yes_no(expr) -%}
  {{ return(adapter.dispatch('std_yes_no', 'hue_warehouse')(expr)) }}
{%- endmacro %}
{% macro default__std_yes_no(expr) -%}
  {%- set w = hue_yes_no_word(expr) -%}
  case
    when {{ w }} in ('có', 'co', 'c', 'x', '1', 'yes', 'y', 'true', 't', 'đúng', 'dung', '✓', '✔') then true
    when {{ w }} in ('không', 'khong', 'ko', 'k', '0', 'no', 'n', 'false', 'f', 'sai', '✗', '✘') then false
  end
{%- endmacro %}

{% macro std_yes_no_issue(expr) -%}
  {{ return(adapter.dispatch('std_yes_no_issue', 'hue_warehouse')(expr)) }}
{%- endmacro %}
{% macro default__std_yes_no_issue(expr) -%}
  case
    when {{ hue_is_blank(expr) }} then null
    when {{ std_yes_no(expr) }} is null then 'invalid_yes_no'
  end
{%- endmacro %}
