using Portal.Connectors.Anonymization.Models;
using Portal.Connectors.Anonymization.Risk;

namespace Portal.Connectors.Anonymization.Generalization;

/// <summary>What a check of one node found: whether it meets the models within the suppression limit, and its value.</summary>
internal readonly record struct NodeOutcome(bool Anonymous, long RowsSuppressed, int ClassesSuppressed, double Value);

/// <summary>The machinery both searches share: the lattice, the roll-up, the check of a node's classes and its value.</summary>
internal sealed class SearchContext
{
    private readonly PrivacyModel[] _models;
    private readonly long[][] _suppressedByGroup;
    private readonly KeyAggregator _aggregator = new();
    private readonly bool _withSensitive;
    private int[] _failing = [];

    public SearchContext(GeneralizationInput input, GeneralizationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(settings);
        Input = input;
        Settings = settings;
        _models = [.. settings.ModelsFor(input)];
        _withSensitive = _models.Any(m => m is not KAnonymity);
        Lattice = new Lattice([.. input.Hierarchies.Select(h => h.Height)]);
        Metric = new UtilityMetric(settings.Metric, input);
        SuppressionLimitRows = (long)Math.Floor(settings.SuppressionLimit * input.Rows + 1e-9);
        ModelsMonotone = SuppressionLimitRows == 0 || _models.All(m => m.MonotoneWithSuppression);
        _suppressedByGroup = [.. input.Hierarchies.Select(h => new long[h.GroupCount.Max()])];
        LowerBound = new double[Lattice.Size];
        for (var node = 0; node < Lattice.Size; node++)
        {
            LowerBound[node] = Metric.LowerBound(Lattice.Levels(node));
        }
    }

    public GeneralizationInput Input { get; }

    public GeneralizationSettings Settings { get; }

    public Lattice Lattice { get; }

    public UtilityMetric Metric { get; }

    public long SuppressionLimitRows { get; }

    /// <summary>Whether a node that meets the models proves its successors do (and a failing one its predecessors fail).</summary>
    public bool ModelsMonotone { get; }

    /// <summary>[node] → the metric's value if nothing were suppressed.</summary>
    public double[] LowerBound { get; }

    public ClassTable RollUp(ClassTable from, int node) =>
        from.RollUp(node, Lattice.Levels(node), Input.Hierarchies, _aggregator, _withSensitive);

    /// <summary>Suppresses the classes that fail a model; the node passes if what it suppresses stays within the limit.</summary>
    public NodeOutcome Evaluate(ClassTable table)
    {
        if (_failing.Length < table.Count)
        {
            _failing = new int[Math.Max(table.Count, _failing.Length * 2)];
        }
        long suppressed = 0;
        var failing = 0;
        for (var cls = 0; cls < table.Count; cls++)
        {
            if (Holds(table, cls))
            {
                continue;
            }
            suppressed += table.SizeOf(cls);
            if (suppressed > SuppressionLimitRows)
            {
                return new NodeOutcome(false, suppressed, failing + 1, double.NaN);
            }
            _failing[failing++] = cls;
        }
        if (suppressed > 0)
        {
            var levels = table.Levels;
            for (var q = 0; q < levels.Count; q++)
            {
                Array.Clear(_suppressedByGroup[q]);
            }
            for (var i = 0; i < failing; i++)
            {
                var groups = table.GroupsOf(_failing[i]);
                var size = table.SizeOf(_failing[i]);
                for (var q = 0; q < groups.Length; q++)
                {
                    _suppressedByGroup[q][groups[q]] += size;
                }
            }
        }
        return new NodeOutcome(true, suppressed, failing, Metric.Value(table.Levels, _suppressedByGroup, suppressed));
    }

    private bool Holds(ClassTable table, int cls)
    {
        var size = table.SizeOf(cls);
        var sensitive = table.SensitiveOf(cls);
        foreach (var model in _models)
        {
            if (!model.Holds(size, sensitive))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The full account of the chosen node (classes, kept records, risk), computed afresh from the bottom.</summary>
    public GeneralizationResult Describe(int node, int nodesChecked)
    {
        if (node < 0)
        {
            return new GeneralizationResult { Metric = Settings.Metric, Rows = Input.Rows, NodesChecked = nodesChecked, LatticeSize = Lattice.Size };
        }
        var table = RollUp(Input.Bottom, node);
        var outcome = Evaluate(table);
        var kept = new List<long>(table.Count);
        for (var cls = 0; cls < table.Count; cls++)
        {
            if (Holds(table, cls))
            {
                kept.Add(table.SizeOf(cls));
            }
        }
        var levels = Lattice.Levels(node);
        return new GeneralizationResult
        {
            Found = true,
            Node = node,
            Levels = [.. Input.Hierarchies.Select((h, q) => KeyValuePair.Create(h.Column, levels[q]))],
            Metric = Settings.Metric,
            Value = outcome.Value,
            Rows = Input.Rows,
            RowsSuppressed = outcome.RowsSuppressed,
            RowsKept = Input.Rows - outcome.RowsSuppressed,
            Classes = kept.Count,
            ClassesSuppressed = outcome.ClassesSuppressed,
            NodesChecked = nodesChecked,
            LatticeSize = Lattice.Size,
            Risk = ReidentificationRisk.FromClassSizes(kept, Settings.RiskThreshold),
        };
    }

    /// <summary>Whether (value, node) beats the best so far: smaller value, ties to the smaller node number.</summary>
    public static bool Better(double value, int node, double bestValue, int bestNode) =>
        bestNode < 0 || value < bestValue || (value == bestValue && node < bestNode);
}
