#nullable enable
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

// MSBuild inline task (compiled by RoslynCodeTaskFactory): sets VER_FLG_WEAK on one version requirement of an
// ELF64 little-endian shared library so that an older libstdc++ does not make the loader refuse it.
public class WeakenElfVersionRequirement : Task
{
    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string VersionName { get; set; } = "";

    private static readonly string[] SystemLibStdCxx =
    {
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib64/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
    };

    public override bool Execute()
    {
        string? system = Array.Find(SystemLibStdCxx, File.Exists);
        if (system != null && Contains(File.ReadAllBytes(system), Encoding.ASCII.GetBytes(VersionName + "\0")))
        {
            Log.LogMessage(MessageImportance.Low, $"{system} provides {VersionName}; TorchSharp's glue left as shipped.");
            return true;
        }
        foreach (var item in Files)
        {
            string path = item.ItemSpec;
            byte[] data = File.ReadAllBytes(path);
            int changed = MarkWeak(data, Encoding.ASCII.GetBytes(VersionName), out int alreadyWeak);
            if (changed == 0 && alreadyWeak == 0)
            {
                Log.LogMessage(MessageImportance.Low, $"{path}: no requirement of {VersionName}.");
                continue;
            }
            if (changed == 0) continue; // idempotent: nothing to write
            // Write beside and rename, so a crash never leaves a half-written library and a hard link into the
            // NuGet cache (if any) is broken rather than modified.
            string temp = path + ".weaken.tmp";
            File.WriteAllBytes(temp, data);
            File.Delete(path); // netstandard's File.Move cannot overwrite
            File.Move(temp, path);
            Log.LogMessage(MessageImportance.Normal, $"{path}: made {changed} requirement(s) of {VersionName} weak.");
        }
        return true;
    }

    private static bool Contains(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return true;
        }
        return false;
    }

    private static int MarkWeak(byte[] d, byte[] wanted, out int alreadyWeak)
    {
        alreadyWeak = 0;
        if (d.Length < 64 || d[0] != 0x7F || d[1] != (byte)'E' || d[4] != 2 || d[5] != 1) return 0; // ELF64 LE only
        long shoff = BitConverter.ToInt64(d, 0x28);
        int shentsize = BitConverter.ToUInt16(d, 0x3A), shnum = BitConverter.ToUInt16(d, 0x3C);
        int changed = 0;
        for (int s = 0; s < shnum; s++)
        {
            long sh = shoff + (long)s * shentsize;
            if (BitConverter.ToUInt32(d, (int)sh + 4) != 0x6FFFFFFE) continue; // SHT_GNU_verneed
            long off = BitConverter.ToInt64(d, (int)sh + 0x18);
            int link = (int)BitConverter.ToUInt32(d, (int)sh + 0x28);
            long strtab = BitConverter.ToInt64(d, (int)(shoff + (long)link * shentsize) + 0x18);
            long vn = off;
            while (true)
            {
                int cnt = BitConverter.ToUInt16(d, (int)vn + 2);
                long va = vn + BitConverter.ToUInt32(d, (int)vn + 8);
                for (int i = 0; i < cnt; i++)
                {
                    long name = strtab + BitConverter.ToUInt32(d, (int)va + 8);
                    bool match = name + wanted.Length < d.Length && d[name + wanted.Length] == 0;
                    for (int k = 0; match && k < wanted.Length; k++) match = d[name + k] == wanted[k];
                    if (match)
                    {
                        ushort flags = BitConverter.ToUInt16(d, (int)va + 4);
                        if ((flags & 0x2) != 0) alreadyWeak++;
                        else { BitConverter.GetBytes((ushort)(flags | 0x2)).CopyTo(d, (int)va + 4); changed++; }
                    }
                    uint next = BitConverter.ToUInt32(d, (int)va + 12);
                    if (next == 0) break;
                    va += next;
                }
                uint nextNeed = BitConverter.ToUInt32(d, (int)vn + 12);
                if (nextNeed == 0) break;
                vn += nextNeed;
            }
        }
        return changed;
    }
}
