"""PyTorch side of bench/suites/pytorch.mjs: a line-oriented server (one JSON command per stdin line,
one JSON answer per stdout line), so that the bench can alternate our runs with PyTorch's in the same
process lifetime without paying torch's import each time.

Commands:
  {"cmd": "info"}                                      torch version, threads, BLAS library, oneDNN
  {"cmd": "model", "layers": [...], "lr": .., "momentum": ..}   nn.Sequential from our layer configs
  {"cmd": "data", "name": "train"|"test", "images": path, "labels": path, "count": n}
  {"cmd": "train", "batches": n, "batchSize": 64}      seconds for n SGD steps over the train data
  {"cmd": "infer", "batchSize": 1000}                  seconds and accuracy over the test data
"""

import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)

state = {"model": None, "opt": None, "data": {}, "cursor": 0}


def pair(v):
    return tuple(v) if isinstance(v, list) else (v, v)


def padding(p, kernel):
    if p == "same":
        k = pair(kernel)
        return (k[0] // 2, k[1] // 2)
    if p == "valid":
        return (0, 0)
    return pair(p)


def layer(cfg, in_shape):
    """A torch module for one of our layer configs (`type` in either casing), given its input shape."""
    t = cfg["type"].lower()
    if t == "conv2d":
        return nn.Conv2d(in_shape[0], cfg["filters"], pair(cfg["kernelSize"]), stride=pair(cfg.get("stride", 1)),
                         padding=padding(cfg.get("padding", 0), cfg["kernelSize"]), bias=cfg.get("useBias", True))
    if t in ("maxpool2d", "avgpool2d"):
        cls = nn.MaxPool2d if t == "maxpool2d" else nn.AvgPool2d
        size = cfg.get("poolSize", 2)
        return cls(pair(size), stride=pair(cfg.get("stride", size)), padding=padding(cfg.get("padding", 0), size))
    if t == "dense":
        return nn.Linear(in_shape[0], cfg["units"], bias=cfg.get("useBias", True))
    if t == "flatten":
        return nn.Flatten()
    if t == "relu":
        return nn.ReLU()
    if t == "batchnorm2d":
        return nn.BatchNorm2d(in_shape[0], eps=cfg.get("eps", 1e-5), momentum=cfg.get("momentum", 0.1))
    if t == "batchnorm1d":
        return nn.BatchNorm1d(in_shape[0], eps=cfg.get("eps", 1e-5), momentum=cfg.get("momentum", 0.1))
    if t == "dropout":
        return nn.Dropout(cfg.get("rate", 0.5))
    raise ValueError(f"no PyTorch module for layer type {cfg['type']!r}")


def blas_library():
    """The BLAS shared object this process actually mapped (after a GEMM has run)."""
    torch.mm(torch.randn(64, 64), torch.randn(64, 64))
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1]
            if "blas" in path or "mkl" in path.lower():
                libs.add(path)
    return sorted(libs)


def handle(c):
    cmd = c["cmd"]
    if cmd == "info":
        return {"torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas_library(),
                "onednn": torch.backends.mkldnn.is_available(),
                "onednnVersion": next((l.strip() for l in torch.__config__.show().split("\n") if "MKL-DNN" in l or "oneDNN" in l), None),
                "capability": next((l.strip() for l in torch.__config__.show().split("\n") if "CPU capability" in l), None)}
    if cmd == "model":
        torch.manual_seed(0)
        mods = [layer(cfg, shape) for cfg, shape in zip(c["layers"], c["inputShapes"])]
        state["model"] = nn.Sequential(*mods)
        state["opt"] = torch.optim.SGD(state["model"].parameters(), lr=c["lr"], momentum=c["momentum"])
        return {"parameters": sum(p.numel() for p in state["model"].parameters())}
    if cmd == "data":
        with open(c["images"], "rb") as f:
            images = torch.frombuffer(bytearray(f.read()), dtype=torch.uint8)
        with open(c["labels"], "rb") as f:
            labels = torch.frombuffer(bytearray(f.read()), dtype=torch.uint8)
        n = c["count"]
        x = images[: n * 784].reshape(n, 1, 28, 28)
        state["data"][c["name"]] = (x, labels[:n].to(torch.int64))
        return {"count": n}
    if cmd == "train":
        model, opt = state["model"], state["opt"]
        x, y = state["data"]["train"]
        bs = c["batchSize"]
        model.train()
        t = time.perf_counter()
        for _ in range(c["batches"]):
            i = state["cursor"]
            if i + bs > len(y):
                i = 0
            state["cursor"] = i + bs
            # Bytes → float32 per batch, as our side does.
            xb = x[i:i + bs].to(torch.float32).div_(255)
            opt.zero_grad(set_to_none=True)
            F.cross_entropy(model(xb), y[i:i + bs]).backward()
            opt.step()
        return {"seconds": time.perf_counter() - t}
    if cmd == "infer":
        model = state["model"]
        x, y = state["data"]["test"]
        bs = c["batchSize"]
        model.eval()
        correct = 0
        t = time.perf_counter()
        with torch.no_grad():
            for i in range(0, len(y), bs):
                out = model(x[i:i + bs].to(torch.float32).div_(255))
                correct += int((out.argmax(1) == y[i:i + bs]).sum())
        return {"seconds": time.perf_counter() - t, "accuracy": correct / len(y)}
    raise ValueError(f"unknown command {cmd!r}")


for line in sys.stdin:
    try:
        answer = handle(json.loads(line))
    except Exception as e:  # the bench prints it and goes on without PyTorch
        answer = {"error": f"{type(e).__name__}: {e}"}
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()
