package org.revtaf.domain.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.revtaf.domain.text.LabelClass;

/** The real dataset layouts load unchanged. */
class LoadersTest {
    private final List<String> log = new ArrayList<>();

    @Test
    void r2genIuAnnotationWithTwoViewsPerStudy() {
        Dataset ds = AnnotationJson.readDir(Fixtures.path("iu-r2gen"), AnnotationJson.Options.STRICT, log::add);
        assertEquals(2, ds.split(Split.TRAIN).size());
        assertEquals(0, ds.split(Split.VAL).size());
        assertEquals(1, ds.split(Split.TEST).size());
        Study s = ds.split(Split.TRAIN).get(0);
        assertEquals("CXR1_IM-0001", s.id());
        assertEquals(List.of("CXR1_IM-0001/0.png", "CXR1_IM-0001/1.png"), s.imagePaths());
        assertEquals(0, s.labelCount());
        assertTrue(s.report().startsWith("The cardiac silhouette"));
        assertTrue(Files.isRegularFile(ds.resolveImage(s.imagePaths().get(1), "test")));
    }

    @Test
    void promptMrgIuFlatListWith14Labels() {
        Path file = Fixtures.path("iu-promptmrg/iu_annotation_promptmrg.json");
        Dataset ds =
                AnnotationJson.read(file, Fixtures.path("iu-r2gen/images"), AnnotationJson.Options.STRICT, log::add);
        assertEquals(2, ds.split(Split.TEST).size());
        assertEquals(0, ds.split(Split.TRAIN).size());
        Study s = ds.split(Split.TEST).get(0);
        assertEquals(14, s.labelCount());
        assertEquals(1, s.label(LabelClass.NO_FINDING.ordinal()));
        assertEquals(0, s.label(17), "classes beyond the file's 14 read as blank");
        assertEquals(21, ((List<?>) s.extra().get("clip_indices")).size());
    }

    @Test
    void promptMrgMimicAnnotationRoundTrips(@TempDir Path tmp) {
        Path file = Fixtures.path("mimic-promptmrg/mimic_annotation_promptmrg.json");
        Dataset ds = AnnotationJson.read(
                file, Fixtures.path("mimic-cxr-jpg/files"), AnnotationJson.Options.STRICT, log::add);
        assertEquals(2, ds.split(Split.TRAIN).size());
        assertEquals(1, ds.split(Split.VAL).size());
        assertEquals(1, ds.split(Split.TEST).size());
        Study two = ds.split(Split.TRAIN).get(1);
        assertEquals(2, two.imagePaths().size(), "one or more images per study");
        assertEquals(18, two.labelCount());
        assertEquals(53189527L, ((Number) two.extra().get("study_id")).longValue());
        // write it back in the same layout and read it again
        Path copy = tmp.resolve("annotation.json");
        AnnotationJson.write(copy, ds.splits());
        Dataset again = AnnotationJson.read(
                copy, Fixtures.path("mimic-cxr-jpg/files"), AnnotationJson.Options.STRICT, log::add);
        assertEquals(ds.all(), again.all());
    }

    @Test
    void mimicCxrJpgCsvsBuildAnAnnotation() {
        Path root = Fixtures.path("mimic-cxr-jpg");
        Dataset ds = MimicCxrJpg.load(
                root, root.resolve("reports"), MimicCxrJpg.Views.FRONTAL, BadSamplePolicy.FAIL, log::add);
        // s56699142 has no FINDINGS section; s51029426 only a lateral view
        assertEquals(
                List.of("02aa804e-bde0afdd-112c0b34-7bc16630-4e384014", "2a2277a9-b0ded155-c0de8eb9-c124d10e-82c5caab"),
                ds.split(Split.TRAIN).stream().map(Study::id).toList());
        assertEquals(1, ds.split(Split.VAL).size(), "'validate' is the val split");
        assertEquals(0, ds.split(Split.TEST).size());
        assertTrue(
                log.get(0).contains("1 studies without a FINDINGS section and 1 without a selected view"),
                log.toString());
        Study first = ds.split(Split.TRAIN).get(0);
        assertEquals(
                "The lungs are clear without focal consolidation. No pleural effusion or pneumothorax. "
                        + "The cardiomediastinal silhouette is normal.",
                first.report());
        assertEquals(
                List.of("files/p10/p10000032/s50414267/02aa804e-bde0afdd-112c0b34-7bc16630-4e384014.jpg"),
                first.imagePaths());
        assertTrue(Files.isRegularFile(ds.resolveImage(first.imagePaths().get(0), "t")));
        Study val = ds.split(Split.VAL).get(0);
        assertEquals(2, val.imagePaths().size(), "two AP images of one study");
        int[] l = val.labels();
        assertEquals(14, l.length);
        assertEquals(1, l[LabelClass.CARDIOMEGALY.ordinal()]);
        assertEquals(3, l[LabelClass.EDEMA.ordinal()]);
        assertEquals(1, l[LabelClass.PLEURAL_EFFUSION.ordinal()]);
        assertEquals(2, l[LabelClass.PNEUMOTHORAX.ordinal()]);
        assertEquals(0, l[LabelClass.ATELECTASIS.ordinal()]);
        assertEquals(53911762L, ((Number) val.extra().get("study_id")).longValue());

        Dataset all =
                MimicCxrJpg.load(root, root.resolve("reports"), MimicCxrJpg.Views.ALL, BadSamplePolicy.FAIL, m -> {});
        assertEquals(2, all.split(Split.TRAIN).get(0).imagePaths().size(), "PA and lateral");
        assertEquals(1, all.split(Split.TEST).size(), "the lateral-only study");
    }

    @Test
    void findingsSectionExtraction() {
        assertEquals("a b. c.", MimicCxrJpg.findingsSection("X\n FINDINGS:  a\n b.  c.\n\n IMPRESSION: d"));
        assertEquals("only.", MimicCxrJpg.findingsSection("FINDINGS: only."));
        assertEquals(null, MimicCxrJpg.findingsSection("IMPRESSION: none"));
    }

    @Test
    void kaggleIuCsvsBuildAnAnnotation() {
        Dataset ds = KaggleIu.load(Fixtures.path("kaggle-iu"), BadSamplePolicy.FAIL, log::add);
        assertEquals(3, ds.size(), "uid 3 has no findings");
        assertTrue(log.get(0).contains("1 reports without findings"), log.toString());
        Study one = ds.all().stream()
                .filter(s -> s.id().equals("CXR1_IM-0001"))
                .findFirst()
                .orElseThrow();
        assertEquals(
                List.of("images_normalized/1_IM-0001-4001.dcm.png", "images_normalized/1_IM-0001-3001.dcm.png"),
                one.imagePaths());
        Study two = ds.all().stream()
                .filter(s -> s.id().equals("CXR2_IM-0652"))
                .findFirst()
                .orElseThrow();
        assertEquals(
                "Borderline cardiomegaly. Midline sternotomy XXXX. Enlarged pulmonary arteries. Clear lungs. "
                        + "Inferior XXXX XXXX XXXX.",
                two.report());
        for (Study s : ds.all())
            assertTrue(Files.isRegularFile(ds.resolveImage(s.imagePaths().get(0), s.id())));
        // the split depends on the uid only
        assertEquals(KaggleIu.split(1).key(), one.split());
        int[] count = new int[3];
        for (int uid = 1; uid <= 4000; uid++) count[KaggleIu.split(uid).ordinal()]++;
        assertEquals(0.7, count[0] / 4000.0, 0.03);
        assertEquals(0.1, count[1] / 4000.0, 0.02);
        assertEquals(0.2, count[2] / 4000.0, 0.03);
    }

    @Test
    void chexpertCells() {
        assertArrayEquals(new int[] {1, 2, 3, 0}, new int[] {
            MimicCxrJpg.cell("1.0", "t"),
            MimicCxrJpg.cell("0.0", "t"),
            MimicCxrJpg.cell("-1.0", "t"),
            MimicCxrJpg.cell("", "t")
        });
    }
}
