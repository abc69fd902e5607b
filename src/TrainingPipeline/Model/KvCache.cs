using static TorchSharp.torch;

namespace TrainingPipeline.Model;

/// <summary>
/// Keys and values of every layer for the tokens so far, so that decoding a new token costs one position of attention
/// instead of recomputing the whole prefix. Each layer's buffers are allocated once, [batch, heads, capacity, head dim],
/// on the first write, and written in place: a token costs no allocation and no copy of the prefix.
/// <para>
/// A batch may hold prompts of different lengths, left-padded so that every row writes the same column at each step
/// (<see cref="Padding"/>): a row's padding columns are masked out of attention and its positions start at 0 after
/// them, so its numbers are those of the row decoded alone. Owns its tensors; dispose it after generation.
/// </para>
/// </summary>
public sealed class KvCache : IDisposable
{
    public Layer[] Layers { get; }

    /// <summary>Columns written so far (the same for every row).</summary>
    public int Length { get; internal set; }

    /// <summary>Columns the buffers hold.</summary>
    public int Capacity { get; }

    /// <summary>[batch] left-padding columns per row, or null when no row is padded.</summary>
    public Tensor? Padding { get; private set; }

    /// <summary>[batch, 1, 1, capacity] true where a column holds a real token of its row; null without padding.</summary>
    internal Tensor? KeyMask { get; private set; }

    public KvCache(int layers, int capacity)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "a cache needs at least one column");
        Capacity = capacity;
        Layers = Enumerable.Range(0, layers).Select(_ => new Layer(capacity)).ToArray();
    }

    /// <summary>Declares the rows' left padding (before the first write); rows with 0 padding need no mask.</summary>
    public void SetPadding(long[] padding, Device device)
    {
        if (Length > 0) throw new InvalidOperationException("padding is set before the first write");
        Padding?.Dispose();
        KeyMask?.Dispose();
        Padding = null;
        KeyMask = null;
        if (padding.All(p => p == 0)) return;
        using var scope = NewDisposeScope();
        var pad = tensor(padding, device: device);
        Padding = pad.DetachFromDisposeScope();
        // Column c of row r is a real token when c ≥ padding[r].
        KeyMask = (arange(Capacity, dtype: ScalarType.Int64, device: device).view(1, -1) >= pad.view(-1, 1))
            .view(padding.Length, 1, 1, Capacity).DetachFromDisposeScope();
    }

    /// <summary>Keeps only the given batch rows (compaction after sequences finish); allocates new buffers.</summary>
    public void Select(Tensor rows)
    {
        foreach (var layer in Layers) layer.Select(rows);
        Padding = Replace(Padding, Padding?.index_select(0, rows));
        KeyMask = Replace(KeyMask, KeyMask?.index_select(0, rows));
    }

    private static Tensor? Replace(Tensor? old, Tensor? replacement)
    {
        old?.Dispose();
        return replacement?.DetachFromDisposeScope();
    }

    public void Dispose()
    {
        foreach (var layer in Layers) layer.Dispose();
        Padding?.Dispose();
        KeyMask?.Dispose();
    }

    public sealed class Layer(int capacity) : IDisposable
    {
        private Tensor? _keys;
        private Tensor? _values;

        /// <summary>
        /// Writes keys/values [b, heads, t, hd] at columns <paramref name="offset"/>.. and returns views of the filled
        /// prefix, columns 0 .. offset + t.
        /// </summary>
        public (Tensor Keys, Tensor Values) Write(Tensor k, Tensor v, int offset)
        {
            long t = k.shape[2];
            if (_keys is null || _values is null)
            {
                // Allocated on the first write, with the batch, heads, dtype and device of the model's keys.
                var shape = new[] { k.shape[0], k.shape[1], capacity, k.shape[3] };
                _keys = empty(shape, dtype: k.dtype, device: k.device).DetachFromDisposeScope();
                _values = empty(shape, dtype: v.dtype, device: v.device).DetachFromDisposeScope();
            }
            _keys.narrow(2, offset, t).copy_(k);
            _values.narrow(2, offset, t).copy_(v);
            return (_keys.narrow(2, 0, offset + t), _values.narrow(2, 0, offset + t));
        }

        /// <summary>
        /// Copies the first <paramref name="columns"/> columns of <paramref name="source"/>'s rows into rows
        /// <paramref name="rows"/> of this cache, at columns <paramref name="start"/>.. (a prompt prefilled once, expanded
        /// to its group, placed after its row's left padding). Source row i goes to <c>rows[i]</c>.
        /// </summary>
        internal void CopyFrom(Layer source, Tensor sourceRows, Tensor rows, int start, int columns, long batch)
        {
            var keys = source._keys ?? throw new InvalidOperationException("the source cache is empty");
            var values = source._values!;
            if (_keys is null || _values is null)
            {
                var shape = new[] { batch, keys.shape[1], capacity, keys.shape[3] };
                // Zeros, not empty: padding columns are masked, but 0 × garbage (NaN) would still poison the sum.
                _keys = zeros(shape, dtype: keys.dtype, device: keys.device).DetachFromDisposeScope();
                _values = zeros(shape, dtype: values.dtype, device: values.device).DetachFromDisposeScope();
            }
            using var scope = NewDisposeScope();
            _keys.narrow(2, start, columns).index_copy_(0, rows, keys.narrow(2, 0, columns).index_select(0, sourceRows));
            _values.narrow(2, start, columns).index_copy_(0, rows, values.narrow(2, 0, columns).index_select(0, sourceRows));
        }

        internal void Select(Tensor rows)
        {
            if (_keys is null || _values is null) return;
            var k = _keys.index_select(0, rows).DetachFromDisposeScope();
            var v = _values.index_select(0, rows).DetachFromDisposeScope();
            _keys.Dispose();
            _values.Dispose();
            _keys = k;
            _values = v;
        }

        public void Dispose()
        {
            _keys?.Dispose();
            _values?.Dispose();
        }
    }
}
