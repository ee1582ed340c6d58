package org.revtaf.domain.data;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.revtaf.RevtafException;

/**
 * Decodes PNG and JPEG files (javax.imageio) into {@link Image}: 8- and 16-bit samples scaled to [0,
 * 1], gray (with or without alpha) as one channel, RGB(A) and palette images as three channels, alpha
 * dropped. A missing file, an unknown format, or a truncated/corrupt file (including the warnings
 * the JPEG reader gives for a premature end) is a {@link RevtafException} naming the file.
 */
public final class Images {
    /** Largest image accepted (2^26 pixels: 8192 x 8192; chest X-rays are at most ~4k x 5k). */
    public static final long MAX_PIXELS = 1L << 26;

    private Images() {}

    public static Image read(Path file) {
        if (!Files.isRegularFile(file)) throw new RevtafException(file + ": image not found");
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) throw new RevtafException(file + ": cannot open image");
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) throw new RevtafException(file + ": not a PNG or JPEG image");
            ImageReader reader = readers.next();
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener((r, w) -> warnings.add(w));
            try {
                reader.setInput(in, true, true);
                long w = reader.getWidth(0), h = reader.getHeight(0);
                if (w * h > MAX_PIXELS) // the header alone must not make us allocate gigabytes
                throw new RevtafException(file + ": image of " + w + " x " + h + " pixels is larger than the "
                        + MAX_PIXELS + " pixels this reader accepts (a corrupt header?)");
                BufferedImage img = reader.read(0);
                if (!warnings.isEmpty()) throw new RevtafException(file + ": corrupt image (" + warnings.get(0) + ")");
                return convert(img, file);
            } finally {
                reader.dispose();
            }
        } catch (NoSuchFileException e) {
            throw new RevtafException(file + ": image not found");
        } catch (IOException | RuntimeException e) {
            if (e instanceof RevtafException re) throw re;
            throw new RevtafException(file + ": corrupt or unreadable image (" + e.getMessage() + ")", e);
        }
    }

    /** Converts a decoded BufferedImage to floats in [0, 1]. */
    static Image convert(BufferedImage img, Path file) {
        int w = img.getWidth(), h = img.getHeight();
        Raster r = img.getRaster();
        int bands = r.getNumBands();
        boolean indexed = img.getColorModel() instanceof IndexColorModel;
        if (!indexed && (bands == 1 || bands == 2)) {
            int bits = r.getSampleModel().getSampleSize(0);
            float scale = 1f / ((1L << bits) - 1);
            float[] d = new float[w * h];
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                r.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) d[y * w + x] = row[x] * scale;
            }
            return new Image(w, h, 1, d);
        }
        if (!indexed
                && (bands == 3 || bands == 4)
                && img.getColorModel().getColorSpace().isCS_sRGB()) {
            float[] d = new float[w * h * 3];
            int[] row = new int[w];
            for (int c = 0; c < 3; c++) {
                float scale = 1f / ((1L << r.getSampleModel().getSampleSize(c)) - 1);
                for (int y = 0; y < h; y++) {
                    r.getSamples(0, y, w, 1, c, row);
                    for (int x = 0; x < w; x++) d[(y * w + x) * 3 + c] = row[x] * scale;
                }
            }
            return new Image(w, h, 3, d);
        }
        if (indexed || bands == 3 || bands == 4) {
            float[] d = new float[w * h * 3];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int p = img.getRGB(x, y);
                    int o = (y * w + x) * 3;
                    d[o] = ((p >> 16) & 0xFF) / 255f;
                    d[o + 1] = ((p >> 8) & 0xFF) / 255f;
                    d[o + 2] = (p & 0xFF) / 255f;
                }
            }
            return new Image(w, h, 3, d);
        }
        throw new RevtafException(file + ": unsupported image layout (" + bands + " bands)");
    }
}
