"""Chromaprint (libchromaprint via pyacoustid, in process) for near-duplicate detection."""
