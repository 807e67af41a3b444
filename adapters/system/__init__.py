"""Operating-system services: the wall clock."""
