package org.revtaf.domain.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The labeler's data files, resources next to these classes ({@code cues.txt},
 * {@code labeler-words.txt}, {@code revtaf-phrases.txt}, {@code chexpert-phrases/}): read as lines,
 * each stripped, without blank lines and {@code #} comments. A missing resource is an error naming it.
 */
final class TextResources {
    private TextResources() {}

    /** One line of a resource: its number (from 1) and its text, stripped. */
    record Line(int no, String text) {}

    /** The non-empty, non-comment lines of {@code resource}, stripped (a leading / trailing "_" survives). */
    static List<Line> lines(String resource) {
        List<Line> out = new ArrayList<>();
        try (InputStream in = TextResources.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("resource org/revtaf/domain/text/" + resource + " missing");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            int no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                String t = line.strip();
                if (!t.isEmpty() && !t.startsWith("#")) out.add(new Line(no, t));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
