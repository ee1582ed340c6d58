package org.revtaf.learning.optim;

import org.revtaf.RevtafException;

/**
 * Linear warm-up then cosine learning-rate schedule, stepped exactly as the reference code
 * (PromptMRG/REVTAF {@code LinearWarmupCosineLRScheduler}, study section 1.9) steps it: epochs are
 * numbered from 1; the scheduler is called before every optimizer step with the epoch and the
 * batch index inside that epoch.
 *
 * <ul>
 *   <li>epoch 1: per step, {@code lr = min(peak, warmupStart + (peak - warmupStart) * step / max(warmupSteps, 1))};
 *   <li>epoch e >= 2: constant for the whole epoch,
 *       {@code lr = (peak - min) * 0.5 * (1 + cos(pi * e / epochs)) + min}.
 * </ul>
 *
 * With the paper's values (peak 5e-5, min 5e-6, start 5e-7, 2000 warm-up steps, 6 epochs) epochs
 * 2..6 get 3.875e-5, 2.75e-5, 1.625e-5, 8.01e-6 and 5e-6. Warm-up longer than the first epoch is
 * cut off there, as in the reference.
 *
 * @param peakLr the rate reached after warm-up ({@code init_lr}, 5e-5)
 * @param minLr the rate of the last epoch ({@code min_lr}, 5e-6)
 * @param warmupStartLr the rate at step 0 ({@code warmup_lr}, 5e-7)
 * @param warmupSteps warm-up length in optimizer steps (2000)
 * @param epochs total number of epochs (6)
 */
public record LrSchedule(double peakLr, double minLr, double warmupStartLr, int warmupSteps, int epochs) {
    public LrSchedule {
        if (!(peakLr > 0) || !Double.isFinite(peakLr))
            throw new RevtafException("lr schedule: peak lr must be a positive number, got " + peakLr);
        if (!(minLr >= 0) || minLr > peakLr)
            throw new RevtafException("lr schedule: min lr must be in [0, peak lr " + peakLr + "], got " + minLr);
        if (!(warmupStartLr >= 0) || warmupStartLr > peakLr)
            throw new RevtafException(
                    "lr schedule: warm-up start lr must be in [0, peak lr " + peakLr + "], got " + warmupStartLr);
        if (warmupSteps < 0) throw new RevtafException("lr schedule: warm-up steps must be >= 0, got " + warmupSteps);
        if (epochs < 1) throw new RevtafException("lr schedule: epochs must be >= 1, got " + epochs);
    }

    /** The paper's schedule (METHOD.md section 5) for this many epochs. */
    public static LrSchedule paper(int epochs) {
        return new LrSchedule(5e-5, 5e-6, 5e-7, 2000, epochs);
    }

    /**
     * The learning rate for a step.
     *
     * @param epoch 1-based epoch number (1..epochs)
     * @param stepInEpoch 0-based index of the batch inside the epoch
     */
    public double lr(int epoch, long stepInEpoch) {
        if (epoch < 1 || epoch > epochs)
            throw new IllegalArgumentException("lr schedule: epoch " + epoch + " outside 1.." + epochs);
        if (stepInEpoch < 0) throw new IllegalArgumentException("lr schedule: negative step " + stepInEpoch);
        if (epoch == 1) {
            double t = (double) stepInEpoch / Math.max(warmupSteps, 1);
            return Math.min(peakLr, warmupStartLr + (peakLr - warmupStartLr) * t);
        }
        return (peakLr - minLr) * 0.5 * (1.0 + Math.cos(Math.PI * epoch / epochs)) + minLr;
    }

    /** Position in the schedule, saved in checkpoints so a resumed run continues where it stopped. */
    public record State(int epoch, long stepInEpoch) {
        public State {
            if (epoch < 1) throw new RevtafException("lr schedule state: epoch " + epoch + " must be >= 1");
            if (stepInEpoch < 0) throw new RevtafException("lr schedule state: negative step " + stepInEpoch);
        }

        /** The next batch of the same epoch. */
        public State next() {
            return new State(epoch, stepInEpoch + 1);
        }

        /** The first batch of the next epoch. */
        public State nextEpoch() {
            return new State(epoch + 1, 0);
        }
    }

    /** The learning rate at a saved position. */
    public double lr(State s) {
        return lr(s.epoch(), s.stepInEpoch());
    }
}
