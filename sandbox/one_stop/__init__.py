"""The one-stop system (hệ thống một cửa): SQL database in the DVCQG shape, plus its HTTP API."""
