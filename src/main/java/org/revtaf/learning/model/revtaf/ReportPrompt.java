package org.revtaf.learning.model.revtaf;

import java.util.List;
import org.revtaf.RevtafException;
import org.revtaf.domain.text.WordPieceTokenizer;
import org.revtaf.engine.ops.F;
import org.revtaf.engine.tensor.DType;
import org.revtaf.engine.tensor.Device;
import org.revtaf.engine.tensor.Tensor;
import org.revtaf.learning.model.BertLmDecoder;

/**
 * PromptMRG's prompt: {@code [DEC]} followed by one status token ({@code [BLA] [POS] [NEG] [UNC]}
 * for states 0..3) per class, 19 tokens that the report continues and that the loss ignores. In
 * training the statuses are the ground truth; in generation the classifier's argmax.
 *
 * <pre>
 * ids     [DEC] S1 .. S18  r1 .. rn [SEP] [PAD] ..
 * targets -100  -100 ..    r1 .. rn [SEP] -100 ..   (next-token loss: position i predicts i+1)
 * </pre>
 *
 * @param dec id of [DEC]
 * @param sep id of [SEP] (end of report)
 * @param pad id of [PAD]
 * @param status ids of [BLA], [POS], [NEG], [UNC]
 */
public record ReportPrompt(int dec, int sep, int pad, int[] status) {
    /** [DEC] + 18 status tokens. */
    public static final int LENGTH = 1 + StatusClassifier.CLASSES;

    public ReportPrompt {
        if (status == null || status.length != StatusClassifier.STATES)
            throw new IllegalArgumentException("report prompt: needs " + StatusClassifier.STATES + " status token ids");
        status = status.clone();
    }

    @Override
    public int[] status() {
        return status.clone();
    }

    /** The ids of the prompt tokens in a tokenizer's vocabulary (which must hold them all). */
    public static ReportPrompt of(WordPieceTokenizer tok) {
        List<String> need = List.of(
                WordPieceTokenizer.DEC,
                WordPieceTokenizer.SEP,
                WordPieceTokenizer.PAD,
                WordPieceTokenizer.BLA,
                WordPieceTokenizer.POS,
                WordPieceTokenizer.NEG,
                WordPieceTokenizer.UNC);
        int[] id = new int[need.size()];
        for (int i = 0; i < id.length; i++) {
            id[i] = tok.idOf(need.get(i));
            if (id[i] < 0)
                throw new RevtafException("report prompt: the vocabulary has no " + need.get(i)
                        + " token (the REVTAF decoder needs [DEC] [BLA] [POS] [NEG] [UNC] [SEP] [PAD])");
        }
        return new ReportPrompt(id[0], id[1], id[2], new int[] {id[3], id[4], id[5], id[6]});
    }

    /**
     * Prompt ids (B, 19) int64 for statuses (B, 18) (codes 0..3), on the statuses' device by a lookup
     * in a table of the four status ids (no host copy). A code outside 0..3 is the lookup's bad
     * index error (raised at once on the host, at the next synchronisation on a GPU).
     */
    public Tensor ids(Tensor statuses) {
        if (statuses.rank() != 2 || statuses.shape(1) != StatusClassifier.CLASSES)
            throw new RevtafException("report prompt: statuses " + java.util.Arrays.toString(statuses.shape())
                    + " should be [B, " + StatusClassifier.CLASSES + "]");
        int b = statuses.shape(0);
        Device d = statuses.device();
        Tensor[] entries = new Tensor[status.length];
        for (int i = 0; i < entries.length; i++) entries[i] = Tensor.full(d, DType.FLOAT32, status[i], 1);
        Tensor table = F.concat(0, entries); // (4) float32: token ids are below 2^24
        Tensor tokens = F.indexSelect(
                table, 0, statuses.reshape(b * StatusClassifier.CLASSES).contiguous());
        Tensor head = Tensor.full(d, DType.FLOAT32, dec, b, 1); // (B, 1) [DEC]
        return OnDevice.cast(F.concat(1, head, tokens.reshape(b, StatusClassifier.CLASSES)), DType.INT64);
    }

    /**
     * Teacher-forcing input for training: prompt of the ground-truth statuses, the report's word
     * pieces (without [CLS]/[SEP]) truncated so the whole sequence has at most {@code maxTokens}
     * ids, then [SEP], padded with [PAD] to the longest row.
     *
     * @param labels (B, 18) int64 statuses
     * @param reports word-piece ids per row
     */
    public Text teacherForcing(Tensor labels, List<int[]> reports, int maxTokens) {
        int b = labels.shape(0);
        if (reports.size() != b)
            throw new RevtafException("report prompt: " + reports.size() + " reports for a batch of " + b);
        if (maxTokens < LENGTH + 1)
            throw new RevtafException("report prompt: max tokens " + maxTokens + " leaves no room after the " + LENGTH
                    + "-token prompt and [SEP]");
        long[] prompt = ids(labels).toLongs();
        int t = 0;
        int[] len = new int[b];
        for (int i = 0; i < b; i++) {
            len[i] = Math.min(reports.get(i).length, maxTokens - LENGTH - 1);
            t = Math.max(t, LENGTH + len[i] + 1);
        }
        long[] ids = new long[b * t];
        double[] keep = new double[b * t];
        for (int i = 0; i < b; i++) {
            java.util.Arrays.fill(ids, i * t, (i + 1) * t, pad);
            System.arraycopy(prompt, i * LENGTH, ids, i * t, LENGTH);
            for (int k = 0; k < len[i]; k++) ids[i * t + LENGTH + k] = reports.get(i)[k];
            ids[i * t + LENGTH + len[i]] = sep;
            java.util.Arrays.fill(keep, i * t, i * t + LENGTH + len[i] + 1, 1.0);
        }
        Device d = labels.device();
        return new Text(Tensor.ofLongs(d, ids, b, t), Tensor.ofDoubles(d, DType.FLOAT32, keep, b, t));
    }

    /** Decoder input ids (B, T) int64 and keep (B, T) float32: 1 for tokens, 0 for padding. */
    public record Text(Tensor ids, Tensor keep) {}

    /**
     * Loss targets (B, T): the ids, with the prompt positions and padding set to {@link
     * BertLmDecoder#IGNORE}. Built on the ids' device with tensor ops (no host copy): the prompt
     * columns are filled with IGNORE and the report columns take IGNORE where keep is 0, in float
     * (exact for ids below 2^24, which every vocabulary is), then converted back to int64.
     *
     * @param ids (B, T) int64
     * @param keep (B, T) nonzero for tokens, 0 for padding, or null (no padding)
     */
    public static Tensor targets(Tensor ids, Tensor keep) {
        int b = ids.shape(0), t = ids.shape(1);
        if (t <= LENGTH)
            throw new RevtafException(
                    "report prompt: text of " + t + " tokens has no report after the " + LENGTH + "-token prompt");
        Device d = ids.device();
        DType f = keep != null && keep.dtype().isFloating() ? keep.dtype() : DType.FLOAT32; // what the ops take
        Tensor head = Tensor.full(d, f, BertLmDecoder.IGNORE, b, LENGTH); // (B, 19)
        Tensor report = OnDevice.cast(ids.slice(1, LENGTH, t), f); // (B, T - 19)
        if (keep != null) { // keep != 0 ? id : IGNORE
            report = F.where(keep.slice(1, LENGTH, t), report, Tensor.full(d, f, BertLmDecoder.IGNORE));
        }
        return OnDevice.cast(F.concat(1, head, report), DType.INT64); // (B, T)
    }
}
