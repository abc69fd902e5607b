using TrainingPipeline.Results;

namespace TrainingPipeline.Data;

/// <summary>Checks a corpus spec before any generation, so errors name the field to fix.</summary>
internal static class CorpusSpecValidation
{
    public static void Validate(CorpusSpec spec, string source = "corpus spec")
    {
        var where = $"{source} '{spec.Name}'";
        if (string.IsNullOrWhiteSpace(spec.Name))
            throw new BadInputException(source, "Name", "is empty", "give the corpus a short name such as 'broad'");
        if (spec.Domains is null || spec.Domains.Count == 0)
            throw new BadInputException(where, "Domains", "lists no domains", "add at least one {Domain, Weight}");
        if (spec.TokenBudget <= 0)
            throw new BadInputException(where, "TokenBudget", $"is {spec.TokenBudget}", "use a positive number of tokens");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < spec.Domains.Count; i++)
        {
            var component = spec.Domains[i];
            if (!double.IsFinite(component.Weight) || component.Weight <= 0)
                throw new BadInputException(where, $"Domains[{i}].Weight", $"is {component.Weight} for '{component.Domain}'",
                    "use a positive, finite weight (remove the domain to exclude it)");
            if (!seen.Add(component.Domain))
                throw new BadInputException(where, $"Domains[{i}].Domain", $"'{component.Domain}' is listed twice",
                    "list each domain once and add up its weights");
        }
    }
}
