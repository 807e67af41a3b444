"""Ports: the interfaces the application needs from the outside world (typing.Protocol)."""
