namespace Portal.Tests.Infrastructure;

/// <summary>Finds the checkout (the folder holding Portal.sln) from a test's output folder.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Data sets kept in the repository (UCI Adult with ARX's hierarchies): Tests/data.</summary>
    public static string Data => Path.Combine(Root, "Tests", "data");

    /// <summary>Release or Debug: the configuration this test assembly was built in.</summary>
    public static string Configuration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? "Release" : "Debug";

    /// <summary>The built portal executable (Portal.dll) of the same configuration.</summary>
    public static string PortalDll => Path.Combine(Root, "Portal", "bin", Configuration, "net10.0", "Portal.dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Portal.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"Portal.sln not found above {AppContext.BaseDirectory}");
    }
}
