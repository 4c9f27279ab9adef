{#-
  personal_id (số định danh cá nhân, 12 digits): validated per the domain guide §3, then replaced by a keyed
  pseudonym. Structure: PPP province of birth registration (the 63 pre-2025 codes, not renumbered by the
  2025 mergers) · G century and sex (birth year = (G div 2 + 19) * 100 + YY) · YY · 6 random digits; no check
  digit. Plausible: G in 0-3 (born 1900-2099) and a birth year not after the current year.

  Pseudonym: lower-case hex HMAC-SHA256(key, digits), the construction of sources/population/pseudonym.py,
  so verifications from the population service join to one-stop dossiers on it. The key
  (HUE_PSEUDONYM_KEY) never appears in SQL text (compiled models under target/, dbt's logs, the warehouse
  catalogue): on DuckDB hue_pseudonym() is a Python function registered by the dbt-duckdb plugin
  dbt_project/plugins/hue_pseudonym.py; on PostgreSQL the key is read from the session setting
  hue.pseudonym_key, which libpq sends from PGOPTIONS (sources.population.pseudonym.postgres_session_options),
  and HMAC is built from the core sha256() (RFC 2104: no pgcrypto extension, so no extra privilege).
  A missing key fails the query instead of producing guessable hashes. The raw number is only read inside
  this macro: the issue codes never contain it.
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
  case when not {{ hue_is_blank(expr) }} and ({{ hue_personal_id_problem(expr) }}) is null
    then {{ hue_pseudonym(hue_personal_id_digits(expr)) }} end
{%- endmacro %}

{% macro hue_pseudonym(digits) -%}
  {{ return(adapter.dispatch('hue_pseudonym', 'hue_warehouse')(digits)) }}
{%- endmacro %}
{% macro duckdb__hue_pseudonym(digits) -%}
  hue_pseudonym({{ digits }})
{%- endmacro %}
{% macro postgres__hue_pseudonym(digits) -%}
  {#- HMAC(K, m) = H((K0 xor opad) || H((K0 xor ipad) || m)), K0 the key (hashed when longer than the
      64-byte block) zero-padded to 64 bytes. The padded keys are uncorrelated scalar subqueries:
      PostgreSQL evaluates them once per query, not once per row. -#}
  encode(sha256(
    {{ hue_pg_hmac_pad(92) }}
    || sha256({{ hue_pg_hmac_pad(54) }} || convert_to({{ digits }}, 'UTF8'))
  ), 'hex')
{%- endmacro %}
{% macro hue_pg_hmac_pad(pad) -%}
  (select decode(string_agg(lpad(to_hex(
            (case when i < length(k0.k) then get_byte(k0.k, i) else 0 end) # {{ pad }}), 2, '0'), ''
          order by i), 'hex')
   from (select case when length(b) > 64 then sha256(b) else b end as k
         from (select convert_to(current_setting('hue.pseudonym_key'), 'UTF8') as b) as raw_key) as k0,
        generate_series(0, 63) as i)
{%- endmacro %}

{% macro std_personal_id_issue(expr) -%}
  {{ return(adapter.dispatch('std_personal_id_issue', 'hue_warehouse')(expr)) }}
{%- endmacro %}
{% macro default__std_personal_id_issue(expr) -%}
  case when not {{ hue_is_blank(expr) }} then {{ hue_personal_id_problem(expr) }} end
{%- endmacro %}
