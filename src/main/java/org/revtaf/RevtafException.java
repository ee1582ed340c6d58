package org.revtaf;

/**
 * An error the user can act on: bad input, a missing file, an impossible option. Its message names
 * the file, line, key or argument at fault. The CLI prints the message alone (exit 1), never a stack
 * trace unless {@code --verbose} was given.
 */
public class RevtafException extends RuntimeException {
    public RevtafException(String message) {
        super(message);
    }

    public RevtafException(String message, Throwable cause) {
        super(message, cause);
    }
}
