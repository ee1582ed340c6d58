package org.revtaf.edges.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.revtaf.RevtafException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The CLI contract of ../shared/CLI.md: subcommands, help, version, exit codes, error output. */
class MainTest {
    /** Every subcommand of the CLI contract. */
    static final List<String> COMMANDS = List.of(
            "synth",
            "data",
            "label",
            "evaluate",
            "pretrain",
            "precompute",
            "train",
            "generate",
            "retrieve",
            "kernel",
            "bench",
            "demo");

    @Command(name = "stub")
    static final class Stub implements Callable<Integer> {
        @Override
        public Integer call() {
            throw NotBuiltYet.of("stub", "Some issue");
        }
    }

    @Command(name = "bad-input")
    static final class BadInput implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new RevtafException("in.yaml:3: unknown key 'x'");
        }
    }

    @Command(name = "bug")
    static final class Bug implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new IllegalStateException("invariant broken");
        }
    }

    private static CliRun run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.addSubcommand(new Stub());
        cl.addSubcommand(new BadInput());
        cl.addSubcommand(new Bug());
        return CliRun.run(cl, args);
    }

    @Test
    void helpListsEverySubcommand() {
        for (String flag : new String[] {"--help", "-h"}) {
            CliRun r = run(flag);
            assertEquals(0, r.status());
            String commands = r.out().substring(r.out().indexOf("Commands:"));
            for (String c : COMMANDS)
                assertTrue(commands.contains("\n  " + c + " "), () -> c + " missing from --help:\n" + r.out());
        }
        CliRun bare = run();
        assertEquals(0, bare.status());
        assertTrue(bare.out().contains("Usage: revtaf"), bare.out());
        // the real command line has exactly these commands besides help
        List<String> names = Main.commandLine().getSubcommands().keySet().stream()
                .filter(n -> !n.equals("help"))
                .toList();
        assertEquals(
                COMMANDS.stream().sorted().toList(), names.stream().sorted().toList());
    }

    @Test
    void versionPrintsTheVersionAndJvm() {
        CliRun r = run("--version");
        assertEquals(0, r.status());
        assertTrue(r.out().startsWith("revtaf "), r.out());
        assertTrue(r.out().contains("JVM " + Runtime.version().feature()), r.out());
    }

    @Test
    void helpCommandShowsEachCommandsUsage() {
        for (String c : COMMANDS) {
            CliRun r = run("help", c);
            assertEquals(0, r.status(), c);
            assertTrue(r.out().contains("Usage: revtaf " + c), () -> "help " + c + ":\n" + r.out());
            CliRun h = run(c, "--help");
            assertEquals(0, h.status(), c + " --help");
            assertEquals(r.out(), h.out(), c);
        }
    }

    @Test
    void unknownCommandsAndOptionsAreUsageErrors() {
        CliRun cmd = run("frobnicate");
        assertEquals(2, cmd.status());
        assertTrue(cmd.err().contains("frobnicate"), cmd.err());
        CliRun opt = run("--no-such-option");
        assertEquals(2, opt.status());
        assertTrue(opt.err().contains("Unknown option: '--no-such-option'"), opt.err());
        // required options given, so the unknown one is what picocli reports
        CliRun sub = run("label", "--in", "r.jsonl", "--out", "l.csv", "--no-such-option");
        assertEquals(2, sub.status());
        assertTrue(sub.err().contains("--no-such-option"), sub.err());
        CliRun help = run("help", "frobnicate");
        assertEquals(2, help.status());
        assertTrue(help.err().contains("Unknown subcommand 'frobnicate'"), help.err());
    }

    @Test
    void stubAndBadInputExitOneWithAMessageAndNoStackTrace() {
        CliRun stub = run("stub");
        assertEquals(1, stub.status());
        assertEquals(
                "revtaf stub: 'stub' is not built yet (tracked by the issue \"Some issue\")",
                stub.err().strip());
        CliRun bad = run("bad-input");
        assertEquals(1, bad.status());
        assertEquals("revtaf bad-input: in.yaml:3: unknown key 'x'", bad.err().strip());
        CliRun bug = run("bug");
        assertEquals(1, bug.status());
        assertTrue(bug.err().contains("internal error: java.lang.IllegalStateException: invariant broken"), bug.err());
        assertTrue(bug.err().contains("--verbose"), bug.err());
        for (CliRun r : List.of(stub, bad, bug)) {
            assertFalse(r.err().contains("\tat "), r.err());
            assertEquals("", r.out());
        }
    }

    @Command(name = "oom")
    static final class Oom implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new OutOfMemoryError("Java heap space");
        }
    }

    @Test
    void outOfMemoryIsOneLineAndExitOne() {
        CommandLine cl = Main.commandLine();
        cl.addSubcommand(new Oom());
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        assertEquals(1, Main.execute(cl, "oom"));
        assertTrue(err.toString().startsWith("revtaf: out of memory (Java heap space, max heap "), err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
    }

    @Test
    void aNestedCommandsErrorNamesTheWholeCommand() {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        int status = cl.execute("data", "check", "--data", "/definitely/not/here");
        assertEquals(1, status);
        assertTrue(err.toString().startsWith("revtaf data check: "), err.toString());
    }

    @Test
    void verboseAddsTheStackTraceBeforeOrAfterTheCommand() {
        for (String[] args : new String[][] {{"--verbose", "stub"}, {"stub", "--verbose"}, {"--verbose", "bug"}}) {
            CliRun r = run(args);
            assertEquals(1, r.status(), String.join(" ", args));
            assertTrue(r.err().contains("\tat "), r.err());
            assertTrue(r.err().lines().findFirst().orElse("").startsWith("revtaf "), r.err());
        }
    }

    @Test
    void mainRunReturnsTheStatus() {
        assertEquals(0, Main.run("--version"));
        assertEquals(2, Main.run("--definitely-not-an-option"));
    }
}
