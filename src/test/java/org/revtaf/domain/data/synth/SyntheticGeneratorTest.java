package org.revtaf.domain.data.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.RevtafException;
import org.revtaf.domain.data.AnnotationJson;
import org.revtaf.domain.data.Dataset;
import org.revtaf.domain.data.Split;
import org.revtaf.domain.data.Study;
import org.revtaf.domain.text.LabelClass;
import org.revtaf.domain.text.ReportLabeler;

class SyntheticGeneratorTest {
    /** A fake labeler: marks a class positive when its name occurs in the report; deterministic, thread-safe. */
    static final ReportLabeler FAKE = report -> {
        int[] l = new int[18];
        String r = report.toLowerCase(java.util.Locale.ROOT);
        l[LabelClass.CARDIOMEGALY.ordinal()] = r.contains("cardiomegaly") ? 1 : 0;
        l[LabelClass.PLEURAL_EFFUSION.ordinal()] = r.contains("effusion") ? 1 : 0;
        l[LabelClass.NO_FINDING.ordinal()] = report.length() % 4;
        return l;
    };

    static TreeMap<String, String> hashes(Path root) throws Exception {
        TreeMap<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                byte[] d = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
                out.put(
                        root.relativize(p).toString().replace('\\', '/'),
                        HexFormat.of().formatHex(d));
            }
        }
        return out;
    }

    @Test
    void byteIdenticalForSameArgumentsWhateverTheThreadCount(@TempDir Path tmp) throws Exception {
        SyntheticGenerator.write(tmp.resolve("a"), 20, 64, 1, 1, false, FAKE, m -> {});
        SyntheticGenerator.write(tmp.resolve("b"), 20, 64, 1, 3, false, FAKE, m -> {});
        SyntheticGenerator.write(tmp.resolve("c"), 20, 64, 2, 2, false, FAKE, m -> {});
        TreeMap<String, String> a = hashes(tmp.resolve("a")),
                b = hashes(tmp.resolve("b")),
                c = hashes(tmp.resolve("c"));
        assertEquals(22, a.size(), "20 images + annotation.json + findings.json: " + a.keySet());
        assertEquals(a, b);
        assertFalse(a.get("images/s000001/0.png").equals(c.get("images/s000001/0.png")), "another seed, another image");
    }

    /**
     * The images and findings.json of a fixed small set, hashed: the same bytes on every machine and
     * JDK build (own PRNG, StrictMath, own deflate). annotation.json is left out because its labels
     * come from the labeler, which evolves on its own. Update the constant only for an intended
     * change of the generator, and say so in the commit.
     */
    @Test
    void sameBytesOnEveryMachine(@TempDir Path tmp) throws Exception {
        SyntheticGenerator.write(tmp.resolve("g"), 8, 64, 1, 2, false, FAKE, m -> {});
        StringBuilder listing = new StringBuilder();
        hashes(tmp.resolve("g")).forEach((k, v) -> {
            if (!k.equals("annotation.json"))
                listing.append(k).append(' ').append(v).append('\n');
        });
        byte[] d = MessageDigest.getInstance("SHA-256")
                .digest(listing.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(GOLDEN, HexFormat.of().formatHex(d), listing.toString());
    }

    static final String GOLDEN = "3683f266146788a537bf18d48e4c1a966fc355e7016c976d66c468c9cceb2282";

    @Test
    void filesAreInTheRealFormats(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("ds");
        SyntheticGenerator.write(out, 20, 64, 5, 2, false, FAKE, m -> {});
        Dataset ds = AnnotationJson.readDir(out, AnnotationJson.Options.STRICT, m -> {});
        assertEquals(16, ds.split(Split.TRAIN).size());
        assertEquals(2, ds.split(Split.VAL).size());
        assertEquals(2, ds.split(Split.TEST).size());
        assertEquals(out.resolve("images"), ds.imageRoot());
        for (Study s : ds.all()) {
            assertArrayEquals(FAKE.label(s.report()), s.labels(), "labels come from the labeler");
            SyntheticGenerator.Sample again =
                    SyntheticGenerator.sample(5, Integer.parseInt(s.id().substring(1)) - 1, 64, FAKE);
            assertEquals(again.report(), s.report());
            BufferedImage img =
                    ImageIO.read(ds.resolveImage(s.imagePaths().get(0), s.id()).toFile());
            assertEquals(BufferedImage.TYPE_BYTE_GRAY, img.getType());
            assertEquals(64, img.getWidth());
            byte[] px = new byte[64 * 64];
            img.getRaster().getDataElements(0, 0, 64, 64, px);
            assertArrayEquals(again.pixels(), px);
        }
        JsonNode truth =
                new ObjectMapper().readTree(out.resolve("findings.json").toFile());
        assertEquals(20, truth.get("studies").size());
        int findings = 0;
        for (JsonNode st : truth.get("studies")) {
            for (JsonNode f : st.get("findings")) {
                findings++;
                for (String k : List.of("entity", "label", "position", "severity", "certainty"))
                    assertTrue(f.hasNonNull(k), k + " in " + f);
            }
        }
        assertTrue(findings > 5, "some findings in 20 studies");
    }

    @Test
    void nothingIsLeftWhenGenerationFails(@TempDir Path tmp) {
        AtomicInteger calls = new AtomicInteger();
        ReportLabeler failing = r -> {
            if (calls.incrementAndGet() == 7) throw new IllegalStateException("labeler broke");
            return new int[18];
        };
        Path out = tmp.resolve("ds");
        assertThrows(
                IllegalStateException.class,
                () -> SyntheticGenerator.write(out, 20, 32, 1, 2, false, failing, m -> {}));
        assertFalse(Files.exists(out));
        assertEquals(List.of(), list(tmp), "no temporary folder left behind");
    }

    @Test
    void refusesANonEmptyFolderUnlessReplacing(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("ds");
        Files.createDirectories(out);
        Files.writeString(out.resolve("keep.txt"), "mine");
        RevtafException e = assertThrows(
                RevtafException.class, () -> SyntheticGenerator.write(out, 4, 32, 1, 1, false, FAKE, m -> {}));
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
        assertTrue(Files.exists(out.resolve("keep.txt")));
        SyntheticGenerator.write(out, 4, 32, 1, 1, true, FAKE, m -> {});
        assertFalse(Files.exists(out.resolve("keep.txt")));
        assertTrue(Files.exists(out.resolve("annotation.json")));
        assertEquals(List.of("ds"), list(tmp));
    }

    @Test
    void rejectsBadArguments(@TempDir Path tmp) {
        assertTrue(assertThrows(
                        RevtafException.class,
                        () -> SyntheticGenerator.write(tmp.resolve("x"), 0, 64, 1, 1, false, FAKE, m -> {}))
                .getMessage()
                .contains("--studies"));
        assertTrue(assertThrows(
                        RevtafException.class,
                        () -> SyntheticGenerator.write(tmp.resolve("x"), 3, 8, 1, 1, false, FAKE, m -> {}))
                .getMessage()
                .contains("--size"));
    }

    private static List<String> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            List<String> out = new ArrayList<>();
            s.forEach(p -> out.add(p.getFileName().toString()));
            return out;
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }
}
