package org.revtaf.edges.pipeline.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.revtaf.RevtafException;
import org.revtaf.domain.data.Study;
import org.revtaf.domain.text.TripletExtractor;
import org.revtaf.learning.model.foundation.NamedTexts;

/**
 * The oracle entity triplets of synthetic studies: {@code findings.json} (the generator's ground
 * truth) mapped to MedKLIP entities and positions by the table {@code oracle-findings.txt}. For each
 * study, P(present) is 1 for the entities of its findings and 0 otherwise; a present entity sits at
 * its first finding's position, an absent one at "unspecified".
 */
public final class OracleFindings {
    private static final Map<String, int[]> ENTITY = new HashMap<>();
    private static final Map<String, Integer> POSITION = new HashMap<>();
    private static final int NORMAL = TripletExtractor.ENTITIES.indexOf("normal");

    static {
        Map<String, List<Map.Entry<String, String>>> s = NamedTexts.read(OracleFindings.class, "oracle-findings.txt");
        for (var e : s.get("entities")) {
            String[] names = e.getValue().split("\\s+");
            int[] idx = new int[names.length];
            for (int i = 0; i < names.length; i++) idx[i] = index(TripletExtractor.ENTITIES, names[i]);
            ENTITY.put(e.getKey(), idx);
        }
        for (var e : s.get("positions")) POSITION.put(e.getKey(), index(TripletExtractor.POSITIONS, e.getValue()));
        for (var e : s.get("entity positions"))
            POSITION.put(e.getKey().replaceAll("\\s*@\\s*", "@"), index(TripletExtractor.POSITIONS, e.getValue()));
    }

    private static int index(List<String> names, String name) {
        int i = names.indexOf(name);
        if (i < 0) throw new IllegalStateException("oracle-findings.txt: unknown MedKLIP name '" + name + "'");
        return i;
    }

    private OracleFindings() {}

    /** One study's oracle: P(present) (75) and the position of each entity (75). */
    public record Triplets(float[] presence, int[] position) {}

    /**
     * The oracle of every study, in the order given. {@code findings} is the dataset's
     * {@code findings.json}; a study missing from it, or a finding the table does not know, is an
     * error naming the file and the study.
     */
    public static List<Triplets> read(Path findings, List<Study> studies) {
        if (!Files.isRegularFile(findings))
            throw new RevtafException(findings + ": no such file; --foundation truth needs the ground truth that"
                    + " 'revtaf synth' writes (synthetic data only)");
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(findings.toFile());
        } catch (IOException e) {
            throw new RevtafException(findings + ": not valid JSON: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        JsonNode list = root == null ? null : root.get("studies");
        if (list == null || !list.isArray())
            throw new RevtafException(findings + ": no 'studies' list (not a findings.json of revtaf synth)");
        Map<String, JsonNode> byId = new HashMap<>();
        for (JsonNode s : list) byId.put(s.path("id").asText(), s.path("findings"));
        List<Triplets> out = new ArrayList<>(studies.size());
        for (Study st : studies) {
            JsonNode fs = byId.get(st.id());
            if (fs == null || !fs.isArray()) throw new RevtafException(findings + ": no findings for study " + st.id());
            out.add(of(fs, findings + " (study " + st.id() + ")"));
        }
        return out;
    }

    private static Triplets of(JsonNode fs, String where) {
        int m = TripletExtractor.ENTITIES.size();
        float[] p = new float[m];
        int[] pos = new int[m];
        Arrays.fill(pos, TripletExtractor.UNSPECIFIED);
        boolean pathology = false;
        for (JsonNode f : fs) {
            String entity = f.path("entity").asText(),
                    position = f.path("position").asText();
            String label = f.path("label").asText();
            int[] ents = ENTITY.get(entity);
            if (ents == null) throw new RevtafException(where + ": unknown finding entity '" + entity + "'");
            String zone = position.replaceAll(" \\d+$", ""); // "left rib 5" -> "left rib"
            Integer at = POSITION.getOrDefault(entity + "@" + zone, POSITION.get(zone));
            if (at == null)
                throw new RevtafException(where + ": unknown finding position '" + position + "' of " + entity);
            for (int e : ents) {
                if (p[e] == 0) pos[e] = at; // the first finding of an entity gives its position
                p[e] = 1;
            }
            if (!label.equals("Support Devices")) pathology = true;
        }
        if (!pathology) p[NORMAL] = 1;
        return new Triplets(p, pos);
    }
}
