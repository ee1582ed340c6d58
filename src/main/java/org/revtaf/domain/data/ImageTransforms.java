package org.revtaf.domain.data;

/**
 * The image transforms of PromptMRG/REVTAF (torchvision semantics): resize of the shorter side,
 * centre and random crop, small rotation, ImageNet normalisation to a CHW float array. All pure
 * functions of their inputs (random ones take a {@link SplitMix64}).
 */
public final class ImageTransforms {
    /** ImageNet channel means and standard deviations (R, G, B). */
    public static final float[] MEAN = {0.485f, 0.456f, 0.406f}, STD = {0.229f, 0.224f, 0.225f};

    private ImageTransforms() {}

    /**
     * torchvision {@code Resize(size)}: the shorter side becomes {@code size}, the longer one
     * {@code floor(size * long / short)}. Bilinear with antialiasing, as PIL does it: a separable
     * triangle filter whose support widens by the scale factor when shrinking (so downsampling
     * averages all covered pixels instead of aliasing), plain bilinear when enlarging.
     */
    public static Image resizeShorter(Image img, int size) {
        int w = img.width(), h = img.height();
        int nw, nh;
        if (w <= h) {
            nw = size;
            nh = (int) ((long) size * h / w);
        } else {
            nh = size;
            nw = (int) ((long) size * w / h);
        }
        return resize(img, nw, nh);
    }

    /** Resizes to exactly (nw, nh) with the antialiased bilinear filter of {@link #resizeShorter}. */
    public static Image resize(Image img, int nw, int nh) {
        if (nw == img.width() && nh == img.height()) return img;
        int c = img.channels();
        // horizontal pass: (h, w, c) -> (h, nw, c)
        Filter fx = Filter.of(img.width(), nw);
        float[] tmp = new float[img.height() * nw * c];
        float[] src = img.data();
        for (int y = 0; y < img.height(); y++) {
            int row = y * img.width();
            for (int x = 0; x < nw; x++) {
                int lo = fx.lo[x];
                for (int ch = 0; ch < c; ch++) {
                    float acc = 0;
                    for (int k = 0; k < fx.len[x]; k++) acc += fx.w[x][k] * src[(row + lo + k) * c + ch];
                    tmp[(y * nw + x) * c + ch] = acc;
                }
            }
        }
        // vertical pass: (h, nw, c) -> (nh, nw, c)
        Filter fy = Filter.of(img.height(), nh);
        float[] out = new float[nh * nw * c];
        for (int y = 0; y < nh; y++) {
            int lo = fy.lo[y];
            for (int k = 0; k < fy.len[y]; k++) {
                float wk = fy.w[y][k];
                int srow = (lo + k) * nw * c, drow = y * nw * c;
                for (int i = 0; i < nw * c; i++) out[drow + i] += wk * tmp[srow + i];
            }
        }
        return new Image(nw, nh, c, out);
    }

    /** Triangle-filter taps for one axis (PIL's precompute_coeffs with the bilinear filter). */
    private record Filter(int[] lo, int[] len, float[][] w) {
        static Filter of(int in, int out) {
            double scale = (double) in / out;
            double fscale = Math.max(scale, 1.0);
            double support = fscale; // bilinear support 1, widened when shrinking
            int[] lo = new int[out], len = new int[out];
            float[][] w = new float[out][];
            for (int i = 0; i < out; i++) {
                double center = (i + 0.5) * scale;
                int xmin = Math.max(0, (int) Math.floor(center - support + 0.5));
                int xmax = Math.min(in, (int) Math.floor(center + support + 0.5));
                double[] ww = new double[Math.max(1, xmax - xmin)];
                double sum = 0;
                for (int j = xmin; j < xmax; j++) {
                    double t = Math.abs((j + 0.5 - center) / fscale);
                    double v = t < 1 ? 1 - t : 0;
                    ww[j - xmin] = v;
                    sum += v;
                }
                if (xmax <= xmin) { // degenerate: nearest pixel
                    xmin = Math.min(in - 1, (int) center);
                    ww[0] = 1;
                    sum = 1;
                }
                lo[i] = xmin;
                len[i] = ww.length;
                w[i] = new float[ww.length];
                for (int k = 0; k < ww.length; k++) w[i][k] = (float) (ww[k] / sum);
            }
            return new Filter(lo, len, w);
        }
    }

    /** Crops (size x size) at (left, top). */
    public static Image crop(Image img, int left, int top, int size) {
        if (size > img.width() || size > img.height())
            throw new IllegalArgumentException(
                    "crop " + size + " larger than image " + img.width() + "x" + img.height());
        int c = img.channels();
        float[] out = new float[size * size * c];
        for (int y = 0; y < size; y++)
            System.arraycopy(img.data(), ((top + y) * img.width() + left) * c, out, y * size * c, size * c);
        return new Image(size, size, c, out);
    }

    /** torchvision {@code CenterCrop(size)}: offsets rounded half to even like Python's round. */
    public static Image centerCrop(Image img, int size) {
        int top = (int) Math.rint((img.height() - size) / 2.0);
        int left = (int) Math.rint((img.width() - size) / 2.0);
        return crop(img, left, top, size);
    }

    /** torchvision {@code RandomCrop(size)}: offsets uniform over every valid position. */
    public static Image randomCrop(Image img, int size, SplitMix64 rng) {
        int top = rng.nextInt(img.height() - size + 1);
        int left = rng.nextInt(img.width() - size + 1);
        return crop(img, left, top, size);
    }

    /**
     * Rotation by {@code degrees} counter-clockwise about the image centre, nearest-neighbour, corners
     * filled with 0 (torchvision {@code RandomRotation} defaults; the angle is drawn by the caller).
     */
    public static Image rotate(Image img, double degrees) {
        int w = img.width(), h = img.height(), c = img.channels();
        double t = Math.toRadians(degrees);
        double cos = StrictMath.cos(t), sin = StrictMath.sin(t);
        double cx = w / 2.0, cy = h / 2.0;
        float[] out = new float[w * h * c];
        float[] src = img.data();
        for (int y = 0; y < h; y++) {
            double dy = y + 0.5 - cy;
            for (int x = 0; x < w; x++) {
                double dx = x + 0.5 - cx;
                int sx = (int) Math.floor(cx + cos * dx - sin * dy);
                int sy = (int) Math.floor(cy + sin * dx + cos * dy);
                if (sx < 0 || sy < 0 || sx >= w || sy >= h) continue;
                System.arraycopy(src, (sy * w + sx) * c, out, (y * w + x) * c, c);
            }
        }
        return new Image(w, h, c, out);
    }

    /**
     * ToTensor + Normalize(ImageNet): a (3, H, W) float array, gray replicated to the three channels
     * (what PIL's convert('RGB') does before torchvision sees the image).
     */
    public static float[] normalize(Image img) {
        int n = img.width() * img.height();
        float[] out = new float[3 * n];
        normalizeInto(img, out, 0);
        return out;
    }

    /** As {@link #normalize}, writing (3, H, W) into dst at offset. */
    public static void normalizeInto(Image img, float[] dst, int offset) {
        int n = img.width() * img.height(), c = img.channels();
        float[] d = img.data();
        for (int ch = 0; ch < 3; ch++) {
            float m = MEAN[ch], inv = 1f / STD[ch];
            int sc = c == 1 ? 0 : ch, o = offset + ch * n;
            for (int i = 0; i < n; i++) dst[o + i] = (d[i * c + sc] - m) * inv;
        }
    }
}
