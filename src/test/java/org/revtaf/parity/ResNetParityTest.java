package org.revtaf.parity;

import static org.revtaf.parity.TorchFixture.FORWARD_TOL;
import static org.revtaf.parity.TorchFixture.GRAD_TOL;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
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
    @ParameterizedTest
    @MethodSource("org.revtaf.parity.TorchFixture#devices")
    void resnet18BasicBlocksMatchTorchvision(Device dev) {
        TorchFixture fx = new TorchFixture("resnet18");
        ResNet net = new ResNet(NnContext.of(dev, 1), new ResNet.Config(18, 3, 2, 4, 5));
        WeightMapping map = WeightMapping.torchvisionResNet("", true, 4);
        fx.load(net, map);
        net.train(true);
        Tensor x = fx.input("x", dev); // (2, 3, 29, 35)
        Tensor logits = net.forward(x); // (2, 5)
        Tensor loss = F.crossEntropy(logits, fx.tensor("y", dev), -100, 0.0);
        loss.backward();
        check(fx, net, map, dev, logits, loss, x, () -> net.forward(x));
    }

    /** ResNet-50 bottlenecks (stride on the 3x3, v1.5) up to layer2, width 4: features, gradients. */
    @ParameterizedTest
    @MethodSource("org.revtaf.parity.TorchFixture#devices")
    void resnet50BottlenecksMatchTorchvision(Device dev) {
        TorchFixture fx = new TorchFixture("resnet50");
        ResNet net = new ResNet(NnContext.of(dev, 1), new ResNet.Config(50, 3, 4, 2, 0));
        WeightMapping map = WeightMapping.torchvisionResNet("", false, 2);
        fx.load(net, map);
        net.train(true);
        Tensor x = fx.input("x", dev); // (2, 3, 21, 27)
        Tensor feat = net.features(x, 2); // (2, 32, 3, 4)
        Tensor loss = feat.mul(fx.tensor("r", dev)).sum();
        loss.backward();
        check(fx, net, map, dev, feat, loss, x, () -> net.features(x, 2));
    }

    private static void check(
            TorchFixture fx,
            ResNet net,
            WeightMapping map,
            Device dev,
            Tensor out,
            Tensor loss,
            Tensor x,
            java.util.function.Supplier<Tensor> evalForward) {
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
