"""Why the tiny foundation model's existence AUROC stalled near 0.82 (issue 12), in PyTorch.

Trains the tiny config's image side (a ResNet-18-style backbone of width 16 up to layer3) on the
synthetic images with one of four existence heads and prints the validation AUROC over the entities
with both classes (the metric of `pretrain`), the same on the training images, and a few focal
findings. Not the pipeline: a diagnosis harness (no position loss, learned random queries instead of
the text encoder's whitened books, BCE instead of a two-way softmax, which is the same thing).

  plain    average-pooled layer3 -> one linear row per entity
  medklip  MedKLIP: res_l1 / ReLU / res_l2 -> pre-norm query decoder -> ONE shared classifier
  pooled   medklip + the plain head's logit (foundation.decoder.pooled_head)
  percls   medklip with one classifier row per entity instead of the shared one

Targets: benchmarks/pytorch/EntityTargets.java. Driver: benchmarks/foundation-heads.sh.
"""
import argparse
import csv
import math
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision.io as io

p = argparse.ArgumentParser()
p.add_argument("--data", required=True, help="the synth folder (its images/)")
p.add_argument("--targets", required=True, help="EntityTargets.java's CSV")
p.add_argument("--head", default="medklip", choices=["plain", "medklip", "pooled", "percls"])
p.add_argument("--size", type=int, default=64, help="input side (tiny: 64)")
p.add_argument("--epochs", type=int, default=24)
p.add_argument("--batch", type=int, default=16)
p.add_argument("--lr", type=float, default=2e-3)
p.add_argument("--width", type=int, default=16)
p.add_argument("--d", type=int, default=64, help="decoder width")
p.add_argument("--layers", type=int, default=2, help="decoder layers")
p.add_argument("--rotation", type=float, default=5, help="training rotation range, degrees")
p.add_argument("--seed", type=int, default=1)
p.add_argument("--threads", type=int, default=2)
a = p.parse_args()
torch.manual_seed(a.seed)
torch.set_num_threads(a.threads)

rows = list(csv.reader(open(a.targets)))
names, rows = rows[0][3:], rows[1:]


def load(split):
    r = [x for x in rows if x[0] == split]
    ims = torch.stack([io.read_image(f"{a.data}/images/{x[2]}") for x in r]).float() / 255  # (N, 1, H, W)
    ims = F.interpolate(ims, size=(a.size, a.size), mode="bilinear", align_corners=False, antialias=True)
    return (ims - 0.45) / 0.25, torch.tensor([[int(v) for v in x[3:]] for x in r])


x_train, y_train = load("TRAIN")
x_val, y_val = load("VAL")


class Block(nn.Module):
    def __init__(self, i, o, stride):
        super().__init__()
        self.c1, self.b1 = nn.Conv2d(i, o, 3, stride, 1, bias=False), nn.BatchNorm2d(o)
        self.c2, self.b2 = nn.Conv2d(o, o, 3, 1, 1, bias=False), nn.BatchNorm2d(o)
        self.down = None if i == o and stride == 1 else nn.Sequential(nn.Conv2d(i, o, 1, stride, bias=False), nn.BatchNorm2d(o))

    def forward(self, x):
        y = self.b2(self.c2(F.relu(self.b1(self.c1(x)))))
        return F.relu(y + (x if self.down is None else self.down(x)))


class Net(nn.Module):
    def __init__(self, w, entities):
        super().__init__()
        c = 4 * w
        self.backbone = nn.Sequential(
            nn.Conv2d(1, w, 7, 2, 3, bias=False), nn.BatchNorm2d(w), nn.ReLU(), nn.MaxPool2d(3, 2, 1),
            Block(w, w, 1), Block(w, w, 1), Block(w, 2 * w, 2), Block(2 * w, 2 * w, 1),
            Block(2 * w, c, 2), Block(c, c, 1))
        self.pooled = nn.Linear(c, entities)  # plain / pooled
        if a.head != "plain":
            self.res_l1, self.res_l2 = nn.Linear(c, c), nn.Linear(c, a.d)
            nn.init.kaiming_normal_(self.res_l1.weight)
            self.queries = nn.Parameter(torch.randn(entities, a.d))
            layer = nn.TransformerDecoderLayer(a.d, 4, 4 * a.d, 0.0, batch_first=True, norm_first=True)
            self.decoder = nn.TransformerDecoder(layer, a.layers, norm=nn.LayerNorm(a.d))
            self.classifier = nn.Linear(a.d, 1)  # shared by all entities (MedKLIP)
            self.per_entity = nn.Parameter(torch.randn(entities, a.d) * 0.02)
            self.per_entity_bias = nn.Parameter(torch.zeros(entities))

    def forward(self, x):  # x: (B, 1, S, S) -> logits (B, 75)
        f = self.backbone(x)  # (B, C, S/16, S/16)
        if a.head == "plain":
            return self.pooled(f.mean((2, 3)))
        memory = self.res_l2(F.relu(self.res_l1(f.flatten(2).transpose(1, 2))))  # (B, P, d)
        out = self.decoder(self.queries.expand(x.shape[0], -1, -1), memory)  # (B, 75, d)
        if a.head == "percls":
            return (out * self.per_entity).sum(-1) + self.per_entity_bias
        logits = self.classifier(out).squeeze(-1)
        return logits + self.pooled(f.mean((2, 3))) if a.head == "pooled" else logits


net = Net(a.width, len(names))
target = y_train.clamp(min=0).float()
known = (y_train >= 0).float()
pos = target.sum(0)
# positive targets weighted (negatives / positives)^0.5, at most 20 (positive_weight_power 0.5)
pos_weight = torch.where(pos > 0, ((known.sum(0) - pos) / pos.clamp(min=1)).pow(0.5).clamp(max=20), torch.ones_like(pos))
opt = torch.optim.AdamW(net.parameters(), lr=a.lr, weight_decay=0.02)
steps = a.epochs * math.ceil(len(x_train) / a.batch)
sched = torch.optim.lr_scheduler.LambdaLR(
    opt, lambda s: min(1, (s + 1) / 20) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * s / steps))))


def rotate(x):
    t = (torch.rand(x.shape[0]) * 2 - 1) * a.rotation * math.pi / 180
    theta = torch.zeros(x.shape[0], 2, 3)
    theta[:, 0, 0], theta[:, 0, 1], theta[:, 1, 0], theta[:, 1, 1] = t.cos(), -t.sin(), t.sin(), t.cos()
    return F.grid_sample(x, F.affine_grid(theta, x.shape, align_corners=False), align_corners=False)


def auroc(scores, labels):
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    s = scores[order]
    i = 0
    while i < len(s):  # average ranks over ties
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    npos = labels.sum()
    return (ranks[labels == 1].sum() - npos * (npos + 1) / 2) / (npos * (len(labels) - npos))


def evaluate(x, y):
    net.eval()
    with torch.no_grad():
        s = torch.cat([net(x[i:i + 200]) for i in range(0, len(x), 200)]).numpy()
    net.train()
    out = {}
    for e, name in enumerate(names):
        keep = y[:, e].numpy() >= 0
        labels = y[keep, e].numpy()
        if 0 < labels.sum() < len(labels):
            out[name] = auroc(s[keep, e], labels)
    return out


t0 = time.time()
for epoch in range(1, a.epochs + 1):
    perm = torch.randperm(len(x_train))
    for i in range(0, len(x_train), a.batch):
        idx = perm[i:i + a.batch]
        x = rotate(x_train[idx]) if a.rotation > 0 else x_train[idx]
        weight = known[idx] * torch.where(target[idx] > 0, pos_weight, torch.ones_like(pos_weight))
        loss = F.binary_cross_entropy_with_logits(net(x), target[idx], weight=weight, reduction="sum") / known[idx].sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
    if epoch % 6 == 0 or epoch == a.epochs:
        v = evaluate(x_val, y_val)
        print(f"epoch {epoch} ({time.time() - t0:.0f} s): validation AUROC {np.mean(list(v.values())):.4f}", flush=True)
val, train = evaluate(x_val, y_val), evaluate(x_train, y_train)
print(f"head {a.head}, {a.size} px, seed {a.seed}: validation AUROC {np.mean(list(val.values())):.4f} over {len(val)} "
      f"entities, training {np.mean([train[k] for k in val]):.4f}")
for k in ["opacity", "nodule", "fracture", "thicken", "mass", "calcification", "consolidation", "pneumonia"]:
    if k in val:
        print(f"  {k:14s} validation {val[k]:.3f}  training {train[k]:.3f}")
