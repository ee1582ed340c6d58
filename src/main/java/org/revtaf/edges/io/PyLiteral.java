package org.revtaf.edges.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parser for the small subset of Python literals that a .npy header holds: dicts, tuples, lists,
 * strings, integers (with Python 2's {@code L} suffix), True/False/None. Values come back as
 * {@code Map<String,Object>}, {@code List<Object>} (tuple or list), {@code String}, {@code Long},
 * {@code Boolean} or {@link #NONE}. Errors are {@link IllegalArgumentException}s with the offset;
 * the caller adds the file name.
 */
final class PyLiteral {
    /** Python's None. */
    static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };

    private final String s;
    private int pos;

    private PyLiteral(String s) {
        this.s = s;
    }

    /** Parses one literal that must span the whole text (surrounding whitespace allowed). */
    static Object parse(String text) {
        PyLiteral p = new PyLiteral(text);
        Object v = p.value();
        p.skipSpace();
        if (p.pos != text.length()) throw p.error("unexpected text after the literal");
        return v;
    }

    private Object value() {
        skipSpace();
        if (pos >= s.length()) throw error("unexpected end of header");
        char c = s.charAt(pos);
        return switch (c) {
            case '{' -> dict();
            case '(' -> sequence('(', ')');
            case '[' -> sequence('[', ']');
            case '\'', '"' -> string();
            default -> {
                if (c == '-' || c == '+' || Character.isDigit(c)) yield integer();
                if (Character.isLetter(c)) yield word();
                throw error("unexpected character '" + c + "'");
            }
        };
    }

    private Map<String, Object> dict() {
        expect('{');
        Map<String, Object> m = new LinkedHashMap<>();
        while (true) {
            skipSpace();
            if (peek() == '}') {
                pos++;
                return m;
            }
            Object k = value();
            if (!(k instanceof String key)) throw error("dict key is not a string: " + k);
            skipSpace();
            expect(':');
            Object v = value();
            if (m.put(key, v) != null) throw error("duplicate key '" + key + "'");
            skipSpace();
            if (peek() == ',') pos++;
            else if (peek() != '}') throw error("expected ',' or '}'");
        }
    }

    private List<Object> sequence(char open, char close) {
        expect(open);
        List<Object> items = new ArrayList<>();
        while (true) {
            skipSpace();
            if (peek() == close) {
                pos++;
                return items;
            }
            items.add(value());
            skipSpace();
            if (peek() == ',') pos++;
            else if (peek() != close) throw error("expected ',' or '" + close + "'");
        }
    }

    private String string() {
        char q = s.charAt(pos++);
        StringBuilder b = new StringBuilder();
        while (pos < s.length()) {
            char c = s.charAt(pos++);
            if (c == q) return b.toString();
            if (c == '\\') {
                if (pos >= s.length()) break;
                char e = s.charAt(pos++);
                b.append(
                        switch (e) {
                            case 'n' -> '\n';
                            case 't' -> '\t';
                            case 'r' -> '\r';
                            case '0' -> '\0';
                            default -> e; // \\ \' \"
                        });
            } else {
                b.append(c);
            }
        }
        throw error("unterminated string");
    }

    private Long integer() {
        int start = pos;
        if (s.charAt(pos) == '-' || s.charAt(pos) == '+') pos++;
        while (pos < s.length() && Character.isDigit(s.charAt(pos))) pos++;
        String digits = s.substring(start, pos);
        if (pos < s.length() && (s.charAt(pos) == 'L' || s.charAt(pos) == 'l')) pos++; // Python 2 long
        if (pos < s.length() && (s.charAt(pos) == '.' || s.charAt(pos) == 'e' || s.charAt(pos) == 'E'))
            throw error("not an integer: " + digits + s.charAt(pos) + "...");
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw error("not an integer (or out of range): " + digits);
        }
    }

    private Object word() {
        int start = pos;
        while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) pos++;
        String w = s.substring(start, pos);
        return switch (w) {
            case "True" -> Boolean.TRUE;
            case "False" -> Boolean.FALSE;
            case "None" -> NONE;
            default -> throw error("unknown name '" + w + "'");
        };
    }

    private void skipSpace() {
        while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
    }

    private char peek() {
        if (pos >= s.length()) throw error("unexpected end of header");
        return s.charAt(pos);
    }

    private void expect(char c) {
        if (peek() != c) throw error("expected '" + c + "'");
        pos++;
    }

    private IllegalArgumentException error(String msg) {
        return new IllegalArgumentException(msg + " at character " + pos);
    }
}
