/* OpenBLAS cblas_sgemm timer for benchmarks/gemm-vs-openblas.sh (comparison only; OpenBLAS is not a
 * project dependency). Row-major NN, C = A*B, fp32. Prints one JSON line with the median GFLOP/s.
 * usage: sgemm_timer M N K [SECONDS] */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s M N K [SECONDS]\n", argv[0]);
        return 2;
    }
    int m = atoi(argv[1]), n = atoi(argv[2]), k = atoi(argv[3]);
    double seconds = argc > 4 ? atof(argv[4]) : 2.0;
    float *a = malloc(sizeof(float) * (size_t)m * k), *b = malloc(sizeof(float) * (size_t)k * n);
    float *c = malloc(sizeof(float) * (size_t)m * n);
    srand(1);
    for (long i = 0; i < (long)m * k; i++) a[i] = rand() / (float)RAND_MAX - 0.5f;
    for (long i = 0; i < (long)k * n; i++) b[i] = rand() / (float)RAND_MAX - 0.5f;
    double flops = 2.0 * m * n * k, t0 = now();
    int warm = 0;
    while (warm < 3 || now() - t0 < 1.0) { /* about 1 s of warm-up */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
        warm++;
    }
    double once = (now() - t0) / warm;
    int reps = (int)(seconds / once);
    if (reps < 3) reps = 3;
    if (reps > 1000) reps = 1000;
    double *t = malloc(sizeof(double) * reps);
    for (int r = 0; r < reps; r++) {
        double s = now();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
        t[r] = now() - s;
    }
    qsort(t, reps, sizeof(double), cmp);
    printf("{\"name\":\"openblas-sgemm\",\"m\":%d,\"n\":%d,\"k\":%d,\"threads\":%d,\"core\":\"%s\",\"reps\":%d,"
           "\"seconds\":%.9f,\"gflops\":%.2f,\"gflops_max\":%.2f}\n",
           m, n, k, openblas_get_num_threads(), openblas_get_corename(), reps, t[reps / 2],
           flops / t[reps / 2] * 1e-9, flops / t[0] * 1e-9);
    return 0;
}
