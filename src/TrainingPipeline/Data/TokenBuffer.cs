namespace TrainingPipeline.Data;

/// <summary>A growable array of 16-bit token ids (amortized doubling), used while materializing a corpus.</summary>
internal sealed class TokenBuffer
{
    private ushort[] _items;

    public TokenBuffer(long initialCapacity) =>
        _items = new ushort[(int)Math.Clamp(initialCapacity, 1024, Array.MaxLength)];

    public long Count { get; private set; }

    public ReadOnlySpan<ushort> Written => _items.AsSpan(0, (int)Count);

    /// <summary>Appends <paramref name="count"/> slots and returns them for the caller to fill.</summary>
    public Span<ushort> Reserve(int count)
    {
        var needed = Count + count;
        if (needed > _items.Length)
        {
            if (needed > Array.MaxLength) throw new InvalidOperationException("corpus exceeds the largest array; stream it instead");
            Array.Resize(ref _items, (int)Math.Min(Array.MaxLength, Math.Max(needed, (long)_items.Length * 2)));
        }
        var span = _items.AsSpan((int)Count, count);
        Count = needed;
        return span;
    }

    public void Add(int id) => Reserve(1)[0] = checked((ushort)id);

    public void AddRange(ReadOnlySpan<int> ids)
    {
        var span = Reserve(ids.Length);
        for (var i = 0; i < ids.Length; i++) span[i] = checked((ushort)ids[i]);
    }

    /// <summary>Hands over the backing array trimmed to <see cref="Count"/>.</summary>
    public ushort[] ToArray()
    {
        if (_items.Length != Count) Array.Resize(ref _items, (int)Count);
        return _items;
    }
}
