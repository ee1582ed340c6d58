package org.revtaf.edges.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
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

    /** Runs {@code args} on a command line the test configured (extra subcommands, say). */
    public static CliRun run(CommandLine cl, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int status = Main.execute(cl, args);
        return new CliRun(status, out.toString(), err.toString());
    }

    /** The JSON object on the last line of stdout (what {@code --json} prints). */
    public JsonNode lastJson() throws Exception {
        return new ObjectMapper()
                .readTree(out.strip().lines().reduce((a, b) -> b).orElseThrow());
    }
}
