package org.revtaf.edges.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.revtaf.RevtafException;
import org.revtaf.domain.eval.ClinicalEfficacy;
import org.revtaf.domain.eval.EvalOutput;
import org.revtaf.domain.eval.Evaluation;
import org.revtaf.domain.eval.LabelCsv;
import org.revtaf.domain.eval.Meteor;
import org.revtaf.domain.eval.MeteorModule;
import org.revtaf.domain.eval.RefCleaning;
import org.revtaf.domain.text.Labelers;
import org.revtaf.domain.text.ReportLabeler;
import org.revtaf.domain.text.ReportSource;
import org.revtaf.edges.io.TextFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code revtaf evaluate}; see ../shared/CLI.md. */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Score generated reports: BLEU-1..4, METEOR, ROUGE-L, CIDEr (as pycocoevalcap computes them) and"
                    + " clinical efficacy (14 CheXpert classes, positive-only).",
            "FILE: .jsonl of {\"id\", \"report\"} lines, or an R2Gen annotation.json (one split is read).",
            "Reports are matched by id; an id on one side only is an error.",
            "References from an annotation.json are raw reports: by default (--clean-refs auto) they are cleaned"
                    + " like PromptMRG's ground truth (my_pre_caption); .jsonl references are used as given."
        })
public final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--refs", required = true, paramLabel = "FILE", description = "Reference reports.")
    Path refs;

    @Option(names = "--hyps", required = true, paramLabel = "FILE", description = "Generated reports.")
    Path hyps;

    @Option(
            names = "--split",
            paramLabel = "SPLIT",
            defaultValue = "test",
            description = "Split read from an annotation.json (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--out", paramLabel = "DIR", description = "Also write metrics.csv, per_class.csv, per_report.csv.")
    Path out;

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    boolean json;

    @Option(
            names = "--postprocess",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Apply PromptMRG's prediction post-processing (res + ' ').replace('. ', ' . ')"
                    + ".replace(' - ', '-') before the NLG metrics (paper-compatible; default: on).")
    boolean postprocess;

    @Option(
            names = "--clean-refs",
            paramLabel = "MODE",
            defaultValue = "auto",
            description = "Clean the references before scoring (CE labels included): auto (default) = promptmrg"
                    + " when --refs is an annotation.json (raw reports; PromptMRG scores against its cleaned"
                    + " ground truth), none for a .jsonl; none (as given), mimic or iu (R2Gen's clean_report_*),"
                    + " promptmrg (PromptMRG's my_pre_caption: mimic cleaning, first 100 words). The cleaning"
                    + " applied is printed in the table and as \"refs_cleaning\" in --json.")
    RefCleaning cleanRefs;

    @Option(
            names = "--ref-labels",
            paramLabel = "CSV",
            description = "Labels of the references in CheXbert's CSV layout instead of running the labeler.")
    Path refLabels;

    @Option(names = "--hyp-labels", paramLabel = "CSV", description = "Labels of the hypotheses (CheXbert layout).")
    Path hypLabels;

    @Option(
            names = "--no-ce",
            description = "Skip the clinical-efficacy metrics (not together with --ref-labels/--hyp-labels).")
    boolean noCe;

    @Option(
            names = "--meteor-modules",
            paramLabel = "LIST",
            description = "METEOR's matching modules, in order, separated by commas or spaces: exact, stem, synonym"
                    + " (default: exact,stem,synonym = METEOR 1.5's English modules except paraphrase, whose table"
                    + " is not available). Weights 1.0 0.6 0.8 go by position, as meteor-1.5.jar -m gives them.")
    String meteorModules;

    @Option(
            names = "--meteor-function-words",
            paramLabel = "FILE",
            description = "METEOR's function-word list (one word a line) instead of the shipped english.words of"
                    + " METEOR 1.5.")
    Path functionWords;

    @Override
    public Integer call() {
        if (noCe && (refLabels != null || hypLabels != null)) {
            throw new ParameterException(
                    spec.commandLine(), "--no-ce and --ref-labels/--hyp-labels exclude each other (labels are for CE)");
        }
        if (!noCe && (refLabels == null) != (hypLabels == null)) {
            throw new ParameterException(
                    spec.commandLine(), "--ref-labels and --hyp-labels go together (give both or neither)");
        }
        Meteor.Settings meteor = meteorSettings();
        Map<String, String> refMap = ReportSource.byId(ReportSource.read(refs, split));
        Map<String, String> hypMap = ReportSource.byId(ReportSource.read(hyps, split));
        List<String> ids = new ArrayList<>(refMap.keySet());
        for (String id : ids) {
            if (!hypMap.containsKey(id)) {
                throw new RevtafException(hyps + ": no report for id '" + id + "' (present in " + refs + ")");
            }
        }
        for (String id : hypMap.keySet()) {
            if (!refMap.containsKey(id)) {
                throw new RevtafException(hyps + ": id '" + id + "' has no reference in " + refs);
            }
        }
        RefCleaning cleaning = cleanRefs.resolve(ReportSource.isAnnotation(refs));
        List<String> r = cleaning.apply(ids.stream().map(refMap::get).toList());
        List<String> h = ids.stream().map(hypMap::get).toList();
        boolean[][] gt = null;
        boolean[][] pred = null;
        if (!noCe) {
            if (refLabels != null) {
                gt = LabelCsv.readPositives(refLabels, ids);
                pred = LabelCsv.readPositives(hypLabels, ids);
            } else {
                ReportLabeler labeler = Labelers.standard();
                gt = ClinicalEfficacy.label(labeler, r);
                pred = ClinicalEfficacy.label(labeler, h);
            }
        }
        Evaluation.Options options = new Evaluation.Options(postprocess, meteor, cleaning);
        Evaluation.Scores scores = Evaluation.run(ids, r, h, gt, pred, options);
        if (out != null) EvalOutput.writeCsvs(scores, out);
        var w = spec.commandLine().getOut();
        w.print(json ? EvalOutput.json(scores) + System.lineSeparator() : EvalOutput.table(scores));
        if (out != null && !json) w.println("CSV files written to " + out);
        w.flush();
        return 0;
    }

    /** The METEOR settings of the options; a bad module list is a usage error naming the option. */
    private Meteor.Settings meteorSettings() {
        Meteor.Settings m = Meteor.Settings.standard();
        if (meteorModules != null) {
            try {
                m = m.withModules(MeteorModule.parseList(meteorModules));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(
                        spec.commandLine(), "--meteor-modules '" + meteorModules + "': " + e.getMessage());
            }
        }
        if (functionWords != null) {
            Set<String> words = Meteor.parseFunctionWords(TextFiles.readUtf8(functionWords, "function-word list"));
            m = m.withFunctionWords(words, functionWords.toString());
        }
        return m;
    }
}
