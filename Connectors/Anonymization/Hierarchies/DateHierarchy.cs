using System.Globalization;
using Portal.Connectors.Anonymization.Transforms;

namespace Portal.Connectors.Anonymization.Hierarchies;

/// <summary>
/// Dates (yyyy-MM-dd, or a timestamp starting with one): day → month (yyyy-MM) → year → 5-year band (1980-1984) →
/// 10-year band (1980-1989) → *, with the steps the spec chooses, in that order. Every step is a coarsening of the
/// one before (a month lies in one year, a year in one band, 5-year bands in 10-year bands), so the levels nest.
/// </summary>
public sealed class DateHierarchy : ComputedHierarchy
{
    public const string Month = "month";
    public const string Year = "year";
    public const string FiveYears = "5years";
    public const string TenYears = "10years";

    /// <summary>Every step, finest first; a spec lists a subsequence of it.</summary>
    public static IReadOnlyList<string> Steps => AllSteps;

    private static readonly string[] AllSteps = [Month, Year, FiveYears, TenYears];

    public static readonly IReadOnlyList<string> DefaultSteps = [Month, Year, FiveYears];

    private readonly string[] _steps;

    public DateHierarchy(IReadOnlyList<string>? steps = null)
    {
        var chosen = steps ?? DefaultSteps;
        if (Problems(chosen).FirstOrDefault() is { } problem)
        {
            throw new ConnectorException("hierarchy.build.invalid", $"date hierarchy: {problem}");
        }
        _steps = [.. chosen];
    }

    public override int Levels => _steps.Length + 2;

    public override string Describe() => $"date({string.Join(", ", _steps)})";

    public static IEnumerable<string> Problems(IReadOnlyList<string> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var last = -1;
        foreach (var step in steps)
        {
            var index = Array.IndexOf(AllSteps, step);
            if (index < 0)
            {
                yield return $"steps: '{step}' is not one of {string.Join(", ", AllSteps)}";
                yield break;
            }
            if (index <= last)
            {
                yield return $"steps: '{step}' must come before '{AllSteps[last]}' and only once (finest first: {string.Join(", ", AllSteps)})";
                yield break;
            }
            last = index;
        }
    }

    /// <summary>A month keeps its month; every coarser level (year, bands, *) depends on the year alone.</summary>
    public override ColumnReduction Reduction(int level) =>
        level <= 0 || level >= Levels ? ColumnReduction.None
        : level < Levels - 1 && _steps[level - 1] == Month ? new(PushdownReduction.TruncateToMonth)
        : new(PushdownReduction.TruncateToYear);

    public override string? Generalize(ReadOnlySpan<char> value, int level)
    {
        if ((value.Length != 10 && (value.Length < 11 || value[10] is not (' ' or 'T')))
            || !DateOnly.TryParseExact(value[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
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
        var band = date.Year - (date.Year % 5);
        return _steps[level - 1] switch
        {
            Month => date.ToString("yyyy-MM", CultureInfo.InvariantCulture),
            Year => date.Year.ToString("0000", CultureInfo.InvariantCulture),
            FiveYears => string.Create(CultureInfo.InvariantCulture, $"{band:0000}-{band + 4:0000}"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{date.Year - (date.Year % 10):0000}-{date.Year - (date.Year % 10) + 9:0000}"),
        };
    }
}
