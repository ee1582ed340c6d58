package org.revtaf.learning.model.foundation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.revtaf.domain.text.TripletExtractor;

/**
 * The texts behind the foundation model's fixed vectors (resource {@code entity-descriptions.txt}):
 * one description per MedKLIP entity, whose embeddings are the entity decoder's 75 queries, and
 * one phrase per position, whose embeddings are the candidates of the position contrastive loss.
 * Names and order are {@link TripletExtractor#ENTITIES} and {@link TripletExtractor#POSITIONS}.
 */
public final class EntityTexts {
    /** 75 entity descriptions, in {@link TripletExtractor#ENTITIES} order. */
    public static final List<String> ENTITIES;
    /** 51 position phrases, in {@link TripletExtractor#POSITIONS} order. */
    public static final List<String> POSITIONS;

    static {
        Map<String, List<Map.Entry<String, String>>> s = NamedTexts.read(EntityTexts.class, "entity-descriptions.txt");
        ENTITIES = texts(s.get("entities"), TripletExtractor.ENTITIES, "entities");
        POSITIONS = texts(s.get("positions"), TripletExtractor.POSITIONS, "positions");
    }

    private EntityTexts() {}

    private static List<String> texts(List<Map.Entry<String, String>> lines, List<String> names, String what) {
        if (lines == null || lines.size() != names.size())
            throw new IllegalStateException("entity-descriptions.txt: [" + what + "] needs " + names.size()
                    + " lines, has " + (lines == null ? 0 : lines.size()));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (!lines.get(i).getKey().equals(names.get(i)))
                throw new IllegalStateException("entity-descriptions.txt: [" + what + "] line " + (i + 1) + " is '"
                        + lines.get(i).getKey() + "', expected '" + names.get(i) + "'");
            if (lines.get(i).getValue().isEmpty())
                throw new IllegalStateException("entity-descriptions.txt: empty text for " + names.get(i));
            out.add(lines.get(i).getValue());
        }
        return List.copyOf(out);
    }
}
