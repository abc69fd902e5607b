using TrainingPipeline.Results;
using static TorchSharp.torch;

namespace TrainingPipeline.Pipeline;

/// <summary>
/// Where a pipeline's outputs go and how it runs. Results live under <c>Output/results</c>; checkpoints under
/// <c>Models/&lt;experiment&gt;/&lt;run id&gt;</c>; generated corpora are cached (by content hash) under <c>Datasets</c>.
/// </summary>
public sealed record RunEnvironment(
    string Output,
    string Models,
    string Datasets,
    Device Device,
    IProgressSink Progress,
    CancellationToken Cancellation = default)
{
    public string ResultsRoot => Path.Combine(Output, "results");

    public ResultsWriter Results => new(ResultsRoot);

    public string RunDirectory(string experiment, string runId) => Path.Combine(Models, experiment, runId);
}
