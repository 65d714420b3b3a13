namespace Portal.Tests.Architecture;

/// <summary>Small files with names that explain themselves: none of the hand-written ones grows past 300 lines.</summary>
public sealed class FileSizeTests
{
    public const int MaxLines = 300;

    private static readonly string[] Folders = ["Portal", "Policy", "Connectors", "Tests"];

    [Fact]
    public void No_hand_written_source_file_is_over_300_lines()
    {
        var large = Folders
            .SelectMany(folder => SourceTree.Files(folder))
            .Select(f => (File: SourceTree.Relative(f), Lines: File.ReadLines(f).Count()))
            .Where(f => f.Lines > MaxLines)
            .Select(f => $"{f.File} ({f.Lines})")
            .ToList();
        Assert.True(large.Count == 0, "files over 300 lines (split them by use case): " + string.Join(", ", large));
    }
}
