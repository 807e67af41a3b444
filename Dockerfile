# audio-ident for the multi-node stack (docker-compose.nodes.yml): one image, any number of
# `serve` nodes. CPU-only torch, so the image carries no CUDA libraries.
FROM python:3.11-slim-bookworm

# ffmpeg ≥ 5 and Chromaprint at run time; a C compiler for the landmark code (cffi).
RUN apt-get update \
    && apt-get install -y --no-install-recommends ffmpeg libchromaprint1 gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . .
RUN pip install --no-cache-dir --extra-index-url https://download.pytorch.org/whl/cpu .

ARG AUDIO_IDENT_GIT_SHA=""
ENV AUDIO_IDENT_GIT_SHA=${AUDIO_IDENT_GIT_SHA} \
    AUDIO_STORAGE_ROOT=/data \
    HF_HOME=/models
EXPOSE 17010
CMD ["audio-ident", "serve", "--host", "0.0.0.0"]
