using Microsoft.ML;
using Microsoft.ML.Data;

namespace TrainingPipeline.MLNet;

/// <summary>
/// The result of <see cref="CausalLmTransformer.Transform"/>: the input's columns (same indices) followed by the
/// output columns, computed lazily per row from the input cursor's Prompt (and Answer, Difficulty, Seed).
/// </summary>
internal sealed class CausalLmDataView(CausalLmTransformer transformer, IDataView input, DataViewSchema schema) : IDataView
{
    // Shuffling would change which row index a row's sampling seed comes from; keep rows in input order.
    public bool CanShuffle => false;

    public DataViewSchema Schema { get; } = schema;

    public long? GetRowCount() => input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.Select(c => c.Index).ToHashSet();
        int inputCount = input.Schema.Count;
        bool anyOutput = needed.Any(i => i >= inputCount);
        var inputNeeded = input.Schema.Where(c => needed.Contains(c.Index) || (anyOutput && IsSourceColumn(c))).ToList();
        return new Cursor(transformer, input.GetRowCursor(inputNeeded), Schema, needed, anyOutput);
    }

    // Generation is sequential under the model's lock, so parallel cursors would only add contention.
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private bool IsSourceColumn(DataViewSchema.Column column) =>
        input.Schema.GetColumnOrNull(column.Name)?.Index == column.Index // the visible column of that name
        && column.Name is CausalLmColumns.Prompt or CausalLmColumns.Answer or CausalLmColumns.Family
            or CausalLmColumns.Difficulty or CausalLmColumns.Seed;

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly CausalLmTransformer _transformer;
        private readonly DataViewRowCursor _input;
        private readonly HashSet<int> _active;
        private readonly int _inputCount;
        private readonly ValueGetter<ReadOnlyMemory<char>>? _prompt;
        private readonly ValueGetter<ReadOnlyMemory<char>>? _answer;
        private readonly ValueGetter<ReadOnlyMemory<char>>? _family;
        private readonly ValueGetter<int>? _difficulty;
        private readonly ValueGetter<long>? _seed;
        private long _computedPosition = -1;
        private CausalLmCompletion? _completion;
        private float _reward;

        public Cursor(CausalLmTransformer transformer, DataViewRowCursor input, DataViewSchema schema, HashSet<int> active, bool anyOutput)
        {
            _transformer = transformer;
            _input = input;
            Schema = schema;
            _active = active;
            _inputCount = input.Schema.Count;
            if (!anyOutput) return;
            _prompt = input.GetGetter<ReadOnlyMemory<char>>(input.Schema[CausalLmColumns.Prompt]);
            if (!transformer.HasReward) return;
            _answer = input.GetGetter<ReadOnlyMemory<char>>(input.Schema[CausalLmColumns.Answer]);
            if (input.Schema.GetColumnOrNull(CausalLmColumns.Family) is { } family)
                _family = input.GetGetter<ReadOnlyMemory<char>>(family);
            if (input.Schema.GetColumnOrNull(CausalLmColumns.Difficulty) is { } difficulty
                && input.Schema.GetColumnOrNull(CausalLmColumns.Seed) is { } seed)
            {
                _difficulty = input.GetGetter<int>(difficulty);
                _seed = input.GetGetter<long>(seed);
            }
        }

        public override DataViewSchema Schema { get; }

        public override long Position => _input.Position;

        public override long Batch => _input.Batch;

        public override bool MoveNext() => _input.MoveNext();

        public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) =>
            column.Index < _inputCount ? _input.IsColumnActive(_input.Schema[column.Index]) : _active.Contains(column.Index);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index < _inputCount) return _input.GetGetter<TValue>(_input.Schema[column.Index]);
            if (!_active.Contains(column.Index))
                throw new InvalidOperationException($"column '{column.Name}' was not requested when this cursor was created");
            Delegate getter = column.Name switch
            {
                CausalLmColumns.Completion => (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = Current().Completion.AsMemory()),
                CausalLmColumns.LogProbability => (ValueGetter<float>)((ref float value) => value = Current().LogProbability),
                CausalLmColumns.Reward => (ValueGetter<float>)((ref float value) => { Current(); value = _reward; }),
                _ => throw new InvalidOperationException($"unknown output column '{column.Name}'"),
            };
            return getter as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"column '{column.Name}' has type {column.Type}; {typeof(TValue).Name} was requested");
        }

        /// <summary>The current row's outputs, generated on first use and reused by the row's other getters.</summary>
        private CausalLmCompletion Current()
        {
            if (_input.Position < 0) throw new InvalidOperationException("the cursor is not on a row; call MoveNext first");
            if (_computedPosition == _input.Position) return _completion!;
            var promptText = default(ReadOnlyMemory<char>);
            _prompt!(ref promptText);
            string prompt = promptText.ToString();
            var completion = _transformer.Complete(prompt, _input.Position);
            if (_answer is not null)
            {
                var answer = default(ReadOnlyMemory<char>);
                _answer(ref answer);
                var family = default(ReadOnlyMemory<char>);
                _family?.Invoke(ref family);
                int? difficulty = null;
                long? seed = null;
                if (_difficulty is not null && _seed is not null)
                {
                    int d = 0;
                    long s = 0;
                    _difficulty(ref d);
                    _seed(ref s);
                    (difficulty, seed) = (d, s);
                }
                _reward = _transformer.Reward(_input.Position, prompt, answer.ToString(), family.ToString(), difficulty, seed, completion.Completion);
            }
            _completion = completion;
            _computedPosition = _input.Position;
            return completion;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _input.Dispose();
            base.Dispose(disposing);
        }
    }
}
