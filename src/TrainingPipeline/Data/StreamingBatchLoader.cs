namespace TrainingPipeline.Data;

/// <summary>
/// Batches generated on the fly, for budgets too large to cache. The token stream is exactly what
/// <see cref="TokenCorpus.Materialize(CorpusSpec, ITextTokenizer, string)"/> would store (documents joined by the
/// end-of-document token, cut after the document that reaches the budget), repeated from the start once exhausted.
/// Rows are consecutive windows of <c>contextLength + 1</c> tokens stepping by <c>contextLength</c>, so each token is
/// a target once per pass. Memory stays at one batch plus one document. Setting <see cref="Position"/> regenerates
/// the stream up to that batch (cost grows with the position; generation runs at millions of tokens per second).
/// </summary>
public sealed class StreamingBatchLoader : IBatchSource
{
    private readonly CorpusSpec _spec;
    private readonly ITextTokenizer _tokenizer;
    private readonly IDomain[] _domains;
    private readonly MaterializeOptions _options;
    private ushort[] _pending;
    private int _head;
    private int _count;
    private long _generated;
    private MixtureReader? _mixture;
    private long _position;

    public StreamingBatchLoader(CorpusSpec spec, ITextTokenizer tokenizer, int batchSize, int contextLength,
        MaterializeOptions? options = null)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), "must be positive");
        if (contextLength <= 0) throw new ArgumentOutOfRangeException(nameof(contextLength), "must be positive");
        CorpusSpecValidation.Validate(spec);
        _options = options ?? new MaterializeOptions();
        if (_options.Role == CorpusRole.Training) _options.HeldOut?.EnsureAbsentFrom(spec);
        if (_options.ExcludeDocumentsOf is not null)
            throw new ArgumentException("de-duplication against another corpus needs a materialized corpus", nameof(options));
        var resolve = _options.ResolveDomain ?? DomainRegistry.Get;
        _domains = [.. spec.Domains.Select(d => resolve(d.Domain))];
        _spec = spec;
        _tokenizer = tokenizer;
        BatchSize = batchSize;
        ContextLength = contextLength;
        _pending = new ushort[Math.Max(4096, 2 * (contextLength + 1))];
        Restart();
    }

    public int BatchSize { get; }
    public int ContextLength { get; }

    public long Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            Restart();
            for (long skip = 0; skip < value * BatchSize; skip++)
            {
                Fill(ContextLength + 1);
                _head += ContextLength;
                _count -= ContextLength;
            }
            _position = value;
        }
    }

    public void Next(Span<long> inputs, Span<long> targets)
    {
        var size = BatchSize * ContextLength;
        if (inputs.Length != size || targets.Length != size)
            throw new ArgumentException($"inputs and targets must each hold batchSize*contextLength = {size} values");
        for (var row = 0; row < BatchSize; row++)
        {
            Fill(ContextLength + 1);
            var window = _pending.AsSpan(_head, ContextLength + 1);
            var input = inputs.Slice(row * ContextLength, ContextLength);
            var target = targets.Slice(row * ContextLength, ContextLength);
            for (var i = 0; i < ContextLength; i++)
            {
                input[i] = window[i];
                target[i] = window[i + 1];
            }
            _head += ContextLength;
            _count -= ContextLength;
        }
        _position++;
    }

    private void Restart()
    {
        _mixture?.Dispose();
        _mixture = new MixtureReader(_domains, [.. _spec.Domains.Select(d => d.Weight)], _spec.Seed, _options.Role);
        _head = 0;
        _count = 0;
        _generated = 0;
        _position = 0;
    }

    /// <summary>Generates documents until at least <paramref name="needed"/> tokens are pending.</summary>
    private void Fill(int needed)
    {
        while (_count < needed)
        {
            if (_generated >= _spec.TokenBudget)
            {
                // One pass over the budget is done: start the identical stream again, keeping what is pending.
                _mixture!.Dispose();
                _mixture = new MixtureReader(_domains, [.. _spec.Domains.Select(d => d.Weight)], _spec.Seed, _options.Role);
                _generated = 0;
            }
            var domain = _mixture!.NextDomain();
            var ids = _tokenizer.Encode(_mixture.NextDocument(domain));
            _mixture.Account(domain, ids.Length + 1);
            _generated += ids.Length + 1;
            Append(ids);
        }
    }

    private void Append(int[] ids)
    {
        var required = _count + ids.Length + 1;
        if (_head + required > _pending.Length)
        {
            // Compact to the front (and grow if one document is longer than the buffer).
            var target = required > _pending.Length ? new ushort[Math.Max(required, _pending.Length * 2)] : _pending;
            Array.Copy(_pending, _head, target, 0, _count);
            _pending = target;
            _head = 0;
        }
        var span = _pending.AsSpan(_head + _count, ids.Length + 1);
        for (var i = 0; i < ids.Length; i++) span[i] = checked((ushort)ids[i]);
        span[ids.Length] = (ushort)_tokenizer.EndOfDocument;
        _count += ids.Length + 1;
    }
}
