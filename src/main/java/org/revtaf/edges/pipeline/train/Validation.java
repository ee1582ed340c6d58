package org.revtaf.edges.pipeline.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.revtaf.domain.data.BadSamplePolicy;
import org.revtaf.domain.data.BadSamples;
import org.revtaf.domain.data.BatchLoader;
import org.revtaf.domain.data.Dataset;
import org.revtaf.domain.data.ImagePipeline;
import org.revtaf.domain.data.Study;
import org.revtaf.domain.eval.EvalOutput;
import org.revtaf.domain.eval.Evaluation;
import org.revtaf.domain.text.WordPieceTokenizer;
import org.revtaf.edges.config.GenerateConfig;
import org.revtaf.edges.pipeline.Log;
import org.revtaf.edges.pipeline.Progress;
import org.revtaf.engine.autograd.GradMode;
import org.revtaf.engine.backend.profile.Profiler;
import org.revtaf.engine.tensor.Scope;
import org.revtaf.learning.model.generate.BeamSearch;
import org.revtaf.learning.model.retrieval.PoincareIndex;
import org.revtaf.learning.model.revtaf.RevtafModel;
import org.revtaf.learning.model.revtaf.StatusClassifier;

/**
 * Validation during training: greedy decoding (the beam search at one beam, with the generate
 * section's lengths) of the validation studies, scored by the evaluator exactly as {@code evaluate
 * --refs annotation.json} scores them (references cleaned as PromptMRG's ground truth, NLG metrics
 * and clinical efficacy from the labeler), and the classifier's P(POS) per study, from which
 * base_probs are re-estimated.
 *
 * @param scores every metric; {@link #headline()} gives the contract's keys
 * @param posProbs (N, 18) P(POS) per validation study, row-major
 * @param labels (N, 18) their ground-truth statuses
 */
public record Validation(Evaluation.Scores scores, double[] posProbs, long[] labels) {

    /** BLEU_1..4, METEOR, ROUGE_L, CIDEr, CE_P, CE_R, CE_F1 (the keys of {@code evaluate --json}). */
    public Map<String, Double> headline() {
        return EvalOutput.headline(scores);
    }

    /**
     * Decodes and scores {@code studies} with the model in eval mode (left in eval mode).
     *
     * @param task progress label, e.g. "validate epoch 2"
     */
    public static Validation run(
            RevtafModel model,
            RevtafInputs inputs,
            CachedFeatures features,
            Dataset data,
            List<Study> studies,
            ImagePipeline pipeline,
            GenerateConfig gen,
            int batchSize,
            int workers,
            WordPieceTokenizer tokenizer,
            Log log,
            String task) {
        model.eval();
        int n = studies.size();
        List<String> ids = new ArrayList<>(n), refs = new ArrayList<>(n), hyps = new ArrayList<>(n);
        double[] pos = new double[n * StatusClassifier.CLASSES];
        long[] labels = new long[n * StatusClassifier.CLASSES];
        BeamSearch.Options greedy = ReportDecoder.options(gen, 1, model);
        BadSamples bad = new BadSamples(BadSamplePolicy.FAIL); // every validation study is scored
        int done = 0;
        try (Scope outer = Scope.open();
                GradMode.Guard g = GradMode.noGrad();
                BatchLoader loader = new BatchLoader(data, studies, pipeline, batchSize, 0, 0, false, workers, 2, bad);
                Progress p = log.progress(task, n, "studies")) {
            PoincareIndex index = model.config().lre() ? inputs.lreIndex() : null;
            while (loader.hasNext()) {
                BatchLoader.Batch b;
                try (var ps = Profiler.stage("data loading")) {
                    b = loader.next();
                }
                try (Scope s = Scope.open()) {
                    int[] rows = features.rows(b.studies());
                    int[] sources = index != null ? inputs.lreSources(index, rows, null) : inputs.baselineSources(rows);
                    List<ReportDecoder.Decoded> d =
                            ReportDecoder.decode(model, inputs.inputs(b, rows, sources), greedy, tokenizer);
                    long[] lab = features.labelValues(rows);
                    System.arraycopy(lab, 0, labels, done * StatusClassifier.CLASSES, lab.length);
                    for (int i = 0; i < b.size(); i++) {
                        Study st = b.studies().get(i);
                        double[] pp = d.get(i).posProbs(); // (18)
                        System.arraycopy(pp, 0, pos, (done + i) * StatusClassifier.CLASSES, pp.length);
                        ids.add(st.id());
                        refs.add(st.report());
                        hyps.add(d.get(i).report());
                    }
                }
                done += b.size();
                p.update(done, null);
            }
        }
        try (var ps = Profiler.stage("metrics")) {
            Evaluation.Scores scores = Evaluation.labelled(ids, refs, hyps);
            return new Validation(scores, pos, labels);
        }
    }
}
