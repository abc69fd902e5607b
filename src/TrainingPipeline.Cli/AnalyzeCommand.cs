using System.CommandLine;
using TrainingPipeline.Analysis;
using TrainingPipeline.Analysis.Fitting;
using TrainingPipeline.Analysis.Tables;
using TrainingPipeline.Results;

namespace TrainingPipeline.Cli;

/// <summary>
/// <c>analyze fit</c>: fit one law to an external CSV/Parquet table and print JSON or a table;
/// <c>analyze report</c>: run the analysis stage on a results folder.
/// </summary>
internal static class AnalyzeCommand
{
    public static Command Create() => new("analyze", "Fit scaling laws and write the analysis report.") { Fit(), Report(), OfPipeline() };

    /// <summary><c>analyze run &lt;pipeline.json&gt;</c>: the analysis stage of a pipeline, on its results folder.</summary>
    private static Command OfPipeline()
    {
        var options = new PipelineOptions();
        var command = new Command("run", "Run the analysis stage of a pipeline on its results (<out>/results).");
        command.Arguments.Add(options.Pipeline);
        command.Options.Add(options.Out);
        command.SetAction(parsed => ExitCodeFor(() =>
        {
            var plan = options.LoadPlan(parsed);
            string output = parsed.GetValue(options.Out)?.FullName ?? Path.GetFullPath(Path.Combine("runs", plan.Experiment));
            var analysis = plan.Spec.Analysis ?? new TrainingPipeline.Config.AnalysisSection();
            ResultsFolder.Require(Path.Combine(output, "results"), "--out");
            AnalysisHook.NoteUnfinishedRuns(Path.Combine(output, "results"), Console.Error);
            var summary = AnalysisStage.Run(Path.Combine(output, "results"), Path.Combine(output, "analysis"),
                AnalysisHook.Options(analysis), Console.Error);
            Console.WriteLine(summary.ToTable());
        }));
        return command;
    }

    private static Command Fit()
    {
        var law = new Option<string>("--law")
        {
            Description = "Law to fit: " + string.Join(", ", ScalingLaws.Names),
            Required = true,
        };
        law.AcceptOnlyFromAmong([.. ScalingLaws.Names]);
        var input = new Option<string>("--input") { Description = "CSV or Parquet file, folder, or glob (e.g. 'data/**/*.parquet').", Required = true };
        var columns = new Option<string[]>("--col")
        {
            Description = "Column for a role, as role=column (roles: N, D, C, loss, score, run, stderr); repeatable. " +
                "run=<column> names the run or seed of each row: intervals then resample runs, not points.",
            AllowMultipleArgumentsPerToken = false,
        };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap resamples for the 95% intervals (0 = none).", DefaultValueFactory = _ => 200 };
        var seed = new Option<long>("--seed") { Description = "Seed of the bootstrap.", DefaultValueFactory = _ => 0 };
        var grid = new Option<string>("--init-grid")
        {
            Description = "L-BFGS starts for chinchilla / loss-compute: 'full' (Hoffmann et al.'s 4,500 for chinchilla) or 'coarse' (fast).",
            DefaultValueFactory = _ => "full",
        };
        grid.AcceptOnlyFromAmong("full", "coarse");
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var discard = new Option<double>("--discard-below")
        {
            Description = "RL laws: leave out points below this fraction of their run's final compute (the early regime; default 0 = keep all).",
            DefaultValueFactory = _ => 0,
        };
        var command = new Command("fit", "Fit one law to an external table.") { law, input, columns, bootstrap, seed, grid, json, discard };
        command.SetAction(parsed => ExitCodeFor(() =>
        {
            var lawName = parsed.GetValue(law)!;
            var bootstrapCount = parsed.GetValue(bootstrap);
            if (bootstrapCount < 0) throw new BadInputException("--bootstrap", "--bootstrap", "must not be negative", "pass 0 or more resamples");
            var discardBelow = parsed.GetValue(discard);
            if (discardBelow is < 0 or >= 1) throw new BadInputException("--discard-below", "--discard-below", $"must be in [0, 1), got {discardBelow}", "pass e.g. 0.1");
            var coarse = parsed.GetValue(grid) == "coarse";
            InitializationGrid? initGrid = coarse ? ScalingLaws.Definition(lawName).CoarseGrid : null;
            var fitted = ExternalFit.Run(new ExternalFitRequest(lawName, parsed.GetValue(input)!, parsed.GetValue(columns) ?? [],
                bootstrapCount, parsed.GetValue(seed), initGrid, discardBelow));
            Console.WriteLine(parsed.GetValue(json) ? FitJson.Write(fitted) : Table(fitted));
        }));
        return command;
    }

    private static Command Report()
    {
        var results = new Option<string>("--results") { Description = "Results folder (<out>/results).", Required = true };
        var output = new Option<string?>("--out") { Description = "Where report.md, report.html and the plots go (default: <results>/../analysis)." };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap resamples for the 95% intervals.", DefaultValueFactory = _ => 200 };
        var seed = new Option<long>("--seed") { Description = "Seed of the bootstrap.", DefaultValueFactory = _ => 0 };
        var backtest = new Option<double>("--backtest-fraction")
        {
            Description = "Backtests hold out the top fraction of the log-compute range (a pipeline's analysis.backtest_fraction; 0.23 is a quarter of the largest compute over 2.6 decades).",
            DefaultValueFactory = _ => Backtest.DefaultHeldOutFraction,
        };
        var discard = new Option<double>("--discard-below")
        {
            Description = "RL laws: leave out evaluations below this fraction of their run's RL compute (a pipeline's analysis.discard_below).",
            DefaultValueFactory = _ => EarlyRegime.DefaultFraction,
        };
        var command = new Command("report", "Run the analysis stage on any results folder.") { results, output, bootstrap, seed, backtest, discard };
        command.SetAction(parsed => ExitCodeFor(() =>
        {
            var resultsDir = Path.GetFullPath(parsed.GetValue(results)!);
            ResultsFolder.Require(resultsDir, "--results");
            AnalysisHook.NoteUnfinishedRuns(resultsDir, Console.Error);
            var outDir = parsed.GetValue(output) ?? Path.Combine(Path.GetDirectoryName(resultsDir.TrimEnd(Path.DirectorySeparatorChar)) ?? ".", "analysis");
            var backtestFraction = parsed.GetValue(backtest);
            if (backtestFraction is < 0 or >= 1)
                throw new BadInputException("--backtest-fraction", "--backtest-fraction", $"must be in [0, 1), got {backtestFraction}", "pass e.g. 0.5 (0 = no backtest)");
            var discardBelow = parsed.GetValue(discard);
            if (discardBelow is < 0 or >= 1) throw new BadInputException("--discard-below", "--discard-below", $"must be in [0, 1), got {discardBelow}", "pass e.g. 0.1");
            var options = new AnalysisOptions(parsed.GetValue(bootstrap), parsed.GetValue(seed), backtestFraction, EarlyComputeFraction: discardBelow);
            var summary = AnalysisStage.Run(resultsDir, outDir, options, Console.Error);
            Console.WriteLine(summary.ToTable());
        }));
        return command;
    }

    /// <summary>
    /// System.CommandLine's default handler turns an exception thrown by an action into exit code 1 before
    /// Program.Main sees it, so bad input is mapped to exit code 2 here.
    /// </summary>
    private static int ExitCodeFor(Action action)
    {
        try
        {
            action();
            return Program.Success;
        }
        catch (BadInputException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return Program.BadInput;
        }
    }

    private static string Table(FittedLaw fitted)
    {
        var lines = new List<string>
        {
            $"{fitted.Law}: {fitted.PointCount} points, objective {fitted.Fit.Objective:G6}; intervals: {fitted.IntervalMethod}, resampling unit {fitted.ResamplingUnit}",
        };
        if (fitted.ResamplingUnit == RunLevelIntervals.Points)
            lines.Add("  warning: " + RunLevelIntervals.PointsWarning);
        else if (fitted.IntervalNote is { } note)
            lines.Add("  note: " + note);
        if (fitted.FailureNote is { } failure) lines.Add("  " + failure);
        foreach (var p in fitted.Parameters.Concat(fitted.Derived))
        {
            var interval = double.IsFinite(p.CiLow) ? $"95% CI [{p.CiLow:G6}, {p.CiHigh:G6}]" : "no interval";
            var evalError = double.IsFinite(p.EvalStdError) ? $"   eval-noise s.e. {p.EvalStdError:G4} (lower bound: evaluation noise only, not run-to-run)" : "";
            lines.Add($"  {p.Name,-24} {p.Value,14:G6}   {interval}{evalError}");
        }
        lines.Add(fitted.Backtest is { } b
            ? $"  backtest: RMSE {b.RootMeanSquaredError:G4} on {b.HeldOutPoints} points above C = {b.CutoffCompute:G3}"
            : $"  backtest: {fitted.BacktestNote}");
        return string.Join(Environment.NewLine, lines);
    }
}
