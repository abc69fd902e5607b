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
        private Tensor? keys;
        private Tensor? values;

        /// <summary>Appends new keys/values [b, heads, t, hd] and returns the full ones.</summary>
        public (Tensor Keys, Tensor Values) Append(Tensor k, Tensor v)
        {
            var newKeys = keys is null ? k.detach().clone() : cat(new[] { keys, k.detach() }, 2);
            var newValues = values is null ? v.detach().clone() : cat(new[] { values, v.detach() }, 2);
            keys?.Dispose();
            values?.Dispose();
            // The cache outlives the caller's dispose scope.
            keys = newKeys.DetachFromDisposeScope();
            values = newValues.DetachFromDisposeScope();
            return (keys, values);
        }

        internal void Select(Tensor rows)
        {
            if (keys is null || values is null) return;
            var k = keys.index_select(0, rows).DetachFromDisposeScope();
            var v = values.index_select(0, rows).DetachFromDisposeScope();
            keys.Dispose();
            values.Dispose();
            keys = k;
            values = v;
        }

        public void Dispose()
        {
            keys?.Dispose();
            values?.Dispose();
        }
    }
}
