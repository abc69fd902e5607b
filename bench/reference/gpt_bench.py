#!/usr/bin/env python3
"""PyTorch reference for bench/TrainingPipeline.Bench: the same GPT, training step and sampling loop, printing the
same JSON lines, so both stacks can run side by side on one machine (bench/compare.sh).

Mirrors src/TrainingPipeline/Model/Gpt.cs: token + learned position embeddings, pre-LayerNorm blocks (LayerNorm with
bias, Linear without), causal self-attention, GELU (exact, erf) MLP 4x, final LayerNorm, output head tied to the token
embedding, GPT-2 initialisation. Training step mirrors PretrainStage: cross-entropy, backward, clip_grad_norm_(1.0),
AdamW (decay on matrices only), loss read back every step.

rl_step_S mirrors bench/TrainingPipeline.Bench/RlStepThroughput.cs: prefill each of 8 prompts once, repeat its KV cache
to the group of 8, sample 32 tokens per row with torch.multinomial, reward = fraction of completion tokens below 128,
GRPO advantages, one token-level clipped policy-gradient step (AdamW, clip_grad_norm_ 1.0).

KV cache (--kv-cache): "prealloc" (default) writes keys/values in place into buffers allocated once per generation
(nanochat's engine.py KVCache); "cat" grows them with torch.cat every token. See docs/performance.md for the choice.

Run with Debian's interpreter: /usr/bin/python3 bench/reference/gpt_bench.py [--only ...] [--threads 2]
"""
import argparse
import json
import math
import statistics
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
DEFAULT = ["matmul_gflops", "train_S", "mfu_S", "train_M", "mfu_M", "sample_S_nocache", "sample_S_kv", "kv_speedup", "rl_step_S"]
ALL = DEFAULT + ["memory", "profile_S", "profile_M"]
# Measured by the TorchSharp side only: accepted here (compare.sh passes the same --only to both) and skipped.
TORCHSHARP_ONLY = ["loader", "eval_S", "memory_rl", "soak"]
RL_PROMPTS, RL_PROMPT_LENGTH, RL_GROUP, RL_NEW_TOKENS = 8, 16, 8, 32  # must match RlStepThroughput.cs
HAS_SDPA = hasattr(F, "scaled_dot_product_attention")  # PyTorch >= 2.0; Debian bookworm ships 1.13


class Attention(nn.Module):
    def __init__(self, d, heads, kernel):
        super().__init__()
        self.heads, self.d, self.kernel = heads, d, kernel
        self.c_attn = nn.Linear(d, 3 * d, bias=False)
        self.c_proj = nn.Linear(d, d, bias=False)

    def forward(self, x, cache=None, layer=0):
        b, t, _ = x.shape
        q, k, v = self.c_attn(x).split(self.d, dim=2)
        q, k, v = (z.view(b, t, self.heads, self.d // self.heads).transpose(1, 2) for z in (q, k, v))
        if cache is not None:
            k, v = cache.append(layer, k, v)
        # Several positions at once only in a prefill from an empty cache (asserted in Gpt.forward): plain causal.
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

    def forward(self, x, cache=None, layer=0):
        x = x + self.attn(self.ln_1(x), cache, layer)
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

    def forward(self, idx, cache=None):
        t = idx.shape[1]
        offset = 0 if cache is None else cache.length
        assert t == 1 or offset == 0, "multi-token forward only as a prefill from an empty cache"
        x = self.wte(idx) + self.wpe(torch.arange(offset, offset + t))
        for i, block in enumerate(self.h):
            x = block(x, cache, i)
        if cache is not None:
            cache.length += t
        return F.linear(self.ln_f(x), self.wte.weight)


class CatCache:
    """Keys/values per layer, grown with torch.cat every token (a copy of the whole prefix per layer per token)."""

    def __init__(self, layers):
        self.k, self.v, self.length = [None] * layers, [None] * layers, 0

    def append(self, layer, k, v):
        if self.k[layer] is not None:
            k, v = torch.cat([self.k[layer], k], 2), torch.cat([self.v[layer], v], 2)
        self.k[layer], self.v[layer] = k, v
        return k, v

    def repeat_rows(self, repeats):
        """Each batch row repeated `repeats` times in place of itself (row-major groups), e.g. a prompt's to its group."""
        self.k = [k.repeat_interleave(repeats, 0) for k in self.k]
        self.v = [v.repeat_interleave(repeats, 0) for v in self.v]


class PreallocCache:
    """nanochat's engine.py KVCache: one (layers, 2, batch, heads, positions, head_dim) buffer allocated per
    generation; each step writes its keys/values in place and attends over the filled prefix (a view, no copy)."""

    def __init__(self, layers, batch, heads, positions, head_dim):
        self.kv = torch.empty(layers, 2, batch, heads, positions, head_dim)
        self.length = 0

    def append(self, layer, k, v):
        end = self.length + k.shape[2]
        self.kv[layer, 0, :, :, self.length:end] = k
        self.kv[layer, 1, :, :, self.length:end] = v
        return self.kv[layer, 0, :, :, :end], self.kv[layer, 1, :, :, :end]

    def repeat_rows(self, repeats):
        layers, _, batch, heads, positions, head_dim = self.kv.shape
        grown = torch.empty(layers, 2, batch * repeats, heads, positions, head_dim)
        grown[:, :, :, :, :self.length] = self.kv[:, :, :, :, :self.length].repeat_interleave(repeats, 2)
        self.kv = grown


def new_cache(kind, model, batch, positions):
    if kind == "cat":
        return CatCache(len(model.h))
    heads = model.h[0].attn.heads
    return PreallocCache(len(model.h), batch, heads, positions, model.h[0].attn.d // heads)


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
def generate(model, prompts, max_new, use_cache, kv_cache="prealloc", samples_per_prompt=1, generator=None):
    """Decoding as Sampler.Generate: prefill each prompt once, then max_new picks with max_new - 1 further forwards.
    Greedy without a generator, else torch.multinomial at temperature 1. With samples_per_prompt > 1 the prompt's
    cache and last logits are repeated to its group (rows prompt-major), as nanochat's engine does."""
    model.eval()
    batch = prompts.shape[0] * samples_per_prompt
    cache = new_cache(kv_cache, model, prompts.shape[0], prompts.shape[1] + max_new) if use_cache else None
    sequence = prompts
    logits = model(sequence, cache)[:, -1]
    if samples_per_prompt > 1:
        logits = logits.repeat_interleave(samples_per_prompt, 0)
        sequence = sequence.repeat_interleave(samples_per_prompt, 0)
        if cache is not None:
            cache.repeat_rows(samples_per_prompt)
    out = []
    for step in range(max_new):
        if generator is None:
            nxt = logits.argmax(-1)
        else:
            nxt = torch.multinomial(F.softmax(logits, -1), 1, replacement=True, generator=generator).view(batch)
        out.append(nxt)
        if step == max_new - 1:
            break
        column = nxt.view(-1, 1)
        sequence = torch.cat([sequence, column], 1)
        logits = (model(column, cache) if use_cache else model(sequence))[:, -1]
    return torch.stack(out, 1)


def measure_rl_step(kernel, kv_cache, steps, seed, warmup=2):
    """rl_step_S: 64 / the median step time over `steps` timed steps after `warmup` untimed ones."""
    layers, heads, d, context, _ = SHAPES["S"]
    torch.manual_seed(seed)
    model = Gpt(layers, heads, d, context, kernel)
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, betas=(0.9, 0.95), weight_decay=0.0)  # RlStage's
    prompts = torch.randint(VOCAB, (RL_PROMPTS, RL_PROMPT_LENGTH), generator=torch.Generator().manual_seed(seed))
    sampling = torch.Generator().manual_seed(seed + 2000)
    rows = RL_PROMPTS * RL_GROUP
    mask = torch.zeros(rows, RL_PROMPT_LENGTH + RL_NEW_TOKENS - 1)
    mask[:, RL_PROMPT_LENGTH - 1:] = 1  # targets that are completion tokens

    def step():
        start = time.perf_counter()
        completions = generate(model, prompts, RL_NEW_TOKENS, True, kv_cache, RL_GROUP, sampling)  # [64, 32]
        sampled = time.perf_counter()
        model.train()
        rewards = (completions < 128).float().mean(1)  # the cheap rule RlStepThroughput.Reward uses
        grouped = rewards.view(RL_PROMPTS, RL_GROUP)
        mean, std = grouped.mean(1, keepdim=True), grouped.std(1, keepdim=True)  # std with n - 1, as Advantages.GroupStd
        advantages = torch.where(std == 0, torch.zeros_like(grouped), (grouped - mean) / (std + 1e-6)).view(rows, 1)
        sequence = torch.cat([prompts.repeat_interleave(RL_GROUP, 0), completions], 1)
        inputs, targets = sequence[:, :-1], sequence[:, 1:]
        optimizer.zero_grad(set_to_none=False)
        logp = F.log_softmax(model(inputs).float(), -1).gather(-1, targets.unsqueeze(-1)).squeeze(-1)
        ratio = (logp - logp.detach()).exp()  # one update per batch: the sampling policy is the current one
        per_token = -torch.minimum(ratio * advantages, ratio.clamp(0.8, 1.2) * advantages)
        loss = (per_token * mask).sum() / mask.sum().clamp_min(1)  # token-level aggregation
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        loss.item()
        return sampled - start, time.perf_counter() - sampled, rewards.mean().item()

    first_reward = step()[2]
    for _ in range(1, warmup):
        step()
    timings = [step() for _ in range(steps)]
    median = statistics.median(s + u for s, u, _ in timings)
    return (rows / median, median, statistics.median(s for s, _, _ in timings), statistics.median(u for _, u, _ in timings),
            first_reward)


def measure_sampling(kernel, use_cache, seed, kv_cache="prealloc", minimum_seconds=2.0, batch=32, prompt=16, new=64):
    layers, heads, d, context, _ = SHAPES["S"]
    torch.manual_seed(seed)
    model = Gpt(layers, heads, d, context, kernel)
    prompts = torch.randint(VOCAB, (batch, prompt), generator=torch.Generator().manual_seed(seed))
    first = generate(model, prompts, new, use_cache, kv_cache)
    rounds, start = 0, time.perf_counter()
    while True:
        generate(model, prompts, new, use_cache, kv_cache)
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
    parser.add_argument("--kv-cache", choices=["prealloc", "cat"], default="prealloc",
                        help="KV cache of sample_S_kv and rl_step_S: buffers written in place (default) or torch.cat per token")
    args = parser.parse_args()
    only = set(s.strip() for s in args.only.split(",") if s.strip())
    unknown = only - set(ALL) - set(TORCHSHARP_ONLY)
    if unknown:
        parser.error(f"unknown measurement(s) {sorted(unknown)}")
    if only & set(TORCHSHARP_ONLY):
        print(f"pytorch bench: skipping {sorted(only & set(TORCHSHARP_ONLY))} (TorchSharp side only)", file=sys.stderr)
    kernel = args.attention if (args.attention == "manual" or HAS_SDPA) else "manual"
    torch.set_num_threads(args.threads)
    print(f"pytorch bench: torch {torch.__version__}, threads {torch.get_num_threads()}, attention {kernel}, kv cache {args.kv_cache}"
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
        rate, rounds, seconds, first = measure_sampling(kernel, use_cache, args.seed, args.kv_cache)
        rates[use_cache] = rate
        emit(name, tokens_per_s=rate, rounds=rounds, seconds=seconds, first_tokens=" ".join(map(str, first)), attention=kernel,
             **({"kv_cache": args.kv_cache} if use_cache else {}))
    if "kv_speedup" in only and len(rates) == 2:
        emit("kv_speedup", value=rates[True] / rates[False])

    if "rl_step_S" in only:
        steps = args.steps or 5
        rate, step, sample, update, first_reward = measure_rl_step(kernel, args.kv_cache, steps, args.seed)
        emit("rl_step_S", value=rate, unit="samples/s", median_step_s=step, median_sample_s=sample, median_update_s=update,
             steps=steps, first_mean_reward=first_reward, attention=kernel, kv_cache=args.kv_cache)

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
