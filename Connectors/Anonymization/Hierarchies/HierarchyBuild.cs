namespace Portal.Connectors.Anonymization.Hierarchies;

/// <summary>
/// A hierarchy described by a few parameters instead of a file, as a profile carries it:
/// <c>"build": { "kind": "date", "steps": ["month", "year", "5years"] }</c>. Which fields apply depends on
/// <see cref="Kind"/>; <see cref="Problems"/> names each one that is wrong.
/// </summary>
public sealed record HierarchyBuild
{
    public const string Date = "date";
    public const string Number = "number";
    public const string Postcode = "postcode";
    public const string Category = "category";

    public static readonly IReadOnlyList<string> Kinds = [Date, Number, Postcode, Category];

    /// <summary>date, number, postcode or category.</summary>
    public string Kind { get; init; } = "";

    /// <summary>date: the levels above the day, finest first, among month, year, 5years, 10years (default month, year, 5years).</summary>
    public IReadOnlyList<string>? Steps { get; init; }

    /// <summary>number: interval widths, finest first, each dividing the next.</summary>
    public IReadOnlyList<decimal>? Widths { get; init; }

    /// <summary>number: values below it become "&lt;min" (bottom coding).</summary>
    public decimal? Min { get; init; }

    /// <summary>number: values at or above it become "&gt;=max" (top coding).</summary>
    public decimal? Max { get; init; }

    /// <summary>postcode: the number of characters every value has.</summary>
    public int? Length { get; init; }

    /// <summary>category: per level, finest first, group name → the original values it holds.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, IReadOnlyList<string>>>? Groups { get; init; }

    /// <summary>What is wrong with the spec, each naming its field (e.g. "widths[1] (7) must be a larger multiple of …"); empty when it builds.</summary>
    public IReadOnlyList<string> Problems() => Kind switch
    {
        Date => [.. DateHierarchy.Problems(Steps ?? DateHierarchy.DefaultSteps)],
        Number => [.. NumberHierarchy.Problems(Widths, Min, Max)],
        Postcode => [.. PostcodeHierarchy.Problems(Length)],
        Category => [.. CategoryHierarchy.Problems(Groups)],
        _ => [$"kind '{Kind}' is unknown (expected one of {string.Join(", ", Kinds)})"],
    };

    /// <summary>The hierarchy: computed for dates, numbers and postcodes (any value of the right form), a table for categories.</summary>
    public IHierarchy Create()
    {
        if (Problems() is [var problem, ..])
        {
            throw new ConnectorException("hierarchy.build.invalid", $"{Kind} hierarchy: {problem}");
        }
        return Kind switch
        {
            Date => new DateHierarchy(Steps),
            Number => new NumberHierarchy(Widths!, Min, Max),
            Postcode => new PostcodeHierarchy(Length!.Value),
            _ => CategoryHierarchy.Build(Groups!),
        };
    }

    /// <summary>The table for these values: what the lattice search numbers (a category table stays whole).</summary>
    public GeneralizationHierarchy Build(string name, IEnumerable<string> values) => Create() switch
    {
        ComputedHierarchy computed => computed.Materialize(name, values),
        var table => (GeneralizationHierarchy)table,
    };

    public string Describe() => Create() is ComputedHierarchy c ? c.Describe() : $"category({Groups?.Count ?? 0} levels)";
}
