package org.revtaf.learning.model.generate;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.revtaf.RevtafException;
import org.revtaf.engine.autograd.GradMode;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.engine.tensor.Shapes;
import org.revtaf.engine.tensor.Storage;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.model.BertLmDecoder;

/**
 * {@link TokenStepper} over a {@link BertLmDecoder} with its KV cache. The memory (cross-attention
 * input) is per study: the first step (the prompts, one row per study) fills the cross-attention
 * caches from it, and every later {@link #select} copies cache rows, so each beam reads its
 * study's memory without the memory being repeated per beam up front.
 *
 * <p>Each call runs in its own {@link Scope} without autograd: the new cache tensors are kept,
 * the ones they replace are released at once, so memory stays at one cache (not one per step)
 * even when the caller has a scope open. Log-softmax runs on the decoder's device; only
 * (rows, V) log-probabilities come to the host.
 */
public final class DecoderStepper implements TokenStepper {
    private final BertLmDecoder decoder;
    private final Tensor memory; // (B, S, E): read by the first step only
    private Tensor memoryKeep; // (rows, S) or null: follows the rows
    private boolean ownsMemoryKeep;
    private final BertLmDecoder.State state;
    private Set<Storage> held = Set.of();

    /**
     * @param decoder in eval mode
     * @param memory (B, S, encoderWidth), one row per study, in prompt order
     * @param memoryKeep (B, S) 1 visible, 0 padding, or null (all visible)
     */
    public DecoderStepper(BertLmDecoder decoder, Tensor memory, Tensor memoryKeep) {
        if (decoder.isTraining())
            throw new IllegalStateException("generation: the decoder is in training mode (call eval() first)");
        if (memory.rank() != 3 || memory.shape(2) != decoder.config().encoderWidth())
            throw new RevtafException("generation: memory must be (B, S, "
                    + decoder.config().encoderWidth() + "), got " + Shapes.str(memory.shapeRef()));
        if (memoryKeep != null
                && (memoryKeep.rank() != 2
                        || memoryKeep.shape(0) != memory.shape(0)
                        || memoryKeep.shape(1) != memory.shape(1)))
            throw new RevtafException("generation: memory mask "
                    + Shapes.str(memoryKeep.shapeRef()) + " does not match memory "
                    + Shapes.str(memory.shapeRef()));
        this.decoder = decoder;
        this.memory = memory;
        this.memoryKeep = memoryKeep;
        this.state = decoder.newState();
    }

    @Override
    public int vocab() {
        return decoder.config().vocab();
    }

    @Override
    public float[] step(long[] tokens, int rows, int width) {
        if (state.length() == 0 && rows != memory.shape(0))
            throw new RevtafException(
                    "generation: " + rows + " prompts for a memory of " + memory.shape(0) + " studies");
        try (GradMode.Guard g = GradMode.noGrad();
                Scope s = Scope.open()) {
            Tensor ids = Tensor.ofLongs(memory.device(), tokens, rows, width); // (rows, width)
            Tensor logits = decoder.step(ids, null, memory, memoryKeep, state); // (rows, width, V)
            Tensor logp = F.logSoftmax(logits.slice(1, width - 1, width).contiguous(), 2); // (rows, 1, V)
            float[] out = logp.toFloats();
            keepState(s);
            return out;
        }
    }

    @Override
    public void select(int[] from) {
        long[] idx = new long[from.length];
        for (int i = 0; i < from.length; i++) idx[i] = from[i];
        try (GradMode.Guard g = GradMode.noGrad();
                Scope s = Scope.open()) {
            Tensor index = Tensor.ofLongs(memory.device(), idx, idx.length); // (rows')
            state.reorder(index);
            if (memoryKeep != null) {
                Tensor old = memoryKeep;
                memoryKeep = s.keep(F.indexSelect(old, 0, index));
                if (ownsMemoryKeep) old.storage().release();
                ownsMemoryKeep = true;
            }
            keepState(s);
        }
    }

    /** Moves the cache tensors out of the step's scope and releases the ones they replaced. */
    private void keepState(Scope s) {
        List<Tensor> live = state.tensors();
        Set<Storage> now = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Tensor t : live) {
            s.keep(t);
            now.add(t.storage());
        }
        for (Storage old : held) if (!now.contains(old)) old.release();
        held = now;
    }
}
