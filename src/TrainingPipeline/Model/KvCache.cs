using static TorchSharp.torch;

namespace TrainingPipeline.Model;

/// <summary>
/// Keys and values of every layer for the tokens generated so far, so that decoding a new token costs one
/// position of attention instead of recomputing the whole prefix. Owns its tensors; dispose it after generation.
/// </summary>
public sealed class KvCache : IDisposable
{
    public Layer[] Layers { get; }
    public int Length { get; internal set; }

    public KvCache(int layers) => Layers = Enumerable.Range(0, layers).Select(_ => new Layer()).ToArray();

    /// <summary>Keeps only the given batch rows (e.g. after dropping finished sequences).</summary>
    public void Select(Tensor rows)
    {
        foreach (var layer in Layers) layer.Select(rows);
    }

    public void Dispose()
    {
        foreach (var layer in Layers) layer.Dispose();
    }

    public sealed class Layer : IDisposable
    {
        private Tensor? _keys;
        private Tensor? _values;

        /// <summary>Appends new keys/values [b, heads, t, hd] and returns the full ones.</summary>
        public (Tensor Keys, Tensor Values) Append(Tensor k, Tensor v)
        {
            var newKeys = _keys is null ? k.detach().clone() : cat(new[] { _keys, k.detach() }, 2);
            var newValues = _values is null ? v.detach().clone() : cat(new[] { _values, v.detach() }, 2);
            _keys?.Dispose();
            _values?.Dispose();
            // The cache outlives the caller's dispose scope.
            _keys = newKeys.DetachFromDisposeScope();
            _values = newValues.DetachFromDisposeScope();
            return (_keys, _values);
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
