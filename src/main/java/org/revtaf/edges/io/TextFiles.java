package org.revtaf.edges.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.revtaf.RevtafException;

/**
 * Strict reading of UTF-8 text, shared by every reader of text inputs (reports, label CSVs, YAML
 * configs, safetensors headers): invalid bytes are an error naming the file and line instead of
 * silently becoming U+FFFD; a leading byte-order mark is dropped; a folder, a missing file or an
 * empty name are errors that say so.
 */
public final class TextFiles {
    private TextFiles() {}

    /** The whole file as text. {@code what} names the kind of file in messages ("report file"). */
    public static String readUtf8(Path file, String what) {
        if (file.toString().isEmpty()) throw new RevtafException("an empty file name was given for a " + what);
        if (Files.isDirectory(file)) throw new RevtafException(file + ": is a folder, not a " + what);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new RevtafException(file + ": no such file", e);
        } catch (IOException e) {
            throw new RevtafException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
        return decodeUtf8(bytes, file.toString());
    }

    /** Decodes strictly; on a bad byte sequence the error names {@code source} and its line (1-based). */
    public static String decodeUtf8(byte[] bytes, String source) {
        CharsetDecoder decoder = strictDecoder();
        try {
            String s = decoder.decode(ByteBuffer.wrap(bytes)).toString();
            return s.startsWith("\uFEFF") ? s.substring(1) : s;
        } catch (CharacterCodingException e) {
            throw new RevtafException(source + ":" + badLine(bytes, decoder) + ": not valid UTF-8 text");
        }
    }

    private static CharsetDecoder strictDecoder() {
        return StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    /** The first line (1-based) whose bytes do not decode; lines end at '\n' (never inside a UTF-8 sequence). */
    private static int badLine(byte[] bytes, CharsetDecoder decoder) {
        int line = 1, start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i < bytes.length && bytes[i] != '\n') continue;
            try {
                decoder.reset().decode(ByteBuffer.wrap(bytes, start, i - start));
            } catch (CharacterCodingException bad) {
                return line;
            }
            line++;
            start = i + 1;
        }
        return line;
    }
}
