namespace Portal.Connectors.Anonymization.Models;

/// <summary>
/// t-closeness (Li, Li and Venkatasubramanian): the distance between a class's sensitive distribution and the whole
/// input's is at most t. Earth mover's distance with equal ground distance (categories: half the sum of absolute
/// differences) or ordered ground distance (numbers, ordered values: the sum of absolute cumulative differences over
/// m - 1, m the number of distinct values).
/// </summary>
public sealed class TCloseness : PrivacyModel
{
    private readonly double[] _overall;
    private readonly int[]? _order;

    /// <param name="totals">[sensitive ordinal] → records with that value in the whole input.</param>
    /// <param name="order">Ordered distance: the sensitive ordinals from smallest to largest value; null for equal distance.</param>
    public TCloseness(double t, IReadOnlyList<long> totals, IReadOnlyList<int>? order)
    {
        ArgumentNullException.ThrowIfNull(totals);
        T = t is >= 0 and <= 1 ? t : throw new ArgumentOutOfRangeException(nameof(t), "t must lie in [0, 1]");
        var sum = totals.Sum();
        _overall = [.. totals.Select(c => sum == 0 ? 0 : (double)c / sum)];
        if (order is not null && (order.Count != totals.Count || order.Distinct().Count() != totals.Count || order.Any(o => o < 0 || o >= totals.Count)))
        {
            throw new ArgumentException("the order must list every sensitive ordinal once", nameof(order));
        }
        _order = order is null ? null : [.. order];
    }

    public double T { get; }

    public bool Ordered => _order is not null;

    public override bool Holds(int size, ReadOnlySpan<int> sensitive) => Distance(size, sensitive) <= T + 1e-12;

    public double Distance(int size, ReadOnlySpan<int> sensitive)
    {
        if (size == 0)
        {
            return 0;
        }
        if (_order is null)
        {
            var total = 0.0;
            for (var s = 0; s < _overall.Length; s++)
            {
                total += Math.Abs((double)sensitive[s] / size - _overall[s]);
            }
            return total / 2;
        }
        if (_order.Length < 2)
        {
            return 0;
        }
        double carried = 0, moved = 0;
        for (var i = 0; i < _order.Length - 1; i++)
        {
            var s = _order[i];
            carried += (double)sensitive[s] / size - _overall[s];
            moved += Math.Abs(carried);
        }
        return moved / (_order.Length - 1);
    }

    public override bool MonotoneWithSuppression => false;

    public override string Describe() => $"{T}-closeness ({(Ordered ? "ordered" : "equal")} distance)";

    /// <summary>The order of sensitive values for the ordered distance: by number when every value is one, else by ordinal text comparison.</summary>
    public static int[] OrderOf(IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var numbers = new double[labels.Count];
        var numeric = true;
        for (var i = 0; i < labels.Count && numeric; i++)
        {
            numeric = double.TryParse(labels[i], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out numbers[i]);
        }
        var order = Enumerable.Range(0, labels.Count).ToArray();
        return numeric
            ? [.. order.OrderBy(i => numbers[i])]
            : [.. order.OrderBy(i => labels[i], StringComparer.Ordinal)];
    }
}
