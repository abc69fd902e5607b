using TrainingPipeline.Data;
using TrainingPipeline.Model;

namespace TrainingPipeline.Config;

/// <summary>Turns spec sections into the concrete objects the stages use.</summary>
public static class SpecResolver
{
    /// <summary>The tokenizer a spec names (validated against <see cref="SpecValidator.Tokenizers"/>).</summary>
    public static ITextTokenizer ResolveTokenizer(string name) => name switch
    {
        "byte" => ByteTokenizer.Instance,
        _ => throw new ArgumentException($"unknown tokenizer '{name}'"),
    };

    /// <summary>The model shape: the preset's, with any explicit fields overriding it.</summary>
    public static ModelConfig ResolveModel(ModelSection section, int vocabSize)
    {
        ModelConfig? preset = null;
        if (section.Preset is not null && ModelPresets.TryGet(section.Preset, vocabSize, out var found)) preset = found;
        return new ModelConfig(
            section.NLayer ?? preset?.NLayer ?? 0,
            section.NHead ?? preset?.NHead ?? 0,
            section.DModel ?? preset?.DModel ?? 0,
            section.ContextLength ?? preset?.ContextLength ?? 0,
            vocabSize,
            section.Norm,
            section.Positions,
            section.Attention);
    }
}
