using Portal.Connectors.Anonymization.Risk;

namespace Portal.Connectors.Anonymization.Generalization;

/// <summary>The optimal node a search found, and what publishing it would deliver.</summary>
public sealed record GeneralizationResult
{
    /// <summary>False when no node meets the models within the suppression limit (the rest is then empty).</summary>
    public bool Found { get; init; }

    public int Node { get; init; } = -1;

    /// <summary>Column → level, in the quasi-identifiers' order.</summary>
    public IReadOnlyList<KeyValuePair<string, int>> Levels { get; init; } = [];

    public UtilityMetricKind Metric { get; init; }

    public double Value { get; init; }

    public long Rows { get; init; }

    public long RowsSuppressed { get; init; }

    public long RowsKept { get; init; }

    public int Classes { get; init; }

    public int ClassesSuppressed { get; init; }

    /// <summary>Nodes whose classes the search computed (the lattice has <see cref="LatticeSize"/>).</summary>
    public int NodesChecked { get; init; }

    public int LatticeSize { get; init; }

    public ReidentificationRisk? Risk { get; init; }
}
