"""Pieces every connector shares: batches, errors, HTTP with retries, Vietnamese parsing."""
