package org.revtaf.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.revtaf.parity.TorchFixture.FORWARD_TOL;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.NdArray;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.nn.Parameter;
import org.revtaf.learning.optim.AdamW;
import org.revtaf.learning.optim.LrSchedule;

/**
 * Losses and optimisation against PyTorch: cross-entropy with label smoothing 0.1 and ignore index
 * -100, PromptMRG's classifier loss over the (B, 4, 18) view of a 72-wide output,
 * {@code torch.optim.AdamW} over eight steps with a decay group and a no-decay group and a skipped
 * parameter, and PromptMRG's warm-up + cosine schedule (modules/optims.py).
 */
class TrainingParityTest {
    @OnEachDevice
    void labelSmoothedCrossEntropyWithIgnoreIndexMatchesTorch(Device dev) {
        TorchFixture fx = new TorchFixture("cross_entropy");
        Tensor logits = fx.input("logits", dev); // (10, 7), two targets -100
        Tensor loss = F.crossEntropy(logits, fx.tensor("target", dev), -100, 0.1);
        fx.assertLossAndGradient("cross-entropy on " + dev, loss, "loss", logits, "logits_grad");
    }

    /** CrossEntropyLoss()(out.view(-1, 4, 18), labels): classes on dim 1, flat index = state * 18 + class. */
    @OnEachDevice
    void promptMrgClassifierLossMatchesTorch(Device dev) {
        TorchFixture fx = new TorchFixture("cross_entropy");
        Tensor out = fx.input("cls_logits", dev); // (3, 72)
        Tensor byClass = out.reshape(3, 4, 18).permute(0, 2, 1).contiguous(); // (3, 18, 4)
        Tensor loss = F.crossEntropy(byClass, fx.tensor("cls_labels", dev), -100, 0.0);
        fx.assertLossAndGradient("classifier loss on " + dev, loss, "cls_loss", out, "cls_logits_grad");
    }

    @OnEachDevice
    void adamwMatchesTorchOverEightScheduledSteps(Device dev) {
        TorchFixture fx = new TorchFixture("adamw");
        String[] names = {"w", "b", "g"}; // (4, 3) decayed; (3) and (3) not
        Map<String, Parameter> params = new LinkedHashMap<>();
        for (String n : names) params.put(n, new Parameter(fx.input(n, dev), n.equals("w")));
        AdamW opt = new AdamW(params, 1.0, 0.9, 0.999, 1e-8, 0.05);
        LrSchedule sched = new LrSchedule(1e-2, 1e-3, 1e-4, 3, 3); // as make_fixtures.SCHEDULE
        long[] steps = fx.array("steps").toLongs(); // (8, 2): epoch, step in epoch
        long[] has = fx.array("has_grad").toLongs(); // (8, 3)
        double[] lrs = fx.array("lr").toDoubles();
        for (int i = 0; i < lrs.length; i++) {
            double lr = sched.lr((int) steps[2 * i], steps[2 * i + 1]);
            assertEquals(lrs[i], lr, 1e-15 * lrs[i], "lr of step " + i);
            opt.setLr(lr);
            for (int j = 0; j < names.length; j++) {
                Tensor p = params.get(names[j]).tensor();
                if (has[3 * i + j] == 0) p.clearGrad();
                else p.setGrad(Tensor.fromNdArray(TorchFixture.row(fx.array(names[j] + "_grads"), i), dev));
            }
            opt.step();
            for (String n : names)
                TorchFixture.assertClose(
                        "adamw " + n + " after step " + (i + 1) + " on " + dev,
                        params.get(n).tensor(),
                        TorchFixture.row(fx.array(n + "_after"), i),
                        FORWARD_TOL);
        }
    }

    /** The paper's schedule at warm-up and cosine points, as PromptMRG's scheduler sets the groups' lr. */
    @Test
    void warmupCosineScheduleMatchesPromptMrg() {
        TorchFixture fx = new TorchFixture("schedule");
        LrSchedule paper = LrSchedule.paper(6);
        NdArray rows = fx.array("paper"); // (n, 3): epoch, step, lr
        double[] v = rows.toDoubles();
        for (int i = 0; i < rows.shape()[0]; i++) {
            double want = v[3 * i + 2];
            assertEquals(want, paper.lr((int) v[3 * i], (long) v[3 * i + 1]), 1e-15 * want, "row " + i);
        }
    }
}
