package org.revtaf.learning.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.revtaf.learning.nn.NnTesting.f64;
import static org.revtaf.learning.nn.NnTesting.randn;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.revtaf.RevtafException;
import org.revtaf.engine.tensor.NdArray;
import org.revtaf.engine.tensor.Tensor;

class ModuleTest {
    static final class Net extends Module {
        final Linear fc;
        final ModuleList<BatchNorm2d> norms;
        final Dropout drop;

        Net(NnContext ctx) {
            fc = child("fc", new Linear(ctx, 2, 3, true));
            norms = child("norms", new ModuleList<>());
            norms.add(new BatchNorm2d(ctx, 3));
            norms.add(new BatchNorm2d(ctx, 3));
            drop = child("drop", new Dropout(ctx, 0.5));
        }
    }

    @Test
    void namesAreDottedPathsInRegistrationOrder() {
        Net n = new Net(f64(1));
        assertEquals(
                List.of("fc.weight", "fc.bias", "norms.0.weight", "norms.0.bias", "norms.1.weight", "norms.1.bias"),
                List.copyOf(n.namedParameters().keySet()));
        assertEquals(
                List.of("norms.0.running_mean", "norms.0.running_var", "norms.1.running_mean", "norms.1.running_var"),
                List.copyOf(n.namedBuffers().keySet()));
        assertEquals(10, n.stateDict().size());
        assertEquals(6 + 3 + 4 * 3, n.parameterCount());
        assertTrue(n.parameters().stream().allMatch(Tensor::requiresGrad));
        assertFalse(n.namedBuffers().values().stream().anyMatch(Tensor::requiresGrad));
    }

    @Test
    void decayGroupsExcludeBiasesAndNorms() {
        Map<String, Parameter> p = new Net(f64(1)).namedParameters();
        assertTrue(p.get("fc.weight").decay());
        assertFalse(p.get("fc.bias").decay());
        assertFalse(p.get("norms.1.weight").decay());
    }

    @Test
    void trainAndEvalReachEveryDescendant() {
        Net n = new Net(f64(2));
        assertTrue(n.norms.get(1).isTraining());
        n.eval();
        assertFalse(n.isTraining() || n.fc.isTraining() || n.norms.get(1).isTraining() || n.drop.isTraining());
        Tensor x = randn(f64(2), 3, 4, 3);
        assertEquals(x.toDoubles()[0], n.drop.forward(x).toDoubles()[0]);
        n.train(true);
        assertTrue(n.drop.isTraining());
    }

    @Test
    void zeroGradAndStrictLoading() {
        Net n = new Net(f64(3));
        n.fc.forward(randn(f64(3), 1, 2, 2)).sum().backward();
        assertTrue(n.fc.weight.grad() != null);
        n.zeroGrad();
        assertTrue(n.fc.weight.grad() == null
                || java.util.Arrays.stream(n.fc.weight.grad().toDoubles()).allMatch(v -> v == 0));
        Map<String, NdArray> sd = new java.util.LinkedHashMap<>(n.stateDict());
        sd.put("fc.weight", NdArray.ofDoubles(new long[] {3, 3}, new double[9]));
        sd.remove("norms.1.running_var");
        sd.put("extra", NdArray.ofDoubles(new long[] {1}, 1));
        RevtafException e =
                assertThrows(RevtafException.class, () -> new Net(f64(4)).loadStateDict(sd, "x.safetensors"));
        assertTrue(e.getMessage().contains("x.safetensors"), e.getMessage());
        assertTrue(e.getMessage().contains("missing norms.1.running_var"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected extra"), e.getMessage());
        assertTrue(e.getMessage().contains("shape of fc.weight"), e.getMessage());
    }

    @Test
    void registeringANameTwiceOrWithADotIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Module() {
            {
                child("a", new ModuleList<>());
                child("a", new ModuleList<>());
            }
        });
        assertThrows(IllegalArgumentException.class, () -> new Module() {
            {
                child("a.b", new ModuleList<>());
            }
        });
        assertNull(new Linear(f64(1), 2, 2, false).bias);
    }

    @Test
    void frozenParametersGetNoGradientAndLeaveTheOptimizerSet() {
        Net n = new Net(f64(5));
        n.fc.freeze(true);
        assertEquals(
                List.of("norms.0.weight", "norms.0.bias", "norms.1.weight", "norms.1.bias"),
                List.copyOf(n.trainableParameters().keySet()));
        Tensor x = randn(f64(5), 1, 2, 2).requiresGrad(true);
        n.fc.forward(x).sum().backward();
        assertNull(n.fc.weight.grad());
        assertTrue(x.grad() != null, "gradients still flow through a frozen layer to its input");
        n.fc.freeze(false);
        assertEquals(6, n.trainableParameters().size());
    }
}
