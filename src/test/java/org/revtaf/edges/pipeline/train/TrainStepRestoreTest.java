package org.revtaf.edges.pipeline.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.revtaf.edges.pipeline.NonFinite;
import org.revtaf.edges.pipeline.StageFixtures;
import org.revtaf.engine.backend.Backends;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.engine.tensor.Tensor;

/**
 * A training step whose loss goes non-finite is an error that leaves the model as it was: the
 * batch-norm running statistics its forward pass already updated are put back (from copies kept
 * where the buffers live, so no host round trip on a device), the weights untouched.
 */
class TrainStepRestoreTest {
    @Test
    void aNonFiniteLossPutsTheBatchNormStatisticsBackAndLeavesTheWeights() {
        for (Device device : new Device[] {Device.CPU, Device.CUDA_EMU}) {
            if (!Backends.isAvailable(device)) continue; // cuda-emu: the Maven build makes its library
            MicroSteps m = new MicroSteps(StageFixtures.microTrainConfig(), 1, device);
            m.run(0); // one good step: the running statistics are no longer their initial values
            Map<String, double[]> buffers = values(m.model.namedBuffers());
            Map<String, double[]> weights = new LinkedHashMap<>();
            m.model
                    .namedParameters()
                    .forEach((k, p) -> weights.put(k, p.tensor().toDoubles()));

            var batch = m.batches.getFirst();
            Tensor images = batch.inputs().images(); // (b, 3, h, w)
            try (Scope s = Scope.open()) {
                F.copyInto(images, F.addScalar(images, Double.NaN));
            }
            var fault = assertThrows(NonFinite.Fault.class, () -> m.run(0), device.cliName());
            assertTrue(fault.getMessage().contains("non-finite"), fault.getMessage());

            Map<String, double[]> after = values(m.model.namedBuffers());
            boolean running = false;
            for (var e : buffers.entrySet()) {
                assertArrayEquals(e.getValue(), after.get(e.getKey()), device.cliName() + ": buffer " + e.getKey());
                running |= e.getKey().endsWith("running_mean");
            }
            assertTrue(running, "the model has batch-norm buffers: " + buffers.keySet());
            m.model
                    .namedParameters()
                    .forEach((k, p) -> assertArrayEquals(
                            weights.get(k), p.tensor().toDoubles(), device.cliName() + ": weight " + k));
            assertFalse(buffers.isEmpty());
        }
    }

    private static Map<String, double[]> values(Map<String, Tensor> tensors) {
        Map<String, double[]> out = new LinkedHashMap<>();
        tensors.forEach((k, t) -> {
            if (t.dtype().isFloating()) out.put(k, t.toDoubles());
        });
        return out;
    }
}
