package org.revtaf.engine.backend.cuda;

import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.revtaf.RevtafException;
import org.revtaf.engine.bindings.VendorLibraries;
import org.revtaf.engine.tensor.Device;

/**
 * Which implementation runs an op family of the cuda backend, per family, from a system property
 * in the style of {@code -Drevtaf.cuda.kernelVersion}: {@code auto} (the default: the vendor library
 * on {@code cuda} when it loads, else our kernel), {@code vendor} or {@code own}. {@code cuda-emu}
 * runs our kernels only (the emulator has no vendor library): asking it for {@code vendor} is an
 * error naming the property. The families: {@code revtaf.cuda.gemm} (cuBLAS / cuBLASLt, see {@link
 * CudaMatmul}), {@code revtaf.cuda.conv} (cuDNN convolution), {@code revtaf.cuda.norm} (cuDNN batch
 * norm) and {@code revtaf.cuda.pool} (cuDNN max and average pooling). Besides, {@code
 * revtaf.cuda.math} picks the vendor paths' arithmetic ({@link Math}).
 */
final class VendorChoice {
    /** The implementation of one family. */
    enum Impl {
        VENDOR,
        OWN
    }

    /**
     * The vendor paths' arithmetic for float32 data, {@code -Drevtaf.cuda.math}: {@code fp32} (the
     * default: FMA, bit-for-bit the precision of our kernels' class), {@code tf32} (tensor cores with
     * 10-bit mantissa operands, fp32 accumulation: cuBLAS / cuBLASLt GEMM and cuDNN convolution) or
     * {@code bf16} (GEMM operands rounded to BF16 on tensor cores, fp32 accumulation: cuBLASLt only;
     * cuDNN convolution then uses TF32). The older {@code -Drevtaf.cuda.tf32=true} means {@code tf32}.
     */
    enum Math {
        FP32,
        TF32,
        BF16;

        static Math fromSystem() {
            String v = System.getProperty("revtaf.cuda.math");
            if (v == null) return Boolean.getBoolean("revtaf.cuda.tf32") ? TF32 : FP32;
            return parse(v);
        }

        static Math parse(String v) {
            return switch (v.strip().toLowerCase(Locale.ROOT)) {
                case "fp32" -> FP32;
                case "tf32" -> TF32;
                case "bf16" -> BF16;
                default ->
                    throw new RevtafException(
                            "-Drevtaf.cuda.math=" + v + ": expected fp32, tf32 (tensor cores, TF32 operands) or bf16"
                                    + " (tensor cores, BF16 operands; cuBLASLt GEMM only)");
            };
        }
    }

    private VendorChoice() {}

    /**
     * The implementation a property value asks for on a device; {@code present} says whether the
     * vendor library loads (asked only for {@code auto} on {@code cuda}).
     */
    static Impl of(String property, String value, String library, Device device, BooleanSupplier present) {
        boolean emu = device == Device.CUDA_EMU;
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "own" -> Impl.OWN;
            case "vendor" -> {
                if (emu)
                    throw new RevtafException("-D" + property + "=vendor: " + library
                            + " needs a GPU; cuda-emu runs our own kernels only");
                yield Impl.VENDOR;
            }
            case "auto" -> emu || !present.getAsBoolean() ? Impl.OWN : Impl.VENDOR;
            default ->
                throw new RevtafException("-D" + property + "=" + value + ": expected auto, vendor (" + library
                        + ") or own (our kernel)");
        };
    }

    /** The cuDNN families' choice from their property (default auto). */
    static Impl cudnn(String property, Device device) {
        return of(
                property,
                System.getProperty(property, "auto"),
                "cuDNN",
                device,
                () -> VendorLibraries.available(VendorLibraries.Vendor.CUDNN));
    }
}
