package org.revtaf.edges.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * One run of the revtaf command line in this JVM, as {@code main} runs it ({@link Main#execute}):
 * the exit status and what went to stdout and stderr. The tests of every command use it.
 */
public record CliRun(int status, String out, String err) {

    /** Runs {@code revtaf ARGS}. */
    public static CliRun run(String... args) {
        return run(Main.commandLine(), args);
    }

    /** Runs {@code revtaf COMMAND MORE}: a test's fixed arguments, then those of the case. */
    public static CliRun run(List<String> command, String... more) {
        List<String> all = new ArrayList<>(command);
        all.addAll(List.of(more));
        return run(all.toArray(String[]::new));
    }

    /** Runs {@code args} on a command line the test configured (extra subcommands, say). */
    public static CliRun run(CommandLine cl, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int status = Main.execute(cl, args);
        return new CliRun(status, out.toString(), err.toString());
    }

    /**
     * Asserts that the run ended with {@code status} (1: the job failed, 2: bad usage) and that stderr
     * holds every one of {@code fragments}; returns the run for further checks.
     */
    public CliRun assertFails(int status, String... fragments) {
        assertEquals(status, status(), err);
        for (String f : fragments) assertTrue(err.contains(f), () -> "expected '" + f + "' on stderr:\n" + err);
        return this;
    }

    /** The JSON object on the last line of stdout (what {@code --json} prints). */
    public JsonNode lastJson() throws Exception {
        return new ObjectMapper()
                .readTree(out.strip().lines().reduce((a, b) -> b).orElseThrow());
    }
}
