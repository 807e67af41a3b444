/* Spectrogram peaks in plain C (see landmarks.h): the real FFT and the peak picker that
 * runs over its frames. Written for audio-ident.
 *
 * Peaks are found in one streaming pass over the STFT: only a ring of 2*half_t+1 frames is
 * kept, so memory does not grow with the input length and hours of audio are fine. Peak
 * tests run on linear power (no per-bin logarithm): a local maximum is the same under any
 * monotone scale, and the prominence test is a ratio. */
#include "landmarks.h"

#include <math.h>
#include <stdlib.h>

#define LM_PI 3.14159265358979323846

typedef struct {
    float window[LM_WINDOW];
    float tw_re[LM_BINS], tw_im[LM_BINS]; /* stage twiddles: [half + k], k < half    */
    float cos_n[LM_BINS], sin_n[LM_BINS]; /* split step of the real FFT of size 1024 */
    int16_t rev[LM_BINS];
} fft_tables;

static void init_tables(fft_tables *tb) {
    for (int i = 0; i < LM_WINDOW; i++)
        tb->window[i] = (float)(0.5 - 0.5 * cos(2.0 * LM_PI * i / LM_WINDOW));
    for (int half = 1; half < LM_BINS; half <<= 1) {
        for (int k = 0; k < half; k++) {
            tb->tw_re[half + k] = (float)cos(LM_PI * k / half);
            tb->tw_im[half + k] = (float)-sin(LM_PI * k / half);
        }
    }
    for (int k = 0; k < LM_BINS; k++) {
        tb->cos_n[k] = (float)cos(2.0 * LM_PI * k / LM_WINDOW);
        tb->sin_n[k] = (float)sin(2.0 * LM_PI * k / LM_WINDOW);
    }
    int bits = 0;
    while ((1 << bits) < LM_BINS) bits++;
    for (int i = 0; i < LM_BINS; i++) {
        int r = 0;
        for (int b = 0; b < bits; b++)
            if (i & (1 << b)) r |= 1 << (bits - 1 - b);
        tb->rev[i] = (int16_t)r;
    }
}

/* Radix-2 decimation-in-time FFT of size LM_BINS; input already in bit-reversed order.
 * Each stage reads its twiddles contiguously, so the inner loop vectorises. */
static void fft_in_place(const fft_tables *tb, float *restrict re, float *restrict im) {
    for (int a = 0; a < LM_BINS; a += 2) { /* first stage: the twiddle is 1 */
        float tr = re[a + 1], ti = im[a + 1];
        re[a + 1] = re[a] - tr;
        im[a + 1] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
    }
    for (int half = 2; half < LM_BINS; half <<= 1) {
        const float *wr = tb->tw_re + half, *wi = tb->tw_im + half;
        for (int i = 0; i < LM_BINS; i += 2 * half) {
            float *restrict ar = re + i, *restrict ai = im + i;
            float *restrict br = re + i + half, *restrict bi = im + i + half;
            for (int k = 0; k < half; k++) {
                float tr = br[k] * wr[k] - bi[k] * wi[k];
                float ti = br[k] * wi[k] + bi[k] * wr[k];
                br[k] = ar[k] - tr;
                bi[k] = ai[k] - ti;
                ar[k] += tr;
                ai[k] += ti;
            }
        }
    }
}

/* Power of a real 1024-point frame via one 512-point complex FFT: even samples go in the
 * real part, odd ones in the imaginary part, and a split step separates the two spectra. */
static void power_frame(const fft_tables *tb, const float *x, float *power, float *re,
                        float *im) {
    for (int n = 0; n < LM_BINS; n++) {
        int r = tb->rev[n];
        re[r] = x[2 * n] * tb->window[2 * n];
        im[r] = x[2 * n + 1] * tb->window[2 * n + 1];
    }
    fft_in_place(tb, re, im);
    for (int k = 0; k < LM_BINS; k++) {
        int mk = (LM_BINS - k) & (LM_BINS - 1);
        float zr = re[k], zi = im[k], cr = re[mk], ci = -im[mk];
        float er = 0.5f * (zr + cr), ei = 0.5f * (zi + ci);
        float odr = 0.5f * (zi - ci), odi = -0.5f * (zr - cr);
        float c = tb->cos_n[k], s = tb->sin_n[k];
        float xr = er + c * odr + s * odi, xi = ei + c * odi - s * odr;
        power[k] = xr * xr + xi * xi;
    }
}

void lm_power_spectrum(const float *frame, float *power) {
    fft_tables tb;
    float re[LM_BINS], im[LM_BINS];
    init_tables(&tb);
    power_frame(&tb, frame, power, re, im);
}

static int params_valid(const lm_peak_params *p) {
    return p && p->half_t >= 0 && p->half_t <= 4096 && p->half_f >= 0 &&
           p->half_f <= LM_BINS && p->min_bin >= 0 && p->min_bin < p->max_bin &&
           p->max_bin <= LM_BINS && p->mean_half_f >= 0 && p->mean_half_f <= LM_BINS;
}

/* Sliding maximum over [f - h, f + h] clipped to [lo, hi), by van Herk / Gil-Werman: pad
 * with -1 (below any power), then within blocks of w = 2h+1 take running maxima from the left
 * (g) and from the right (s); a window spans at most two blocks, so its maximum is
 * max(s[start], g[end]). Three passes with no data-dependent branches. */
#define LM_SCRATCH (5 * LM_BINS) /* one buffer: len <= n + 4h <= 5 * LM_BINS */

static void sliding_max(const float *p, float *out, int lo, int hi, int h, float *scratch) {
    int w = 2 * h + 1, n = hi - lo;
    int len = ((n + 2 * h + w - 1) / w) * w;
    float *pad = scratch, *g = scratch + len, *s = scratch + 2 * len;
    for (int i = 0; i < len; i++) pad[i] = (i >= h && i < h + n) ? p[lo + i - h] : -1.0f;
    for (int start = 0; start < len; start += w) {
        g[start] = pad[start];
        for (int j = start + 1; j < start + w; j++) g[j] = pad[j] > g[j - 1] ? pad[j] : g[j - 1];
        s[start + w - 1] = pad[start + w - 1];
        for (int j = start + w - 2; j >= start; j--) s[j] = pad[j] > s[j + 1] ? pad[j] : s[j + 1];
    }
    for (int i = 0; i < n; i++) out[lo + i] = s[i] > g[i + 2 * h] ? s[i] : g[i + 2 * h];
}

static int push_peak(lm_peak_list *out, int64_t *cap, int32_t t, int32_t f, float s) {
    if (out->count == *cap) {
        int64_t grown = *cap ? *cap * 2 : 1024;
        lm_peak *bigger = realloc(out->peaks, (size_t)grown * sizeof(lm_peak));
        if (!bigger) return LM_ERR_NO_MEMORY;
        out->peaks = bigger;
        *cap = grown;
    }
    out->peaks[out->count].t = t;
    out->peaks[out->count].f = f;
    out->peaks[out->count].strength = s;
    out->count++;
    return LM_OK;
}

typedef struct {
    const lm_peak_params *p;
    int rows;       /* ring size: 2 * half_t + 1 frames                       */
    float *power;   /* rows x LM_BINS: power of each frame                    */
    float *fmax;    /* rows x LM_BINS: running maximum along frequency        */
    float *prom;    /* rows x LM_BINS: prominence (dB) of candidates, else 0 */
} ring;

/* Frame d is a peak at bin f when it is the frequency maximum, clears both floors (prom > 0),
 * and no frame within half_t beats it (earlier frames win ties, so one peak per plateau). */
static int decide_frame(const ring *rg, int64_t d, int64_t nframes, lm_peak_list *out,
                        int64_t *cap) {
    const lm_peak_params *p = rg->p;
    int64_t first = d - p->half_t < 0 ? 0 : d - p->half_t;
    int64_t last = d + p->half_t >= nframes ? nframes - 1 : d + p->half_t;
    const float *pw = rg->power + (d % rg->rows) * LM_BINS;
    const float *pr = rg->prom + (d % rg->rows) * LM_BINS;
    for (int f = p->min_bin; f < p->max_bin; f++) {
        if (pr[f] <= 0.0f) continue;
        int keep = 1;
        for (int64_t u = first; u <= last && keep; u++) {
            if (u == d) continue;
            float other = rg->fmax[(u % rg->rows) * LM_BINS + f];
            keep = u < d ? other < pw[f] : other <= pw[f];
        }
        if (keep) {
            int status = push_peak(out, cap, (int32_t)d, f, pr[f]);
            if (status != LM_OK) return status;
        }
    }
    return LM_OK;
}

/* Frame t's power is already in its ring slot; add its frequency maxima and prominences. */
static void analyse_frame(const ring *rg, int64_t t, float *scratch, double *prefix) {
    const lm_peak_params *p = rg->p;
    int slot = (int)(t % rg->rows);
    float *pw = rg->power + slot * LM_BINS, *fm = rg->fmax + slot * LM_BINS;
    float *pr = rg->prom + slot * LM_BINS;
    int lo = p->min_bin, hi = p->max_bin;
    sliding_max(pw, fm, lo, hi, p->half_f, scratch);
    prefix[lo] = 0.0;
    for (int f = lo; f < hi; f++) prefix[f + 1] = prefix[f] + pw[f];
    for (int f = lo; f < hi; f++) {
        pr[f] = 0.0f;
        if (!(pw[f] >= fm[f]) || !(pw[f] > p->floor_power)) continue;
        int a = f - p->mean_half_f < lo ? lo : f - p->mean_half_f;
        int b = f + p->mean_half_f + 1 > hi ? hi : f + p->mean_half_f + 1;
        double mean = (prefix[b] - prefix[a]) / (double)(b - a);
        if (!(pw[f] > p->min_prominence * mean) || !(mean > 0.0)) continue;
        float db = (float)(10.0 * log10(pw[f] / mean));
        pr[f] = db > 1e-3f ? db : 1e-3f;
    }
}

int lm_find_peaks(const float *samples, int64_t n, const lm_peak_params *params,
                  lm_peak_list *out) {
    if (!out) return LM_ERR_INVALID_PARAMS;
    out->peaks = NULL;
    out->count = 0;
    if (!params_valid(params) || n < 0 || (n > 0 && !samples)) return LM_ERR_INVALID_PARAMS;
    int64_t nframes = n >= LM_WINDOW ? (n - LM_WINDOW) / LM_HOP + 1 : 0;
    if (nframes > INT32_MAX) return LM_ERR_INVALID_PARAMS; /* a peak's frame is an int32 */
    if (nframes == 0) return LM_OK;

    ring rg = {params, 2 * params->half_t + 1, NULL, NULL, NULL};
    size_t cells = (size_t)rg.rows * LM_BINS;
    fft_tables *tb = malloc(sizeof(fft_tables));
    rg.power = malloc(cells * sizeof(float));
    rg.fmax = malloc(cells * sizeof(float));
    rg.prom = malloc(cells * sizeof(float));
    float *scratch = malloc(LM_SCRATCH * 3 * sizeof(float));
    double prefix[LM_BINS + 1];
    float re[LM_BINS], im[LM_BINS];
    int64_t cap = 0;
    int status = (tb && rg.power && rg.fmax && rg.prom && scratch) ? LM_OK : LM_ERR_NO_MEMORY;
    if (status == LM_OK) init_tables(tb);

    for (int64_t t = 0; t < nframes && status == LM_OK; t++) {
        power_frame(tb, samples + t * LM_HOP, rg.power + (t % rg.rows) * LM_BINS, re, im);
        analyse_frame(&rg, t, scratch, prefix);
        if (t >= params->half_t) status = decide_frame(&rg, t - params->half_t, nframes, out, &cap);
    }
    int64_t tail = nframes - params->half_t < 0 ? 0 : nframes - params->half_t;
    for (int64_t d = tail; d < nframes && status == LM_OK; d++)
        status = decide_frame(&rg, d, nframes, out, &cap);

    free(tb);
    free(scratch);
    free(rg.power);
    free(rg.fmax);
    free(rg.prom);
    if (status != LM_OK) lm_free_peaks(out);
    return status;
}

void lm_free_peaks(lm_peak_list *list) {
    if (!list) return;
    free(list->peaks);
    list->peaks = NULL;
    list->count = 0;
}
