/* Landmark fingerprinting: spectrogram peaks ("event points") and pair hashes.
 *
 * Input is mono float32 PCM at 16 kHz. The STFT uses a 1024-sample Hann window and a
 * 128-sample hop (8 ms frames, 512 bins of 15.6 Hz). Everything here is plain C99 with no
 * dependencies; every function is re-entrant and touches only the memory it is given. */
#ifndef AUDIO_IDENT_LANDMARKS_H
#define AUDIO_IDENT_LANDMARKS_H

#include <stdint.h>

#define LM_WINDOW 1024
#define LM_HOP 128
#define LM_BINS 512

/* Statuses. A call returns LM_OK (or, for the hash functions, the count written, >= 0) on
 * success, else one of these negative codes, so a caller can tell its own mistake from a
 * resource limit; native.py raises one exception class per code.
 * LM_ERR_INVALID_PARAMS: a parameter out of its documented range, a NULL pointer where data
 * is due, a negative length or an input longer than 2^31 frames.
 * LM_ERR_NO_MEMORY: a working buffer could not be allocated.
 * LM_ERR_BUFFER_TOO_SMALL: the hashes need more than `cap` slots; what was written is a
 * prefix only, so call again with more room. */
#define LM_OK 0
#define LM_ERR_INVALID_PARAMS -1
#define LM_ERR_NO_MEMORY -2
#define LM_ERR_BUFFER_TOO_SMALL -3

/* A spectrogram peak: frame index, FFT bin, and how far (dB) it stands above the mean
 * power of the bins around it (its prominence, used to rank peaks). */
typedef struct {
    int32_t t;
    int32_t f;
    float strength;
} lm_peak;

typedef struct {
    int half_t;             /* a peak is the maximum of (2*half_t+1) frames ...        */
    int half_f;             /* ... by (2*half_f+1) bins around it                       */
    int min_bin;            /* bins below this are ignored (hum, rumble)                */
    int max_bin;            /* bins from this one up are ignored                        */
    int mean_half_f;        /* half-width of the local mean used for prominence         */
    float min_prominence;   /* power / local mean must exceed this ratio                */
    float floor_power;      /* absolute floor on power: rejects digital silence         */
} lm_peak_params;

/* Peaks found by lm_find_peaks; release with lm_free_peaks. Sorted by (t, f). */
typedef struct {
    lm_peak *peaks;
    int64_t count;
} lm_peak_list;

typedef struct {
    int fanout;  /* pairs per anchor peak (the nearest targets in time)            */
    int dt_min;  /* target zone: frames after the anchor, inclusive                */
    int dt_max;  /* at most LM_DT_LIMIT                                            */
    int df_max;  /* at most LM_DF_LIMIT bins above or below the anchor             */
} lm_pair_params;

#define LM_DT_LIMIT 127
#define LM_DF_LIMIT 127
/* The low bits of a pair hash that hold its time gap dt (1..LM_DT_LIMIT). */
#define LM_GAP_BITS_MASK 0x7f

/* Find peaks. Returns LM_OK, LM_ERR_INVALID_PARAMS or LM_ERR_NO_MEMORY (the list is then
 * empty). Any length is valid: fewer than LM_WINDOW samples give no frames, hence no peaks. */
int lm_find_peaks(const float *samples, int64_t n, const lm_peak_params *params,
                  lm_peak_list *out);

void lm_free_peaks(lm_peak_list *list);

/* Pair hashes of peaks sorted by (t, f). Peaks are first mapped to (t * time_scale,
 * f * freq_scale); when a scale is not 1, quantising is ambiguous, so both neighbouring
 * integer values are emitted where the mapped value lies near the middle (up to 8 hashes
 * per pair): n * fanout * 8 slots always suffice (n * fanout at scales of 1). Returns how
 * many hashes it wrote (0 when no pair forms, as in silence: a valid empty result), or
 * LM_ERR_INVALID_PARAMS (params out of range, a scale outside (0, 16)) or
 * LM_ERR_BUFFER_TOO_SMALL. The anchor's mapped frame goes to `times`. Hash layout:
 * f1 (9 bits) | df + 128 (8 bits) | dt (7 bits: LM_GAP_BITS_MASK). */
int64_t lm_pair_hashes(const lm_peak *peaks, int64_t n, const lm_pair_params *params,
                       double time_scale, double freq_scale, uint32_t *hashes,
                       uint32_t *times, int64_t cap);

/* Triplet hashes (Panako-style): an anchor peak and two later peaks of its target zone,
 * hashed from quantities that a tempo change (time scaled) or a pitch shift (frequency
 * scaled) leaves alone: the time ratio (t2-t1)/(t3-t1) and the frequency ratios f2/f1,
 * f3/f1 (in 1/12 octave), plus coarse classes of the anchor's frequency (1/4 octave) and of
 * the span t3-t1 (1/2 octave): a scale of +-10 % moves those by under a third of a class.
 * With `tolerant`, a value near a cell edge also yields the neighbouring cell (a query's
 * probes; the index stores one cell per triplet). The anchor's frame goes to `times`; the
 * stretch is recovered by aligning anchors (domain/landmark_slopes.py). Returns the count
 * written or a status, as lm_pair_hashes does; without `tolerant`, n * fanout * (fanout - 1)
 * / 2 slots always suffice. Hash layout, from the top: family 1 (1 bit) | 0 (4) | band (5) |
 * span class (4) | time ratio (4) | f2/f1 (7) | f3/f1 (7). */
typedef struct {
    int fanout;   /* 2 to 64 targets per anchor (the nearest in time): triplets are pairs */
    int dt_min;   /* frames from the anchor to the first target, inclusive               */
    int dt_max;   /* frames from the anchor to the last target, at most LM_DT_LIMIT      */
    int df_max;   /* at most LM_DF_LIMIT bins above or below the anchor                   */
    int tolerant; /* 1: emit neighbouring cells for values near a cell edge              */
} lm_triplet_params;

#define LM_TRIPLET_FAMILY 0x80000000u
#define LM_TRIPLET_PROBES 243 /* most hashes one triplet yields (3 cells, 5 fields) */

int64_t lm_triplet_hashes(const lm_peak *peaks, int64_t n, const lm_triplet_params *params,
                          uint32_t *hashes, uint32_t *times, int64_t cap);

/* Power spectrum of one LM_WINDOW frame (Hann-windowed), LM_BINS values: for tests. */
void lm_power_spectrum(const float *frame, float *power);

#endif
