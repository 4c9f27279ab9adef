"""Reports people read (báo cáo): the quarterly report on administrative-procedure dossiers, rendered
offline from the KPI marts as self-contained HTML (inline CSS and SVG charts) and, where Chromium is
installed, PDF."""
