"""Landmark fingerprinter: spectrogram peaks and pair hashes in C (cffi API mode)."""
