/* Pair hashes from spectrogram peaks (see landmarks.h). Written for audio-ident.
 *
 * Each anchor peak is paired with the first `fanout` peaks of its target zone (dt_min..dt_max
 * frames later, within df_max bins). Mapping peaks through a time/frequency scale lets a query
 * that was played faster or slower produce the reference's hashes without resampling audio. */
#include "landmarks.h"

#include <math.h>

/* The nearest integer to x, and the next nearest one too when x is not clearly on one side. */
static int near_ints(double x, int exact, int32_t out[2]) {
    double r = floor(x + 0.5);
    out[0] = (int32_t)r;
    if (exact) return 1;
    double d = x - r;
    if (d > 0.25) {
        out[1] = (int32_t)r + 1;
        return 2;
    }
    if (d < -0.25) {
        out[1] = (int32_t)r - 1;
        return 2;
    }
    return 1;
}

/* A gap of up to LM_DT_LIMIT frames must fit the gap bits (C99 has no _Static_assert). */
typedef char lm_gap_fits_its_bits[LM_DT_LIMIT <= LM_GAP_BITS_MASK ? 1 : -1];

static int pair_params_valid(const lm_pair_params *p) {
    return p && p->fanout > 0 && p->dt_min >= 1 && p->dt_min <= p->dt_max &&
           p->dt_max <= LM_DT_LIMIT && p->df_max >= 0 && p->df_max <= LM_DF_LIMIT;
}

int64_t lm_pair_hashes(const lm_peak *peaks, int64_t n, const lm_pair_params *params,
                       double time_scale, double freq_scale, uint32_t *hashes,
                       uint32_t *times, int64_t cap) {
    /* Parameters are checked before the data, so no input hides a caller's mistake. */
    if (!pair_params_valid(params) || n < 0 || (n > 0 && !peaks) || cap < 0 ||
        (cap > 0 && (!hashes || !times)))
        return LM_ERR_INVALID_PARAMS;
    if (!(time_scale > 0.0 && time_scale < 16.0 && freq_scale > 0.0 && freq_scale < 16.0))
        return LM_ERR_INVALID_PARAMS;
    int exact = time_scale == 1.0 && freq_scale == 1.0;
    int64_t written = 0;
    for (int64_t i = 0; i < n; i++) {
        double ti = peaks[i].t * time_scale, fi = peaks[i].f * freq_scale;
        double anchor_time = floor(ti + 0.5);
        if (anchor_time < 0.0 || anchor_time > 4294967295.0) continue;
        if (!(fi > -1.0 && fi < LM_BINS + 1.0)) continue; /* keeps the int casts defined */
        int32_t f1s[2];
        int nf1 = near_ints(fi, exact, f1s);
        int made = 0;
        for (int64_t j = i + 1; j < n && made < params->fanout; j++) {
            double dt = ((double)peaks[j].t - (double)peaks[i].t) * time_scale;
            if (dt > params->dt_max + 0.5) break; /* sorted by time: the rest are later */
            if (dt < params->dt_min - 0.5) continue;
            double fj = peaks[j].f * freq_scale;
            if (!(fabs(fj - fi) <= params->df_max)) continue;
            made++;
            int32_t f2s[2], dts[2];
            int nf2 = near_ints(fj, exact, f2s), ndt = near_ints(dt, exact, dts);
            for (int a = 0; a < nf1; a++) {
                for (int b = 0; b < nf2; b++) {
                    for (int c = 0; c < ndt; c++) {
                        int32_t f1 = f1s[a], df = f2s[b] - f1s[a], d = dts[c];
                        if (f1 < 0 || f1 >= LM_BINS || df < -LM_DF_LIMIT || df > LM_DF_LIMIT ||
                            d < 1 || d > LM_DT_LIMIT)
                            continue;
                        if (written >= cap) return LM_ERR_BUFFER_TOO_SMALL;
                        hashes[written] = ((uint32_t)f1 << 15) | ((uint32_t)(df + 128) << 7) |
                                          (uint32_t)d;
                        times[written] = (uint32_t)anchor_time;
                        written++;
                    }
                }
            }
        }
    }
    return written;
}
