package org.revtaf.learning.model.revtaf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.revtaf.engine.backend.Backends;
import org.revtaf.engine.backend.cuda.CudaBackend;
import org.revtaf.engine.backend.cuda.CudaBackendProvider;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.model.BertLmDecoder;

/**
 * The masks, counts and targets the REVTAF losses build on their device ({@link OnDevice}, {@link
 * RetrievalEnhancer#rankTargets(Tensor, Tensor, DType)}, {@link ReportPrompt#targets}, {@link
 * ReportPrompt#ids}) equal the
 * host loops they replace, on cpu and on cuda-emu, and on cuda-emu make no host copy.
 */
class OnDeviceTest {
    private static final Device[] DEVICES = {Device.CPU, Device.CUDA_EMU};

    @BeforeAll
    static void register() {
        Backends.register(new CudaBackendProvider.CudaEmu());
    }

    /** Host copies (reads + writes) made by r on cuda-emu. */
    private static long copies(Runnable r) {
        long before = CudaBackend.hostReads() + CudaBackend.hostWrites();
        r.run();
        return CudaBackend.hostReads() + CudaBackend.hostWrites() - before;
    }

    @Test
    void arangeCountsFromZeroWithoutAnUpload() {
        for (Device d : DEVICES)
            for (int n : new int[] {1, 2, 5, 8, 33}) {
                Tensor[] a = new Tensor[1];
                long c = copies(() -> a[0] = OnDevice.arange(d, DType.INT64, n));
                if (d == Device.CUDA_EMU) assertEquals(0, c, "copies building arange(" + n + ")");
                long[] expect = new long[n];
                for (int i = 0; i < n; i++) expect[i] = i;
                assertArrayEquals(expect, a[0].toLongs(), d + " arange(" + n + ")");
            }
    }

    @Test
    void offDiagonalColumnsSkipTheRowsOwnIndexAndOutliveTheScope() {
        for (Device d : DEVICES)
            for (int b = 2; b <= 9; b++) {
                Tensor cols;
                try (Scope s = Scope.open()) {
                    cols = OnDevice.offDiagonalColumns(d, b);
                }
                long[] expect = new long[b * (b - 1)];
                for (int i = 0; i < b; i++) for (int k = 0; k < b - 1; k++) expect[i * (b - 1) + k] = k < i ? k : k + 1;
                assertArrayEquals(new int[] {b, b - 1}, cols.shape());
                assertArrayEquals(expect, cols.toLongs(), d + " b " + b); // still readable after the scope closed
            }
    }

    @Test
    void rankTargetsOnTheDeviceEqualTheHostReference() {
        Random rng = new Random(7);
        for (Device d : DEVICES)
            for (int trial = 0; trial < 20; trial++) {
                int b = 2 + rng.nextInt(9), states = 1 + trial % 4; // few states: many ties
                long[] labels = new long[b * StatusClassifier.CLASSES];
                for (int i = 0; i < labels.length; i++) labels[i] = rng.nextInt(states);
                int[] ref = RetrievalEnhancer.rankTargets(labels, b);
                Tensor lab = Tensor.ofLongs(d, labels, b, StatusClassifier.CLASSES);
                Tensor cols = OnDevice.offDiagonalColumns(d, b);
                Tensor[] t = new Tensor[1];
                long c = copies(() -> t[0] = RetrievalEnhancer.rankTargets(lab, cols, DType.FLOAT32));
                if (d == Device.CUDA_EMU) assertEquals(0, c, "copies computing rank targets");
                long[] got = t[0].toLongs();
                for (int i = 0; i < b; i++) assertEquals(ref[i], got[i], d + " trial " + trial + " row " + i);
            }
    }

    @Test
    void promptIdsAreALookupOfTheStatusTokens() {
        ReportPrompt prompt = new ReportPrompt(7, 1, 0, new int[] {30, 31, 32, 29_999});
        int b = 3, k = StatusClassifier.CLASSES;
        long[] st = new long[b * k], expect = new long[b * ReportPrompt.LENGTH];
        Random rng = new Random(5);
        for (int i = 0; i < b; i++) {
            expect[i * ReportPrompt.LENGTH] = 7;
            for (int c = 0; c < k; c++) {
                st[i * k + c] = rng.nextInt(4);
                expect[i * ReportPrompt.LENGTH + 1 + c] = prompt.status()[(int) st[i * k + c]];
            }
        }
        for (Device d : DEVICES) {
            Tensor s = Tensor.ofLongs(d, st, b, k);
            Tensor[] ids = new Tensor[1];
            long c = copies(() -> ids[0] = prompt.ids(s));
            if (d == Device.CUDA_EMU) assertEquals(0, c, "copies building the prompt ids");
            assertEquals(DType.INT64, ids[0].dtype());
            assertArrayEquals(expect, ids[0].toLongs(), d + " prompt ids");
        }
    }

    @Test
    void languageModelTargetsOnTheDeviceIgnoreThePromptAndPadding() {
        int b = 3, t = ReportPrompt.LENGTH + 6;
        Random rng = new Random(3);
        long[] ids = new long[b * t];
        double[] keep = new double[b * t];
        int[] len = {t, ReportPrompt.LENGTH + 2, ReportPrompt.LENGTH + 4};
        for (int i = 0; i < b; i++)
            for (int j = 0; j < t; j++) {
                ids[i * t + j] = 1 + rng.nextInt(30_000);
                keep[i * t + j] = j < len[i] ? 1 : 0;
            }
        long[] expect = ids.clone(), expectNoKeep = ids.clone();
        for (int i = 0; i < b; i++)
            for (int j = 0; j < t; j++) {
                if (j < ReportPrompt.LENGTH || j >= len[i]) expect[i * t + j] = BertLmDecoder.IGNORE;
                if (j < ReportPrompt.LENGTH) expectNoKeep[i * t + j] = BertLmDecoder.IGNORE;
            }
        for (Device d : DEVICES) {
            Tensor id = Tensor.ofLongs(d, ids, b, t);
            Tensor kf = Tensor.ofDoubles(d, DType.FLOAT32, keep, b, t), ki = OnDevice.cast(kf, DType.INT64);
            Tensor[] out = new Tensor[3];
            long c = copies(() -> {
                out[0] = ReportPrompt.targets(id, kf);
                out[1] = ReportPrompt.targets(id, ki); // an integer keep mask works the same
                out[2] = ReportPrompt.targets(id, null);
            });
            if (d == Device.CUDA_EMU) assertEquals(0, c, "copies building the targets");
            assertEquals(DType.INT64, out[0].dtype());
            assertArrayEquals(expect, out[0].toLongs(), d + " float keep");
            assertArrayEquals(expect, out[1].toLongs(), d + " int64 keep");
            assertArrayEquals(expectNoKeep, out[2].toLongs(), d + " no keep");
        }
    }
}
