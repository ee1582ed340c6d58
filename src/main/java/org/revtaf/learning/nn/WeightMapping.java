package org.revtaf.learning.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the tensor names of a PyTorch state dict (converted to safetensors) become this project's
 * module names. An ordered list of rules, the first whose pattern matches the whole source name
 * wins: rename to one target, split along dim 0 into several targets (PyTorch's packed
 * {@code in_proj_weight} of {@code nn.MultiheadAttention} into query, key, value), or ignore with a
 * reason (counters, tied copies, heads the model does not have). Leading prefixes such as
 * {@code module.} (DataParallel) are stripped first. Targets listed as resizable may differ from
 * the source in dim 0 (vocabulary growth: the leading rows are copied, as Hugging Face's
 * {@code resize_token_embeddings} does).
 *
 * <p>Our naming: ResNet as torchvision; transformer layers as PyTorch's {@code nn.Transformer*Layer}
 * ({@code self_attn}, {@code multihead_attn} for cross-attention, {@code linear1}, {@code linear2},
 * {@code norm1..3}) with attention projections {@code query}, {@code key}, {@code value},
 * {@code out}; BERT as {@code embeddings.{word,position,token_type}_embeddings},
 * {@code embeddings.norm}, {@code layers.N.*}, {@code pooler}, {@code lm_head.{dense,norm,bias}}.
 */
public record WeightMapping(String name, List<String> stripPrefixes, List<Rule> rules, Set<String> resizable) {
    public WeightMapping {
        stripPrefixes = List.copyOf(stripPrefixes);
        rules = List.copyOf(rules);
        resizable = Set.copyOf(resizable);
    }

    /** What a rule does with a matching source tensor. */
    public enum Kind {
        MAP,
        SPLIT,
        IGNORE
    }

    /** One rule: the pattern must match the whole (prefix-stripped) source name. */
    public record Rule(Pattern pattern, Kind kind, Function<MatchResult, List<String>> targets, String reason) {
        public static Rule map(String regex, Function<MatchResult, String> target) {
            return new Rule(Pattern.compile(regex), Kind.MAP, m -> List.of(target.apply(m)), null);
        }

        /** Maps with a replacement template ($1, $2 ... refer to the pattern's groups). */
        public static Rule map(String regex, String template) {
            return map(regex, m -> expand(m, template));
        }

        public static Rule split(String regex, String... templates) {
            return new Rule(
                    Pattern.compile(regex),
                    Kind.SPLIT,
                    m -> {
                        List<String> out = new ArrayList<>();
                        for (String t : templates) out.add(expand(m, t));
                        return out;
                    },
                    null);
        }

        public static Rule ignore(String regex, String reason) {
            return new Rule(Pattern.compile(regex), Kind.IGNORE, m -> List.of(), reason);
        }

        private static String expand(MatchResult m, String template) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < template.length(); i++) {
                char c = template.charAt(i);
                if (c == '$' && i + 1 < template.length() && Character.isDigit(template.charAt(i + 1))) {
                    sb.append(m.group(template.charAt(++i) - '0'));
                } else sb.append(c);
            }
            return sb.toString();
        }
    }

    /** The source name with the leading prefixes removed (each at most once, in order). */
    public String strip(String source) {
        String s = source;
        for (String p : stripPrefixes) if (s.startsWith(p)) s = s.substring(p.length());
        return s;
    }

    /** The first rule matching the stripped name and its match, or null. */
    public Match match(String source) {
        String s = strip(source);
        for (Rule r : rules) {
            Matcher m = r.pattern.matcher(s);
            if (m.matches()) return new Match(r, r.targets.apply(m.toMatchResult()));
        }
        return null;
    }

    /** A matched rule with its target names. */
    public record Match(Rule rule, List<String> targets) {}

    /**
     * This mapping with an ignore rule tried before the others (a source tensor the target model
     * has no place for, e.g. the BERT pooler of an encoder built without one).
     */
    public WeightMapping ignoring(String regex, String reason) {
        List<Rule> r = new ArrayList<>();
        r.add(Rule.ignore(regex, reason));
        r.addAll(rules);
        return new WeightMapping(name, stripPrefixes, r, resizable);
    }

    // ---- tables ----------------------------------------------------------------------------

    private static final String NORM_W = "(?:weight|gamma)", NORM_B = "(?:bias|beta)";
    private static final String BN_COUNTER = "BatchNorm num_batches_tracked (unused: fixed momentum)";

    /**
     * A torchvision ResNet-18/34/50/101 state dict ({@code conv1}, {@code bn1},
     * {@code layerN.M.{conv1..3,bn1..3,downsample.0,downsample.1}}, {@code fc}) into a ResNet at
     * {@code targetPrefix} (e.g. {@code ""} or {@code "backbone."}). With {@code withHead} false the
     * {@code fc} classifier and the stages above {@code lastStage} are ignored (feature extractors).
     */
    public static WeightMapping torchvisionResNet(String targetPrefix, boolean withHead, int lastStage) {
        List<Rule> r = new ArrayList<>();
        r.add(Rule.ignore("(.+)\\.num_batches_tracked", BN_COUNTER));
        if (!withHead) r.add(Rule.ignore("fc\\.(weight|bias)", "classification head not used by this model"));
        for (int s = lastStage + 1; s <= 4; s++)
            r.add(Rule.ignore(
                    "layer" + s + "\\..+", "stage layer" + s + " not used (features from layer" + lastStage + ")"));
        r.add(Rule.map("(.+)", targetPrefix + "$1"));
        return new WeightMapping("torchvision ResNet", List.of("module."), r, Set.of());
    }

    /** Rules for PyTorch {@code nn.MultiheadAttention} children under {@code srcLayer} (a regex with one group). */
    private static void torchAttention(List<Rule> r, String srcLayer, String dstLayer) {
        String a = "(self_attn|multihead_attn)";
        r.add(Rule.split(
                srcLayer + "\\." + a + "\\.in_proj_weight",
                dstLayer + ".$2.query.weight",
                dstLayer + ".$2.key.weight",
                dstLayer + ".$2.value.weight"));
        r.add(Rule.split(
                srcLayer + "\\." + a + "\\.in_proj_bias",
                dstLayer + ".$2.query.bias",
                dstLayer + ".$2.key.bias",
                dstLayer + ".$2.value.bias"));
        r.add(Rule.map(srcLayer + "\\." + a + "\\.out_proj\\.(weight|bias)", dstLayer + ".$2.out.$3"));
    }

    /**
     * A DETR-style transformer built from PyTorch {@code nn.MultiheadAttention} (PromptMRG/REVTAF
     * {@code memory}: {@code encoder.layers.N}, {@code decoder.layers.N}, {@code decoder.norm}) found
     * under {@code sourcePrefix} (e.g. {@code "memory."}) into ours at {@code targetPrefix}.
     */
    public static WeightMapping detrTransformer(String sourcePrefix, String targetPrefix) {
        List<Rule> r = new ArrayList<>();
        torchAttention(r, "((?:encoder|decoder)\\.layers\\.\\d+)", targetPrefix + "$1");
        r.add(Rule.map("(.+)", targetPrefix + "$1"));
        return new WeightMapping("DETR transformer", List.of("module.", sourcePrefix), r, Set.of());
    }

    /**
     * A MedKLIP checkpoint ({@code res_features.{0,1,4,5,6}} = ResNet-50 conv1, bn1, layer1..3;
     * {@code res_l1}, {@code res_l2}, {@code disease_embedding_layer}, {@code cl_fc},
     * {@code decoder.layers.N} with packed attention, {@code decoder.norm}, {@code classifier}). The
     * ResNet goes to {@code backbone.*} in torchvision names; the rest keeps its names.
     */
    public static WeightMapping medklip() {
        List<Rule> r = new ArrayList<>();
        r.add(Rule.ignore("(.+)\\.num_batches_tracked", BN_COUNTER));
        String[] stage = {"conv1", "bn1", null, null, "layer1", "layer2", "layer3"};
        for (int i = 0; i < stage.length; i++)
            if (stage[i] != null) r.add(Rule.map("res_features\\." + i + "\\.(.+)", "backbone." + stage[i] + ".$1"));
        torchAttention(r, "(decoder\\.layers\\.\\d+)", "$1");
        r.add(Rule.map("(.+)", "$1"));
        return new WeightMapping("MedKLIP", List.of("module."), r, Set.of());
    }

    /**
     * A Hugging Face BERT state dict ({@code bert.embeddings.*}, {@code bert.encoder.layer.N.*},
     * {@code bert.pooler}, {@code cls.*}; old {@code LayerNorm.gamma/beta} names accepted).
     *
     * @param decoder true for the BLIP {@code BertLMHeadModel} layout: cross-attention
     *     ({@code crossattention.*} to {@code multihead_attn}/{@code norm2}, FFN norm {@code norm3}),
     *     no token-type embeddings, no pooler; false for the encoder (FFN norm {@code norm2})
     * @param lmHead whether the target has the MLM head {@code lm_head} (else {@code cls.*} is ignored)
     * @param sourcePrefix stripped before {@code bert.} (e.g. {@code "text_decoder."} in BLIP checkpoints)
     */
    public static WeightMapping bert(boolean decoder, boolean lmHead, String sourcePrefix) {
        List<Rule> r = new ArrayList<>();
        String l = "encoder\\.layer\\.(\\d+)\\.";
        r.add(Rule.ignore("embeddings\\.position_ids", "index buffer (recomputed)"));
        if (decoder)
            r.add(Rule.ignore(
                    "embeddings\\.token_type_embeddings\\.weight",
                    "the LM decoder has no token-type embeddings (BLIP)"));
        r.add(Rule.map(
                "embeddings\\.(word|position|token_type)_embeddings\\.weight", "embeddings.$1_embeddings.weight"));
        r.add(Rule.map("embeddings\\.LayerNorm\\." + NORM_W, "embeddings.norm.weight"));
        r.add(Rule.map("embeddings\\.LayerNorm\\." + NORM_B, "embeddings.norm.bias"));
        r.add(Rule.map(l + "attention\\.self\\.(query|key|value)\\.(weight|bias)", "layers.$1.self_attn.$2.$3"));
        r.add(Rule.map(l + "attention\\.output\\.dense\\.(weight|bias)", "layers.$1.self_attn.out.$2"));
        r.add(Rule.map(l + "attention\\.output\\.LayerNorm\\." + NORM_W, "layers.$1.norm1.weight"));
        r.add(Rule.map(l + "attention\\.output\\.LayerNorm\\." + NORM_B, "layers.$1.norm1.bias"));
        String ffnNorm = decoder ? "norm3" : "norm2";
        if (decoder) {
            r.add(Rule.map(
                    l + "crossattention\\.self\\.(query|key|value)\\.(weight|bias)", "layers.$1.multihead_attn.$2.$3"));
            r.add(Rule.map(l + "crossattention\\.output\\.dense\\.(weight|bias)", "layers.$1.multihead_attn.out.$2"));
            r.add(Rule.map(l + "crossattention\\.output\\.LayerNorm\\." + NORM_W, "layers.$1.norm2.weight"));
            r.add(Rule.map(l + "crossattention\\.output\\.LayerNorm\\." + NORM_B, "layers.$1.norm2.bias"));
        }
        r.add(Rule.map(l + "intermediate\\.dense\\.(weight|bias)", "layers.$1.linear1.$2"));
        r.add(Rule.map(l + "output\\.dense\\.(weight|bias)", "layers.$1.linear2.$2"));
        r.add(Rule.map(l + "output\\.LayerNorm\\." + NORM_W, "layers.$1." + ffnNorm + ".weight"));
        r.add(Rule.map(l + "output\\.LayerNorm\\." + NORM_B, "layers.$1." + ffnNorm + ".bias"));
        if (decoder) r.add(Rule.ignore("pooler\\.dense\\.(weight|bias)", "the LM decoder has no pooler"));
        else r.add(Rule.map("pooler\\.dense\\.(weight|bias)", "pooler.$1"));
        r.add(Rule.ignore("cls\\.seq_relationship\\.(weight|bias)", "next-sentence head not used"));
        if (lmHead) {
            r.add(Rule.map("cls\\.predictions\\.transform\\.dense\\.(weight|bias)", "lm_head.dense.$1"));
            r.add(Rule.map("cls\\.predictions\\.transform\\.LayerNorm\\." + NORM_W, "lm_head.norm.weight"));
            r.add(Rule.map("cls\\.predictions\\.transform\\.LayerNorm\\." + NORM_B, "lm_head.norm.bias"));
            r.add(Rule.map("cls\\.predictions\\.bias", "lm_head.bias"));
            r.add(Rule.ignore("cls\\.predictions\\.decoder\\.weight", "tied to embeddings.word_embeddings.weight"));
            r.add(Rule.ignore("cls\\.predictions\\.decoder\\.bias", "the same tensor as cls.predictions.bias"));
        } else r.add(Rule.ignore("cls\\..+", "MLM head not part of this model"));
        List<String> strip = new ArrayList<>(List.of("module."));
        if (!sourcePrefix.isEmpty()) strip.add(sourcePrefix);
        strip.add("bert.");
        return new WeightMapping(
                decoder ? "BERT LM decoder (BLIP)" : "BERT encoder",
                strip,
                r,
                Set.of("embeddings.word_embeddings.weight", "lm_head.bias"));
    }
}
