namespace Portal.Drills;

/// <summary>"--name value" pairs; a name may repeat (--event).</summary>
internal sealed class Options
{
    private readonly List<(string Name, string Value)> _pairs = [];

    public static Options Parse(IEnumerable<string> args)
    {
        var options = new Options();
        var list = args.ToList();
        for (var i = 0; i < list.Count; i += 2)
        {
            if (!list[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= list.Count)
            {
                throw new DrillException($"expected --name value, got '{list[i]}'");
            }
            options._pairs.Add((list[i][2..], list[i + 1]));
        }
        return options;
    }

    /// <summary>--name, or else the environment variable DRILL_NAME (how secrets come: not in the process list).</summary>
    public string Required(string name) =>
        _pairs.LastOrDefault(p => p.Name == name).Value
        ?? Environment.GetEnvironmentVariable("DRILL_" + name.ToUpperInvariant().Replace('-', '_'))
        ?? throw new DrillException($"--{name} (or DRILL_{name.ToUpperInvariant().Replace('-', '_')}) is required");

    public Uri Url(string name) => new(Required(name).TrimEnd('/') + "/");

    public double Number(string name, double fallback) =>
        _pairs.LastOrDefault(p => p.Name == name).Value is { } v ? double.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    public IEnumerable<string> All(string name) => _pairs.Where(p => p.Name == name).Select(p => p.Value);
}

internal sealed class DrillException(string message) : Exception(message);

internal static class Row
{
    public static void Print(string id, bool pass, string measured, string detail) =>
        Console.WriteLine($"ROW\t{id}\t{(pass ? "PASS" : "FAIL")}\t{measured}\t{detail}");
}
