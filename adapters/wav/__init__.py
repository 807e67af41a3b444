"""Plain PCM WAV files read in process (stdlib `wave`, scipy's resampler), no child process."""
