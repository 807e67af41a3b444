"""The `audio-ident` command line."""
