using System.Text.RegularExpressions;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Architecture;

/// <summary>The repository's hand-written sources as text, for the rules that keep the layout a newcomer can live in.</summary>
internal static partial class SourceTree
{
    public static string Features => Path.Combine(RepoPaths.Root, "Portal", "Features");

    /// <summary>C# and Razor files below a folder of the repository, without build output and generated migrations.</summary>
    public static IEnumerable<string> Files(params string[] folder) =>
        Directory.EnumerateFiles(Path.Combine([RepoPaths.Root, .. folder]), "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
            .Where(f => !IsGeneratedOrBuilt(f));

    public static string Relative(string path) => Path.GetRelativePath(RepoPaths.Root, path).Replace('\\', '/');

    /// <summary>The top folder under Portal/Features a file belongs to (its feature), or null outside them.</summary>
    public static string? FeatureOf(string path)
    {
        var relative = Path.GetRelativePath(Features, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || !relative.Contains(Path.DirectorySeparatorChar)
            ? null
            : relative[..relative.IndexOf(Path.DirectorySeparatorChar)];
    }

    /// <summary>
    /// The features a file refers to: `using`/`@using` of their namespaces and fully qualified names alike
    /// (`Portal.Features.X.Y` or, inside the portal's namespace, `Features.X.Y`).
    /// </summary>
    public static IEnumerable<string> FeaturesReferencedBy(string text) =>
        FeatureReference().Matches(text).Select(m => m.Groups["feature"].Value).Distinct();

    private static bool IsGeneratedOrBuilt(string path)
    {
        var p = path.Replace('\\', '/');
        return p.Contains("/bin/", StringComparison.Ordinal) || p.Contains("/obj/", StringComparison.Ordinal)
            || p.Contains("/Migrations/", StringComparison.Ordinal) || p.Contains("/node_modules/", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"(?<![\w.])(?:Portal\.)?Features\.(?<feature>[A-Z]\w*)")]
    private static partial Regex FeatureReference();
}
