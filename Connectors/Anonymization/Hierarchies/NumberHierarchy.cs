using System.Globalization;
using Portal.Connectors.Anonymization.Transforms;

namespace Portal.Connectors.Anonymization.Hierarchies;

/// <summary>
/// Numbers in nested intervals of the given widths, closed below: widths [5, 10, 50] make 23 → "[20, 25)" →
/// "[20, 30)" → "[0, 50)" → *. Each width divides the next, so each interval lies in one interval of the next level
/// (otherwise [20, 25) would straddle two groups above it). Optional bottom and top coding: a value below
/// <c>min</c> is "&lt;min" and one at or above <c>max</c> is "&gt;=max" at every level but the first and the top.
/// Decimal arithmetic, so 0.1-wide intervals have exact bounds.
/// </summary>
public sealed class NumberHierarchy : ComputedHierarchy
{
    public const int MaxWidths = 32;

    /// <summary>Bounds that keep every quotient and interval end within decimal's range (about 7.9e28).</summary>
    public const decimal MaxMagnitude = 1e18m;

    public const decimal MinWidth = 1e-9m;

    private readonly decimal[] _widths;
    private readonly decimal? _min;
    private readonly decimal? _max;

    public NumberHierarchy(IReadOnlyList<decimal> widths, decimal? min = null, decimal? max = null)
    {
        if (Problems(widths, min, max).FirstOrDefault() is { } problem)
        {
            throw new ConnectorException("hierarchy.build.invalid", $"number hierarchy: {problem}");
        }
        _widths = [.. widths];
        _min = min;
        _max = max;
    }

    public override int Levels => _widths.Length + 2;

    public override string Describe() => $"number({string.Join(", ", _widths.Select(Text))})";

    public static IEnumerable<string> Problems(IReadOnlyList<decimal>? widths, decimal? min, decimal? max)
    {
        if (widths is not { Count: >= 1 and <= MaxWidths })
        {
            yield return $"widths is required: 1 to {MaxWidths} interval widths, finest first";
            yield break;
        }
        for (var i = 0; i < widths.Count; i++)
        {
            if (widths[i] < MinWidth || widths[i] > MaxMagnitude)
            {
                yield return $"widths[{i}] must be between {MinWidth} and {MaxMagnitude}";
                yield break;
            }
            if (i > 0 && (widths[i] <= widths[i - 1] || widths[i] % widths[i - 1] != 0))
            {
                yield return $"widths[{i}] ({Text(widths[i])}) must be a larger multiple of widths[{i - 1}] ({Text(widths[i - 1])}), or its intervals would not nest";
                yield break;
            }
        }
        if (min is not null && max is not null && min >= max)
        {
            yield return "min must be below max";
        }
        if (Math.Abs(min ?? 0) > MaxMagnitude || Math.Abs(max ?? 0) > MaxMagnitude)
        {
            yield return $"min and max must be within ±{MaxMagnitude}";
        }
    }

    /// <summary>The level's interval width with the bottom and top codes; the top level (*) as width zero.</summary>
    public override ColumnReduction Reduction(int level) =>
        level <= 0 || level >= Levels ? ColumnReduction.None
        : level == Levels - 1 ? new(PushdownReduction.NumberInterval, Magnitude: MaxMagnitude)
        : new(PushdownReduction.NumberInterval, Width: _widths[level - 1], Min: _min, Max: _max, Magnitude: MaxMagnitude);

    public override string? Generalize(ReadOnlySpan<char> value, int level)
    {
        if (!decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || Math.Abs(number) > MaxMagnitude)
        {
            return null;
        }
        if (level == 0)
        {
            return value.ToString();
        }
        if (level == Levels - 1)
        {
            return "*";
        }
        if (number < _min)
        {
            return "<" + Text(_min.Value);
        }
        if (number >= _max)
        {
            return ">=" + Text(_max.Value);
        }
        var width = _widths[level - 1];
        var low = Math.Floor(number / width) * width;
        return $"[{Text(low)}, {Text(low + width)})";
    }

    /// <summary>Without trailing zeros (20, not 20.0), so labels do not depend on how the value was written.</summary>
    private static string Text(decimal d) => d.ToString("0.############################", CultureInfo.InvariantCulture);
}
