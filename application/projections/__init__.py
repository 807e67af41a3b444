"""Projections: indexes rebuilt from the event log (fingerprints, embeddings)."""
