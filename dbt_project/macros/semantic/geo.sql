{#-
  latitude (vĩ độ) / longitude (kinh độ) in decimal degrees, validated inside Huế's bounding box
  (about 15.95-16.80 N, 107.00-108.25 E). Both macros take both raw columns so that a swapped pair
  (lat = 107.58, lon = 16.46, common when spreadsheets list "kinh độ, vĩ độ") is detected: the
  standardised value is then the corrected one and the issue is 'swapped_lat_lon'.
  Accepted: '16.4637', '16,4637' (Vietnamese decimal comma), an optional trailing degree sign.
  Degrees-minutes-seconds are not parsed ('invalid_latitude').
-#}

{% macro hue_bounds() -%}
  {{ return({'lat_min': 15.95, 'lat_max': 16.80, 'lon_min': 107.00, 'lon_max': 108.25}) }}
{%- endmacro %}

{% macro hue_coordinate(expr) -%}
  {%- set s = "replace(" ~ hue_strip_ws(hue_nfc(expr)) ~ ", '°', '')" -%}
  case when {{ hue_regexp_like(s, '^[+-]?[0-9]{1,3}([.,][0-9]+)?$') }}
    then cast(replace({{ s }}, ',', '.') as decimal(12, 8)) end
{%- endmacro %}

{% macro hue_in_lat(v) -%}
  {%- set b = hue_bounds() -%}(({{ v }}) between {{ b.lat_min }} and {{ b.lat_max }})
{%- endmacro %}
{% macro hue_in_lon(v) -%}
  {%- set b = hue_bounds() -%}(({{ v }}) between {{ b.lon_min }} and {{ b.lon_max }})
{%- endmacro %}

{#- which: 'lat' or 'lon'; returns the checked value of that axis. -#}
{% macro hue_geo_value(lat_expr, lon_expr, which) -%}
  {%- set own = hue_coordinate(lat_expr if which == 'lat' else lon_expr) -%}
  {%- set other = hue_coordinate(lon_expr if which == 'lat' else lat_expr) -%}
  {%- set in_own = hue_in_lat if which == 'lat' else hue_in_lon -%}
  {%- set in_other = hue_in_lon if which == 'lat' else hue_in_lat -%}
  case
    when {{ in_own(own) }} then {{ own }}
    when {{ in_other(own) }} and {{ in_own(other) }} then {{ other }}
  end
{%- endmacro %}

{% macro hue_geo_issue(lat_expr, lon_expr, which) -%}
  {%- set raw = lat_expr if which == 'lat' else lon_expr -%}
  {%- set own = hue_coordinate(raw) -%}
  {%- set other = hue_coordinate(lon_expr if which == 'lat' else lat_expr) -%}
  {%- set in_own = hue_in_lat if which == 'lat' else hue_in_lon -%}
  {%- set in_other = hue_in_lon if which == 'lat' else hue_in_lat -%}
  case
    when {{ hue_is_blank(raw) }} then null
    when ({{ own }}) is null then 'invalid_{{ "latitude" if which == "lat" else "longitude" }}'
    when {{ in_own(own) }} then null
    when {{ in_other(own) }} and {{ in_own(other) }} then 'swapped_lat_lon'
    else 'outside_hue_bounds'
  end
{%- endmacro %}

{% macro std_latitude(lat_expr, lon_expr) -%}
  {{ return(adapter.dispatch('std_latitude', 'hue_warehouse')(lat_expr, lon_expr)) }}
{%- endmacro %}
{% macro default__std_latitude(lat_expr, lon_expr) -%}{{ hue_geo_value(lat_expr, lon_expr, 'lat') }}{%- endmacro %}

{% macro std_latitude_issue(lat_expr, lon_expr) -%}
  {{ return(adapter.dispatch('std_latitude_issue', 'hue_warehouse')(lat_expr, lon_expr)) }}
{%- endmacro %}
{% macro default__std_latitude_issue(lat_expr, lon_expr) -%}{{ hue_geo_issue(lat_expr, lon_expr, 'lat') }}{%- endmacro %}

{% macro std_longitude(lat_expr, lon_expr) -%}
  {{ return(adapter.dispatch('std_longitude', 'hue_warehouse')(lat_expr, lon_expr)) }}
{%- endmacro %}
{% macro default__std_longitude(lat_expr, lon_expr) -%}{{ hue_geo_value(lat_expr, lon_expr, 'lon') }}{%- endmacro %}

{% macro std_longitude_issue(lat_expr, lon_expr) -%}
  {{ return(adapter.dispatch('std_longitude_issue', 'hue_warehouse')(lat_expr, lon_expr)) }}
{%- endmacro %}
{% macro default__std_longitude_issue(lat_expr, lon_expr) -%}{{ hue_geo_issue(lat_expr, lon_expr, 'lon') }}{%- endmacro %}
