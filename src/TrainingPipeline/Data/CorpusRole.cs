namespace TrainingPipeline.Data;

/// <summary>
/// Which seed stream a corpus draws from. Training and evaluation corpora of the same spec seed use different
/// streams, so an evaluation set is never a prefix or replay of the training set.
/// </summary>
public enum CorpusRole { Training, Evaluation }
