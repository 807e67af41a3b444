/* One fuzz case for the landmark C code: bytes -> samples and parameters -> peaks -> pair
 * hashes and triplet hashes, with the results' invariants (statuses included) checked:
 * abort() on a violation. Built with -fsanitize=address,undefined, any out-of-bounds access
 * or undefined behaviour aborts too.
 *
 * Two drivers share run_one():
 *  - libFuzzer (bench/fuzz_landmarks.py): clang -fsanitize=fuzzer,address,undefined;
 *  - -DSTDIN_DRIVER (tests/integration/test_native_fuzz.py, hypothesis): cases arrive on stdin as
 *    a little-endian uint32 length and that many bytes; "ok" is written after each.
 *
 * Layout of a case: kind (1 byte), length (4), peak parameters (8), pair parameters (6),
 * then, for kind 0, the samples themselves as raw float32 (any bit pattern: NaN, inf,
 * denormals). Other kinds synthesise `length` samples: silence, full-scale square waves,
 * clicks, denormals, a mix of non-finite values, or loud noise. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "landmarks.h"

#define HEAD 19
#define MAX_SYNTH (1 << 21) /* 131 s at 16 kHz: "huge" for a query, streamed by the C code */

static uint32_t u32_at(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void check(int ok, const char *what) {
    if (!ok) {
        fprintf(stderr, "invariant broken: %s\n", what);
        abort();
    }
}

static float *samples_of(const uint8_t *data, size_t size, int64_t *n) {
    int kind = data[0] % 7;
    if (kind == 0) {
        *n = (int64_t)((size - HEAD) / sizeof(float));
        float *x = malloc((size_t)(*n ? *n : 1) * sizeof(float));
        if (*n) memcpy(x, data + HEAD, (size_t)*n * sizeof(float));
        return x;
    }
    /* Mostly up to 4 s; with the length's top byte 0xff, up to MAX_SYNTH: rare on purpose,
     * each such case takes seconds under ASan. */
    uint32_t length = u32_at(data + 1);
    *n = (length >> 24) == 0xffu ? (length & 0xffffffu) % MAX_SYNTH : length % 65536;
    float *x = malloc((size_t)(*n ? *n : 1) * sizeof(float));
    uint32_t state = u32_at(data + 1) ^ 0x9e3779b9u;
    for (int64_t i = 0; i < *n; i++) {
        state = state * 1664525u + 1013904223u;
        switch (kind) {
            case 1: x[i] = 0.0f; break;                                   /* silence      */
            case 2: x[i] = (i / (1 + data[5] % 64)) % 2 ? 1.0f : -1.0f; break; /* square */
            case 3: x[i] = (i % (1 + data[6] * 37)) == 0 ? 1.0f : 0.0f; break; /* clicks */
            case 4: x[i] = (state & 1 ? 1 : -1) * 1e-40f; break;          /* denormals    */
            case 5: {
                const float specials[] = {NAN, INFINITY, -INFINITY, 0.0f, -0.0f, 3.4e38f};
                x[i] = specials[state % 6];
                break;
            }
            default: x[i] = ((float)(state >> 8) / (float)(1u << 24) - 0.5f) * 2e30f; break;
        }
    }
    return x;
}

/* Triplets of the same peaks, from the same parameter bytes; the room is sometimes short. */
static void check_triplets(const lm_peak_list *list, const uint8_t *q) {
    lm_triplet_params params = {
        .fanout = q[0] % 18, /* 0 and 1 are refused */
        .dt_min = q[1] % 10,
        .dt_max = q[1] % 10 + q[2] % (LM_DT_LIMIT - 9),
        .df_max = q[3] % (LM_DF_LIMIT + 1),
        .tolerant = q[4] & 1,
    };
    int64_t per_anchor = (int64_t)params.fanout * params.fanout / 2 + 1;
    int64_t cap = list->count * per_anchor * (params.tolerant ? 4 : 1) * (q[5] % 4) / 3;
    uint32_t *hashes = malloc((size_t)(cap ? cap : 1) * sizeof(uint32_t));
    uint32_t *times = malloc((size_t)(cap ? cap : 1) * sizeof(uint32_t));
    int64_t written = lm_triplet_hashes(list->peaks, list->count, &params, hashes, times, cap);
    int refused = params.fanout < 2 || params.dt_min < 1; /* the rest is in range by design */
    check(refused == (written == LM_ERR_INVALID_PARAMS),
          "bad triplet parameters, and only they, are refused");
    check(written == LM_ERR_INVALID_PARAMS || written == LM_ERR_BUFFER_TOO_SMALL ||
              (written >= 0 && written <= cap),
          "never more triplet hashes than the room given");
    if (!params.tolerant && q[5] % 4 == 3) /* the room landmarks.h promises is enough */
        check(written != LM_ERR_BUFFER_TOO_SMALL, "n * fanout * (fanout - 1) / 2 slots suffice");
    int32_t last = list->count ? list->peaks[list->count - 1].t : 0;
    for (int64_t i = 0; i < written; i++) {
        check((hashes[i] & LM_TRIPLET_FAMILY) != 0, "a triplet hash carries its family bit");
        check((hashes[i] & 0x78000000u) == 0, "a triplet hash leaves its spare bits clear");
        check((int64_t)times[i] <= last, "a triplet's anchor is one of the peaks");
    }
    free(hashes);
    free(times);
}

static void run_one(const uint8_t *data, size_t size) {
    if (size < HEAD) return;
    const uint8_t *p = data + 5;
    int invalid = p[7] == 255; /* now and then, parameters the C code must refuse */
    lm_peak_params peaks = {
        .half_t = invalid ? -1 : p[0] % 64,
        .half_f = p[1] % 64,
        .min_bin = (p[2] * 2) % (LM_BINS + 1),
        .max_bin = (p[3] * 2 + 1) % (LM_BINS + 1),
        .mean_half_f = (p[4] * 3) % 600,
        .min_prominence = (float)p[5] / 16.0f,
        .floor_power = powf(10.0f, -(float)(p[6] % 12)),
    };
    const uint8_t *q = data + 13;
    const double scales[] = {1.0, 0.97, 1.03, 0.5, 2.0, 1e-9, 15.9, 0.0, -1.0, NAN};
    lm_pair_params pairs = {
        .fanout = 1 + q[0] % 16,
        .dt_min = q[1] % 10,
        .dt_max = q[1] % 10 + q[2] % (LM_DT_LIMIT - 9),
        .df_max = q[3] % (LM_DF_LIMIT + 1),
    };
    double time_scale = scales[q[4] % 10], freq_scale = scales[q[5] % 10];

    int64_t n = 0;
    float *x = samples_of(data, size, &n);
    lm_peak_list list;
    int status = lm_find_peaks(x, n, &peaks, &list);
    check(status == LM_OK || status == LM_ERR_INVALID_PARAMS || status == LM_ERR_NO_MEMORY,
          "lm_find_peaks returns one of its statuses");
    if (invalid) check(status == LM_ERR_INVALID_PARAMS, "bad peak parameters are refused as such");
    if (status == LM_OK) {
        check(list.count >= 0, "a peak count is never negative");
        int64_t frames = n >= LM_WINDOW ? (n - LM_WINDOW) / LM_HOP + 1 : 0;
        for (int64_t i = 0; i < list.count; i++) {
            lm_peak k = list.peaks[i];
            check(k.t >= 0 && k.t < frames, "a peak's frame is inside the input");
            check(k.f >= peaks.min_bin && k.f < peaks.max_bin && k.f < LM_BINS,
                  "a peak's bin is inside the searched band");
            check(isfinite(k.strength), "a peak's strength is finite");
            if (i) {
                lm_peak j = list.peaks[i - 1];
                check(j.t < k.t || (j.t == k.t && j.f < k.f), "peaks are sorted by (t, f)");
            }
        }
        int64_t cap = list.count * pairs.fanout * 8 * (q[5] % 4) / 3; /* sometimes short */
        uint32_t *hashes = malloc((size_t)(cap ? cap : 1) * sizeof(uint32_t));
        uint32_t *times = malloc((size_t)(cap ? cap : 1) * sizeof(uint32_t));
        int64_t written = lm_pair_hashes(list.peaks, list.count, &pairs, time_scale,
                                         freq_scale, hashes, times, cap);
        int bad_scale = !(time_scale > 0.0) || !(freq_scale > 0.0); /* 0, -1 and NaN */
        int refused = pairs.dt_min < 1 || bad_scale; /* the rest is in range by design */
        check(refused == (written == LM_ERR_INVALID_PARAMS),
              "bad pair parameters, and only they, are refused");
        check(written == LM_ERR_INVALID_PARAMS || written == LM_ERR_BUFFER_TOO_SMALL ||
                  (written >= 0 && written <= cap),
              "never more hashes than the room given");
        if (q[5] % 4 == 3) /* the room landmarks.h promises is enough */
            check(written != LM_ERR_BUFFER_TOO_SMALL, "n * fanout * 8 slots suffice");
        for (int64_t i = 0; i < written; i++)
            check((hashes[i] >> 24) == 0, "a hash has 24 bits");
        free(hashes);
        free(times);
        check_triplets(&list, q);
    } else {
        check(list.count == 0, "a failed call leaves an empty list");
    }
    lm_free_peaks(&list);
    free(x);
}

#ifdef STDIN_DRIVER
int main(void) {
    uint8_t head[4];
    while (fread(head, 1, 4, stdin) == 4) {
        uint32_t size = u32_at(head);
        uint8_t *data = malloc(size ? size : 1);
        if (fread(data, 1, size, stdin) != size) return 3;
        run_one(data, size);
        free(data);
        fputs("ok\n", stdout);
        fflush(stdout);
    }
    return 0;
}
#else
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    run_one(data, size);
    return 0;
}
#endif
