package org.revtaf.edges.pipeline.train;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which validation makes best.safetensors: CE F1 first, BLEU-4 on a tie. */
class BestValidationTest {
    static Map<String, Double> v(double f1, double bleu4) {
        return Map.of("CE_F1", f1, "BLEU_4", bleu4);
    }

    @Test
    void higherCeF1WinsWhateverTheBleu() {
        assertTrue(Trainer.better(v(0.31, 0.01), v(0.30, 0.20)));
        assertFalse(Trainer.better(v(0.29, 0.50), v(0.30, 0.01)));
    }

    @Test
    void aTieGoesToTheHigherBleu4AndAnExactTieKeepsTheEarlier() {
        assertTrue(Trainer.better(v(0.3028, 0.151), v(0.3028, 0.073)));
        assertFalse(Trainer.better(v(0.3028, 0.073), v(0.3028, 0.151)));
        assertFalse(Trainer.better(v(0.3028, 0.073), v(0.3028, 0.073)));
    }

    @Test
    void nanNeverBeatsANumberAndANumberBeatsNan() {
        assertFalse(Trainer.better(v(Double.NaN, 0.9), v(0.1, 0.0)));
        assertTrue(Trainer.better(v(0.1, 0.0), v(Double.NaN, 0.9)));
    }
}
