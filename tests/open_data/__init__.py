"""Tests of the open-data portal sandbox, the open-data connector and the CKAN harvester."""
