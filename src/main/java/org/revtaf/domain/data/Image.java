package org.revtaf.domain.data;

/**
 * A decoded image: (height, width, channels) row-major floats in [0, 1]; channels is 1 (gray) or 3
 * (RGB).
 */
public record Image(int width, int height, int channels, float[] data) {
    public Image {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("empty image " + width + "x" + height);
        if (channels != 1 && channels != 3)
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        if (data.length != width * height * channels)
            throw new IllegalArgumentException(
                    "data has " + data.length + " values, expected " + width * height * channels);
    }

    public float get(int x, int y, int c) {
        return data[(y * width + x) * channels + c];
    }

    /** An 8-bit grayscale image (height, width) as floats in [0, 1]. */
    public static Image ofGray8(byte[] px, int width, int height) {
        float[] d = new float[width * height];
        for (int i = 0; i < d.length; i++) d[i] = (px[i] & 0xFF) / 255f;
        return new Image(width, height, 1, d);
    }
}
