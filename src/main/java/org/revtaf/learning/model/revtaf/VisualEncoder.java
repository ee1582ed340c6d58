package org.revtaf.learning.model.revtaf;

import org.revtaf.RevtafException;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.model.ResNet;
import org.revtaf.learning.nn.Module;
import org.revtaf.learning.nn.NnContext;

/**
 * PromptMRG's image encoder: a ResNet feature map flattened row-major to visual tokens, and their
 * average (AvgPool2d over the whole map). Member {@code resnet} in torchvision naming, so ImageNet
 * weights import into {@code image_encoder.resnet.*}.
 *
 * <pre>
 * images (B, 3, H, W) -> resnet stage lastStage (B, C, h, w) -> tokens (B, P = h*w, C), average (B, C)
 * </pre>
 */
public final class VisualEncoder extends Module {
    public final ResNet resnet;
    private final int stage;

    public VisualEncoder(NnContext ctx, RevtafConfig.ImageEncoder cfg) {
        resnet = child("resnet", new ResNet(ctx, new ResNet.Config(cfg.depth(), 3, cfg.width(), cfg.lastStage(), 0)));
        stage = cfg.lastStage();
    }

    /** Token width C. */
    public int channels() {
        return resnet.config().channels(stage);
    }

    /** Tokens, their average and the map's grid (for upsampling attention maps). */
    public record Output(Tensor tokens, Tensor average, int gridH, int gridW) {}

    public Output forward(Tensor images) {
        if (images.rank() != 4 || images.shape(1) != 3)
            throw new RevtafException(
                    "image encoder: images " + java.util.Arrays.toString(images.shape()) + " should be [B, 3, H, W]");
        Tensor f = resnet.features(images, stage); // (B, C, h, w)
        int b = f.shape(0), c = f.shape(1), h = f.shape(2), w = f.shape(3);
        Tensor tokens = f.reshape(b, c, h * w).permute(0, 2, 1).contiguous(); // (B, P, C)
        Tensor average = tokens.mean(1); // (B, C)
        return new Output(tokens, average, h, w);
    }
}
