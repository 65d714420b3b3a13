using System.Diagnostics;
using System.Globalization;
using Portal.Connectors.Anonymization.Generalization;

namespace Portal.Benchmarks.Generalization;

/// <summary>
/// `generalize-check`: runs both searches once on the benchmark's case and prints whether they chose the same node
/// with the same value (the benchmark script's "same optimum"), plus the chosen levels and the nodes each checked.
/// </summary>
internal static class GeneralizationCheck
{
    public static int Run()
    {
        var clock = Stopwatch.StartNew();
        var input = AdultInput.Load();
        var load = clock.Elapsed.TotalMilliseconds;
        var flash = FlashSearch.Run(input, AdultInput.Settings);
        var exhaustive = ExhaustiveSearch.Run(input, AdultInput.Settings);
        var same = flash.Found && flash.Node == exhaustive.Node && flash.Value.Equals(exhaustive.Value);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"input: {input.Rows} records, {input.Bottom.Count} distinct combinations, read and counted in {load:F0} ms (not part of the timing)"));
        Console.WriteLine($"flash: node {flash.Node} [{Levels(flash)}], value {flash.Value.ToString("R", CultureInfo.InvariantCulture)}, {flash.NodesChecked} of {flash.LatticeSize} nodes checked");
        Console.WriteLine($"exhaustive: node {exhaustive.Node} [{Levels(exhaustive)}], value {exhaustive.Value.ToString("R", CultureInfo.InvariantCulture)}, {exhaustive.NodesChecked} nodes checked");
        Console.WriteLine($"same={(same ? "yes" : "no")}");
        return same ? 0 : 1;
    }

    private static string Levels(GeneralizationResult result) => string.Join(", ", result.Levels.Select(l => $"{l.Key}={l.Value}"));
}
