using TrainingPipeline.Data;
using TrainingPipeline.Results;

namespace TrainingPipeline.Tests.Data;

public sealed class HeldOutSetTests : IDisposable
{
    private readonly TemporaryDirectory _cache = new();

    public void Dispose() => _cache.Dispose();

    [Fact]
    public void TrainingSpecUsingAHeldOutDomainIsBadInputNamingIt()
    {
        var heldOut = new HeldOutSet(["arith-mul"]);
        var spec = new CorpusSpec("train", [new("arith-add", 1), new("arith-mul@3", 1)], 1000, 1);
        var error = Assert.Throws<BadInputException>(() => heldOut.EnsureAbsentFrom(spec));
        Assert.Contains("arith-mul@3", error.Message);
        Assert.Equal("Domains[1].Domain", error.Field);
        Assert.Throws<BadInputException>(() => TokenCorpus.Materialize(spec, ByteTokenizer.Instance, _cache.Path,
            new MaterializeOptions(HeldOut: heldOut)));
    }

    [Fact]
    public void BroadAndBreadthSpecsLeaveHeldOutDomainsOut()
    {
        var heldOut = new HeldOutSet(["graph-path", "arith-mul"]);
        var broad = CorpusSpecs.Broad(1000, heldOut: heldOut);
        Assert.Equal(DomainRegistry.All.Count - 2, broad.Domains.Count);
        heldOut.EnsureAbsentFrom(broad);
        for (var n = 1; n <= broad.Domains.Count; n++) heldOut.EnsureAbsentFrom(CorpusSpecs.Breadth(n, 1000, heldOut: heldOut));
        Assert.Throws<BadInputException>(() => CorpusSpecs.Breadth(broad.Domains.Count + 1, 1000, heldOut: heldOut));
    }

    [Fact]
    public void BreadthPrefixesSpanCategoriesBeforeRepeatingOne()
    {
        var categories = CorpusSpecs.Breadth(6, 1000).Domains.Select(d => DomainRegistry.Get(d.Domain).Category);
        Assert.Equal(6, categories.Distinct().Count());
    }

    [Fact]
    public void HeldOutEvaluationSetSharesNoDocumentWithTraining()
    {
        var heldOut = new HeldOutSet(["arith-mul", "logic-bool"]);
        var training = TokenCorpus.Materialize(CorpusSpecs.Broad(30_000, heldOut: heldOut), ByteTokenizer.Instance, _cache.Path);
        var evaluation = EvaluationCorpus.HeldOut(heldOut, training, ByteTokenizer.Instance, _cache.Path, 10_000);
        Assert.Equal(CorpusRole.Evaluation, evaluation.Manifest.Role);
        Assert.Equal(["arith-mul", "logic-bool"], evaluation.Manifest.Domains.Select(d => d.Domain));
        Assert.Empty(Texts(training).Intersect(Texts(evaluation)));
        Assert.DoesNotContain(training.Manifest.Domains, d => heldOut.Contains(d.Domain));
    }

    [Fact]
    public void HeldOutEvaluationRefusesATrainingCorpusThatUsedAHeldOutDomain()
    {
        var training = TokenCorpus.Materialize(CorpusSpecs.Narrow(2_000), ByteTokenizer.Instance, _cache.Path);
        Assert.Throws<BadInputException>(() =>
            EvaluationCorpus.HeldOut(new HeldOutSet(["arith-add"]), training, ByteTokenizer.Instance, _cache.Path, 1_000));
    }

    [Fact]
    public void InDistributionEvaluationRemovesChanceDuplicatesOfTrainingDocuments()
    {
        // Two-digit by one-digit products: only 720 distinct problems, so two independent streams overlap.
        var spec = new CorpusSpec("small-space", [new("arith-mul", 1)], 20_000, 5);
        var training = TokenCorpus.Materialize(spec, ByteTokenizer.Instance, _cache.Path);
        var evaluation = EvaluationCorpus.InDistribution(training, ByteTokenizer.Instance, _cache.Path, 5_000);

        Assert.True(evaluation.Manifest.Domains[0].DuplicatesSkipped > 0, "the streams should overlap by chance here");
        Assert.Empty(Texts(training).Intersect(Texts(evaluation)));
        Assert.Equal(training.Manifest.Hash, evaluation.Manifest.DedupedAgainst);
        // The evaluation stream is a different stream, not the training stream again.
        Assert.NotEqual(Texts(training).Take(20), Texts(evaluation).Take(20));
    }

    [Fact]
    public void ExhaustedProblemSpaceIsAClearErrorInsteadOfALoop()
    {
        var spec = new CorpusSpec("tiny-space", [new("arith-mul", 1)], 200_000, 5);
        var training = TokenCorpus.Materialize(spec, ByteTokenizer.Instance, _cache.Path);
        // arith-mul's evaluation stream holds its eval problems only (a few hundred documents at level 1): 100,000
        // tokens of distinct ones do not exist. Its own type (still bad input, exit 2), so the pre-training stage's
        // fallback catches exactly this case.
        var error = Assert.Throws<TooFewDistinctDocumentsException>(() =>
            EvaluationCorpus.InDistribution(training, ByteTokenizer.Instance, _cache.Path, 100_000));
        Assert.Contains("arith-mul", error.Message);
        Assert.Equal("arith-mul", error.Domain);
        Assert.IsAssignableFrom<BadInputException>(error);
    }

    private static List<string> Texts(TokenCorpus corpus) =>
        [.. corpus.DocumentTokens().Select(d => ByteTokenizer.Instance.Decode(d.ToArray().Select(t => (int)t).ToArray()))];
}
