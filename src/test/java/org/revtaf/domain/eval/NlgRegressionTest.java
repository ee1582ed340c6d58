package org.revtaf.domain.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.revtaf.domain.text.ReportSource;

/**
 * The regression corpus (30 report pairs in this package's resources, made by
 * make_regression_corpus.py): edge cases include an empty hypothesis, hypotheses longer than the
 * reference, repeated sentences, identical content, a reference with a double space and a
 * hypothesis with ' - '. Expected numbers were computed independently by pycoco_formulas.py (a
 * stand-alone Python re-implementation of pycocoevalcap's formulas) with the post-processing on.
 */
class NlgRegressionTest {
    static Path resource(String name) throws URISyntaxException {
        return Path.of(NlgRegressionTest.class.getResource(name).toURI());
    }

    @Test
    void twoReferencesPerReport() throws Exception {
        // report i is scored against [ref_i, ref_(i+1 mod n)] (pycoco_formulas.py --two-refs)
        Map<String, String> refs = ReportSource.byId(ReportSource.read(resource("regression_refs.jsonl"), "test"));
        Map<String, String> hyps = ReportSource.byId(ReportSource.read(resource("regression_hyps.jsonl"), "test"));
        JsonNode exp = new ObjectMapper()
                .readTree(resource("regression_expected_two_refs.json").toFile());
        List<String> ids = new ArrayList<>(refs.keySet());
        List<String> h =
                ids.stream().map(hyps::get).map(Evaluation::postprocess).toList();
        List<List<String>> r = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            r.add(List.of(refs.get(ids.get(i)), refs.get(ids.get((i + 1) % ids.size()))));
        }
        double[] bleu = Bleu.score(h, r).corpus();
        for (int k = 0; k < 4; k++) assertEquals(exp.get("BLEU_" + (k + 1)).asDouble(), bleu[k], 1e-12);
        assertEquals(exp.get("ROUGE_L").asDouble(), RougeL.score(h, r).corpus(), 1e-12);
        Cider.Result c = Cider.score(h, r);
        assertEquals(exp.get("CIDEr").asDouble(), c.corpus(), 1e-12);
        for (int i = 0; i < ids.size(); i++) {
            assertEquals(exp.get("cider_per").get(i).asDouble(), c.perReport()[i], 1e-12, ids.get(i));
        }
    }

    @Test
    void bleuRougeCiderEqualTheReferenceFormulas() throws Exception {
        Map<String, String> refs = ReportSource.byId(ReportSource.read(resource("regression_refs.jsonl"), "test"));
        Map<String, String> hyps = ReportSource.byId(ReportSource.read(resource("regression_hyps.jsonl"), "test"));
        JsonNode exp =
                new ObjectMapper().readTree(resource("regression_expected.json").toFile());
        List<String> ids = new ArrayList<>(refs.keySet());
        List<String> r = ids.stream().map(refs::get).toList();
        List<String> h = ids.stream().map(hyps::get).toList();
        Evaluation.Scores s = Evaluation.run(ids, r, h, null, null, Evaluation.Options.paper());
        for (int k = 0; k < 4; k++) {
            assertEquals(exp.get("BLEU_" + (k + 1)).asDouble(), s.bleu().corpus()[k], 1e-12, "BLEU_" + (k + 1));
        }
        assertEquals(exp.get("ROUGE_L").asDouble(), s.rouge().corpus(), 1e-12);
        assertEquals(exp.get("CIDEr").asDouble(), s.cider().corpus(), 1e-12);
        for (int i = 0; i < ids.size(); i++) {
            assertEquals(exp.get("ids").get(i).asText(), ids.get(i));
            assertEquals(exp.get("bleu4_per").get(i).asDouble(), s.bleu().perReport()[i][3], 1e-12, ids.get(i));
            assertEquals(exp.get("rouge_per").get(i).asDouble(), s.rouge().perReport()[i], 1e-12, ids.get(i));
            assertEquals(exp.get("cider_per").get(i).asDouble(), s.cider().perReport()[i], 1e-12, ids.get(i));
        }
    }
}
