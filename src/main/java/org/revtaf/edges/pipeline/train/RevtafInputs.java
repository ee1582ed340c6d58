package org.revtaf.edges.pipeline.train;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.revtaf.domain.data.BatchLoader;
import org.revtaf.domain.data.DataConfig;
import org.revtaf.domain.data.Study;
import org.revtaf.domain.text.ReportCleaner;
import org.revtaf.domain.text.WordPieceTokenizer;
import org.revtaf.engine.autograd.GradMode;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.model.retrieval.PoincareIndex;
import org.revtaf.learning.model.revtaf.ReportPrompt;
import org.revtaf.learning.model.revtaf.RevtafModel;

/**
 * Turns a batch of images ({@link BatchLoader}) into what the REVTAF model consumes (CONTRACTS.md):
 * the cached features of its studies, the GRPs of the chosen training reports, and for training
 * the teacher-forcing text ([DEC] + 18 ground-truth statuses + the report cleaned as PromptMRG's
 * {@code my_pre_caption} to {@code data.max_words} words + [SEP]). Inputs a switched-off part does
 * not read are left out (f_logit without the LRE, lrp/grp without FVTAF).
 *
 * <p>Where the GRPs come from: in training the cache's Hamming neighbour ({@link
 * #hammingSources}) or the LRE's nearest other training study ({@link #lreSources} with the study
 * excluded); in validation and generation the LRE's nearest training study, or without the LRE the
 * top-1 of the baseline retrieval, the first memory index ({@link #baselineSources}).
 */
public final class RevtafInputs {
    private final CachedFeatures features;
    private final RevtafModel model;
    private final Device device;
    private final WordPieceTokenizer tokenizer;
    private final int maxWords, maxTokens, crop;
    private final Map<String, int[]> pieces = new HashMap<>();

    /**
     * The texts are tokenized with the cache's vocabulary, cut to {@code data.max_words} words and the
     * decoder's positions; the images are {@code data.crop} pixels square.
     */
    public RevtafInputs(CachedFeatures features, RevtafModel model, Device device, DataConfig data) {
        this.features = features;
        this.model = model;
        this.device = device;
        this.tokenizer = features.tokenizer();
        this.maxWords = data.maxWords();
        this.maxTokens = model.decoder().config().maxPositions();
        this.crop = data.crop();
    }

    /** The model inputs of a batch; {@code grpTrain}: per study the training index of its GRPs. */
    public RevtafModel.Inputs inputs(BatchLoader.Batch b, int[] rows, int[] grpTrain) {
        boolean lre = model.config().lre(), fvtaf = model.config().fvtaf();
        Tensor images = Tensor.of(device, b.images(), b.size(), 3, crop, crop); // (B, 3, H, W)
        return new RevtafModel.Inputs(
                images,
                lre ? features.fLogit(device, rows) : null,
                fvtaf ? features.lrp(device, rows) : null,
                fvtaf ? features.grp(device, Objects.requireNonNull(grpTrain, "grp sources")) : null,
                fvtaf ? features.grpMask(device, grpTrain) : null,
                features.memory(device, rows));
    }

    /** A training batch: inputs, ground-truth statuses and the teacher-forcing text. */
    public RevtafModel.Batch training(BatchLoader.Batch b, int[] rows, int[] grpTrain) {
        Tensor labels = features.labels(device, rows); // (B, 18)
        List<int[]> reports = b.studies().stream().map(this::wordPieces).toList();
        ReportPrompt.Text text = model.prompt().teacherForcing(labels, reports, maxTokens);
        return new RevtafModel.Batch(inputs(b, rows, grpTrain), labels, text.ids(), text.keep());
    }

    /** The report's word pieces (cleaned, cut to max_words), computed once per study. */
    private int[] wordPieces(Study s) {
        return pieces.computeIfAbsent(s.id(), k -> tokenizer.ids(ReportCleaner.preCaption(s.report(), maxWords)));
    }

    /** The cache's Hamming neighbours of training studies (rows of the train split). */
    public int[] hammingSources(int[] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) out[i] = features.hammingNeighbour(rows[i]);
        return out;
    }

    /** The first memory index of each study: the baseline retrieval's top-1 training report. */
    public int[] baselineSources(int[] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) out[i] = features.firstMemory(rows[i]);
        return out;
    }

    /**
     * The LRE embeddings of every training study with the current weights, as a retrieval index
     * (no gradient).
     */
    public PoincareIndex lreIndex() {
        try (GradMode.Guard g = GradMode.noGrad()) {
            Tensor db = model.hyperbolic(features.trainFLogit(device)); // (N_train, dh)
            return PoincareIndex.build(db, model.lre.curvature(), Map.of());
        }
    }

    /**
     * The nearest training study of each study in the LRE's Poincare ball (first index on ties).
     *
     * @param exclude per study a training index it may not retrieve (itself in training), or null
     */
    public int[] lreSources(PoincareIndex index, int[] rows, int[] exclude) {
        try (GradMode.Guard g = GradMode.noGrad()) {
            Tensor q = model.hyperbolic(features.fLogit(device, rows)); // (B, dh)
            int[][] nn = index.search(q, 1, exclude).index();
            int[] out = new int[rows.length];
            for (int i = 0; i < out.length; i++) out[i] = nn[i][0];
            return out;
        }
    }
}
