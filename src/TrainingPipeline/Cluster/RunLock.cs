namespace TrainingPipeline.Cluster;

/// <summary>
/// An exclusive, OS-level lock on one run, so two invocations (a nightly timer firing while yesterday's job still
/// runs, two Slurm tasks given the same id) never train the same run at once. The lock file is (see also
/// <see cref="ResultsPathFor"/>, the same lock held beside the results)
/// <c>&lt;models&gt;/&lt;experiment&gt;/&lt;run id&gt;.lock</c>, beside (not inside) the run's checkpoint folder so that
/// <c>--fresh</c> can delete that folder while the lock is held. .NET takes <c>flock(LOCK_EX)</c> for
/// <see cref="FileShare.None"/> on Unix (a share-mode lock on Windows); the kernel drops it when the holder dies, so a
/// crashed or killed run never leaves a stale lock. The file itself is left in place: deleting it would let a
/// third process lock a fresh inode while a second still holds the old one.
/// </summary>
public sealed class RunLock : IDisposable
{
    private readonly FileStream _stream;

    private RunLock(string path, FileStream stream)
    {
        Path = path;
        _stream = stream;
    }

    public string Path { get; }

    public static string PathFor(string models, string experiment, string runId) =>
        System.IO.Path.Combine(models, experiment, runId + ".lock");

    /// <summary>
    /// The lock on a run's rows in one results dataset: <c>&lt;out&gt;/.locks/&lt;run id&gt;.lock</c>, outside
    /// <c>results/</c> so dataset readers never meet it. Invocations that share <c>--out</c> but not <c>--models</c>
    /// meet here.
    /// </summary>
    public static string ResultsPathFor(string output, string runId) =>
        System.IO.Path.Combine(output, ".locks", runId + ".lock");

    /// <summary>Takes the lock without waiting; null when another process (or another handle) holds it.</summary>
    public static RunLock? TryAcquire(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            // Who holds it, for the message a second invocation prints. A separate file, because any open of the
            // locked file itself asks for a flock and would fail; informational only, the flock is the lock.
            File.WriteAllText(HolderPath(path), $"pid {Environment.ProcessId} on {Environment.MachineName} since {DateTime.UtcNow:O}");
            return new RunLock(path, stream);
        }
        catch (IOException) when (File.Exists(path))
        {
            return null;
        }
    }

    /// <summary>The holder recorded in a lock file ("pid 123 on node since …"), or "unknown" when unreadable.</summary>
    public static string DescribeHolder(string path)
    {
        try
        {
            string text = File.ReadAllText(HolderPath(path)).Trim();
            return text.Length > 0 ? text : "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string HolderPath(string lockPath) => lockPath + ".holder";

    public void Dispose() => _stream.Dispose();
}
