package org.revtaf.edges.pipeline.generate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.revtaf.domain.data.Dataset;
import org.revtaf.domain.data.Split;
import org.revtaf.domain.data.Study;

/**
 * Image files given on the command line ({@code generate --image}, {@code retrieve --image}) as a
 * dataset of one study per file, so they load, transform and fail (naming the file) exactly as
 * dataset images do. A study's id is the path as given; the image root is the file system root.
 */
final class ImageFiles {
    private ImageFiles() {}

    static Dataset dataset(List<Path> images) {
        Path root = Path.of("/").toAbsolutePath();
        List<Study> studies = new ArrayList<>(images.size());
        for (Path p : images) {
            String rel = root.relativize(p.toAbsolutePath().normalize()).toString();
            studies.add(new Study(p.toString(), Split.TEST.key(), "", List.of(rel), new int[0]));
        }
        return new Dataset(root, root, Map.of(Split.TEST, studies), 0);
    }
}
