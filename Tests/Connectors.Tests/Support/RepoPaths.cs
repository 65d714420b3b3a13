namespace Portal.Connectors.Tests.Support;

internal static class RepoPaths
{
    /// <summary>The folder holding Portal.sln, found by walking up from the test binaries.</summary>
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Portal.sln")))
                {
                    return dir.FullName;
                }
            }
            throw new InvalidOperationException("Portal.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>UCI Adult with ARX's hierarchies, in the repository: Tests/data/adult. Missing data fails the test.</summary>
    public static string Adult
    {
        get
        {
            var path = Path.GetFullPath(Path.Combine(Root, "Tests", "data", "adult"));
            return File.Exists(Path.Combine(path, "adult.csv"))
                ? path
                : throw new InvalidOperationException($"the UCI Adult data set is missing: expected {path}/adult.csv");
        }
    }
}

/// <summary>A temporary folder deleted with the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "connectors-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
