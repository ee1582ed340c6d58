package org.revtaf.domain.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.revtaf.RevtafException;

/** Reading the CSV files of public datasets with Apache Commons CSV: header row, plain or gzip, clear errors. */
final class CsvFiles {
    private CsvFiles() {}

    /** The first existing file among the candidates (file names inside dir), or an error listing them. */
    static Path find(Path dir, String... names) {
        for (String n : names) {
            Path p = dir.resolve(n);
            if (Files.isRegularFile(p)) return p;
        }
        throw new RevtafException(dir + ": none of " + String.join(", ", names) + " found");
    }

    /**
     * Streams the records of a CSV file with a header row (".gz" files are decompressed) to the
     * consumer; a missing required column is an error naming the file and the column.
     */
    static void read(Path file, List<String> required, Consumer<CSVRecord> consumer) {
        CSVFormat format = CSVFormat.DEFAULT
                .builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .setIgnoreSurroundingSpaces(false)
                .get();
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                CSVParser p = CSVParser.builder().setReader(r).setFormat(format).get()) {
            List<String> header = p.getHeaderNames();
            List<String> missing = new ArrayList<>();
            for (String c : required) if (!header.contains(c)) missing.add(c);
            if (!missing.isEmpty())
                throw new RevtafException(file + ": missing column" + (missing.size() > 1 ? "s " : " ") + missing
                        + " (header: " + header + ")");
            for (CSVRecord rec : p) {
                if (!rec.isConsistent())
                    throw new RevtafException(file + ": line " + p.getCurrentLineNumber() + ": expected "
                            + header.size() + " fields, found " + rec.size());
                consumer.accept(rec);
            }
        } catch (NoSuchFileException e) {
            throw new RevtafException(file + ": no such file");
        } catch (IOException | UncheckedIOException e) {
            throw new RevtafException(file + ": cannot read CSV: " + e.getMessage(), e);
        } catch (IllegalArgumentException | IllegalStateException e) { // Commons CSV: an empty or repeated header name
            throw new RevtafException(file + ": malformed CSV: " + e.getMessage(), e);
        }
    }
}
