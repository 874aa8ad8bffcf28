using System.Runtime.InteropServices;

namespace OrleansFlow.Sources;

/// <summary>
/// Which file a path names: its device and inode, as <c>stat(2)</c> reports them (Linux; elsewhere, or when the C
/// library lacks <c>stat</c>, no identity is known and callers skip the check). A file replaced at the same path
/// (written elsewhere and renamed over it, or deleted and created again) has another identity.
/// </summary>
internal readonly record struct FileIdentity(ulong Device, ulong Inode)
{
    /// <summary>The identity of the file at <paramref name="path"/>, or null when it cannot be known (or the file is gone).</summary>
    public static FileIdentity? Of(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        // struct stat begins with st_dev and st_ino, both 64-bit, on every 64-bit Linux ABI (x86-64, arm64).
        var buffer = new byte[256];
        try
        {
            var name = System.Text.Encoding.UTF8.GetBytes(path + "\0");
            return NativeMethods.Stat(name, buffer) == 0
                ? new FileIdentity(BitConverter.ToUInt64(buffer, 0), BitConverter.ToUInt64(buffer, 8))
                : null;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
        public static extern int Stat(byte[] path, [Out] byte[] buffer);
    }
}
