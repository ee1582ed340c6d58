package org.revtaf.parity;

import static org.revtaf.parity.TorchFixture.FORWARD_TOL;
import static org.revtaf.parity.TorchFixture.GRAD_TOL;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;

/**
 * Our log-domain Sinkhorn (OTSeg / REVTAF loop) against POT's {@code ot.bregman.sinkhorn_log} run
 * to convergence: cosine costs 1 - cos (2 x 12 pixels x 5 tokens, the second item with 2 padded
 * tokens), eps 0.05, uniform marginals over the valid entries. The plan and the gradient of
 * sum(plan * r) with respect to the cost (POT: autograd through its iterations on the torch
 * backend; ours: the unrolled backward kernel), with REVTAF's stopping rule (100 iterations,
 * mean |du| < 1e-6) and with a tight one.
 */
class SinkhornParityTest {
    static Stream<Arguments> cases() {
        return TorchFixture.devices().flatMap(d -> Stream.of(Arguments.of(d, 100, 1e-6), Arguments.of(d, 1000, 1e-9)));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void planAndGradientMatchPot(Device dev, int maxIter, double tol) {
        TorchFixture fx = new TorchFixture("sinkhorn");
        Tensor cost = fx.input("cost", dev); // (2, 12, 5)
        Tensor plan = F.sinkhorn(cost, null, fx.tensor("token_mask", dev), 0.05, maxIter, tol);
        String at = "sinkhorn (" + maxIter + " iterations, tol " + tol + ") on " + dev;
        fx.assertClose(at + " plan", plan, "plan", FORWARD_TOL);
        plan.mul(fx.tensor("r", dev)).sum().backward();
        fx.assertClose(at + " cost gradient", cost.grad(), "cost_grad", GRAD_TOL);
    }
}
