/* Adversarial inputs for the landmark C code, built with -fsanitize=address,undefined by
 * test_native_sanitizer.py: any out-of-bounds access or undefined behaviour aborts, and a
 * wrong status exits non-zero. With the argument `oom` (run with ASan's allocations capped)
 * it checks only that a failed allocation is reported as LM_ERR_NO_MEMORY. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "landmarks.h"

static uint32_t state = 12345;
static float noise(void) {
    state = state * 1664525u + 1013904223u;
    return (float)(state >> 8) / (float)(1u << 24) - 0.5f;
}

static void peaks_case(int64_t n, float scale, const lm_peak_params *p) {
    float *x = n ? malloc((size_t)n * sizeof(float)) : NULL;
    for (int64_t i = 0; i < n; i++) x[i] = noise() * scale;
    if (n > 5) x[n / 2] = NAN, x[n / 3] = INFINITY, x[n / 4] = -INFINITY;
    lm_peak_list out;
    if (lm_find_peaks(x, n, p, &out) == 0 && out.count > 0) {
        lm_pair_params pairs = {8, 1, LM_DT_LIMIT, LM_DF_LIMIT};
        int64_t cap = out.count * 8 * 8;
        uint32_t *h = malloc((size_t)cap * sizeof(uint32_t)), *t = malloc((size_t)cap * 4);
        lm_pair_hashes(out.peaks, out.count, &pairs, 1.0, 1.0, h, t, cap);
        lm_pair_hashes(out.peaks, out.count, &pairs, 1.03, 1 / 1.03, h, t, cap);
        lm_pair_hashes(out.peaks, out.count, &pairs, 0.97, 1 / 0.97, h, t, 3);
        lm_triplet_params triplets = {8, 1, LM_DT_LIMIT, LM_DF_LIMIT, 0};
        lm_triplet_hashes(out.peaks, out.count, &triplets, h, t, cap);
        triplets.tolerant = 1;
        lm_triplet_hashes(out.peaks, out.count, &triplets, h, t, cap);
        lm_triplet_hashes(out.peaks, out.count, &triplets, h, t, 5);
        free(h);
        free(t);
    }
    lm_free_peaks(&out);
    free(x);
}

/* The widest ring (8193 frames of 512 bins, 16 MiB a buffer) cannot be allocated under
 * ASAN_OPTIONS=allocator_may_return_null=1:max_allocation_size_mb=8. */
static int out_of_memory_case(void) {
    lm_peak_params widest = {4096, 512, 0, 512, 512, 1.0f, 0.0f};
    int64_t n = 48000;
    float *x = calloc((size_t)n, sizeof(float));
    lm_peak_list out;
    int status = lm_find_peaks(x, n, &widest, &out);
    free(x);
    if (status != LM_ERR_NO_MEMORY || out.count != 0 || out.peaks != NULL) return 4;
    puts("out of memory reported");
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "oom") == 0) return out_of_memory_case();
    const lm_peak_params kinds[] = {
        {20, 20, 9, 512, 24, 2.0f, 1e-6f},     /* reference */
        {0, 0, 0, 512, 0, 0.0f, 0.0f},         /* every cell a candidate */
        {1, 1, 511, 512, 512, 1.0f, 0.0f},     /* one bin, widest mean */
        {4096, 512, 0, 512, 512, 1.0f, 0.0f},  /* widest neighbourhood allowed */
    };
    const int64_t lengths[] = {0, 1, 2, 1023, 1024, 1025, 1151, 1152, 48000};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        for (size_t l = 0; l < sizeof lengths / sizeof lengths[0]; l++) {
            peaks_case(lengths[l], 1.0f, &kinds[k]);
            peaks_case(lengths[l], 1e30f, &kinds[k]);
        }
    lm_peak_list out;
    lm_peak_params bad = {-1, 1, 0, 512, 1, 1.0f, 0.0f};
    if (lm_find_peaks(NULL, 10, &kinds[0], &out) != LM_ERR_INVALID_PARAMS ||
        lm_find_peaks(NULL, 0, &bad, &out) != LM_ERR_INVALID_PARAMS)
        return 2;
    lm_peak wild[4] = {{INT32_MIN, INT32_MIN, 0}, {0, 5, 0}, {3, INT32_MAX, 0}, {INT32_MAX, 7, 0}};
    lm_pair_params pairs = {4, 1, LM_DT_LIMIT, LM_DF_LIMIT};
    uint32_t h[256], t[256];
    const double scales[] = {1.0, 0.5, 1.03, 15.9, 1e-9, NAN, -1.0, INFINITY};
    for (size_t s = 0; s < sizeof scales / sizeof scales[0]; s++)
        lm_pair_hashes(wild, 4, &pairs, scales[s], 1.0 / scales[s], h, t, 256);
    lm_triplet_params triplets = {4, 1, LM_DT_LIMIT, LM_DF_LIMIT, 1};
    lm_triplet_hashes(wild, 4, &triplets, h, t, 256);
    /* Bad parameters are refused even with no peaks; no peaks with good ones give nothing. */
    lm_pair_params too_long = {4, 1, LM_DT_LIMIT + 1, LM_DF_LIMIT};
    lm_triplet_params one_target = {1, 1, LM_DT_LIMIT, LM_DF_LIMIT, 0};
    if (lm_pair_hashes(NULL, 0, &too_long, 1.0, 1.0, NULL, NULL, 0) != LM_ERR_INVALID_PARAMS ||
        lm_pair_hashes(NULL, 0, &pairs, NAN, 1.0, NULL, NULL, 0) != LM_ERR_INVALID_PARAMS ||
        lm_pair_hashes(wild, 4, &pairs, 1.0, 1.0, h, t, -1) != LM_ERR_INVALID_PARAMS ||
        lm_triplet_hashes(NULL, 0, &one_target, NULL, NULL, 0) != LM_ERR_INVALID_PARAMS ||
        lm_pair_hashes(NULL, 0, &pairs, 1.0, 1.0, NULL, NULL, 0) != 0 ||
        lm_triplet_hashes(NULL, 0, &triplets, NULL, NULL, 0) != 0)
        return 3;
    float frame[LM_WINDOW] = {0}, power[LM_BINS];
    lm_power_spectrum(frame, power);
    puts("sanitizer run clean");
    return 0;
}
