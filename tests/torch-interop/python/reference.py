"""PyTorch references for scratchnet's interop suite.

Usage: reference.py REQUEST.json RESPONSE.json

The request holds a list of cases (layers, losses, optimizers, model files), every tensor as
{"shape": [...], "data": [...]} with float32 values written exactly; the response maps each case id
to its PyTorch results in the same form. Everything runs in float32 on the CPU.
"""

import json
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)


def tensor(t, dtype=torch.float32):
    return torch.tensor(t["data"], dtype=dtype).reshape(t["shape"])


def out(t):
    t = t.detach()
    return {"shape": list(t.shape), "data": t.reshape(-1).tolist()}


def pair(v):
    return tuple(v) if isinstance(v, list) else (v, v)


def module(spec):
    """A torch module from a layer spec (the same spec the TypeScript side builds its layer from)."""
    kind = spec["kind"]
    if kind == "conv2d":
        return nn.Conv2d(spec["in"], spec["out"], pair(spec["kernel"]), stride=pair(spec.get("stride", 1)),
                         padding=pair(spec.get("padding", 0)), bias=spec.get("bias", True))
    if kind == "maxpool2d":
        return nn.MaxPool2d(pair(spec["kernel"]), stride=pair(spec.get("stride", spec["kernel"])),
                            padding=pair(spec.get("padding", 0)))
    if kind == "avgpool2d":
        return nn.AvgPool2d(pair(spec["kernel"]), stride=pair(spec.get("stride", spec["kernel"])),
                            padding=pair(spec.get("padding", 0)),
                            count_include_pad=spec.get("countIncludePad", True))
    if kind == "linear":
        return nn.Linear(spec["in"], spec["out"], bias=spec.get("bias", True))
    if kind == "flatten":
        return nn.Flatten()
    if kind == "relu":
        return nn.ReLU()
    if kind == "leakyrelu":
        return nn.LeakyReLU(spec["slope"])
    if kind == "sigmoid":
        return nn.Sigmoid()
    if kind == "tanh":
        return nn.Tanh()
    if kind == "softmax":
        return nn.Softmax(dim=-1)
    if kind == "batchnorm1d":
        return nn.BatchNorm1d(spec["features"], eps=spec.get("eps", 1e-5), momentum=spec.get("momentum", 0.1))
    if kind == "batchnorm2d":
        return nn.BatchNorm2d(spec["features"], eps=spec.get("eps", 1e-5), momentum=spec.get("momentum", 0.1))
    if kind == "dropout":
        return nn.Dropout(spec["p"])
    raise ValueError(f"unknown layer kind {kind!r}")


def load_state(m, state):
    """Copies {name: tensor} into a module's parameters and buffers (names as in its state_dict)."""
    sd = m.state_dict()
    for name, t in state.items():
        sd[name].copy_(tensor(t, sd[name].dtype))


def layer_case(c):
    m = module(c["layer"])
    load_state(m, c.get("state", {}))
    m.train(c["training"])
    res = {}
    if c["layer"]["kind"] == "dropout" and c["training"]:
        # Dropout's random draws differ between the two libraries: check that torch's own draw follows
        # the same rule (y = x·keep/(1 − p)), then apply the mask the TypeScript side drew.
        p = c["layer"]["p"]
        x0 = tensor(c["inputs"][0])
        y0 = m(x0)
        keep = (y0 != 0).to(torch.float32)
        res["torchRuleError"] = float((y0 - x0 * keep / (1 - p)).abs().max())
        mask = tensor(c["mask"])
        fn = lambda x: x * mask / (1 - p)  # noqa: E731
    else:
        fn = m
    y = None
    x = None
    for inp in c["inputs"]:
        x = tensor(inp).requires_grad_(True)
        y = fn(x)
    y.backward(tensor(c["dy"]))
    res["y"] = out(y)
    res["dx"] = out(x.grad)
    res["grads"] = {n: out(p.grad) for n, p in m.named_parameters()}
    res["buffers"] = {n: out(b.to(torch.float32)) for n, b in m.named_buffers()}
    return res


def loss_case(c):
    x = tensor(c["output"]).requires_grad_(True)
    target = tensor(c["target"], torch.int64 if c["labels"] else torch.float32)
    kind = c["loss"]
    if kind == "softmaxCrossEntropy":
        loss = F.cross_entropy(x, target)
    elif kind == "mse":
        t = F.one_hot(target, x.shape[1]).to(torch.float32) if c["labels"] else target
        loss = F.mse_loss(x, t)
    elif kind == "categoricalCrossEntropy":
        eps = c["epsilon"]
        logp = torch.log(x.clamp(eps, 1 - eps))
        loss = F.nll_loss(logp, target) if c["labels"] else -(target * logp).sum(dim=1).mean()
    else:
        raise ValueError(f"unknown loss {kind!r}")
    loss.backward()
    return {"loss": float(loss), "grad": out(x.grad)}


def optimizer(kind, params, o):
    if kind == "sgd":
        return torch.optim.SGD(params, lr=o["lr"], momentum=o.get("momentum", 0), dampening=o.get("dampening", 0),
                               weight_decay=o.get("weightDecay", 0), nesterov=o.get("nesterov", False))
    if kind in ("adam", "adamw"):
        cls = torch.optim.Adam if kind == "adam" else torch.optim.AdamW
        return cls(params, lr=o["lr"], betas=tuple(o.get("betas", (0.9, 0.999))), eps=o.get("eps", 1e-8),
                   weight_decay=o.get("weightDecay", 0 if kind == "adam" else 1e-2), amsgrad=o.get("amsgrad", False))
    if kind == "rmsprop":
        return torch.optim.RMSprop(params, lr=o["lr"], alpha=o.get("alpha", 0.99), eps=o.get("eps", 1e-8),
                                   weight_decay=o.get("weightDecay", 0), momentum=o.get("momentum", 0),
                                   centered=o.get("centered", False))
    if kind == "adagrad":
        return torch.optim.Adagrad(params, lr=o["lr"], lr_decay=o.get("lrDecay", 0),
                                   weight_decay=o.get("weightDecay", 0),
                                   initial_accumulator_value=o.get("initialAccumulatorValue", 0), eps=o.get("eps", 1e-10))
    raise ValueError(f"unknown optimizer {kind!r}")


def optimizer_case(c):
    names = list(c["params"].keys())
    params = [tensor(c["params"][n]).requires_grad_(True) for n in names]
    opt = optimizer(c["optimizer"], params, c["options"])
    steps = []
    for grads in c["grads"]:
        for n, p in zip(names, params):
            p.grad = tensor(grads[n])
        opt.step()
        steps.append({n: out(p) for n, p in zip(names, params)})
    state = {}
    for n, p in zip(names, params):
        for slot, v in opt.state[p].items():
            if torch.is_tensor(v) and v.dim() > 0:
                state[f"{n}.{slot}"] = out(v)
    return {"steps": steps, "state": state}


# ---- safetensors, parsed and written here (8-byte header length, JSON header, raw little-endian data) ----

DTYPES = {"F32": (torch.float32, 4), "F64": (torch.float64, 8), "I64": (torch.int64, 8), "I32": (torch.int32, 4)}


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", None)
    data = raw[8 + n:]
    tensors = {}
    for name, e in header.items():
        dtype, size = DTYPES[e["dtype"]]
        begin, end = e["data_offsets"]
        count = (end - begin) // size
        t = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype, count=count) if count > 0 else torch.zeros(0, dtype=dtype)
        tensors[name] = t.reshape(e["shape"]).clone()
    return tensors, meta


def write_safetensors(path, tensors, meta):
    names = sorted(tensors)
    header = {}
    blobs = []
    offset = 0
    for name in names:
        t = tensors[name].detach().contiguous()
        dtype = {torch.float32: "F32", torch.int64: "I64", torch.int32: "I32"}[t.dtype]
        b = t.numpy().tobytes() if t.numel() > 0 else b""
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    if meta is not None:
        header["__metadata__"] = meta
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def model_case(c):
    """Loads our model file into nn.Sequential, runs it, trains it one SGD step, saves it back."""
    model = nn.Sequential(*[module(s) for s in c["layers"]])
    tensors, meta = read_safetensors(c["file"])
    result = model.load_state_dict(tensors, strict=True)
    model.eval()
    with torch.no_grad():
        y = model(tensor(c["x"]))
    # One training step in PyTorch (batch statistics update the running ones too), then save.
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    opt.zero_grad()
    F.cross_entropy(model(tensor(c["trainX"])), tensor(c["trainY"], torch.int64)).backward()
    opt.step()
    model.eval()
    with torch.no_grad():
        y2 = model(tensor(c["x"]))
    write_safetensors(c["out"], model.state_dict(), meta)
    return {"y": out(y), "yAfterStep": out(y2), "missing": list(result.missing_keys),
            "unexpected": list(result.unexpected_keys), "names": sorted(tensors)}


HANDLERS = {"layer": layer_case, "loss": loss_case, "optimizer": optimizer_case, "model": model_case}


def main():
    with open(sys.argv[1]) as f:
        request = json.load(f)
    results = {}
    for c in request["cases"]:
        try:
            results[c["id"]] = HANDLERS[c["kind"]](c)
        except Exception as e:  # reported per case, so one bad case does not hide the others
            results[c["id"]] = {"error": f"{type(e).__name__}: {e}"}
    with open(sys.argv[2], "w") as f:
        json.dump({"torch": torch.__version__, "results": results}, f)


if __name__ == "__main__":
    main()
