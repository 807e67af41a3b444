/* Triplet hashes from spectrogram peaks (see landmarks.h). Written for audio-ident.
 *
 * Ratios of time gaps and of frequencies do not change when a clip is time-stretched with
 * its pitch kept, pitch-shifted with its tempo kept, or played off-speed (both at once), so
 * one lookup finds such a clip without guessing its scale. Each field is quantised into
 * cells; a query's peaks sit up to half a frame and half a bin from the reference's, and
 * its coarse classes move with the scale, so a tolerant (query) pass also probes the
 * neighbouring cell of any value within that uncertainty of a cell edge. */
#include "landmarks.h"

#include <math.h>

#define BAND_PER_OCTAVE 4.0
#define BAND_BASE 12 /* 4 * log2(8 bins): bands start at 125 Hz */
#define SPAN_PER_OCTAVE 2.0
#define RATIO_CELLS 16.0
#define FREQ_PER_OCTAVE 12.0
#define FREQ_CELLS 96 /* +-4 octaves */
#define SCALE_MARGIN 0.35 /* +-10 % tempo: 0.28 span cells; +-1.2 semitones: 0.4 bands */

/* The cell of x (floor, clamped to 0..last) and, when `margin` > 0, the neighbours whose
 * edge lies within `margin` cells of x. Returns how many cells it wrote (1 to 3). */
static int cells(double x, int last, double margin, int out[3]) {
    double c = floor(x);
    int n = 0, cell = c < 0.0 ? 0 : c > last ? last : (int)c;
    out[n++] = cell;
    if (margin <= 0.0) return n;
    if (x - c < margin && cell > 0 && c <= last) out[n++] = cell - 1;
    if (c + 1.0 - x < margin && cell < last && c >= 0.0) out[n++] = cell + 1;
    return n;
}

static double capped(double m) { return m > 0.95 ? 0.95 : m; }

static int triplet_params_valid(const lm_triplet_params *p) {
    return p && p->fanout > 1 && p->fanout <= 64 && p->dt_min >= 1 && p->dt_min <= p->dt_max &&
           p->dt_max <= LM_DT_LIMIT && p->df_max >= 0 && p->df_max <= LM_DF_LIMIT;
}

/* Every hash of one triplet (i, j, k): the product of each field's cells. Returns the count
 * written so far, or LM_ERR_BUFFER_TOO_SMALL. */
static int64_t emit(const lm_peak *a, const lm_peak *b, const lm_peak *c, int tolerant,
                    uint32_t *hashes, uint32_t *times, int64_t written, int64_t cap) {
    double span = (double)(c->t - a->t), f1 = a->f > 1 ? a->f : 1;
    double f2 = b->f > 1 ? b->f : 1, f3 = c->f > 1 ? c->f : 1;
    double low2 = f1 < f2 ? f1 : f2, low3 = f1 < f3 ? f1 : f3;
    /* half a bin at frequency f is 0.72 / f octaves; half a frame of a span is 0.72 / span */
    double m_band = tolerant ? SCALE_MARGIN : 0.0;
    double m_span = tolerant ? capped(SCALE_MARGIN + SPAN_PER_OCTAVE * 0.36 / span) : 0.0;
    double m_ratio = tolerant ? capped(0.5 * RATIO_CELLS / span) : 0.0;
    double m_f2 = tolerant ? capped(FREQ_PER_OCTAVE * 0.72 / low2) : 0.0;
    double m_f3 = tolerant ? capped(FREQ_PER_OCTAVE * 0.72 / low3) : 0.0;
    int band[3], spans[3], ratio[3], q2[3], q3[3];
    int nb = cells(BAND_PER_OCTAVE * log2(f1) - BAND_BASE, 31, m_band, band);
    int ns = cells(SPAN_PER_OCTAVE * log2(span), 15, m_span, spans);
    int nr = cells(RATIO_CELLS * (double)(b->t - a->t) / span, 15, m_ratio, ratio);
    int n2 = cells(FREQ_PER_OCTAVE * log2(f2 / f1) + FREQ_CELLS / 2, FREQ_CELLS - 1, m_f2, q2);
    int n3 = cells(FREQ_PER_OCTAVE * log2(f3 / f1) + FREQ_CELLS / 2, FREQ_CELLS - 1, m_f3, q3);
    for (int w = 0; w < nb; w++)
        for (int x = 0; x < ns; x++)
            for (int y = 0; y < nr; y++)
                for (int u = 0; u < n2; u++)
                    for (int v = 0; v < n3; v++) {
                        if (written >= cap) return LM_ERR_BUFFER_TOO_SMALL;
                        hashes[written] = LM_TRIPLET_FAMILY | (uint32_t)band[w] << 22 |
                                          (uint32_t)spans[x] << 18 | (uint32_t)ratio[y] << 14 |
                                          (uint32_t)q2[u] << 7 | (uint32_t)q3[v];
                        times[written] = (uint32_t)a->t;
                        written++;
                    }
    return written;
}

int64_t lm_triplet_hashes(const lm_peak *peaks, int64_t n, const lm_triplet_params *params,
                          uint32_t *hashes, uint32_t *times, int64_t cap) {
    /* Parameters are checked before the data, so no input hides a caller's mistake. */
    if (!triplet_params_valid(params) || n < 0 || (n > 0 && !peaks) || cap < 0 ||
        (cap > 0 && (!hashes || !times)))
        return LM_ERR_INVALID_PARAMS;
    int64_t written = 0;
    int64_t targets[64];
    for (int64_t i = 0; i < n; i++) {
        if (peaks[i].t < 0) continue;
        int made = 0;
        for (int64_t j = i + 1; j < n && made < params->fanout; j++) {
            int64_t dt = (int64_t)peaks[j].t - peaks[i].t;
            if (dt > params->dt_max) break; /* sorted by time: the rest are later */
            if (dt < params->dt_min) continue;
            int64_t df = (int64_t)peaks[j].f - peaks[i].f;
            if (df > params->df_max || df < -params->df_max) continue;
            targets[made++] = j;
        }
        for (int a = 0; a < made; a++)
            for (int b = a + 1; b < made; b++) {
                const lm_peak *p2 = &peaks[targets[a]], *p3 = &peaks[targets[b]];
                if (p3->t <= p2->t) continue; /* the time ratio needs t1 < t2 < t3 */
                written = emit(&peaks[i], p2, p3, params->tolerant, hashes, times, written, cap);
                if (written < 0) return written;
            }
    }
    return written;
}
