-- Chỉ số giải quyết hồ sơ theo tháng: the monthly dossier KPIs per level — the dataset published on the
-- open-data portal (no personal data: counts and rates only).
-- depends_on: {{ ref('rpt_dossier_kpis') }}
{{ published_dossier_kpis('month') }}
