package org.revtaf.domain.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Decoding (8/16-bit, gray/RGB, PNG/JPEG, the real NIH images) and the transforms of METHOD.md section 5. */
class ImagesTest {

    @Test
    void realNihRadiographsDecodeAsGray() {
        Image a = Images.read(Fixtures.path("real-cxr/nih-00000001_000-cardiomegaly.png"));
        Image b = Images.read(Fixtures.path("real-cxr/nih-00027426_000-no-finding.png"));
        for (Image img : new Image[] {a, b}) {
            assertEquals(512, img.width());
            assertEquals(512, img.height());
            assertEquals(1, img.channels());
            double mean = 0;
            float min = 1, max = 0;
            for (float v : img.data()) {
                mean += v;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            mean /= img.data().length;
            assertTrue(mean > 0.2 && mean < 0.8, "mean " + mean);
            assertTrue(min >= 0 && max <= 1 && max - min > 0.5, "range " + min + ".." + max);
        }
        // the middle of a radiograph (mediastinum) is brighter than its lateral lung fields
        assertTrue(a.get(256, 300, 0) > a.get(150, 200, 0));
    }

    @Test
    void eightAndSixteenBitGrayAndRgb() {
        Image g16 = Images.read(Fixtures.path("images/gray16.png"));
        assertEquals(1, g16.channels());
        assertEquals((2 * 3000 + 100) / 65535f, g16.get(2, 1, 0), 1e-6f);
        assertEquals((19 * 3000 + 11 * 100) / 65535f, g16.get(19, 11, 0), 1e-6f);

        Image g8 = Images.read(Fixtures.path("images/gray8.png"));
        assertEquals(1, g8.channels());
        assertEquals(((3 * 7 + 2 * 3 + 40) % 256) / 255f, g8.get(3, 2, 0), 1e-6f);

        Image rgb = Images.read(Fixtures.path("images/rgb8.png"));
        assertEquals(3, rgb.channels());
        assertEquals(5 * 12 / 255f, rgb.get(5, 3, 0), 1e-6f);
        assertEquals(3 * 20 / 255f, rgb.get(5, 3, 1), 1e-6f);
        assertEquals(200 / 255f, rgb.get(5, 3, 2), 1e-6f);

        Image jpg = Images.read(Fixtures.path("images/rgb8.jpg"));
        assertEquals(3, jpg.channels());
        assertEquals(200 / 255f, jpg.get(10, 6, 2), 0.08f); // lossy
        Image gjpg = Images.read(Fixtures.path("images/gray8.jpg"));
        assertEquals(1, gjpg.channels());
        assertEquals(g8.get(10, 6, 0), gjpg.get(10, 6, 0), 0.08f);
    }

    private static Image pattern(int w, int h, java.util.function.IntBinaryOperator f) {
        float[] d = new float[w * h];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) d[y * w + x] = f.applyAsInt(x, y) / 255f;
        return new Image(w, h, 1, d);
    }

    @Test
    void resizeShorterSideKeepsAspectAndAntialiases() {
        Image wide = pattern(40, 20, (x, y) -> 100);
        Image r = ImageTransforms.resizeShorter(wide, 10);
        assertEquals(20, r.width());
        assertEquals(10, r.height());
        for (float v : r.data()) assertEquals(100 / 255f, v, 1e-5f, "a constant image stays constant");
        Image tall = ImageTransforms.resizeShorter(pattern(30, 45, (x, y) -> 0), 20);
        assertEquals(20, tall.width());
        assertEquals(30, tall.height());
        // one bright column in four, shrunk 4x: antialiasing averages to 1/4 everywhere; point sampling would give 0
        Image stripes = pattern(64, 64, (x, y) -> x % 4 == 0 ? 255 : 0);
        Image s = ImageTransforms.resizeShorter(stripes, 16);
        for (int x = 1; x < 15; x++) assertEquals(0.25f, s.get(x, 8, 0), 0.02f);
        // enlarging a linear ramp stays linear inside
        Image ramp = pattern(8, 8, (x, y) -> 20 * x);
        Image up = ImageTransforms.resize(ramp, 16, 16);
        float step = up.get(5, 3, 0) - up.get(4, 3, 0);
        for (int x = 2; x < 13; x++) assertEquals(step, up.get(x + 1, 3, 0) - up.get(x, 3, 0), 1e-5f);
        assertEquals(10 / 255f, step, 1e-5f);
    }

    @Test
    void cropsAndRotation() {
        Image img = pattern(256, 300, (x, y) -> (x + 2 * y) % 256);
        Image c = ImageTransforms.centerCrop(img, 224);
        assertEquals(img.get(16, 38, 0), c.get(0, 0, 0));
        assertEquals(img.get(16 + 223, 38 + 223, 0), c.get(223, 223, 0));
        Image r1 = ImageTransforms.randomCrop(img, 224, new SplitMix64(1));
        Image r2 = ImageTransforms.randomCrop(img, 224, new SplitMix64(1));
        assertArrayEquals(r1.data(), r2.data());
        boolean differs = false;
        for (int s = 2; s < 10 && !differs; s++)
            differs = !java.util.Arrays.equals(
                    r1.data(),
                    ImageTransforms.randomCrop(img, 224, new SplitMix64(s)).data());
        assertTrue(differs);

        Image sq = pattern(9, 9, (x, y) -> 10 * x + y);
        assertArrayEquals(sq.data(), ImageTransforms.rotate(sq, 0).data());
        Image q = ImageTransforms.rotate(sq, 90); // counter-clockwise: out(x, y) = in(w - 1 - y, x)
        for (int y = 0; y < 9; y++) for (int x = 0; x < 9; x++) assertEquals(sq.get(8 - y, x, 0), q.get(x, y, 0));
        Image small = ImageTransforms.rotate(pattern(64, 64, (x, y) -> 200), 5);
        assertEquals(200 / 255f, small.get(32, 32, 0), 1e-6f);
        assertEquals(0f, small.get(0, 0, 0), "corners are filled with 0 as torchvision does");
    }

    @Test
    void normalisationReplicatesGrayToThreeChannels() {
        Image g = pattern(2, 1, (x, y) -> x == 0 ? 0 : 255);
        float[] n = ImageTransforms.normalize(g);
        assertEquals(6, n.length);
        for (int c = 0; c < 3; c++) {
            assertEquals(-ImageTransforms.MEAN[c] / ImageTransforms.STD[c], n[c * 2], 1e-6f);
            assertEquals((1 - ImageTransforms.MEAN[c]) / ImageTransforms.STD[c], n[c * 2 + 1], 1e-6f);
        }
        Image rgb = new Image(1, 1, 3, new float[] {0.485f, 0.456f, 0.406f});
        assertArrayEquals(new float[] {0, 0, 0}, ImageTransforms.normalize(rgb), 1e-6f);
    }

    @Test
    void paperPipelineOnARealRadiograph() {
        Image a = Images.read(Fixtures.path("real-cxr/nih-00000001_000-cardiomegaly.png"));
        float[] e1 = ImagePipeline.paperEval().apply(a, new SplitMix64(1));
        float[] e2 = ImagePipeline.paperEval().apply(a, new SplitMix64(2));
        assertEquals(3 * 224 * 224, e1.length);
        assertArrayEquals(e1, e2, "evaluation is not random");
        float[] t1 = ImagePipeline.paperTrain().apply(a, new SplitMix64(7));
        float[] t2 = ImagePipeline.paperTrain().apply(a, new SplitMix64(7));
        float[] t3 = ImagePipeline.paperTrain().apply(a, new SplitMix64(8));
        assertArrayEquals(t1, t2, "deterministic given the seed");
        assertFalse(java.util.Arrays.equals(t1, t3));
        // channel 0 and 1 of a gray image differ only by the normalisation constants
        int n = 224 * 224;
        float v0 = e1[1000] * ImageTransforms.STD[0] + ImageTransforms.MEAN[0];
        float v1 = e1[n + 1000] * ImageTransforms.STD[1] + ImageTransforms.MEAN[1];
        assertEquals(v0, v1, 1e-5f);
    }
}
