package org.revtaf.edges.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.revtaf.RevtafException;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Binds a composed YAML node tree to records (see {@link ConfigLoader} for the rules). Every error
 * names the location: {@code source:line}, or the {@code --set} override that produced the node.
 */
final class RecordBinder {
    private final String source;
    private final Map<Node, String> origins;

    RecordBinder(String source, Map<Node, String> origins) {
        this.source = source;
        this.origins = origins;
    }

    /** snake_case form of a record component name: {@code learningRate} -> {@code learning_rate}. */
    static String snake(String camel) {
        StringBuilder b = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0) b.append('_');
                b.append(Character.toLowerCase(c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** The value of {@code type}'s static no-argument {@code defaults()} method, or null if it has none. */
    static <T> T staticDefaults(Class<T> type) {
        Method m;
        try {
            m = type.getDeclaredMethod("defaults");
        } catch (NoSuchMethodException e) {
            return null;
        }
        if (!Modifier.isStatic(m.getModifiers()) || !type.isAssignableFrom(m.getReturnType())) return null;
        try {
            m.setAccessible(true);
            return type.cast(m.invoke(null));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(type.getName() + ".defaults() is not accessible", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(type.getName() + ".defaults() failed", e.getCause());
        }
    }

    <T> T bindRoot(MappingNode root, Class<T> type, T defaults) {
        if (!type.isRecord()) throw new IllegalArgumentException(type + " is not a record");
        return type.cast(bindRecord(root, type, "", defaults));
    }

    private String where(Node n) {
        String o = origins.get(n);
        if (o != null) return o;
        return source + ":" + ConfigLoader.line(n.getStartMark());
    }

    private static String dotted(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    private Object bindRecord(MappingNode node, Class<?> type, String key, Object defaults) {
        RecordComponent[] comps = type.getRecordComponents();
        Map<String, RecordComponent> byKey = new LinkedHashMap<>();
        for (RecordComponent c : comps) byKey.put(snake(c.getName()), c);
        Map<String, NodeTuple> given = new LinkedHashMap<>();
        for (NodeTuple t : node.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k))
                throw new RevtafException(
                        where(t.getKeyNode()) + ": keys under '" + orRoot(key) + "' must be plain names");
            String full = dotted(key, k.getValue());
            if (!byKey.containsKey(k.getValue())) throw unknownKey(k, full, key, byKey.keySet());
            if (given.put(k.getValue(), t) != null)
                throw new RevtafException(where(k) + ": duplicate key '" + full + "'");
        }
        Object[] args = new Object[comps.length];
        Class<?>[] types = new Class<?>[comps.length];
        for (int i = 0; i < comps.length; i++) {
            RecordComponent c = comps[i];
            types[i] = c.getType();
            String ck = snake(c.getName());
            String full = dotted(key, ck);
            NodeTuple t = given.get(ck);
            Object dflt = defaults == null ? null : accessor(c, defaults);
            if (t != null) {
                args[i] = bind(t.getValueNode(), c.getGenericType(), full, dflt);
            } else if (defaults != null) {
                args[i] = dflt;
            } else if (c.getType() == Optional.class) {
                args[i] = Optional.empty();
            } else if (c.getType().isRecord()) {
                Object own = staticDefaults(c.getType());
                args[i] = own != null ? own : bindRecord(emptyAt(node), c.getType(), full, null);
            } else {
                throw new RevtafException(where(node) + ": missing key '" + full + "' (" + describe(c.getGenericType())
                        + "; it has no default)");
            }
        }
        try {
            Constructor<?> ctor = type.getDeclaredConstructor(types);
            ctor.setAccessible(true);
            return ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException || cause instanceof RevtafException)
                throw new RevtafException(
                        where(node) + ": invalid '" + orRoot(key) + "': " + cause.getMessage(), cause);
            if (cause instanceof RuntimeException r) throw r;
            throw new IllegalStateException(cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + type.getName(), e);
        }
    }

    private static String orRoot(String key) {
        return key.isEmpty() ? "(top level)" : key;
    }

    /** An empty mapping located at {@code near}, for absent sections without defaults. */
    private MappingNode emptyAt(Node near) {
        MappingNode m = new MappingNode(
                Tag.MAP,
                true,
                new ArrayList<>(),
                near.getStartMark(),
                near.getEndMark(),
                DumperOptions.FlowStyle.BLOCK);
        String o = origins.get(near);
        if (o != null) origins.put(m, o);
        return m;
    }

    static Object accessor(RecordComponent c, Object record) {
        try {
            Method m = c.getAccessor();
            m.setAccessible(true);
            return m.invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + c, e);
        }
    }

    private RevtafException unknownKey(ScalarNode k, String full, String parent, Set<String> known) {
        String close = closest(k.getValue(), known);
        return new RevtafException(where(k) + ": unknown key '" + full + "'"
                + (close == null ? "" : " (did you mean '" + dotted(parent, close) + "'?)")
                + "; known keys " + (parent.isEmpty() ? "at the top level" : "of '" + parent + "'") + ": "
                + String.join(", ", known));
    }

    /** The known key nearest in edit distance, if near enough to be a plausible typo. */
    static String closest(String key, Set<String> known) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String k : known) {
            int d = editDistance(key, k);
            if (d < bestD) {
                bestD = d;
                best = k;
            }
        }
        return best != null && bestD <= Math.max(2, key.length() / 3) ? best : null;
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private Object bind(Node n, Type type, String key, Object dflt) {
        Class<?> raw = rawClass(type);
        boolean isNull = n instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
        if (raw == Optional.class) {
            if (isNull) return Optional.empty();
            Object inner = dflt instanceof Optional<?> o ? o.orElse(null) : null;
            return Optional.of(bind(n, typeArg(type, 0), key, inner));
        }
        if (isNull) {
            if (raw.isPrimitive() || raw == List.class || raw == Map.class) throw mismatch(n, key, type, "null");
            return null;
        }
        if (raw.isRecord()) {
            if (!(n instanceof MappingNode m)) throw mismatch(n, key, type, kind(n));
            Object d = dflt != null ? dflt : staticDefaults(raw);
            return bindRecord(m, raw, key, d);
        }
        if (raw == List.class) {
            if (!(n instanceof SequenceNode seq)) throw mismatch(n, key, type, kind(n));
            Type el = typeArg(type, 0);
            Object elDefault = rawClass(el).isRecord() ? staticDefaults(rawClass(el)) : null;
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < seq.getValue().size(); i++)
                out.add(bind(seq.getValue().get(i), el, key + "[" + i + "]", elDefault));
            return Collections.unmodifiableList(out);
        }
        if (raw == Map.class) {
            if (rawClass(typeArg(type, 0)) != String.class)
                throw new IllegalArgumentException("config maps must have String keys: " + key + " is " + type);
            if (!(n instanceof MappingNode m)) throw mismatch(n, key, type, kind(n));
            Type vt = typeArg(type, 1);
            Object vDefault = rawClass(vt).isRecord() ? staticDefaults(rawClass(vt)) : null;
            Map<String, Object> out = new LinkedHashMap<>();
            for (NodeTuple t : m.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode k))
                    throw new RevtafException(where(t.getKeyNode()) + ": keys of '" + key + "' must be plain names");
                String full = key + "." + k.getValue();
                if (out.containsKey(k.getValue()))
                    throw new RevtafException(where(k) + ": duplicate key '" + full + "'");
                out.put(k.getValue(), bind(t.getValueNode(), vt, full, vDefault));
            }
            return Collections.unmodifiableMap(out);
        }
        if (!(n instanceof ScalarNode s)) throw mismatch(n, key, type, kind(n));
        return scalar(s, raw, type, key);
    }

    private Object scalar(ScalarNode s, Class<?> raw, Type type, String key) {
        String v = s.getValue();
        boolean plain = s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN;
        if (raw == String.class) return v;
        if (raw == Path.class) return Path.of(v);
        if (raw.isEnum()) return enumValue(s, raw, key);
        if (raw == boolean.class || raw == Boolean.class) {
            if (!s.getTag().equals(Tag.BOOL)) throw mismatch(s, key, type, quoted(s));
            return switch (v.toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on" -> true;
                default -> false;
            };
        }
        if (!plain) throw mismatch(s, key, type, quoted(s));
        boolean isInt = raw == int.class || raw == Integer.class, isFloat = raw == float.class || raw == Float.class;
        if (isInt || raw == long.class || raw == Long.class) {
            long x = number(s, key, type, RecordBinder::parseInteger);
            if (isInt && (x < Integer.MIN_VALUE || x > Integer.MAX_VALUE))
                throw invalid(s, key, "is out of range for int");
            return isInt ? (Object) (int) x : (Object) x;
        }
        if (isFloat || raw == double.class || raw == Double.class) {
            double x = number(s, key, type, RecordBinder::parseFloating);
            // never a silent NaN: no setting means "not a number" (infinities are fine, e.g. a bound)
            if (Double.isNaN(x)) throw invalid(s, key, "(NaN) is not a valid value");
            if (isFloat && Double.isFinite(x) && Math.abs(x) > Float.MAX_VALUE)
                throw invalid(s, key, "is out of range for float");
            return isFloat ? (Object) (float) x : (Object) x;
        }
        throw new IllegalArgumentException("unsupported config type " + type.getTypeName() + " for key '" + key + "'");
    }

    /** The scalar as a number; text that is not one is a type mismatch naming the key. */
    private <T> T number(ScalarNode s, String key, Type type, Function<String, T> parse) {
        try {
            return parse.apply(s.getValue());
        } catch (NumberFormatException e) {
            throw mismatch(s, key, type, quoted(s));
        }
    }

    /** A number of the right type whose value the key cannot take. */
    private RevtafException invalid(ScalarNode s, String key, String why) {
        return new RevtafException(where(s) + ": key '" + key + "': " + s.getValue() + " " + why);
    }

    private static long parseInteger(String v) {
        String t = v.replace("_", "");
        if (t.startsWith("0x") || t.startsWith("0X")) return Long.parseLong(t.substring(2), 16);
        if (t.startsWith("-0x") || t.startsWith("-0X")) return -Long.parseLong(t.substring(3), 16);
        return Long.parseLong(t.startsWith("+") ? t.substring(1) : t);
    }

    private static double parseFloating(String v) {
        String t = v.replace("_", "").toLowerCase(Locale.ROOT);
        return switch (t) {
            case ".inf", "+.inf" -> Double.POSITIVE_INFINITY;
            case "-.inf" -> Double.NEGATIVE_INFINITY;
            case ".nan" -> Double.NaN;
            default -> {
                if (t.isEmpty() || t.endsWith("d") || t.endsWith("f") || t.contains("infinity") || t.contains("nan"))
                    throw new NumberFormatException(v);
                yield Double.parseDouble(t);
            }
        };
    }

    private Object enumValue(ScalarNode s, Class<?> raw, String key) {
        String want = s.getValue().replace('-', '_');
        for (Object c : raw.getEnumConstants()) if (((Enum<?>) c).name().equalsIgnoreCase(want)) return c;
        String allowed = Arrays.stream(raw.getEnumConstants())
                .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
        throw new RevtafException(where(s) + ": key '" + key + "': '" + s.getValue() + "' is not one of " + allowed);
    }

    private RevtafException mismatch(Node n, String key, Type type, String got) {
        return new RevtafException(where(n) + ": key '" + key + "': expected " + describe(type) + ", got " + got);
    }

    private static String quoted(ScalarNode s) {
        return "'" + s.getValue() + "'";
    }

    private static String kind(Node n) {
        return switch (n) {
            case MappingNode m -> "a mapping";
            case SequenceNode q -> "a list";
            case ScalarNode s -> quoted(s);
            default -> n.getNodeId().toString();
        };
    }

    /** A human name of the expected type: "an integer (int)", "a list of numbers (float)", ... */
    static String describe(Type type) {
        Class<?> raw = rawClass(type);
        if (raw == int.class || raw == Integer.class) return "an integer (int)";
        if (raw == long.class || raw == Long.class) return "an integer (long)";
        if (raw == float.class || raw == Float.class) return "a number (float)";
        if (raw == double.class || raw == Double.class) return "a number (double)";
        if (raw == boolean.class || raw == Boolean.class) return "true or false (boolean)";
        if (raw == String.class) return "a string";
        if (raw == Path.class) return "a path";
        if (raw.isEnum())
            return "one of "
                    + Arrays.stream(raw.getEnumConstants())
                            .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT))
                            .collect(Collectors.joining(", "));
        if (raw == List.class) return "a list, each item " + describe(typeArg(type, 0));
        if (raw == Map.class) return "a mapping of names, each value " + describe(typeArg(type, 1));
        if (raw == Optional.class) return describe(typeArg(type, 0)) + " or null";
        if (raw.isRecord()) return "a mapping (section " + raw.getSimpleName() + ")";
        return type.getTypeName();
    }

    static Class<?> rawClass(Type t) {
        return switch (t) {
            case Class<?> c -> c;
            case ParameterizedType p -> (Class<?>) p.getRawType();
            case WildcardType w -> rawClass(w.getUpperBounds()[0]);
            default -> throw new IllegalArgumentException("unsupported config type " + t.getTypeName());
        };
    }

    static Type typeArg(Type t, int i) {
        if (!(t instanceof ParameterizedType p))
            throw new IllegalArgumentException("raw generic type in a config record: " + t.getTypeName());
        Type a = p.getActualTypeArguments()[i];
        return a instanceof WildcardType w ? w.getUpperBounds()[0] : a;
    }
}
