package org.revtaf.edges.cli;

import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.revtaf.RevtafException;
import org.revtaf.domain.text.LabelClass;
import org.revtaf.domain.text.LabelStatus;
import org.revtaf.domain.text.Labelers;
import org.revtaf.domain.text.ReportSource;
import org.revtaf.edges.io.AtomicFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code revtaf label}: labels report text with the rule labeler, writing CheXbert's CSV layout. */
@Command(
        name = "label",
        mixinStandardHelpOptions = true,
        description = {
            "Label report text with the 14 CheXpert classes (+4 auxiliary), CheXbert CSV layout.",
            "Input: annotation.json (all splits), .jsonl of {\"id\",\"report\"}, .txt (one report per line,"
                    + " id = line number) or .csv with a Report column.",
            "Cells: 1.0 positive, 0.0 negative, -1.0 uncertain, empty when not mentioned."
        })
public final class LabelCommand implements Callable<Integer> {
    @Option(names = "--in", required = true, paramLabel = "FILE", description = "Reports to label.")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "FILE.csv", description = "CSV to write (atomically).")
    Path out;

    @Option(
            names = "--classes",
            defaultValue = "14",
            paramLabel = "14|18",
            description = "14 CheXpert classes, or 18 with the 4 auxiliary ones (default: ${DEFAULT-VALUE}).")
    int classes;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (classes != 14 && classes != 18) throw new RevtafException("--classes must be 14 or 18, got " + classes);
        if (out.toString().isEmpty()) throw new RevtafException("--out: an empty file name was given");
        if (Files.isDirectory(out)) {
            throw new RevtafException(
                    "--out " + out + ": is a folder; give the CSV file to write, e.g. " + out.resolve("labels.csv"));
        }
        List<ReportSource.Report> reports = ReportSource.read(in);
        int[][] labels = Labelers.standard()
                .labelAll(reports.stream().map(ReportSource.Report::text).toList());
        AtomicFile.writeStream(out, stream -> {
            Writer w = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
            CSVPrinter csv = new CSVPrinter(
                    w, CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get());
            String[] header = new String[classes + 1];
            header[0] = "id";
            for (int c = 0; c < classes; c++)
                header[c + 1] = LabelClass.ALL.get(c).csvName();
            csv.printRecord((Object[]) header);
            String[] row = new String[classes + 1];
            for (int i = 0; i < reports.size(); i++) {
                row[0] = reports.get(i).id();
                for (int c = 0; c < classes; c++)
                    row[c + 1] = LabelStatus.ofCode(labels[i][c]).chexbertCell();
                csv.printRecord((Object[]) row);
            }
            csv.flush(); // not closed: AtomicFile owns the stream
        });
        spec.commandLine().getOut().println("labelled " + reports.size() + " reports -> " + out);
        return 0;
    }
}
