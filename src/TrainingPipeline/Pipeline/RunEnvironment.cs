using TrainingPipeline.Results;
using static TorchSharp.torch;

namespace TrainingPipeline.Pipeline;

/// <summary>
/// Where a pipeline's outputs go and how it runs. Results live under <c>Output/results</c>; checkpoints under
/// <c>Models/&lt;experiment&gt;/&lt;run id&gt;</c>; generated corpora are cached (by content hash) under <c>Datasets</c>.
/// <paramref name="Relocated"/> (<c>--relocated</c>): the folders were moved, so a checkpoint may name another results
/// path than <see cref="ResultsRoot"/>; it resumes if these results hold every step it covers.
/// </summary>
public sealed record RunEnvironment(
    string Output,
    string Models,
    string Datasets,
    Device Device,
    IProgressSink Progress,
    CancellationToken Cancellation = default,
    bool Relocated = false)
{
    public string ResultsRoot => Path.Combine(Output, "results");

    public ResultsWriter Results => new(ResultsRoot);

    public string RunDirectory(string experiment, string runId) => Path.Combine(Models, experiment, runId);
}
