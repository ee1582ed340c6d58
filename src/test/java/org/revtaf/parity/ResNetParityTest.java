package org.revtaf.parity;

import static org.revtaf.parity.TorchFixture.FORWARD_TOL;
import static org.revtaf.parity.TorchFixture.GRAD_TOL;

import java.util.List;
import java.util.Map;
import org.revtaf.engine.autograd.GradMode;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.NdArray;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.model.ResNet;
import org.revtaf.learning.nn.NnContext;
import org.revtaf.learning.nn.WeightMapping;

/**
 * torchvision ResNets (narrow, 29x35 / 21x27 inputs so the stride and padding arithmetic is
 * visible) against PyTorch: train-mode forward with batch statistics, loss, input and weight
 * gradients, BatchNorm running statistics after the step (momentum 0.1, unbiased variance), then
 * eval-mode forward with them. Weights come in through the torchvision import table.
 */
class ResNetParityTest {
    /** ResNet-18 (basic blocks, width 2, 5 classes): logits, cross-entropy, gradients. */
    @OnEachDevice
    void resnet18BasicBlocksMatchTorchvision(Device dev) {
        Loaded s = load("resnet18", dev, new ResNet.Config(18, 3, 2, 4, 5), true, 4); // x: (2, 3, 29, 35)
        Tensor logits = s.net.forward(s.x); // (2, 5)
        Tensor loss = F.crossEntropy(logits, s.fx.tensor("y", dev), -100, 0.0);
        loss.backward();
        s.check(dev, logits, loss, () -> s.net.forward(s.x));
    }

    /** ResNet-50 bottlenecks (stride on the 3x3, v1.5) up to layer2, width 4: features, gradients. */
    @OnEachDevice
    void resnet50BottlenecksMatchTorchvision(Device dev) {
        Loaded s = load("resnet50", dev, new ResNet.Config(50, 3, 4, 2, 0), false, 2); // x: (2, 3, 21, 27)
        Tensor feat = s.net.features(s.x, 2); // (2, 32, 3, 4)
        Tensor loss = feat.mul(s.fx.tensor("r", dev)).sum();
        loss.backward();
        s.check(dev, feat, loss, () -> s.net.features(s.x, 2));
    }

    /** A fixture's torchvision ResNet (weights through the import table, train mode) and its input x. */
    private record Loaded(TorchFixture fx, ResNet net, WeightMapping map, Tensor x) {
        void check(Device dev, Tensor out, Tensor loss, java.util.function.Supplier<Tensor> evalForward) {
            String at = fx.name + " on " + dev;
            fx.assertClose(at + " train-mode output", out, "out", FORWARD_TOL);
            fx.assertClose(at + " loss", loss.reshape(1), "loss", FORWARD_TOL);
            fx.assertClose(at + " input gradient", x.grad(), "x_grad", GRAD_TOL);
            fx.assertParamGrads(at, net, map);
            // running statistics after the one training forward
            List<String> running = TorchFixture.bufferNames(net, "running_");
            Map<String, NdArray> after = fx.mapped("after", net, map, running);
            for (String b : running)
                TorchFixture.assertClose(at + " " + b, net.namedBuffers().get(b), after.get(b), FORWARD_TOL);
            net.eval();
            try (var ng = GradMode.noGrad()) {
                fx.assertClose(at + " eval-mode output", evalForward.get(), "out_eval", FORWARD_TOL);
            }
        }
    }

    private static Loaded load(String fixture, Device dev, ResNet.Config config, boolean withHead, int lastStage) {
        TorchFixture fx = new TorchFixture(fixture);
        ResNet net = new ResNet(NnContext.of(dev, 1), config);
        WeightMapping map = WeightMapping.torchvisionResNet("", withHead, lastStage);
        fx.load(net, map);
        net.train(true);
        return new Loaded(fx, net, map, fx.input("x", dev));
    }
}
