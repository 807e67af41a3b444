"""Audio decoding and probing with the ffmpeg/ffprobe command-line tools."""
