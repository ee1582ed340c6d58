#!/usr/bin/python3
"""Writes the PyTorch parity fixtures under src/test/resources/org/revtaf/parity (issue 16).

Small models with fixed seeds; for each: the weights by their PyTorch names (weights.safetensors,
imported in Java through org.revtaf.nn.WeightMapping), inputs, outputs and input gradients as .npy,
parameter gradients as grads/<PyTorch name>.npy, state after a step (BatchNorm running statistics)
as after/<PyTorch name>.npy. Weights and inputs are drawn in float32; the golden values are
computed in float64 from them (the Java tests run float32) and stored as float32. Dropout is 0.

Needs Debian's python3-torch (1.13), python3-torchvision (0.14), python3-pot (0.8) and numpy:
    apt-get install -y python3-torch python3-torchvision python3-pot
    /usr/bin/python3 benchmarks/pytorch/make_fixtures.py [OUT_DIR]
The Java tests (org.revtaf.parity.*) read the files; they never run Python.
"""

import json
import os
import shutil
import struct
import sys

import numpy as np
import ot
import torch
import torchvision
from torch import nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_models as tm  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "src/test/resources/org/revtaf/parity")

_ST_DTYPES = {np.dtype(np.float32): "F32", np.dtype(np.float64): "F64", np.dtype(np.int64): "I64"}


# ---- writers -----------------------------------------------------------------------------------


def _np(x):
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().numpy()
    x = np.asarray(x)
    if x.dtype == np.float64:
        x = x.astype(np.float32)
    if x.dtype not in (np.float32, np.int64):
        raise ValueError(f"unexpected dtype {x.dtype}")
    return np.ascontiguousarray(x)


def save(d, name, x):
    path = os.path.join(d, name + ".npy")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.save(path, _np(x))


def write_safetensors(path, tensors):
    """The safetensors layout (no Debian package): u64 LE header size, JSON header padded with
    spaces to 8 bytes, then the raw little-endian data, tensors ordered by element size then name."""
    arrays = {k: _np(v) for k, v in tensors.items()}
    order = sorted(arrays, key=lambda k: (-arrays[k].dtype.itemsize, k))
    header, blobs, offset = {}, [], 0
    for k in order:
        b = arrays[k].tobytes()
        header[k] = {"dtype": _ST_DTYPES[arrays[k].dtype], "shape": list(arrays[k].shape),
                     "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def save_weights(d, module, prefix=""):
    """The state dict (float32, as a checkpoint) by PyTorch name, tied tensors written twice."""
    sd = {prefix + k: (v.float() if v.is_floating_point() else v.long()) for k, v in module.state_dict().items()}
    write_safetensors(os.path.join(d, "weights.safetensors"), sd)


def save_grads(d, module, prefix=""):
    for k, p in module.named_parameters():
        if p.grad is not None:
            save(d, "grads/" + prefix + k, p.grad)


def start(name, seed):
    """A fresh fixture directory and a seeded generator (torch's global seed set too)."""
    d = os.path.join(OUT, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    torch.manual_seed(seed)
    return d, torch.Generator().manual_seed(seed)


def randn(gen, *shape, scale=1.0):
    return (torch.randn(*shape, generator=gen) * scale).float()


def bert_scales(module):
    """Embedding tables at BERT's 0.02 scale (LayerNorm inputs of variance ~1e-3, where its eps
    1e-12 vs 1e-5 shows) and wide FFN / LM-transform pre-activations (std ~2, where erf and tanh
    GELU differ)."""
    with torch.no_grad():
        for name, p in module.named_parameters():
            if "_embeddings." in name:
                p.mul_(0.2)
            elif name.endswith("intermediate.dense.weight") or name.endswith("transform.dense.weight"):
                p.mul_(5.0)
            elif name.endswith(".output.dense.weight") and "attention" not in name:
                p.mul_(3.0)  # the FFN's share of the residual sum


def randomize(module, gen, scale=0.1):
    """Every floating parameter and buffer redrawn (float32), so no convention hides behind 0/1."""
    with torch.no_grad():
        for name, t in list(module.named_parameters()) + list(module.named_buffers()):
            if not t.is_floating_point():
                continue
            if name.endswith("running_var"):
                t.copy_(torch.rand(t.shape, generator=gen) + 0.5)
            elif name.endswith("weight") and t.dim() == 1:  # norm scales around 1
                t.copy_(1.0 + randn(gen, *t.shape, scale=0.2))
            else:
                t.copy_(randn(gen, *t.shape, scale=scale))


# ---- ResNet (torchvision) ----------------------------------------------------------------------


def narrow_resnet(block, layers, width, num_classes, stages):
    """torchvision's ResNet built by its own _make_layer with base width `width` (torchvision fixes
    64): conv1/bn1/maxpool, layer1..layer<stages> (stride on the 3x3 of a bottleneck, v1.5), fc."""
    m = torchvision.models.resnet.ResNet(block, [1, 1, 1, 1], num_classes=1)
    m.inplanes = width
    m.conv1 = nn.Conv2d(3, width, kernel_size=7, stride=2, padding=3, bias=False)
    m.bn1 = nn.BatchNorm2d(width)
    for s in range(4):
        if s < stages:
            setattr(m, f"layer{s + 1}", m._make_layer(block, width << s, layers[s], stride=1 if s == 0 else 2))
        else:
            delattr(m, f"layer{s + 1}")
    m.fc = nn.Linear(m.inplanes, num_classes) if num_classes else None
    if m.fc is None:
        delattr(m, "fc")
    return m


def resnet_features(m, x, stages):
    h = m.maxpool(m.relu(m.bn1(m.conv1(x))))
    for s in range(stages):
        h = getattr(m, f"layer{s + 1}")(h)
    return h


def fixture_resnet(name, block, layers, width, classes, stages, size, seed):
    """Train-mode forward, loss, backward (input and weight gradients), BatchNorm running
    statistics after the step, then an eval-mode forward with them."""
    d, gen = start(name, seed)
    m = narrow_resnet(block, layers, width, classes, stages)
    randomize(m, gen, scale=0.3)
    for mod in m.modules():
        if isinstance(mod, nn.BatchNorm2d):
            mod.num_batches_tracked.fill_(3)
    save_weights(d, m)
    x = randn(gen, 2, 3, *size)  # odd sizes: the stride / padding arithmetic shows
    save(d, "x", x)
    m = m.double().train()
    xd = x.double().requires_grad_(True)
    if classes:
        y = torch.tensor([1, classes - 2], dtype=torch.long)
        out = m(xd)
        loss = F.cross_entropy(out, y)
        save(d, "y", y)
    else:
        out = resnet_features(m, xd, stages)
        r = randn(gen, *out.shape)
        loss = (out * r.double()).sum()
        save(d, "r", r)
    loss.backward()
    save(d, "out", out)
    save(d, "loss", loss.reshape(1))
    save(d, "x_grad", xd.grad)
    save_grads(d, m)
    for k, v in m.state_dict().items():
        if "running_" in k:
            save(d, "after/" + k, v)
    m.eval()
    with torch.no_grad():
        save(d, "out_eval", m(xd) if classes else resnet_features(m, xd, stages))


# ---- BERT encoder and BLIP decoder (Hugging Face conventions) ----------------------------------


def fixture_bert_encoder(seed=11):
    d, gen = start("bert_encoder", seed)
    vocab, hidden, layers, heads, inner, positions = 50, 16, 2, 2, 32, 24
    m = tm.HfBertModel(vocab, hidden, layers, heads, inner, positions, 2, 1e-12, 0.0)
    randomize(m, gen)
    bert_scales(m)
    wrapper = nn.Module()
    wrapper.bert = m
    save_weights(d, wrapper)
    ids = torch.tensor([[2, 17, 5, 33, 8, 41, 3, 12, 9], [2, 7, 19, 44, 3, 0, 0, 0, 0]], dtype=torch.long)
    keep = torch.tensor([[1] * 9, [1] * 5 + [0] * 4], dtype=torch.long)
    types = torch.tensor([[0] * 5 + [1] * 4, [0] * 3 + [1] * 6], dtype=torch.long)
    r_hidden, r_pooled = randn(gen, 2, 9, hidden), randn(gen, 2, hidden)
    for k, v in {"ids": ids, "keep": keep, "token_types": types, "r_hidden": r_hidden, "r_pooled": r_pooled}.items():
        save(d, k, v)
    torch.set_default_dtype(torch.float64)
    m = m.double().eval()
    h = m(ids, keep, types)
    pooled = m.pooler(h)
    loss = (h * r_hidden.double()).sum() + (pooled * r_pooled.double()).sum()
    loss.backward()
    torch.set_default_dtype(torch.float32)
    save(d, "hidden", h)
    save(d, "pooled", pooled)
    save_grads(d, m, "bert.")


def fixture_blip_decoder(seed=12):
    d, gen = start("blip_decoder", seed)
    vocab, hidden, layers, heads, inner, positions, mem_width = 40, 16, 2, 2, 32, 16, 12
    m = tm.BlipLmDecoder(vocab, hidden, layers, heads, inner, positions, 1e-12, 0.0, mem_width)
    randomize(m, gen)
    bert_scales(m)
    save_weights(d, m)
    ids = torch.tensor([[30, 31, 35, 6, 9, 21, 4, 13], [30, 32, 36, 17, 8, 2, 0, 0]], dtype=torch.long)
    keep = (ids != 0).long()
    labels = ids.masked_fill(keep == 0, -100).clone()
    labels[:, :3] = -100  # the prompt ([DEC] + status tokens) is not predicted
    memory = randn(gen, 2, 7, mem_width)
    for k, v in {"ids": ids, "keep": keep, "labels": labels, "memory": memory}.items():
        save(d, k, v)
    torch.set_default_dtype(torch.float64)
    m = m.double().eval()
    mem = memory.double().requires_grad_(True)
    logits = m(ids, keep, mem)
    loss = tm.BlipLmDecoder.loss(logits, labels, 0.1)
    loss.backward()
    torch.set_default_dtype(torch.float32)
    save(d, "logits", logits)
    save(d, "loss", loss.reshape(1))
    save(d, "memory_grad", mem.grad)
    save_grads(d, m)


# ---- DETR memory and MedKLIP decoder -----------------------------------------------------------


def fixture_detr(seed=13):
    d, gen = start("detr", seed)
    dm, heads, ffn, batch, items, queries = 16, 4, 24, 2, 6, 3
    m = tm.DetrTransformer(dm, heads, ffn, 1, 2, 0.0)
    randomize(m, gen, scale=0.3)
    wrapper = nn.Module()
    wrapper.memory = m  # REVTAF / PromptMRG checkpoints hold it as "memory."
    save_weights(d, wrapper)
    src, query_pos = randn(gen, batch, items, dm), randn(gen, batch, queries, dm)
    keep = torch.tensor([[1] * items, [1] * (items - 2) + [0, 0]], dtype=torch.long)
    r = randn(gen, batch, queries, dm)
    for k, v in {"src": src, "query_pos": query_pos, "keep": keep, "r": r}.items():
        save(d, k, v)
    m = m.double().eval()
    s = src.double().requires_grad_(True)
    qp = query_pos.double().requires_grad_(True)
    out = m(s.transpose(0, 1), keep == 0, qp.transpose(0, 1)).transpose(0, 1)  # (B, Q, d)
    (out * r.double()).sum().backward()
    save(d, "out", out)
    save(d, "src_grad", s.grad)
    save(d, "query_pos_grad", qp.grad)
    save_grads(d, wrapper, "")


def fixture_medklip(seed=14):
    d, gen = start("medklip", seed)
    dm, heads, ffn, layers, batch, queries, items = 16, 4, 24, 2, 2, 5, 6
    m = tm.MedklipDecoder(dm, heads, ffn, layers, 0.0)
    randomize(m, gen, scale=0.3)
    wrapper = nn.Module()
    wrapper.module = m  # a DataParallel checkpoint: "module." is stripped on import
    save_weights(d, wrapper)
    queries_in, memory, r = randn(gen, batch, queries, dm), randn(gen, batch, items, dm), randn(gen, batch, queries, dm)
    for k, v in {"queries": queries_in, "memory": memory, "r": r}.items():
        save(d, k, v)
    m = m.double().eval()
    q = queries_in.double().requires_grad_(True)
    mem = memory.double().requires_grad_(True)
    out, ws = m(q.transpose(0, 1), mem.transpose(0, 1))
    out = out.transpose(0, 1)
    (out * r.double()).sum().backward()
    save(d, "out", out)
    save(d, "ws", torch.stack(ws))  # (layers, B, Q, S), cross-attention averaged over heads
    save(d, "queries_grad", q.grad)
    save(d, "memory_grad", mem.grad)
    save_grads(d, m)


# ---- losses, optimizer, schedule ---------------------------------------------------------------


def fixture_cross_entropy(seed=15):
    d, gen = start("cross_entropy", seed)
    # token loss: label smoothing 0.1, ignore index -100
    logits = randn(gen, 10, 7, scale=2.0)
    target = torch.tensor([3, -100, 0, 6, 2, -100, 5, 1, 1, 4], dtype=torch.long)
    ld = logits.double().requires_grad_(True)
    loss = F.cross_entropy(ld, target, ignore_index=-100, label_smoothing=0.1)
    loss.backward()
    for k, v in {"logits": logits, "target": target, "loss": loss.reshape(1), "logits_grad": ld.grad}.items():
        save(d, k, v)
    # PromptMRG classifier: Linear(..., 72) output viewed (B, 4, 18), CE over the 4 states (dim 1)
    cls = randn(gen, 3, 72)
    labels = torch.randint(0, 4, (3, 18), generator=gen)
    cd = cls.double().requires_grad_(True)
    closs = nn.CrossEntropyLoss()(cd.view(-1, 4, 18), labels)
    closs.backward()
    for k, v in {"cls_logits": cls, "cls_labels": labels, "cls_loss": closs.reshape(1), "cls_logits_grad": cd.grad}.items():
        save(d, k, v)


SCHEDULE = dict(max_epoch=3, init_lr=1e-2, min_lr=1e-3, warmup_steps=3, warmup_start_lr=1e-4)
STEPS = [(1, 0), (1, 1), (1, 2), (1, 3), (1, 4), (2, 0), (2, 1), (3, 0)]


def fixture_adamw(seed=16):
    """torch.optim.AdamW over 8 steps, two groups (decay for matrices, none for the rest, as our
    AdamW's decay flags), learning rate set per step by the warm-up + cosine schedule; at step 5
    the bias has no gradient (skipped: its step count does not advance)."""
    d, gen = start("adamw", seed)
    w, b, g = randn(gen, 4, 3), randn(gen, 3), 1.0 + randn(gen, 3, scale=0.1)
    params = [nn.Parameter(t.double().clone()) for t in (w, b, g)]
    opt = torch.optim.AdamW([{"params": [params[0]], "weight_decay": 0.05},
                             {"params": params[1:], "weight_decay": 0.0}],
                            lr=1.0, betas=(0.9, 0.999), eps=1e-8)
    steps = len(STEPS)
    grads = [randn(gen, steps, *p.shape) for p in params]
    has_grad = torch.ones(steps, 3, dtype=torch.long)
    has_grad[4, 1] = 0
    lrs, after = [], [[] for _ in params]
    for i, (epoch, step) in enumerate(STEPS):
        lr = tm.promptmrg_lr(epoch, step, **SCHEDULE)
        for group in opt.param_groups:
            group["lr"] = lr
        for j, p in enumerate(params):
            p.grad = grads[j][i].double().clone() if has_grad[i, j] else None
        opt.step()
        lrs.append(lr)
        for j, p in enumerate(params):
            after[j].append(p.detach().clone())
    for j, n in enumerate(["w", "b", "g"]):
        save(d, n, (w, b, g)[j])
        save(d, n + "_grads", grads[j])
        save(d, n + "_after", torch.stack(after[j]))
    save(d, "has_grad", has_grad)
    save(d, "steps", torch.tensor(STEPS, dtype=torch.long))
    np.save(os.path.join(d, "lr.npy"), np.array(lrs, dtype=np.float64))


def fixture_schedule():
    """The paper's schedule (peak 5e-5, min 5e-6, start 5e-7, 2000 warm-up steps, 6 epochs)."""
    d, _ = start("schedule", 0)
    cfg = dict(max_epoch=6, init_lr=5e-5, min_lr=5e-6, warmup_steps=2000, warmup_start_lr=5e-7)
    pts = [(1, s) for s in (0, 1, 2, 999, 1999, 2000, 2001, 5000)] + [(e, s) for e in range(2, 7) for s in (0, 777)]
    opt = torch.optim.AdamW([nn.Parameter(torch.zeros(1))], lr=1.0)
    rows = []
    for epoch, step in pts:
        lr = tm.promptmrg_lr(epoch, step, **cfg)
        for group in opt.param_groups:  # as the scheduler sets it
            group["lr"] = lr
        rows.append([epoch, step, opt.param_groups[0]["lr"]])
    np.save(os.path.join(d, "paper.npy"), np.array(rows, dtype=np.float64))
    np.save(os.path.join(d, "small.npy"), np.array(
        [[e, s, tm.promptmrg_lr(e, s, **SCHEDULE)] for e, s in STEPS], dtype=np.float64))


# ---- Sinkhorn (POT) ----------------------------------------------------------------------------


def fixture_sinkhorn(seed=17):
    """POT's log-domain Sinkhorn (ot.bregman.sinkhorn_log) run to convergence on cosine costs
    1 - cos(pixel, token), eps 0.05, uniform marginals over the valid pixels and tokens (item 1 has
    2 padded tokens: POT solves the valid block, zeros elsewhere). Gradient of sum(plan * r) with
    respect to the cost by autograd through POT's torch backend."""
    d, gen = start("sinkhorn", seed)
    b, p, t, dim, eps = 2, 12, 5, 8, 0.05
    x, y = randn(gen, b, p, dim), randn(gen, b, t, dim)
    cost = (1.0 - F.cosine_similarity(x[:, :, None], y[:, None], dim=-1)).float()  # (b, p, t)
    token_mask = torch.ones(b, t, dtype=torch.float32)
    token_mask[1, t - 2:] = 0
    r = randn(gen, b, p, t)
    plan = torch.zeros(b, p, t, dtype=torch.float64)
    grad = torch.zeros(b, p, t, dtype=torch.float64)
    for i in range(b):
        tv = int(token_mask[i].sum())
        c = cost[i, :, :tv].double().requires_grad_(True)
        a_ = torch.full((p,), 1.0 / p, dtype=torch.float64)
        b_ = torch.full((tv,), 1.0 / tv, dtype=torch.float64)
        pl = ot.bregman.sinkhorn_log(a_, b_, c, eps, numItermax=20000, stopThr=1e-14)
        (pl * r[i, :, :tv].double()).sum().backward()
        plan[i, :, :tv] = pl.detach()
        grad[i, :, :tv] = c.grad
    for k, v in {"cost": cost, "token_mask": token_mask, "r": r, "plan": plan, "cost_grad": grad}.items():
        save(d, k, v)


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    fixture_resnet("resnet18", torchvision.models.resnet.BasicBlock, [2, 2, 2, 2], 2, 5, 4, (29, 35), seed=1)
    fixture_resnet("resnet50", torchvision.models.resnet.Bottleneck, [3, 4, 6, 3], 4, 0, 2, (21, 27), seed=2)
    fixture_bert_encoder()
    fixture_blip_decoder()
    fixture_detr()
    fixture_medklip()
    fixture_cross_entropy()
    fixture_adamw()
    fixture_schedule()
    fixture_sinkhorn()
    total = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(OUT) for f in fs)
    files = sum(len(fs) for _, _, fs in os.walk(OUT))
    print(f"wrote {files} files, {total / 1024:.0f} KiB under {OUT} "
          f"(torch {torch.__version__}, torchvision {torchvision.__version__}, POT {ot.__version__})")


if __name__ == "__main__":
    main()
