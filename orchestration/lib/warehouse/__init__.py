"""The warehouse on PostgreSQL: schemas, roles and grants (postgres_roles.sql) and the published views."""
