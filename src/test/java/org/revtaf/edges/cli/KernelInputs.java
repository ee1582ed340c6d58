package org.revtaf.edges.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.revtaf.edges.io.Npy;
import org.revtaf.engine.tensor.NdArray;

/**
 * The inputs of a {@code revtaf kernel OP} case, written as .npy files from a spec: NAME=SHAPE (random
 * normal), NAME=+SHAPE (positive), NAME=sSHAPE (normal times {@code smallScale}), NAME=mSHAPE (0/1 mask,
 * 0 where {@code k % maskPeriod == maskZeroAt}), NAME=iBOUND:SHAPE (int64 indices below BOUND); then
 * {@code --param K=V} pairs. Shared by the CLI's and the cuda backend's kernel-command tests.
 */
public record KernelInputs(double smallScale, int maskPeriod, int maskZeroAt) {
    /** Writes the case's inputs into {@code dir} and returns the kernel arguments (without --device and --out). */
    public List<String> prepare(Path dir, String op, String spec, Random rng) {
        List<String> args = new ArrayList<>(List.of("kernel", op));
        String[] parts = spec.split(" ");
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].equals("--param")) {
                args.add("--param");
                args.add(parts[++i]);
                continue;
            }
            String name = parts[i].substring(0, parts[i].indexOf('=')), v = parts[i].substring(name.length() + 1);
            Path f = dir.resolve(op + "_" + name + ".npy");
            Npy.write(f, array(v, rng));
            args.add("--in");
            args.add(name + "=" + f);
        }
        return args;
    }

    /** One input from its spec (what follows NAME=). */
    private NdArray array(String v, Random rng) {
        if (v.startsWith("i")) {
            int bound = Integer.parseInt(v.substring(1, v.indexOf(':')));
            long[] shape = shape(v.substring(v.indexOf(':') + 1));
            long[] vals = new long[numel(shape)];
            for (int k = 0; k < vals.length; k++) vals[k] = rng.nextInt(bound);
            return NdArray.ofLongs(shape, vals);
        }
        char kind = Character.isDigit(v.charAt(0)) ? 'n' : v.charAt(0);
        long[] shape = shape(kind == 'n' ? v : v.substring(1));
        float[] vals = new float[numel(shape)];
        for (int k = 0; k < vals.length; k++)
            vals[k] = switch (kind) {
                case '+' -> (float) (0.2 + rng.nextDouble());
                case 'm' -> k % maskPeriod == maskZeroAt ? 0f : 1f;
                case 's' -> (float) (smallScale * rng.nextGaussian());
                default -> (float) rng.nextGaussian();
            };
        return NdArray.ofFloats(shape, vals);
    }

    /** "2x3x4" -> {2, 3, 4}. */
    private static long[] shape(String s) {
        return Arrays.stream(s.split("x")).mapToLong(Long::parseLong).toArray();
    }

    private static int numel(long[] shape) {
        return Math.toIntExact(Arrays.stream(shape).reduce(1, (a, b) -> a * b));
    }
}
