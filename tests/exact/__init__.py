"""Exact lane: landmark fingerprinter (C), fingerprint indexes, projection, identify."""
