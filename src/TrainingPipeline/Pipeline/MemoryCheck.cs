using System.Globalization;
using TrainingPipeline.Config;
using TrainingPipeline.Model;
using TrainingPipeline.Results;

namespace TrainingPipeline.Pipeline;

/// <summary>
/// A lower bound on the memory each run of a plan needs, checked against the machine before anything starts: a model
/// that cannot fit is refused with the setting to change, instead of an out-of-memory failure (or a kill) mid-run.
/// The bound counts only what certainly exists in fp32: weights, gradients and the two AdamW moments (16 bytes per
/// parameter), the logits and a few activations per layer of one pre-training micro-batch (full context windows) or
/// RL batch (at least one position per sequence), and the materialized corpus (2 bytes per token). Real use is higher,
/// so a refusal is never a false alarm; passing the check does not promise a fit.
/// </summary>
public static class MemoryCheck
{
    /// <summary>One run's bound, the setting that dominates it, and what it is made of.</summary>
    public sealed record Estimate(long Bytes, string Field, string Fix, string Breakdown);

    /// <summary>Memory available to this process (physical memory, or the container's limit).</summary>
    public static long AvailableBytes => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>
    /// Refuses the plan when a run's bound exceeds <paramref name="availableBytes"/>. With <paramref name="modelInHostMemory"/>
    /// false (a GPU device) only the corpus, which always lives in host memory, is counted.
    /// </summary>
    public static void Check(RunPlan plan, string source, long availableBytes, bool modelInHostMemory = true)
    {
        foreach (var run in plan.Runs)
        {
            var estimate = For(run, plan.Spec, modelInHostMemory);
            if (estimate.Bytes <= availableBytes) continue;
            string where = run.Axes.Count == 0 ? "" : " (sweep point " + string.Join(", ", run.Axes.Select(a => $"{a.Key}={a.Value}")) + ")";
            throw new BadInputException(source + where, estimate.Field,
                $"run {run.Id} ({run.Stage}) needs at least {Format(estimate.Bytes)} of memory ({estimate.Breakdown}), " +
                $"but this machine has {Format(availableBytes)}", estimate.Fix);
        }
    }

    public static Estimate For(PlannedRun run, PipelineSpec spec, bool modelInHostMemory = true)
    {
        var model = run.Config.Model;
        var parts = new List<(string Name, double Bytes, string Field, string Fix)>();
        if (modelInHostMemory)
        {
            int referenceModels = run.Rl is { Rl.KlCoef: > 0 } ? 1 : 0;
            parts.Add(("weights, gradients and AdamW state", 16.0 * model.ParamsTotal + 4.0 * model.ParamsTotal * referenceModels, "$.model",
                "use a smaller model (a smaller preset, or fewer n_layer / a smaller d_model)"));
            if (run.Pretrain is { } pretrain)
                parts.Add(("activations of one micro-batch", Activations(model, pretrain.Training.BatchSize, model.ContextLength),
                    "$.pretrain.batch_size", "lower pretrain.batch_size (raise grad_accum to keep the tokens per step) or model.context_length"));
            if (run.Rl is { } rl)
                parts.Add(("activations of one RL batch", Activations(model, (long)rl.Rl.PromptsPerStep * rl.Rl.GroupSize, positions: 1),
                    "$.rl.prompts_per_step", "lower rl.prompts_per_step or rl.group_size (the update runs on all their completions at once)"));
        }
        if (run.Pretrain is { } phase)
        {
            int index = spec.Pretrain.Phases.Select(p => p.Name).ToList().IndexOf(phase.Phase);
            parts.Add(("the phase's corpus", 2.0 * phase.Tokens, index < 0 ? "$.pretrain.phases" : $"$.pretrain.phases[{index}].tokens",
                "train this phase on fewer tokens"));
        }
        var largest = parts.MaxBy(p => p.Bytes);
        double total = parts.Sum(p => p.Bytes);
        return new Estimate(total >= long.MaxValue ? long.MaxValue : (long)total, largest.Field, largest.Fix,
            string.Join(", ", parts.Select(p => $"{p.Name} {Format(p.Bytes)}")));
    }

    /// <summary>fp32 logits and their gradient, and 8·d_model floats per position and layer (the MLP's hidden layer alone is 4·d_model).</summary>
    private static double Activations(ModelConfig model, long sequences, long positions) =>
        4.0 * sequences * positions * (8.0 * model.DModel * model.NLayer + 2.0 * model.VocabSize);

    private static string Format(double bytes)
    {
        string[] units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        int unit = 0;
        while (bytes >= 1024 && unit < units.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }
        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes:F0} bytes")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes:F1} {units[unit]}");
    }
}
