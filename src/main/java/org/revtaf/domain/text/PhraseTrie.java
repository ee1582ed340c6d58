package org.revtaf.domain.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A character trie of phrases, each carrying an int payload. Matching starts at a word start of a
 * {@link ClinicalSentence#text} and reports every phrase that is a prefix of the text from there; a
 * phrase marked {@code wholeWord} must also end at a word end. One walk per word start makes mention
 * and cue lookup linear in the text (no per-phrase regex).
 */
final class PhraseTrie {
    /** Receives a match: the payload and the end offset (exclusive) in the text. */
    interface Hit {
        void hit(int payload, int end);
    }

    private static final class Node {
        char[] keys = new char[0];
        Node[] kids = new Node[0];
        int[] payloads = new int[0]; // payload per phrase ending here
        boolean[] whole = new boolean[0];

        Node child(char c) {
            for (int i = 0; i < keys.length; i++) if (keys[i] == c) return kids[i];
            return null;
        }

        Node addChild(char c) {
            Node n = child(c);
            if (n != null) return n;
            n = new Node();
            keys = Arrays.copyOf(keys, keys.length + 1);
            kids = Arrays.copyOf(kids, kids.length + 1);
            keys[keys.length - 1] = c;
            kids[kids.length - 1] = n;
            return n;
        }
    }

    private final Node root = new Node();
    private int size;

    /**
     * Adds a phrase in CheXpert syntax: lowercased, {@code _} = space, runs of spaces collapsed; a
     * trailing {@code _} or {@code wholeWord} requires a word end after the match.
     */
    void add(String phrase, int payload, boolean wholeWord) {
        String p = phrase.toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        boolean trailingSpace = p.endsWith(" ");
        p = p.strip().replaceAll("\\s+", " ");
        if (p.isEmpty()) return;
        Node n = root;
        for (int i = 0; i < p.length(); i++) n = n.addChild(p.charAt(i));
        n.payloads = Arrays.copyOf(n.payloads, n.payloads.length + 1);
        n.whole = Arrays.copyOf(n.whole, n.whole.length + 1);
        n.payloads[n.payloads.length - 1] = payload;
        n.whole[n.whole.length - 1] = wholeWord || trailingSpace;
        size++;
    }

    int size() {
        return size;
    }

    /** Calls {@code hit} for every phrase matching {@code text} from {@code pos}, shortest first. */
    void matchAt(String text, int pos, Hit hit) {
        Node n = root;
        int i = pos;
        int len = text.length();
        while (i < len) {
            n = n.child(text.charAt(i));
            if (n == null) return;
            i++;
            if (n.payloads.length > 0) {
                boolean atWordEnd = i == len || !ClinicalSentence.isWordChar(text.charAt(i));
                for (int k = 0; k < n.payloads.length; k++) {
                    if (!n.whole[k] || atWordEnd) hit.hit(n.payloads[k], i);
                }
            }
        }
    }

    /**
     * The phrases of a sentence without overlaps, left to right: at each word token the longest
     * phrase starting there (the first added among equally long ones), the search going on after it.
     * One {@code {payload, startToken, endToken}} per match, the end token inclusive.
     */
    List<int[]> longestMatches(ClinicalSentence s) {
        List<int[]> out = new ArrayList<>();
        int[] best = new int[2];
        for (int t = 0; t < s.size(); ) {
            best[0] = -1;
            best[1] = -1;
            if (s.kind[t] == ClinicalSentence.WORD) {
                matchAt(s.text, s.start[t], (p, end) -> {
                    if (end > best[1]) {
                        best[0] = p;
                        best[1] = end;
                    }
                });
            }
            if (best[0] < 0) {
                t++;
                continue;
            }
            int endTok = s.tokenAt(best[1] - 1);
            out.add(new int[] {best[0], t, endTok});
            t = endTok + 1;
        }
        return out;
    }
}
