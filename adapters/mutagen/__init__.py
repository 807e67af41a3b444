"""Descriptive tags read with mutagen."""
