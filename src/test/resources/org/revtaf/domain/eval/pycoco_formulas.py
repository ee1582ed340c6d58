#!/usr/bin/env python3
"""Fixture generator (not part of the product): an independent re-implementation of the
pycocoevalcap formulas for BLEU (bleu_scorer.py, option 'closest'), ROUGE-L (rouge.py) and
CIDEr-D (cider_scorer.py), written from those scripts' algorithms, used to compute the expected
numbers of the regression corpus in this folder (regression_expected.json).

Usage: python3 pycoco_formulas.py refs.jsonl hyps.jsonl [--postprocess] [--two-refs]
Prints one JSON object with BLEU_1..4, ROUGE_L, CIDEr (full float repr) and per-report values.
--postprocess applies PromptMRG's prediction cleaning (res + ' ').replace('. ', ' . ').replace(' - ', '-').
--two-refs gives report i the references [ref_i, ref_(i+1 mod n)] (file order) to exercise multi-reference code.
Standard library only.
"""
import json
import math
import sys
from collections import defaultdict


def precook(s, n=4):
    words = s.split()
    counts = defaultdict(int)
    for k in range(1, n + 1):
        for i in range(len(words) - k + 1):
            counts[tuple(words[i:i + k])] += 1
    return len(words), counts


def bleu(gts, res, n=4):
    tiny, small = 1e-15, 1e-9
    total_guess, total_correct = [0] * n, [0] * n
    total_test, total_ref = 0, 0
    per = []
    for key in gts:
        testlen, counts = precook(res[key][0], n)
        reflens, maxcounts = [], {}
        for ref in gts[key]:
            rl, rc = precook(ref, n)
            reflens.append(rl)
            for g, c in rc.items():
                maxcounts[g] = max(maxcounts.get(g, 0), c)
        reflen = min((abs(l - testlen), l) for l in reflens)[1]
        guess = [max(0, testlen - k + 1) for k in range(1, n + 1)]
        correct = [0] * n
        for g, c in counts.items():
            correct[len(g) - 1] += min(maxcounts.get(g, 0), c)
        total_test += testlen
        total_ref += reflen
        for k in range(n):
            total_guess[k] += guess[k]
            total_correct[k] += correct[k]
        per.append(_bleu_from(testlen, reflen, guess, correct, n))
    return _bleu_from(total_test, total_ref, total_guess, total_correct, n), per


def _bleu_from(testlen, reflen, guess, correct, n):
    tiny, small = 1e-15, 1e-9
    out, b = [], 1.0
    for k in range(n):
        b *= float(correct[k] + tiny) / (guess[k] + small)
        out.append(b ** (1.0 / (k + 1)))
    ratio = (testlen + tiny) / (reflen + small)
    if ratio < 1:
        out = [x * math.exp(1 - 1 / ratio) for x in out]
    return out


def lcs(a, b):
    if len(a) < len(b):
        a, b = b, a
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for j in range(1, len(b) + 1):
        for i in range(1, len(a) + 1):
            if a[i - 1] == b[j - 1]:
                table[i][j] = table[i - 1][j - 1] + 1
            else:
                table[i][j] = max(table[i - 1][j], table[i][j - 1])
    return table[len(a)][len(b)]


def rouge(gts, res, beta=1.2):
    per = []
    for key in gts:
        c = res[key][0].split(" ")
        prec, rec = [], []
        for ref in gts[key]:
            r = ref.split(" ")
            l = lcs(r, c)
            prec.append(l / float(len(c)))
            rec.append(l / float(len(r)))
        p, r = max(prec), max(rec)
        per.append(((1 + beta ** 2) * p * r) / float(r + beta ** 2 * p) if p != 0 and r != 0 else 0.0)
    return sum(per) / len(per), per


def cider(gts, res, n=4, sigma=6.0):
    crefs = [[precook(r, n)[1] for r in gts[k]] for k in gts]
    ctest = [precook(res[k][0], n)[1] for k in gts]
    df = defaultdict(float)
    for refs in crefs:
        for g in set(g for r in refs for g in r):
            df[g] += 1
    ref_len = math.log(float(len(crefs)))

    def vec_of(cnts):
        vec = [defaultdict(float) for _ in range(n)]
        norm = [0.0] * n
        length = 0
        for g, tf in cnts.items():
            d = math.log(max(1.0, df[g]))
            k = len(g) - 1
            vec[k][g] = float(tf) * (ref_len - d)
            norm[k] += vec[k][g] ** 2
            if k == 1:
                length += tf
        return vec, [math.sqrt(x) for x in norm], length

    per = []
    for test, refs in zip(ctest, crefs):
        vh, nh, lh = vec_of(test)
        score = [0.0] * n
        for ref in refs:
            vr, nr, lr = vec_of(ref)
            delta = float(lh - lr)
            for k in range(n):
                v = 0.0
                for g in vh[k]:
                    v += min(vh[k][g], vr[k][g]) * vr[k][g]
                if nh[k] != 0 and nr[k] != 0:
                    v /= nh[k] * nr[k]
                v *= math.e ** (-(delta ** 2) / (2 * sigma ** 2))
                score[k] += v
        per.append(sum(score) / n / len(refs) * 10.0)
    return sum(per) / len(per), per


def load(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                o = json.loads(line)
                out[o["id"]] = o["report"]
    return out


def main():
    refs, hyps = load(sys.argv[1]), load(sys.argv[2])
    post = "--postprocess" in sys.argv
    keys = list(refs)
    if "--two-refs" in sys.argv:
        gts = {k: [refs[k], refs[keys[(i + 1) % len(keys)]]] for i, k in enumerate(keys)}
    else:
        gts = {k: [refs[k]] for k in refs}
    res = {k: [((hyps[k] + " ").replace(". ", " . ").replace(" - ", "-")) if post else hyps[k]] for k in refs}
    b, bper = bleu(gts, res)
    r, rper = rouge(gts, res)
    c, cper = cider(gts, res)
    print(json.dumps({"BLEU_1": b[0], "BLEU_2": b[1], "BLEU_3": b[2], "BLEU_4": b[3], "ROUGE_L": r, "CIDEr": c,
                      "ids": list(gts), "bleu4_per": [x[3] for x in bper], "rouge_per": rper, "cider_per": cper},
                     indent=1))


if __name__ == "__main__":
    main()
