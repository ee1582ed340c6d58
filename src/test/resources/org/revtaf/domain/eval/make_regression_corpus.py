# Fixture generator (not part of the product): writes regression_refs.jsonl / regression_hyps.jsonl.
# Run: python3 make_regression_corpus.py (standard library only; fixed seed, deterministic).
import json, random
random.seed(7)
S = ["the heart size is normal", "the lungs are clear", "there is no pleural effusion or pneumothorax",
     "mild cardiomegaly is present", "there is a small left pleural effusion", "no focal consolidation is seen",
     "the mediastinal contours are within normal limits", "there is mild pulmonary edema",
     "bibasilar atelectasis is noted", "an endotracheal tube terminates 4 cm above the carina",
     "a right internal jugular catheter ends in the svc", "there is no acute osseous abnormality",
     "degenerative changes of the thoracic spine", "the cardiomediastinal silhouette is stable",
     "no pneumothorax", "right lower lobe opacity may represent pneumonia",
     "healed rib fractures on the left", "the aorta is tortuous", "lungs are hyperinflated",
     "there is a 1.5 cm nodule in the right upper lobe"]
def ref_text(sents):  # R2Gen-cleaned form: ' . ' separated with trailing ' .'
    return " . ".join(sents) + " ."
def hyp_text(sents):  # raw generated form: '. ' separated, final '.'
    return ". ".join(sents) + "."
refs, hyps = [], []
for i in range(30):
    k = random.randint(2, 6)
    r = random.sample(S, k)
    mode = i % 6
    if mode == 0:
        h = list(r)                         # identical content
    elif mode == 1:
        h = random.sample(S, random.randint(1, 3))  # shorter, mostly different
    elif mode == 2:
        h = r + random.sample(S, 3)          # longer than the reference
    elif mode == 3:
        h = [r[0], r[0], r[0]]               # repeated n-grams
    elif mode == 4:
        h = r[:1] + random.sample(S, 2)
    else:
        h = list(reversed(r))
    refs.append({"id": f"s{i:02d}", "report": ref_text(r)})
    hyps.append({"id": f"s{i:02d}", "report": hyp_text(h)})
hyps[5]["report"] = ""                       # empty hypothesis
refs[7]["report"] = refs[7]["report"].replace(" . ", " .  . ", 1)  # double space (empty sentence) as the cleaner leaves it
hyps[11]["report"] = "the heart size is normal - stable. the lungs are clear"  # ' - ' and no final period
with open("regression_refs.jsonl", "w") as f:
    for o in refs: f.write(json.dumps(o) + "\n")
with open("regression_hyps.jsonl", "w") as f:
    for o in reversed(hyps): f.write(json.dumps(o) + "\n")   # other order: matching is by id
