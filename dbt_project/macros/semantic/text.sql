{#-
  text (văn bản): NFC, whitespace collapsed and trimmed, modern tone-mark placement for the common old-style
  spellings (hoà -> hòa, thuỷ -> thủy, xoè -> xòe). Text that looks like a legacy 8-bit encoding
  (TCVN3/ABC, VNI) read as Latin-1/Windows-1252 is not guessed at here: the value is NULL and the issue says
  'suspected_legacy_encoding', so the original stays in the raw layer for conversion upstream.
-#}

{#- Old-style (tone on the second vowel) -> modern (tone on the first) for oa, oe, uy at the end of a
    syllable. Not after q ('quý', 'quả' are already right) and not before a letter ('hoàng', 'khuỷu' keep
    their marks). Generated: 3 vowel pairs x 5 tones x 3 letter cases. -#}
{% macro hue_modern_tone_marks(expr) -%}
  {%- set rules = [
      (['ò', 'ó', 'ỏ', 'õ', 'ọ'], ['Ò', 'Ó', 'Ỏ', 'Õ', 'Ọ'], 'o', 'O', ['à', 'á', 'ả', 'ã', 'ạ'], ['À', 'Á', 'Ả', 'Ã', 'Ạ'], 'a', 'A'),
      (['ò', 'ó', 'ỏ', 'õ', 'ọ'], ['Ò', 'Ó', 'Ỏ', 'Õ', 'Ọ'], 'o', 'O', ['è', 'é', 'ẻ', 'ẽ', 'ẹ'], ['È', 'É', 'Ẻ', 'Ẽ', 'Ẹ'], 'e', 'E'),
      (['ù', 'ú', 'ủ', 'ũ', 'ụ'], ['Ù', 'Ú', 'Ủ', 'Ũ', 'Ụ'], 'u', 'U', ['ỳ', 'ý', 'ỷ', 'ỹ', 'ỵ'], ['Ỳ', 'Ý', 'Ỷ', 'Ỹ', 'Ỵ'], 'y', 'Y'),
  ] -%}
  {%- set ns = namespace(sql=expr) -%}
  {%- for first_toned, first_toned_up, first, first_up, second_toned, second_toned_up, second, second_up in rules -%}
    {%- for i in range(5) -%}
      {%- for old, new in [
            (first ~ second_toned[i], first_toned[i] ~ second),
            (first_up ~ second_toned[i], first_toned_up[i] ~ second),
            (first_up ~ second_toned_up[i], first_toned_up[i] ~ second_up),
          ] -%}
        {%- set ns.sql = "regexp_replace(" ~ ns.sql ~ ", '(^|[^qQ])" ~ old ~ "($|[^a-zA-Z])', '\\1" ~ new ~ "\\2', 'g')" -%}
      {%- endfor -%}
    {%- endfor -%}
  {%- endfor -%}
  {{ ns.sql }}
{%- endmacro %}

{#- Characters that never occur in Unicode Vietnamese but are typical of TCVN3/VNI bytes shown as
    Windows-1252 ('Thõa Thiªn HuÕ', 'Thöøa Thieân Hueá'). Note ' õ Õ ' are valid Vietnamese, so TCVN3 is
    recognised by its other bytes (ª µ ¸ ¶ · ¹ ...). -#}
{% macro hue_legacy_encoding_pattern() -%}[ª«¬®µ¶·¸¹º»¼½¾¿ÄÅÆÇËÎÏÑÖØÛÜÞßäåæçëîïñöøûüþ]{%- endmacro %}

{#- Clean text with modern tone marks. The 45 replacements only run on values that contain a candidate
    (o/u followed by a toned a/e/y): most text has none, and the check is one regex. -#}
{% macro hue_vi_text(expr) -%}
  {%- set body -%}
  case when {{ hue_regexp_like('_t', '[oOuU][àáảãạèéẻẽẹỳýỷỹỵÀÁẢÃẠÈÉẺẼẸỲÝỶỸỴ]') }}
    then {{ hue_modern_tone_marks('_t') }} else _t end
  {%- endset -%}
  {{ hue_let(hue_clean_text(expr), '_t', body) }}
{%- endmacro %}

{% macro std_text(expr) -%}
  {{ return(adapter.dispatch('std_text', 'hue_warehouse')(expr)) }}
{%- endmacro %}
{% macro default__std_text(expr) -%}
  case when {{ std_text_issue(expr) }} is null then {{ hue_vi_text(expr) }} end
{%- endmacro %}

{% macro std_text_issue(expr) -%}
  {{ return(adapter.dispatch('std_text_issue', 'hue_warehouse')(expr)) }}
{%- endmacro %}
{% macro default__std_text_issue(expr) -%}
  case
    when {{ hue_is_blank(expr) }} then null
    when strpos({{ expr }}, chr(65533)) > 0 then 'replacement_character'
    when {{ hue_regexp_like(expr, hue_legacy_encoding_pattern()) }}
      or {{ hue_regexp_like_sql(expr, "('[' || chr(128) || '-' || chr(159) || ']')") }} then 'suspected_legacy_encoding'
  end
{%- endmacro %}

{#- person_name (họ và tên): text, each word capitalised ('NGUYỄN thị  mai' -> 'Nguyễn Thị Mai'). -#}
{% macro std_person_name(expr) -%}
  {{ return(adapter.dispatch('std_person_name', 'hue_warehouse')(expr)) }}
{%- endmacro %}
{% macro default__std_person_name(expr) -%}
  case when {{ std_person_name_issue(expr) }} is null then {{ hue_title_case(hue_vi_text(expr)) }} end
{%- endmacro %}

{% macro std_person_name_issue(expr) -%}
  {{ return(adapter.dispatch('std_person_name_issue', 'hue_warehouse')(expr)) }}
{%- endmacro %}
{% macro default__std_person_name_issue(expr) -%}
  coalesce(
    {{ std_text_issue(expr) }},
    case when {{ hue_regexp_like(expr, '[0-9@#$%^&*_=+<>/|{}~]') }} then 'invalid_person_name' end
  )
{%- endmacro %}

{#- place_name (địa danh): text, each word capitalised ('thành phố huế' -> 'Thành Phố Huế'). -#}
{% macro std_place_name(expr) -%}
  {{ return(adapter.dispatch('std_place_name', 'hue_warehouse')(expr)) }}
{%- endmacro %}
{% macro default__std_place_name(expr) -%}
  case when {{ std_place_name_issue(expr) }} is null then {{ hue_title_case(hue_vi_text(expr)) }} end
{%- endmacro %}

{% macro std_place_name_issue(expr) -%}
  {{ return(adapter.dispatch('std_place_name_issue', 'hue_warehouse')(expr)) }}
{%- endmacro %}
{% macro default__std_place_name_issue(expr) -%}
  {{ std_text_issue(expr) }}
{%- endmacro %}

{#- code (mã): trimmed, upper case, leading zeros kept. Spreadsheet artefacts that already destroyed the code
    ('46.0', '4.6E+11') are refused: the leading zeros cannot be recovered. -#}
{% macro std_code(expr) -%}
  {{ return(adapter.dispatch('std_code', 'hue_warehouse')(expr)) }}
{%- endmacro %}
{% macro default__std_code(expr) -%}
  case when {{ std_code_issue(expr) }} is null then upper({{ hue_clean_text(expr) }}) end
{%- endmacro %}

{% macro std_code_issue(expr) -%}
  {{ return(adapter.dispatch('std_code_issue', 'hue_warehouse')(expr)) }}
{%- endmacro %}
{% macro default__std_code_issue(expr) -%}
  case
    when {{ hue_is_blank(expr) }} then null
    when {{ hue_regexp_like(hue_clean_ws(expr), '^[0-9]+[.,]0+$') }} then 'numeric_artifact'
    when {{ hue_regexp_like(hue_clean_ws(expr), '^[0-9]([.,][0-9]+)?[eE][+]?[0-9]+$') }} then 'scientific_notation'
  end
{%- endmacro %}
