#!/usr/bin/env python3
"""PyTorch reference for bench/TrainingPipeline.Bench: the same GPT, training step and sampling loop, printing the
same JSON lines, so both stacks can run side by side on one machine (bench/compare.sh).

Mirrors src/TrainingPipeline/Model/Gpt.cs: token + learned position embeddings, pre-LayerNorm blocks (LayerNorm with
bias, Linear without), causal self-attention, GELU (exact, erf) MLP 4x, final LayerNorm, output head tied to the token
embedding, GPT-2 initialisation. Training step mirrors PretrainStage: cross-entropy, backward, clip_grad_norm_(1.0),
AdamW (decay on matrices only), loss read back every step.

Run with Debian's interpreter: /usr/bin/python3 bench/reference/gpt_bench.py [--only ...] [--threads 2]
"""
import argparse
import json
import math
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

VOCAB = 256
SHAPES = {  # name: (layers, heads, width, context, batch) -- must match BenchShapes.cs
    "S": (4, 4, 128, 128, 32),
    "M": (6, 6, 384, 256, 8),
}
DEFAULT = ["matmul_gflops", "train_S", "mfu_S", "train_M", "mfu_M", "sample_S_nocache", "sample_S_kv", "kv_speedup"]
ALL = DEFAULT + ["memory", "profile_S", "profile_M"]
HAS_SDPA = hasattr(F, "scaled_dot_product_attention")  # PyTorch >= 2.0; Debian bookworm ships 1.13


class Attention(nn.Module):
    def __init__(self, d, heads, kernel):
        super().__init__()
        self.heads, self.d, self.kernel = heads, d, kernel
        self.c_attn = nn.Linear(d, 3 * d, bias=False)
        self.c_proj = nn.Linear(d, d, bias=False)

    def forward(self, x, cache=None):
        b, t, _ = x.shape
        q, k, v = self.c_attn(x).split(self.d, dim=2)
        q, k, v = (z.view(b, t, self.heads, self.d // self.heads).transpose(1, 2) for z in (q, k, v))
        if cache is not None:
            if "k" in cache:
                k = torch.cat([cache["k"], k], 2)
                v = torch.cat([cache["v"], v], 2)
            cache["k"], cache["v"] = k, v
        causal = t > 1
        if self.kernel == "sdpa":
            y = F.scaled_dot_product_attention(q, k, v, is_causal=causal)
        else:
            att = q @ k.transpose(-2, -1) * (1.0 / math.sqrt(q.shape[-1]))
            if causal:
                mask = torch.ones(t, t, dtype=torch.bool).triu(1)
                att = att.masked_fill(mask, float("-inf"))
            y = F.softmax(att, -1) @ v
        y = y.transpose(1, 2).contiguous().view(b, t, self.d)
        return self.c_proj(y)


class Block(nn.Module):
    def __init__(self, d, heads, kernel):
        super().__init__()
        self.ln_1 = nn.LayerNorm(d)
        self.attn = Attention(d, heads, kernel)
        self.ln_2 = nn.LayerNorm(d)
        self.c_fc = nn.Linear(d, 4 * d, bias=False)
        self.c_proj = nn.Linear(4 * d, d, bias=False)

    def forward(self, x, cache=None):
        x = x + self.attn(self.ln_1(x), cache)
        return x + self.c_proj(F.gelu(self.c_fc(self.ln_2(x))))


class Gpt(nn.Module):
    def __init__(self, layers, heads, d, context, kernel):
        super().__init__()
        self.context = context
        self.wte = nn.Embedding(VOCAB, d)
        self.wpe = nn.Embedding(context, d)
        self.h = nn.ModuleList(Block(d, heads, kernel) for _ in range(layers))
        self.ln_f = nn.LayerNorm(d)
        residual_std = 0.02 / math.sqrt(2 * layers)
        with torch.no_grad():
            for name, p in self.named_parameters():
                if name.endswith("c_proj.weight"):
                    p.normal_(0, residual_std)
                elif ".ln" in name or name.startswith("ln"):
                    (p.fill_(1) if name.endswith("weight") else p.zero_())
                else:
                    p.normal_(0, 0.02)

    def forward(self, idx, caches=None, offset=0):
        t = idx.shape[1]
        x = self.wte(idx) + self.wpe(torch.arange(offset, offset + t))
        for i, block in enumerate(self.h):
            x = block(x, None if caches is None else caches[i])
        return F.linear(self.ln_f(x), self.wte.weight)


def make_training(shape, kernel, seed):
    layers, heads, d, context, batch = SHAPES[shape]
    torch.manual_seed(seed)
    model = Gpt(layers, heads, d, context, kernel)
    model.train()
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                                  lr=3e-4, betas=(0.9, 0.95))
    generator = torch.Generator().manual_seed(seed + 1000)
    batches = [(torch.randint(VOCAB, (batch, context), generator=generator),
                torch.randint(VOCAB, (batch * context,), generator=generator)) for _ in range(4)]
    return model, optimizer, batches


def train_step(model, optimizer, x, y):
    optimizer.zero_grad(set_to_none=False)  # TorchSharp's zero_grad() zeroes in place, as 1.13's default does
    logits = model(x)
    loss = F.cross_entropy(logits.view(-1, VOCAB), y)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    return loss.item()


def measure_training(shape, kernel, steps, seed, warmup=3):
    model, optimizer, batches = make_training(shape, kernel, seed)
    first = train_step(model, optimizer, *batches[0])
    for i in range(1, warmup):
        train_step(model, optimizer, *batches[i % 4])
    last = None
    start = time.perf_counter()
    for i in range(steps):
        last = train_step(model, optimizer, *batches[(warmup + i) % 4])
    seconds = time.perf_counter() - start
    layers, heads, d, context, batch = SHAPES[shape]
    return steps * batch * context / seconds, seconds, first, last


def training_flops_per_token(shape):
    """ModelConfig.TrainingFlopsPerToken: 3 x (2 N_nonembedding + 2 V d + 2 L n_ctx d)."""
    layers, heads, d, context, batch = SHAPES[shape]
    non_embedding = layers * (12 * d * d + 4 * d) + 2 * d
    return 3.0 * (2.0 * non_embedding + 2.0 * VOCAB * d + 2.0 * layers * context * d)


def measure_matmul(minimum_seconds=2.0, n=1024):
    a, b = torch.randn(n, n), torch.randn(n, n)
    for _ in range(3):
        a @ b
    reps, start = 0, time.perf_counter()
    while True:
        a @ b
        reps += 1
        if time.perf_counter() - start >= minimum_seconds:
            break
    return 2.0 * n ** 3 * reps / (time.perf_counter() - start) / 1e9


@torch.no_grad()
def generate(model, prompts, max_new, use_cache):
    """Greedy decoding as Sampler.Generate: prefill, then 64 picks with 63 further forwards."""
    model.eval()
    caches = [dict() for _ in model.h] if use_cache else None
    sequence = prompts
    logits = model(sequence, caches)[:, -1]
    out = []
    for step in range(max_new):
        nxt = logits.argmax(-1)
        out.append(nxt)
        if step == max_new - 1:
            break
        column = nxt.view(-1, 1)
        offset = sequence.shape[1]
        sequence = torch.cat([sequence, column], 1)
        logits = (model(column, caches, offset) if use_cache else model(sequence))[:, -1]
    return torch.stack(out, 1)


def measure_sampling(kernel, use_cache, seed, minimum_seconds=2.0, batch=32, prompt=16, new=64):
    layers, heads, d, context, _ = SHAPES["S"]
    torch.manual_seed(seed)
    model = Gpt(layers, heads, d, context, kernel)
    prompts = torch.randint(VOCAB, (batch, prompt), generator=torch.Generator().manual_seed(seed))
    first = generate(model, prompts, new, use_cache)
    rounds, start = 0, time.perf_counter()
    while True:
        generate(model, prompts, new, use_cache)
        rounds += 1
        if time.perf_counter() - start >= minimum_seconds:
            break
    seconds = time.perf_counter() - start
    return rounds * batch * new / seconds, rounds, seconds, first[0, :8].tolist()


def resident_megabytes():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    raise RuntimeError("no VmRSS")


def profile(shape, kernel, steps, seed):
    """Operator-level profile of the training step (torch.profiler), top operators by self CPU time."""
    model, optimizer, batches = make_training(shape, kernel, seed)
    for i in range(2):
        train_step(model, optimizer, *batches[i])
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
        for i in range(steps):
            train_step(model, optimizer, *batches[i % 4])
    rows = []
    for event in sorted(prof.key_averages(), key=lambda e: e.self_cpu_time_total, reverse=True)[:15]:
        rows.append({"op": event.key, "self_ms_per_step": event.self_cpu_time_total / 1000.0 / steps, "calls_per_step": event.count / steps})
    return rows


def emit(name, **fields):
    line = {"name": name, "stack": "pytorch"}
    line.update({k: (round(v, 4) if isinstance(v, float) else v) for k, v in fields.items()})
    print(json.dumps(line), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(DEFAULT))
    parser.add_argument("--steps", type=int)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--attention", choices=["sdpa", "manual"], default="manual")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    only = set(s.strip() for s in args.only.split(",") if s.strip())
    unknown = only - set(ALL)
    if unknown:
        parser.error(f"unknown measurement(s) {sorted(unknown)}")
    kernel = args.attention if (args.attention == "manual" or HAS_SDPA) else "manual"
    torch.set_num_threads(args.threads)
    print(f"pytorch bench: torch {torch.__version__}, threads {torch.get_num_threads()}, attention {kernel}"
          + ("" if kernel == args.attention else " (no scaled_dot_product_attention in this PyTorch)"), file=sys.stderr)

    roofline = None
    if only & {"matmul_gflops", "mfu_S", "mfu_M"}:
        roofline = measure_matmul()
        emit("matmul_gflops", value=roofline, threads=args.threads)

    for shape in ("S", "M"):
        if not only & {f"train_{shape}", f"mfu_{shape}"}:
            continue
        steps = args.steps or (20 if shape == "S" else 8)
        rate, seconds, first, last = measure_training(shape, kernel, steps, args.seed)
        emit(f"train_{shape}", tokens_per_s=rate, steps=steps, seconds=seconds, first_loss=first, last_loss=last,
             attention=kernel, threads=args.threads)
        if f"mfu_{shape}" in only and roofline:
            achieved = rate * training_flops_per_token(shape) / 1e9
            emit(f"mfu_{shape}", value=achieved / roofline, achieved_gflops=achieved, matmul_gflops=roofline)

    rates = {}
    for use_cache in (False, True):
        name = "sample_S_kv" if use_cache else "sample_S_nocache"
        if name not in only and "kv_speedup" not in only:
            continue
        rate, rounds, seconds, first = measure_sampling(kernel, use_cache, args.seed)
        rates[use_cache] = rate
        emit(name, tokens_per_s=rate, rounds=rounds, seconds=seconds, first_tokens=" ".join(map(str, first)), attention=kernel)
    if "kv_speedup" in only and len(rates) == 2:
        emit("kv_speedup", value=rates[True] / rates[False])

    for shape in ("S", "M"):
        if f"profile_{shape}" in only:
            for row in profile(shape, kernel, args.steps or 5, args.seed):
                emit(f"profile_{shape}", **row)

    if "memory" in only:
        steps = args.steps or 1000
        model, optimizer, batches = make_training("S", kernel, args.seed)
        for i in range(50):
            train_step(model, optimizer, *batches[i % 4])
        warm, checkpoints, start = resident_megabytes(), [], time.perf_counter()
        for i in range(1, steps + 1):
            train_step(model, optimizer, *batches[i % 4])
            if i % max(1, steps // 4) == 0:
                checkpoints.append(round(resident_megabytes(), 1))
        end = resident_megabytes()
        emit("memory", value=end - warm, unit="MB", rss_warm_mb=warm, rss_end_mb=end, rss_checkpoints_mb=checkpoints,
             steps=steps, seconds=time.perf_counter() - start)


if __name__ == "__main__":
    main()
