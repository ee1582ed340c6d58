#!/usr/bin/python3
"""The PyTorch side of benchmarks/vs-pytorch.sh: the same workloads as `./revtaf bench resnet` and
`./revtaf bench decoder` (src/main/java/org/revtaf/bench/ResNetWorkload.java, DecoderWorkload.java),
timed the same way (ModelStepTimer: WARMUP untimed steps, then the median of ITERS steps; a training
step is forward + loss + backward + gradients cleared, no optimizer; forward is eval mode without
autograd). Prints one JSON line per workload.

usage: bench_models.py resnet [--depth 50] [--size 224] [--batch 8] [--warmup 3] [--iters 3] [--threads 2]
       bench_models.py decoder [--layers 12] [--width 768] [--seq 100] [--batch 8] [--warmup 3] [--iters 3] [--threads 2]
"""

import argparse
import json
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_models as tm  # noqa: E402


CPU = {}  # median process CPU seconds (all threads) of the last timed steps, by kind


def median_seconds(step, warmup, iters, kind):
    for _ in range(warmup):
        step()
    t, cpu = [], []
    for _ in range(iters):
        c, a = time.process_time(), time.perf_counter()
        step()
        t.append(time.perf_counter() - a)
        cpu.append(time.process_time() - c)
    CPU[kind] = statistics.median(cpu)
    return statistics.median(t)


def timed(model, loss_fn, forward_fn, warmup, iters):
    def train_step():
        loss_fn().backward()
        model.zero_grad(set_to_none=True)

    def forward_step():
        with torch.no_grad():
            forward_fn()

    model.train()
    train = median_seconds(train_step, warmup, iters, "train_cpu_s")
    model.eval()
    fwd = median_seconds(forward_step, warmup, iters, "forward_cpu_s")
    return train, fwd


def resnet(a):
    ctor = {18: torchvision.models.resnet18, 34: torchvision.models.resnet34,
            50: torchvision.models.resnet50, 101: torchvision.models.resnet101}[a.depth]
    torch.manual_seed(1)
    net = ctor(num_classes=1000)
    x = torch.randn(a.batch, 3, a.size, a.size)
    y = torch.tensor([i * 37 % 1000 for i in range(a.batch)])
    train, fwd = timed(net, lambda: F.cross_entropy(net(x), y), lambda: net(x), a.warmup, a.iters)
    return {"name": "resnet", "depth": a.depth, "size": a.size, "batch": a.batch,
            "train_s": train, "train_items_per_s": a.batch / train, "forward_items_per_s": a.batch / fwd}


def decoder(a):
    torch.manual_seed(1)
    dec = tm.BlipLmDecoder(a.vocab, a.width, a.layers, a.width // 64, 4 * a.width, max(512, a.seq), 1e-12, 0.1,
                           a.memory_width)
    g = torch.Generator().manual_seed(2)
    ids = torch.randint(1, a.vocab, (a.batch, a.seq), generator=g)
    keep = torch.ones(a.batch, a.seq, dtype=torch.long)
    memory = torch.randn(a.batch, a.memory, a.memory_width, generator=g)
    train, fwd = timed(dec, lambda: tm.BlipLmDecoder.loss(dec(ids, keep, memory), ids, 0.1),
                       lambda: dec(ids, keep, memory), a.warmup, a.iters)
    return {"name": "decoder", "layers": a.layers, "width": a.width, "seq": a.seq, "batch": a.batch,
            "train_s": train, "train_items_per_s": a.batch / train, "forward_items_per_s": a.batch / fwd}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="workload", required=True)
    r = sub.add_parser("resnet")
    r.add_argument("--depth", type=int, default=50, choices=[18, 34, 50, 101])
    r.add_argument("--size", type=int, default=224)
    r.add_argument("--batch", type=int, default=8)
    d = sub.add_parser("decoder")
    d.add_argument("--layers", type=int, default=12)
    d.add_argument("--width", type=int, default=768)
    d.add_argument("--seq", type=int, default=100)
    d.add_argument("--batch", type=int, default=8)
    d.add_argument("--memory", type=int, default=49)
    d.add_argument("--memory-width", type=int, default=2048)
    d.add_argument("--vocab", type=int, default=30527)
    for s in (r, d):
        s.add_argument("--warmup", type=int, default=3)
        s.add_argument("--iters", type=int, default=3)
        s.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    out = resnet(a) if a.workload == "resnet" else decoder(a)
    out.update(CPU, threads=torch.get_num_threads(), torch=torch.__version__)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
