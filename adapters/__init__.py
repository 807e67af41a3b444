"""Concrete technologies behind the ports, one folder each, plus in-memory twins."""
