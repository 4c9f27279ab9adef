"""Tests of sources.common.vietnamese: text, legacy encodings, numbers, dates."""
