"""In-memory twins of every port: same contracts, no I/O, for fast tests."""
