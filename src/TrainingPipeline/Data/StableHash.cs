using System.Security.Cryptography;
using System.Text;

namespace TrainingPipeline.Data;

/// <summary>Hashes that are stable across processes and .NET versions (unlike string.GetHashCode).</summary>
public static class StableHash
{
    /// <summary>64-bit FNV-1a over the UTF-16 code units: fast, for seeds and document de-duplication.</summary>
    public static ulong Fnv1a64(ReadOnlySpan<char> text)
    {
        var hash = 0xCBF29CE484222325UL;
        foreach (var c in text)
        {
            hash = unchecked((hash ^ (byte)c) * 0x100000001B3UL);
            hash = unchecked((hash ^ (byte)(c >> 8)) * 0x100000001B3UL);
        }
        return hash;
    }

    /// <summary>
    /// 64-bit FNV-1a over the UTF-8 bytes: what seeds a task family's generator (<c>TaskRng.For</c>). It differs from
    /// <see cref="Fnv1a64"/> on the same text, and both are pinned: changing either would change generated data.
    /// </summary>
    public static ulong Fnv1a64Utf8(string text)
    {
        var hash = 0xCBF29CE484222325UL;
        foreach (var b in Encoding.UTF8.GetBytes(text)) hash = unchecked((hash ^ b) * 0x100000001B3UL);
        return hash;
    }

    public static string Sha256Hex(string text) => Sha256Hex(Encoding.UTF8.GetBytes(text));

    public static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static string Sha256HexOfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
