package org.revtaf.learning.model;

import org.revtaf.RevtafException;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.nn.BatchNorm2d;
import org.revtaf.learning.nn.Conv2d;
import org.revtaf.learning.nn.Linear;
import org.revtaf.learning.nn.Module;
import org.revtaf.learning.nn.ModuleList;
import org.revtaf.learning.nn.NnContext;

/**
 * ResNet-18/34/50/101 in the torchvision layout and naming ({@code conv1}, {@code bn1},
 * {@code layerN.M.{conv1..3, bn1..3, downsample.0, downsample.1}}, {@code fc}), so torchvision
 * state dicts import one to one. Configurable input channels, base width and last stage (the
 * foundation model stops at layer3, the generator uses layer4); stride on the 3x3 convolution of a
 * bottleneck (torchvision v1.5). Convolutions kaiming-normal (fan_out), norms 1/0, fc PyTorch default.
 *
 * <pre>
 * x (B, Cin, H, W) -> stem (B, w, H/4, W/4) -> layer1 (B, w*e, H/4) -> layer2 (B, 2w*e, H/8)
 *   -> layer3 (B, 4w*e, H/16) -> layer4 (B, 8w*e, H/32) -> avgpool -> fc
 * </pre>
 * with w the base width (64) and e the block expansion (1 basic, 4 bottleneck).
 */
public final class ResNet extends Module {
    /**
     * @param depth 18, 34, 50 or 101
     * @param inChannels image channels (3)
     * @param width base width (64)
     * @param lastStage the last stage built, 1..4
     * @param numClasses size of {@code fc}; 0 for none (feature extractor)
     */
    public record Config(int depth, int inChannels, int width, int lastStage, int numClasses) {
        public Config {
            if (depth != 18 && depth != 34 && depth != 50 && depth != 101)
                throw new RevtafException("resnet: depth must be 18, 34, 50 or 101, got " + depth);
            if (inChannels < 1 || width < 1) throw new RevtafException("resnet: input channels and width must be >= 1");
            if (lastStage < 1 || lastStage > 4)
                throw new RevtafException("resnet: last stage must be 1..4, got " + lastStage);
            if (numClasses < 0 || numClasses > 0 && lastStage != 4)
                throw new RevtafException("resnet: a classifier (fc) needs all four stages");
        }

        /** A feature extractor with torchvision's widths. */
        public static Config features(int depth, int lastStage) {
            return new Config(depth, 3, 64, lastStage, 0);
        }

        boolean bottleneck() {
            return depth >= 50;
        }

        int[] blocks() {
            return switch (depth) {
                case 18 -> new int[] {2, 2, 2, 2};
                case 34, 50 -> new int[] {3, 4, 6, 3};
                default -> new int[] {3, 4, 23, 3};
            };
        }

        /** Channels of the output of stage s (1..4). */
        public int channels(int stage) {
            return (width << (stage - 1)) * (bottleneck() ? 4 : 1);
        }
    }

    private final Config cfg;
    public final Conv2d conv1;
    public final BatchNorm2d bn1;
    private final ModuleList<Block>[] stages;
    public final Linear fc;

    @SuppressWarnings("unchecked")
    public ResNet(NnContext ctx, Config cfg) {
        this.cfg = cfg;
        conv1 = child("conv1", Conv2d.resnet(ctx, cfg.inChannels(), cfg.width(), 7, 2, 3));
        bn1 = child("bn1", new BatchNorm2d(ctx, cfg.width()));
        stages = new ModuleList[cfg.lastStage()];
        int in = cfg.width();
        int[] blocks = cfg.blocks();
        for (int s = 0; s < cfg.lastStage(); s++) {
            ModuleList<Block> list = child("layer" + (s + 1), new ModuleList<>());
            int planes = cfg.width() << s;
            for (int b = 0; b < blocks[s]; b++) {
                int stride = b == 0 && s > 0 ? 2 : 1;
                Block blk = new Block(ctx, in, planes, stride, cfg.bottleneck());
                list.add(blk);
                in = blk.outChannels;
            }
            stages[s] = list;
        }
        fc = cfg.numClasses() > 0 ? child("fc", new Linear(ctx, in, cfg.numClasses(), true)) : null;
    }

    public Config config() {
        return cfg;
    }

    /** The feature map after stage {@code stage} (1..lastStage): x (B, Cin, H, W) -> (B, C, H', W'). */
    public Tensor features(Tensor x, int stage) {
        if (stage < 1 || stage > cfg.lastStage())
            throw new RevtafException(
                    "resnet: features of stage " + stage + " requested, built up to " + cfg.lastStage());
        Tensor h = F.maxPool2d(bn1.forward(conv1.forward(x), null, true), 3, 2, 1);
        for (int s = 0; s < stage; s++) for (Block b : stages[s].items()) h = b.forward(h);
        return h;
    }

    /** Class logits (B, numClasses): all stages, global average pool, fc. */
    public Tensor forward(Tensor x) {
        if (fc == null) throw new RevtafException("resnet: built without a classifier (numClasses 0); use features()");
        Tensor h = F.adaptiveAvgPool2d(features(x, 4), 1, 1);
        return fc.forward(h.reshape(h.shape(0), h.shape(1)));
    }

    /** A basic (two 3x3) or bottleneck (1x1, 3x3, 1x1) residual block. */
    static final class Block extends Module {
        final Conv2d conv1, conv2, conv3;
        final BatchNorm2d bn1, bn2, bn3;
        final Downsample downsample;
        final int outChannels;

        Block(NnContext ctx, int in, int planes, int stride, boolean bottleneck) {
            if (bottleneck) {
                outChannels = planes * 4;
                conv1 = child("conv1", Conv2d.resnet(ctx, in, planes, 1, 1, 0));
                bn1 = child("bn1", new BatchNorm2d(ctx, planes));
                conv2 = child("conv2", Conv2d.resnet(ctx, planes, planes, 3, stride, 1));
                bn2 = child("bn2", new BatchNorm2d(ctx, planes));
                conv3 = child("conv3", Conv2d.resnet(ctx, planes, outChannels, 1, 1, 0));
                bn3 = child("bn3", new BatchNorm2d(ctx, outChannels));
            } else {
                outChannels = planes;
                conv1 = child("conv1", Conv2d.resnet(ctx, in, planes, 3, stride, 1));
                bn1 = child("bn1", new BatchNorm2d(ctx, planes));
                conv2 = child("conv2", Conv2d.resnet(ctx, planes, planes, 3, 1, 1));
                bn2 = child("bn2", new BatchNorm2d(ctx, planes));
                conv3 = null;
                bn3 = null;
            }
            downsample = stride != 1 || in != outChannels
                    ? child("downsample", new Downsample(ctx, in, outChannels, stride))
                    : null;
        }

        Tensor forward(Tensor x) {
            // each norm with the ReLU after it, the last one with the shortcut too (one pass each)
            Tensor identity = downsample == null ? x : downsample.forward(x);
            Tensor h = bn1.forward(conv1.forward(x), null, true);
            if (conv3 == null) return bn2.forward(conv2.forward(h), identity, true);
            h = bn2.forward(conv2.forward(h), null, true);
            return bn3.forward(conv3.forward(h), identity, true);
        }
    }

    /** 1x1 strided convolution and norm on the shortcut: children {@code 0} and {@code 1}. */
    static final class Downsample extends Module {
        final Conv2d conv;
        final BatchNorm2d bn;

        Downsample(NnContext ctx, int in, int out, int stride) {
            conv = child("0", Conv2d.resnet(ctx, in, out, 1, stride, 0));
            bn = child("1", new BatchNorm2d(ctx, out));
        }

        Tensor forward(Tensor x) {
            return bn.forward(conv.forward(x));
        }
    }
}
