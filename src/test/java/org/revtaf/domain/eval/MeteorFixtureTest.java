package org.revtaf.domain.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * METEOR against METEOR 1.5 itself: {@code meteor-fixture.json} (a copy of
 * {@code shared/data/meteor/meteor-fixture.json}) holds 300 report pairs made from the project's
 * synthetic reports (some words swapped for stems and WordNet synonyms) with the corpus and
 * per-pair scores of METEOR 1.5 built from its public source ({@code -l en -norm}, function words on,
 * no paraphrase table) for the module sets exact / exact stem / exact stem synonym. Every score must
 * agree within 1e-6.
 */
class MeteorFixtureTest {
    static final double TOL = 1e-6;

    @ParameterizedTest
    @ValueSource(strings = {"exact", "exact-stem", "exact-stem-synonym"})
    void everyPairAndTheCorpusAgreeWithMeteor15(String key) throws Exception {
        JsonNode fixture = new ObjectMapper()
                .readTree(NlgRegressionTest.resource("meteor-fixture.json").toFile());
        List<String> ids = new ArrayList<>();
        List<String> hyps = new ArrayList<>();
        List<List<String>> refs = new ArrayList<>();
        for (JsonNode p : fixture.get("pairs")) {
            ids.add(p.get("id").asText());
            hyps.add(p.get("hyp").asText());
            refs.add(List.of(p.get("ref").asText()));
        }
        assertEquals(300, ids.size());
        Meteor.Settings settings =
                Meteor.Settings.standard().withModules(MeteorModule.parseList(key.replace('-', ',')));
        Meteor.Result r = Meteor.score(hyps, refs, settings);
        JsonNode expected = fixture.get(key);
        JsonNode per = expected.get("per_segment");
        assertEquals(ids.size(), per.size());
        List<String> off = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            double want = per.get(ids.get(i)).asDouble();
            if (Math.abs(want - r.perReport()[i]) > TOL)
                off.add(ids.get(i) + ": want " + want + ", got " + r.perReport()[i]);
        }
        assertTrue(off.isEmpty(), off.size() + " pairs differ:\n" + String.join("\n", off));
        assertEquals(expected.get("corpus").asDouble(), r.corpus(), TOL, "corpus");
    }
}
