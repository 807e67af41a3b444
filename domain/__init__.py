"""The core model of audio-ident: pure Python (numpy allowed), no I/O, no frameworks."""
