"""Plain PCM WAV files read in process (stdlib `wave`, libsoxr), no child process."""
