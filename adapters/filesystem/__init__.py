"""Content-addressed storage of original files on a local filesystem."""
