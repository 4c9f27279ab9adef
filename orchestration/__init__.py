"""The Dagster code location of the Huế data platform (loaded by workspace.yaml as orchestration.definitions)."""
