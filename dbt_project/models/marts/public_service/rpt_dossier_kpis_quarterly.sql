-- Chỉ số giải quyết hồ sơ theo kỳ báo cáo: the dossier KPIs per official quarterly reporting period (15th of the
-- month before the quarter to the 14th of its last month) and level — the dataset published on the
-- open-data portal (no personal data: counts and rates only), the same columns as the monthly one.
-- depends_on: {{ ref('rpt_dossier_kpis') }}
{{ published_dossier_kpis('official_quarter') }}
