"""Sandbox open-data portal (Cổng dữ liệu mở): DCAT catalogue, JSON API, file downloads, CKAN Action API."""
