package org.revtaf.domain.data;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Paths of the test fixtures in src/test/resources/org/revtaf/domain/data. */
final class Fixtures {
    private Fixtures() {}

    static Path path(String relative) {
        try {
            var url = Fixtures.class.getResource("/org/revtaf/domain/data/" + relative);
            if (url == null) throw new IllegalStateException("missing fixture " + relative);
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
