{#-
  personal_id (số định danh cá nhân, 12 digits): validated per the domain guide §3, then replaced by a keyed
  pseudonym. Structure: PPP province of birth registration (the 63 pre-2025 codes, not renumbered by the
  2025 mergers) · G century and sex (birth year = (G div 2 + 19) * 100 + YY) · YY · 6 random digits; no check
  digit. Plausible: G in 0-3 (born 1900-2099) and a birth year not after the current year.

  Pseudonym: lower-case hex SHA-256 of (key || id), key = var('pseudonym_key') (HUE_PSEUDONYM_KEY).
  SHA-256 because both adapters have it built in (DuckDB sha256(), PostgreSQL 11+ sha256(bytea)) and give
  the same digest, so a person gets the same pseudonym whichever warehouse computed it; md5 would also be
  common to both but is too weak. The raw number is only read inside this macro: the issue codes never
  contain it, and a missing or short key fails the run instead of producing guessable hashes.
-#}

{% macro hue_province_codes() -%}
  {#- The 63 province codes of the 2023 national list (communes_national_2023-05-07.csv), 3-digit form;
      a test checks this list against the reference file. -#}
  {{ return(['001', '002', '004', '006', '008', '010', '011', '012', '014', '015', '017', '019', '020', '022',
             '024', '025', '026', '027', '030', '031', '033', '034', '035', '036', '037', '038', '040', '042',
             '044', '045', '046', '048', '049', '051', '052', '054', '056', '058', '060', '062', '064', '066',
             '067', '068', '070', '072', '074', '075', '077', '079', '080', '082', '083', '084', '086', '087',
             '089', '091', '092', '093', '094', '095', '096']) }}
{%- endmacro %}

{% macro hue_pseudonym_key() -%}
  {%- set key = var('pseudonym_key', env_var('HUE_PSEUDONYM_KEY', '')) -%}
  {%- if execute and (key is none or (key | string | length) < 16) -%}
    {{ exceptions.raise_compiler_error(
        "personal_id needs var('pseudonym_key') of at least 16 characters (set HUE_PSEUDONYM_KEY); "
        ~ "there is deliberately no default") }}
  {%- endif -%}
  {{ return(key | string) }}
{%- endmacro %}

{% macro hue_personal_id_digits(expr) -%}
  regexp_replace({{ hue_strip_ws(hue_nfc(expr)) }}, '[.-]', '', 'g')
{%- endmacro %}

{% macro hue_personal_id_problem(expr) -%}
  {%- set d = hue_personal_id_digits(expr) -%}
  {%- set provinces = "'" ~ (hue_province_codes() | join("', '")) ~ "'" -%}
  case
    when {{ hue_regexp_like(d, '^[0-9]{9}$') }} then 'old_id_card_number'
    when not {{ hue_regexp_like(d, '^[0-9]{12}$') }} then 'invalid_personal_id'
    when substr({{ d }}, 1, 3) not in ({{ provinces }}) then 'unknown_province_code'
    when substr({{ d }}, 4, 1) not in ('0', '1', '2', '3') then 'implausible_birth_century'
    when (case when substr({{ d }}, 4, 1) in ('0', '1') then 1900 else 2000 end)
         + cast(substr({{ d }}, 5, 2) as integer) > extract(year from current_date) then 'birth_year_in_future'
  end
{%- endmacro %}

{% macro std_personal_id(expr) -%}
  {{ return(adapter.dispatch('std_personal_id', 'hue_warehouse')(expr)) }}
{%- endmacro %}
{% macro default__std_personal_id(expr) -%}
  {%- set key = hue_pseudonym_key() | replace("'", "''") -%}
  case when not {{ hue_is_blank(expr) }} and ({{ hue_personal_id_problem(expr) }}) is null
    then {{ hue_sha256_hex("'" ~ key ~ "' || " ~ hue_personal_id_digits(expr)) }} end
{%- endmacro %}

{% macro std_personal_id_issue(expr) -%}
  {{ return(adapter.dispatch('std_personal_id_issue', 'hue_warehouse')(expr)) }}
{%- endmacro %}
{% macro default__std_personal_id_issue(expr) -%}
  case when not {{ hue_is_blank(expr) }} then {{ hue_personal_id_problem(expr) }} end
{%- endmacro %}
