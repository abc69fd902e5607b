namespace TrainingPipeline.Results;

/// <summary>Which exceptions, thrown while reading one Parquet file, mean that the file is not readable.</summary>
public static class ParquetFailures
{
    /// <summary>
    /// Parquet.Net reports a damaged file with many exception types: <c>ParquetException</c>, <c>ThriftProtocolException</c>
    /// (a footer of garbage), <see cref="IOException"/> (truncated), <see cref="InvalidDataException"/>,
    /// <see cref="IndexOutOfRangeException"/>, <see cref="ArgumentException"/>, <see cref="OverflowException"/>, an
    /// <see cref="OutOfMemoryException"/> for a footer claiming gigabytes, and more. Reading one file changes nothing
    /// else, so every exception but cancellation means "this file is unreadable": bad input naming the file, not a crash.
    /// </summary>
    public static bool IsUnreadableFile(Exception e) => e is not (OperationCanceledException or BadInputException);
}
