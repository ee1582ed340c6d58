package org.revtaf.engine.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.revtaf.RevtafException;
import org.revtaf.engine.tensor.Tensor;

/**
 * Every op by name with its inputs, params and outputs: what {@code revtaf kernel NAME} runs and
 * {@code revtaf kernel --list} prints. Inputs marked optional may be left out; index inputs are
 * integer tensors; mask inputs are read as float and get no gradient.
 */
public final class OpCatalog {
    /** An input: its name and role. */
    public record Input(String name, Kind kind, boolean optional) {
        @Override
        public String toString() {
            return name + (kind == Kind.INDEX ? ":int" : kind == Kind.MASK ? ":mask" : "") + (optional ? "?" : "");
        }
    }

    public enum Kind {
        VALUE,
        INDEX,
        MASK
    }

    /** A scalar parameter with its default (null = required). */
    public record Param(String name, String defaultValue) {
        @Override
        public String toString() {
            return name + (defaultValue == null ? "" : "=" + defaultValue);
        }
    }

    /** Resolved arguments of one call. */
    public record Args(String op, Map<String, Tensor> inputs, Map<String, String> params) {
        public Tensor in(String name) {
            return inputs.get(name);
        }

        public double d(String name) {
            String v = params.get(name);
            try {
                return switch (v.toLowerCase(Locale.ROOT)) {
                    case "nan" -> Double.NaN;
                    case "inf", "+inf" -> Double.POSITIVE_INFINITY;
                    case "-inf" -> Double.NEGATIVE_INFINITY;
                    default -> Double.parseDouble(v);
                };
            } catch (NumberFormatException e) {
                throw bad(name, v, "a number");
            }
        }

        public int i(String name) {
            String v = params.get(name);
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw bad(name, v, "an integer");
            }
        }

        public boolean b(String name) {
            String v = params.get(name).trim().toLowerCase(Locale.ROOT);
            return switch (v) {
                case "true", "1", "yes" -> true;
                case "false", "0", "no" -> false;
                default -> throw bad(name, v, "true or false");
            };
        }

        /** A comma-separated int list; empty means none. */
        public int[] ints(String name) {
            String v = params.get(name).trim();
            if (v.isEmpty() || v.equals("all")) return new int[0];
            try {
                return Arrays.stream(v.split(","))
                        .mapToInt(s -> Integer.parseInt(s.trim()))
                        .toArray();
            } catch (NumberFormatException e) {
                throw bad(name, v, "comma-separated integers");
            }
        }

        /** One int or a pair "h,w". */
        public int[] pair(String name) {
            int[] v = ints(name);
            if (v.length == 1) return new int[] {v[0], v[0]};
            if (v.length == 2) return v;
            throw bad(name, params.get(name), "one integer or two (h,w)");
        }

        private RevtafException bad(String name, String v, String what) {
            return new RevtafException("--param " + name + "=" + v + ": " + op + " expects " + what);
        }
    }

    @FunctionalInterface
    public interface Impl {
        Tensor apply(Args a);
    }

    /** One op: name, inputs, params, output names and implementation. */
    public record Spec(String name, String summary, List<Input> inputs, List<Param> params, String output, Impl impl) {}

    private static final Map<String, Spec> OPS = new LinkedHashMap<>();

    private OpCatalog() {}

    /** All ops in listing order. */
    public static List<Spec> all() {
        return new ArrayList<>(OPS.values());
    }

    /** The op with this name; the error names the argument and suggests --list. */
    public static Spec get(String name) {
        Spec s = OPS.get(name);
        if (s == null) throw new RevtafException("kernel: unknown op '" + name + "' (run 'revtaf kernel --list')");
        return s;
    }

    private static Input v(String n) {
        return new Input(n, Kind.VALUE, false);
    }

    private static Input opt(String n) {
        return new Input(n, Kind.VALUE, true);
    }

    private static Input idx(String n) {
        return new Input(n, Kind.INDEX, false);
    }

    private static Input mask(String n, boolean optional) {
        return new Input(n, Kind.MASK, optional);
    }

    private static Param p(String n, String def) {
        return new Param(n, def);
    }

    private static void add(String name, String summary, List<Input> in, List<Param> params, String out, Impl impl) {
        OPS.put(name, new Spec(name, summary, in, params, out, impl));
    }

    private static void add(String name, String summary, List<Input> in, List<Param> params, Impl impl) {
        add(name, summary, in, params, "out", impl);
    }

    static {
        List<Input> ab = List.of(v("a"), v("b")), x = List.of(v("x"));
        add("add", "a + b (broadcast)", ab, List.of(), a -> F.add(a.in("a"), a.in("b")));
        add("sub", "a - b (broadcast)", ab, List.of(), a -> F.sub(a.in("a"), a.in("b")));
        add("mul", "a * b (broadcast)", ab, List.of(), a -> F.mul(a.in("a"), a.in("b")));
        add("div", "a / b (broadcast)", ab, List.of(), a -> F.div(a.in("a"), a.in("b")));
        add("maximum", "elementwise max (broadcast)", ab, List.of(), a -> F.maximum(a.in("a"), a.in("b")));
        add("minimum", "elementwise min (broadcast)", ab, List.of(), a -> F.minimum(a.in("a"), a.in("b")));
        add("ge", "1 where a >= b, else 0 (broadcast; no gradient)", ab, List.of(), a -> F.ge(a.in("a"), a.in("b")));
        add("neg", "-x", x, List.of(), a -> F.neg(a.in("x")));
        add("exp", "exp(x)", x, List.of(), a -> F.exp(a.in("x")));
        add("log", "log(x)", x, List.of(), a -> F.log(a.in("x")));
        add("sqrt", "sqrt(x)", x, List.of(), a -> F.sqrt(a.in("x")));
        add("abs", "|x|", x, List.of(), a -> F.abs(a.in("x")));
        add("pow", "x^p", x, List.of(p("p", "2")), a -> F.pow(a.in("x"), a.d("p")));
        add(
                "clamp",
                "clamp(x, min, max)",
                x,
                List.of(p("min", "-inf"), p("max", "inf")),
                a -> F.clamp(a.in("x"), a.d("min"), a.d("max")));
        add("relu", "max(x, 0)", x, List.of(), a -> F.relu(a.in("x")));
        add("gelu", "GELU, exact erf form", x, List.of(), a -> F.gelu(a.in("x")));
        add("tanh", "tanh(x)", x, List.of(), a -> F.tanh(a.in("x")));
        add("sigmoid", "1/(1+exp(-x))", x, List.of(), a -> F.sigmoid(a.in("x")));
        add(
                "where",
                "cond != 0 ? a : b (broadcast)",
                List.of(mask("cond", false), v("a"), v("b")),
                List.of(),
                a -> F.where(a.in("cond"), a.in("a"), a.in("b")));
        add(
                "masked-fill",
                "x with value where mask != 0",
                List.of(v("x"), mask("mask", false)),
                List.of(p("value", "0")),
                a -> F.maskedFill(a.in("x"), a.in("mask"), a.d("value")));
        List<Param> red = List.of(p("axes", "all"), p("keepdim", "false"));
        add("sum", "sum over axes (comma list)", x, red, a -> F.sum(a.in("x"), a.b("keepdim"), a.ints("axes")));
        add("mean", "mean over axes", x, red, a -> F.mean(a.in("x"), a.b("keepdim"), a.ints("axes")));
        add("max", "max over axes", x, red, a -> F.max(a.in("x"), a.b("keepdim"), a.ints("axes")));
        add("min", "min over axes", x, red, a -> F.min(a.in("x"), a.b("keepdim"), a.ints("axes")));
        add("logsumexp", "log sum exp over axes", x, red, a -> F.logsumexp(a.in("x"), a.b("keepdim"), a.ints("axes")));
        List<Param> one = List.of(p("axis", "-1"), p("keepdim", "false"));
        add("argmax", "index of the first max (int64)", x, one, a -> F.argmax(a.in("x"), a.i("axis"), a.b("keepdim")));
        add("argmin", "index of the first min (int64)", x, one, a -> F.argmin(a.in("x"), a.i("axis"), a.b("keepdim")));
        add("softmax", "softmax along axis", x, List.of(p("axis", "-1")), a -> F.softmax(a.in("x"), a.i("axis")));
        add(
                "log-softmax",
                "log_softmax along axis",
                x,
                List.of(p("axis", "-1")),
                a -> F.logSoftmax(a.in("x"), a.i("axis")));
        add("matmul", "a [..,m,k] @ b [..,k,n]", ab, List.of(), a -> F.matmul(a.in("a"), a.in("b")));
        add(
                "linear",
                "x [..,in] @ weight[out,in]^T + bias",
                List.of(v("x"), v("weight"), opt("bias")),
                List.of(),
                a -> F.linear(a.in("x"), a.in("weight"), a.in("bias")));
        add(
                "conv2d",
                "x [n,c,h,w] conv weight [oc,c/g,kh,kw] + bias",
                List.of(v("x"), v("weight"), opt("bias")),
                List.of(p("stride", "1"), p("padding", "0"), p("dilation", "1"), p("groups", "1")),
                a -> F.conv2d(
                        a.in("x"),
                        a.in("weight"),
                        a.in("bias"),
                        a.pair("stride"),
                        a.pair("padding"),
                        a.pair("dilation"),
                        a.i("groups")));
        List<Param> pool = List.of(p("kernel", "2"), p("stride", "2"), p("padding", "0"));
        add(
                "max-pool2d",
                "max pooling [n,c,h,w]",
                x,
                pool,
                a -> Conv.maxPool2d(a.in("x"), a.pair("kernel"), a.pair("stride"), a.pair("padding")));
        add(
                "avg-pool2d",
                "average pooling [n,c,h,w]",
                x,
                List.of(p("kernel", "2"), p("stride", "2"), p("padding", "0"), p("count_include_pad", "true")),
                a -> Conv.avgPool2d(
                        a.in("x"), a.pair("kernel"), a.pair("stride"), a.pair("padding"), a.b("count_include_pad")));
        add(
                "adaptive-avg-pool2d",
                "adaptive average pooling to oh x ow",
                x,
                List.of(p("oh", "1"), p("ow", "1")),
                a -> F.adaptiveAvgPool2d(a.in("x"), a.i("oh"), a.i("ow")));
        add(
                "bilinear",
                "bilinear resize [n,c,h,w] to oh x ow",
                x,
                List.of(p("oh", null), p("ow", null), p("align_corners", "false")),
                a -> F.bilinear(a.in("x"), a.i("oh"), a.i("ow"), a.b("align_corners")));
        add(
                "layernorm",
                "layer norm over the last axis",
                List.of(v("x"), opt("weight"), opt("bias")),
                List.of(p("eps", "1e-5")),
                a -> F.layerNorm(a.in("x"), a.in("weight"), a.in("bias"), a.d("eps")));
        add(
                "batchnorm2d",
                "batch norm over channels of [n,c,...] (then + residual, and max(0, .) with relu)",
                List.of(
                        v("x"),
                        opt("weight"),
                        opt("bias"),
                        mask("running_mean", true),
                        mask("running_var", true),
                        opt("residual")),
                List.of(p("training", "true"), p("momentum", "0.1"), p("eps", "1e-5"), p("relu", "false")),
                a -> F.batchNorm2d(
                        a.in("x"),
                        a.in("weight"),
                        a.in("bias"),
                        a.in("running_mean"),
                        a.in("running_var"),
                        a.b("training"),
                        a.d("momentum"),
                        a.d("eps"),
                        a.in("residual"),
                        a.b("relu")));
        add(
                "dropout",
                "inverted dropout with a seeded mask",
                x,
                List.of(p("p", "0.5"), p("seed", "0"), p("training", "true")),
                a -> F.dropout(a.in("x"), a.d("p"), a.b("training"), new Random(a.i("seed"))));
        add(
                "embedding",
                "rows of weight [v,d] picked by idx",
                List.of(v("weight"), idx("idx")),
                List.of(),
                a -> F.embedding(a.in("weight"), a.in("idx")));
        join("concat", "a, b (, c) joined along axis", F::concat);
        join("stack", "a, b (, c) stacked on a new axis", F::stack);
        pick("index-select", "x restricted to idx [k] along axis", "0", F::indexSelect);
        pick("gather", "x picked by idx along axis", "-1", F::gather);
        add(
                "cross-entropy",
                "mean CE of logits [..,C] vs target [..]",
                List.of(v("logits"), idx("target")),
                List.of(p("ignore_index", "-100"), p("label_smoothing", "0")),
                "loss",
                a -> F.crossEntropy(a.in("logits"), a.in("target"), a.i("ignore_index"), a.d("label_smoothing")));
        add(
                "cosine-similarity",
                "cosine similarity along axis",
                ab,
                List.of(p("axis", "-1"), p("eps", "1e-8")),
                a -> F.cosineSimilarity(a.in("a"), a.in("b"), a.i("axis"), a.d("eps")));
        List<Param> c = List.of(p("c", "1.0"));
        List<Input> xy = List.of(v("x"), v("y"));
        add(
                "mobius-add",
                "x (+)_c y, x [n,d], y [n,d] or [d]",
                xy,
                c,
                a -> F.mobiusAdd(a.in("x"), a.in("y"), a.d("c")));
        add(
                "poincare-dist",
                "pairwise distance x [n,d], y [m,d] -> [n,m]",
                xy,
                c,
                "d",
                a -> F.poincareDist(a.in("x"), a.in("y"), a.d("c")));
        add("expmap0", "exponential map at 0, rows [n,d]", x, c, a -> F.expmap0(a.in("x"), a.d("c")));
        add("logmap0", "logarithmic map at 0, rows [n,d]", x, c, a -> F.logmap0(a.in("x"), a.d("c")));
        add("proj", "clip rows into the ball", x, c, a -> F.proj(a.in("x"), a.d("c")));
        add(
                "mobius-matvec",
                "mobius_matvec(w [m,d], x [n,d]) -> [n,m]",
                List.of(v("w"), v("x")),
                c,
                a -> F.mobiusMatvec(a.in("w"), a.in("x"), a.d("c")));
        add(
                "sinkhorn",
                "log-domain Sinkhorn plan of cost [b,p,t]",
                List.of(v("cost"), mask("pixel_mask", true), mask("token_mask", true)),
                List.of(p("eps", "0.05"), p("iters", "100"), p("tol", "1e-6"), p("mode", "ot")),
                "plan",
                a -> {
                    Sinkhorn mode = switch (a.params().get("mode")) {
                        case "ot" -> F::sinkhorn;
                        case "released" -> F::sinkhornReleased;
                        default ->
                            throw new RevtafException(
                                    "--param mode=" + a.params().get("mode") + ": sinkhorn expects ot or released");
                    };
                    return mode.plan(
                            a.in("cost"), a.in("pixel_mask"), a.in("token_mask"), a.d("eps"), a.i("iters"), a.d("tol"));
                });
        add(
                "soft-iou",
                "soft IoU of maps a [b,n,p], b [b,m,p] -> [b,n,m]",
                ab,
                List.of(),
                "iou",
                a -> F.softIou(a.in("a"), a.in("b")));
        add(
                "attention",
                "softmax(q k^T scale) v, q [b,h,n,d], k, v [b,h,s,d]",
                List.of(v("q"), v("k"), v("v"), mask("key_mask", true)),
                List.of(p("causal", "false"), p("scale", "nan")),
                a -> F.attention(a.in("q"), a.in("k"), a.in("v"), a.in("key_mask"), a.d("scale"), a.b("causal")));
    }

    /** F.concat or F.stack (one argument list). */
    @FunctionalInterface
    private interface Join {
        Tensor apply(int axis, Tensor... ts);
    }

    /** concat or stack: a, b and optionally c along an axis param (default 0). */
    private static void join(String name, String summary, Join f) {
        List<Input> in = List.of(v("a"), v("b"), opt("c"));
        add(name, summary, in, List.of(p("axis", "0")), a -> f.apply(a.i("axis"), present(a, "a", "b", "c")));
    }

    /** F.indexSelect or F.gather (one argument list). */
    @FunctionalInterface
    private interface Pick {
        Tensor apply(Tensor x, int axis, Tensor idx);
    }

    /** index-select or gather: x picked by the index tensor idx along an axis param. */
    private static void pick(String name, String summary, String axisDefault, Pick f) {
        List<Input> in = List.of(v("x"), idx("idx"));
        add(name, summary, in, List.of(p("axis", axisDefault)), a -> f.apply(a.in("x"), a.i("axis"), a.in("idx")));
    }

    /** The plan of F.sinkhorn or F.sinkhornReleased (one argument list). */
    @FunctionalInterface
    private interface Sinkhorn {
        Tensor plan(Tensor cost, Tensor pixelMask, Tensor tokenMask, double eps, int iters, double tol);
    }

    private static Tensor[] present(Args a, String... names) {
        return Arrays.stream(names).map(a::in).filter(t -> t != null).toArray(Tensor[]::new);
    }
}
