// The foundation stage's existence targets of every study, as `pretrain` builds them (TripletExtractor
// over the report, unmentioned entities absent), for benchmarks/pytorch/foundation_heads.py.
// Run with the source launcher against the built classes (benchmarks/foundation-heads.sh does):
//   java -cp "target/classes:target/lib/*" benchmarks/pytorch/EntityTargets.java DATA OUT.csv
// OUT.csv: split,id,image, then the 75 entities (1 present, 0 absent, -1 no target).
import java.nio.file.Files;
import java.nio.file.Path;
import org.revtaf.domain.data.AnnotationJson;
import org.revtaf.domain.data.Dataset;
import org.revtaf.domain.data.Split;
import org.revtaf.domain.data.Study;
import org.revtaf.domain.text.TripletExtractor;
import org.revtaf.learning.model.foundation.TripletTargets;

public class EntityTargets {
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: EntityTargets.java DATA OUT.csv");
            System.exit(2);
        }
        Dataset data = AnnotationJson.readDir(Path.of(args[0]), AnnotationJson.Options.STRICT, s -> {});
        TripletExtractor ex = TripletExtractor.standard();
        StringBuilder sb = new StringBuilder("split,id,image");
        for (String e : TripletExtractor.ENTITIES) sb.append(',').append(e);
        sb.append('\n');
        for (Split split : Split.ALL)
            for (Study s : data.split(split)) {
                TripletTargets t = TripletTargets.of(ex.extract(s.report()), true);
                sb.append(split)
                        .append(',')
                        .append(s.id())
                        .append(',')
                        .append(s.imagePaths().get(0));
                for (int v : t.exist()) sb.append(',').append(v);
                sb.append('\n');
            }
        Files.writeString(Path.of(args[1]), sb);
    }
}
