"""Tests of the sandbox data: people, reference data, the one-stop generator and its calibration."""
