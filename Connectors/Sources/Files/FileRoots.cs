namespace Portal.Connectors.Sources.Files;

/// <summary>
/// The folders file sources may be read from. A path is accepted only if its real location (every symlink
/// resolved) lies inside a root's real location; ".." segments are refused outright.
/// </summary>
public sealed class FileRoots
{
    private readonly string[] _roots;

    public FileRoots(IEnumerable<string> roots)
    {
        _roots = roots.Select(r => RealPath(Path.GetFullPath(r))).ToArray();
        if (_roots.Length == 0)
        {
            throw new ArgumentException("at least one root folder is required", nameof(roots));
        }
    }

    /// <summary>The real path of <paramref name="path"/> (relative paths are tried against each root in turn).</summary>
    public string Resolve(string path)
    {
        RejectSuspicious(path);
        if (Path.IsPathRooted(path))
        {
            var real = RealPath(Path.GetFullPath(path));
            return _roots.Any(r => IsInside(real, r)) ? real : throw Outside(path);
        }
        foreach (var root in _roots)
        {
            var real = RealPath(Path.GetFullPath(Path.Combine(root, path)));
            if (!IsInside(real, root))
            {
                throw Outside(path);
            }
            if (File.Exists(real))
            {
                return real;
            }
        }
        throw new ConnectorException("source.file.not_found", $"file '{path}' does not exist in the configured source folders");
    }

    /// <summary>Resolves <paramref name="path"/> inside the single folder <paramref name="root"/>.</summary>
    public static string Confine(string root, string path) => new FileRoots([root]).Resolve(path);

    private static void RejectSuspicious(string path)
    {
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0', StringComparison.Ordinal))
        {
            throw new ConnectorException("source.file.path_required", "a file path is required");
        }
        var segments = path.Split('/', '\\');
        if (segments.Any(s => s == ".."))
        {
            throw new ConnectorException("source.file.parent_segment", $"file path '{path}' may not contain '..'");
        }
    }

    private static ConnectorException Outside(string path) =>
        new("source.file.outside_root", $"file path '{path}' is outside the configured source folders");

    private static bool IsInside(string real, string root) =>
        real.Length > root.Length
        && real.StartsWith(root, StringComparison.Ordinal)
        && (root.EndsWith(Path.DirectorySeparatorChar) || real[root.Length] == Path.DirectorySeparatorChar);

    /// <summary>Like realpath(3): walks the path one component at a time and replaces every symlink by its final target.</summary>
    internal static string RealPath(string fullPath)
    {
        var root = Path.GetPathRoot(fullPath) ?? "/";
        var pending = new Stack<string>(fullPath[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Reverse());
        var current = root;
        var hops = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part == ".")
            {
                continue;
            }
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? root;
                continue;
            }
            var next = Path.Combine(current, part);
            var info = new FileInfo(next);
            if (info.Exists || Directory.Exists(next))
            {
                FileSystemInfo entry = info.Exists ? info : new DirectoryInfo(next);
                if (entry.LinkTarget is { } target)
                {
                    if (++hops > 40)
                    {
                        throw new ConnectorException("source.file.too_many_links", $"too many symbolic links under '{fullPath}'");
                    }
                    var absolute = Path.IsPathRooted(target) ? target : Path.Combine(current, target);
                    var parts = Path.GetFullPath(absolute)[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
                    foreach (var p in parts.Reverse())
                    {
                        pending.Push(p);
                    }
                    current = root;
                    continue;
                }
            }
            current = next;
        }
        return current;
    }
}
