using System.Text.RegularExpressions;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Architecture;

/// <summary>One rule for names: a file's namespace is its project's assembly name followed by its folders.</summary>
public sealed partial class NamespaceTests
{
    [Fact]
    public void Every_namespace_is_the_assembly_name_followed_by_the_folders()
    {
        var wrong = new List<string>();
        foreach (var project in Directory.EnumerateFiles(RepoPaths.Root, "*.csproj", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}node_modules{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var folder = Path.GetDirectoryName(project)!;
            var assembly = AssemblyName().Match(File.ReadAllText(project)) is { Success: true } m
                ? m.Groups[1].Value
                : Path.GetFileNameWithoutExtension(project);
            foreach (var file in SourceTree.Files(Path.GetRelativePath(RepoPaths.Root, folder)).Where(f => f.EndsWith(".cs", StringComparison.Ordinal)))
            {
                if (FileNamespace().Match(File.ReadAllText(file)) is not { Success: true } ns)
                {
                    continue;
                }
                var relative = Path.GetRelativePath(folder, Path.GetDirectoryName(file)!);
                var expected = relative == "." ? assembly : assembly + "." + relative.Replace(Path.DirectorySeparatorChar, '.');
                if (ns.Groups[1].Value != expected)
                {
                    wrong.Add($"{SourceTree.Relative(file)}: {ns.Groups[1].Value} (expected {expected})");
                }
            }
        }
        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
    }

    [GeneratedRegex(@"<AssemblyName>\s*([\w.]+)\s*</AssemblyName>")]
    private static partial Regex AssemblyName();

    [GeneratedRegex(@"^namespace\s+([\w.]+)\s*[;{]", RegexOptions.Multiline)]
    private static partial Regex FileNamespace();
}
