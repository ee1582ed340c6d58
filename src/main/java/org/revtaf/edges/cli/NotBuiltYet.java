package org.revtaf.edges.cli;

import org.revtaf.RevtafException;

/** The error of a subcommand whose job is not built yet: exit 1 with a clear message. */
final class NotBuiltYet {
    private NotBuiltYet() {}

    static RevtafException of(String command, String issue) {
        return new RevtafException("'" + command + "' is not built yet (tracked by the issue \"" + issue + "\")");
    }
}
