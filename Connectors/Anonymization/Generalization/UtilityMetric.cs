namespace Portal.Connectors.Anonymization.Generalization;

public enum UtilityMetricKind
{
    /// <summary>
    /// Iyengar's loss metric as ARX names it "Loss": a cell generalized to a group covering m of the hierarchy's M values
    /// loses (m - 1) / (M - 1), a suppressed cell loses 1; the value is the mean over all quasi-identifier cells, in [0, 1].
    /// </summary>
    Loss,

    /// <summary>
    /// Non-uniform entropy (Gionis and Tassa): a cell with original value v published as group g loses
    /// log2(records in g / records with v) bits, a suppressed cell log2(records / records with v); the value is the sum in bits.
    /// </summary>
    NonUniformEntropy,
}

/// <summary>
/// A metric as weights per (quasi-identifier, level, group): the loss of one cell published as that group. A node's
/// value is the sum over groups of (records in the group, minus those suppressed) × weight, plus suppressed records ×
/// the suppressed weight. Summed from integer counts in one fixed order, so every search computes bit-identical values
/// for a node however it reached it; and the value without suppression is a lower bound that never decreases upwards.
/// </summary>
internal sealed class UtilityMetric
{
    private readonly double[][][] _weight;
    private readonly long[][][] _records;
    private readonly double[][] _unsuppressed;
    private readonly double _suppressedRow;
    private readonly double _offset;
    private readonly double _scale;

    public UtilityMetric(UtilityMetricKind kind, GeneralizationInput input)
    {
        Kind = kind;
        var hierarchies = input.Hierarchies;
        var q = hierarchies.Count;
        var leafRecords = new long[q][];
        for (var i = 0; i < q; i++)
        {
            leafRecords[i] = new long[hierarchies[i].LeafCount];
        }
        var bottom = input.Bottom;
        for (var cls = 0; cls < bottom.Count; cls++)
        {
            var groups = bottom.GroupsOf(cls);
            for (var i = 0; i < q; i++)
            {
                leafRecords[i][groups[i]] += bottom.SizeOf(cls);
            }
        }
        _weight = new double[q][][];
        _records = new long[q][][];
        _unsuppressed = new double[q][];
        var constant = 0.0;
        for (var i = 0; i < q; i++)
        {
            var h = hierarchies[i];
            _weight[i] = new double[h.Height][];
            _records[i] = new long[h.Height][];
            _unsuppressed[i] = new double[h.Height];
            for (var level = 0; level < h.Height; level++)
            {
                var map = h.Between(0, level);
                var records = new long[h.GroupCount[level]];
                for (var leaf = 0; leaf < map.Length; leaf++)
                {
                    records[map[leaf]] += leafRecords[i][leaf];
                }
                var weight = new double[records.Length];
                for (var g = 0; g < weight.Length; g++)
                {
                    weight[g] = kind == UtilityMetricKind.Loss
                        ? h.LeafCount > 1 ? (h.LeavesInGroup[level][g] - 1) / (double)(h.LeafCount - 1) : 0
                        : records[g] > 0 ? Math.Log2(records[g]) : 0;
                }
                _records[i][level] = records;
                _weight[i][level] = weight;
                _unsuppressed[i][level] = Weigh(records, null, weight);
            }
            constant += kind == UtilityMetricKind.Loss ? 0 : _unsuppressed[i][0];
        }
        _suppressedRow = kind == UtilityMetricKind.Loss ? q : q * Math.Log2(input.Rows);
        _offset = constant;
        _scale = kind == UtilityMetricKind.Loss ? 1.0 / (input.Rows * (double)q) : 1.0;
    }

    public UtilityMetricKind Kind { get; }

    /// <summary>The node's value if nothing were suppressed: never above its real value, never below a predecessor's bound.</summary>
    public double LowerBound(IReadOnlyList<int> levels)
    {
        var total = 0.0;
        for (var i = 0; i < levels.Count; i++)
        {
            total += _unsuppressed[i][levels[i]];
        }
        return Finish(total);
    }

    /// <param name="suppressedByGroup">[q][group at the node's level] → suppressed records in that group.</param>
    public double Value(IReadOnlyList<int> levels, long[][] suppressedByGroup, long suppressed)
    {
        if (suppressed == 0)
        {
            return LowerBound(levels);
        }
        var total = 0.0;
        for (var i = 0; i < levels.Count; i++)
        {
            total += Weigh(_records[i][levels[i]], suppressedByGroup[i], _weight[i][levels[i]]);
        }
        return Finish(total + suppressed * _suppressedRow);
    }

    private static double Weigh(long[] records, long[]? suppressed, double[] weight)
    {
        var sum = 0.0;
        for (var g = 0; g < records.Length; g++)
        {
            sum += (records[g] - (suppressed is null ? 0 : suppressed[g])) * weight[g];
        }
        return sum;
    }

    private double Finish(double total) => (total - _offset) * _scale;
}
