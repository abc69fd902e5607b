using TrainingPipeline.Results;

namespace TrainingPipeline.Analysis.Tables;

/// <summary>
/// Which table column plays which role (N, D, C, loss, score; run, the run or seed identifier whose runs the
/// bootstrap resamples; stderr, each row's standard error over problems). A role is found, in order, from an explicit
/// <c>--col role=column</c>, a column named like the role, or a known alias (e.g. "Model Size" for N, "Training
/// FLOP" for C, as in the published Chinchilla extraction).
/// </summary>
public sealed class ColumnMapping
{
    public static IReadOnlyList<string> Roles { get; } = ["N", "D", "C", "loss", "score", "run", "stderr"];

    private static readonly Dictionary<string, string[]> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["N"] = ["Model Size", "params_non_embedding", "params"],
        ["D"] = ["Training Tokens", "tokens"],
        ["C"] = ["Training FLOP", "flops", "compute"],
        ["loss"] = [],
        ["score"] = ["pass@1"],
        // No alias for run: points are only treated as runs when the user says which column identifies them.
        ["run"] = [],
        ["stderr"] = ["std_error"],
    };

    private readonly Dictionary<string, string> _explicit;

    public ColumnMapping(IReadOnlyDictionary<string, string>? explicitColumns = null) =>
        _explicit = new Dictionary<string, string>(explicitColumns ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase);

    /// <summary>Parses <c>role=column</c> pairs as given to <c>--col</c>.</summary>
    public static ColumnMapping Parse(IEnumerable<string> specs)
    {
        var pairs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var spec in specs)
        {
            var equals = spec.IndexOf('=');
            var role = equals > 0 ? spec[..equals].Trim() : "";
            if (equals <= 0 || equals == spec.Length - 1 || !Roles.Contains(role, StringComparer.OrdinalIgnoreCase))
                throw new BadInputException("--col", spec, "expected role=column with role one of " + string.Join(", ", Roles),
                    "write e.g. --col \"N=Model Size\"");
            pairs[role] = spec[(equals + 1)..].Trim();
        }
        return new ColumnMapping(pairs);
    }

    /// <summary>The column for <paramref name="role"/>, or null when the table has none.</summary>
    public string? Find(NumericTable table, string role)
    {
        if (_explicit.TryGetValue(role, out var named))
        {
            if (!table.Has(named))
                throw new BadInputException(table.Source, named, $"--col {role}={named} names a column the table does not have",
                    "use one of: " + string.Join(", ", table.ColumnNames));
            return named;
        }
        if (role == "run") return null;
        if (table.Has(role)) return role;
        return Aliases[role].FirstOrDefault(table.Has);
    }

    public double[] Require(NumericTable table, string role, string law)
    {
        var column = Find(table, role) ?? throw new BadInputException(table.Source, role,
            $"the {law} law needs a {role} column and none was found",
            $"pass --col {role}=<column>; the table has: {string.Join(", ", table.ColumnNames)}");
        return table.Column(column);
    }
}
