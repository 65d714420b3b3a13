namespace Portal.Connectors.Anonymization.Risk;

/// <summary>
/// Re-identification risk of a release, from the sizes of its equivalence classes (suppressed records excluded).
/// Prosecutor model: the attacker knows the person is in the release, so a record's risk is 1 / its class size.
/// Marketer model: the attacker re-identifies as many records as possible, on average one per class.
/// With the release taken as the whole population, the average prosecutor risk and the marketer risk are the same
/// number (classes / records); both are given because readers look for either name.
/// </summary>
public sealed record ReidentificationRisk
{
    /// <summary>Share of records above which a record's risk counts as high, when none is given (ARX's default view: 20 %).</summary>
    public const double DefaultThreshold = 0.2;

    public long Records { get; init; }

    public long Classes { get; init; }

    /// <summary>1 / the smallest class; 0 for an empty release.</summary>
    public double HighestProsecutorRisk { get; init; }

    /// <summary>Mean over records of 1 / class size = classes / records.</summary>
    public double AverageProsecutorRisk { get; init; }

    public double Threshold { get; init; }

    /// <summary>Share of records whose risk (1 / class size) exceeds <see cref="Threshold"/>.</summary>
    public double RecordsAboveThreshold { get; init; }

    /// <summary>Share of records alone in their class.</summary>
    public double SampleUniques { get; init; }

    /// <summary>Expected share of records re-identified by an attacker who targets everyone: classes / records.</summary>
    public double MarketerRisk { get; init; }

    public static ReidentificationRisk FromClassSizes(IEnumerable<long> sizes, double threshold = DefaultThreshold)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (threshold is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), "the threshold is a share between 0 and 1");
        }
        long records = 0, classes = 0, smallest = long.MaxValue, above = 0, uniques = 0;
        foreach (var size in sizes)
        {
            if (size <= 0)
            {
                continue;
            }
            records += size;
            classes++;
            smallest = Math.Min(smallest, size);
            // 1 / size > threshold, without dividing: exact for the integer sizes.
            if (threshold * size < 1)
            {
                above += size;
            }
            if (size == 1)
            {
                uniques++;
            }
        }
        if (records == 0)
        {
            return new ReidentificationRisk { Threshold = threshold };
        }
        var share = (double)classes / records;
        return new ReidentificationRisk
        {
            Records = records,
            Classes = classes,
            HighestProsecutorRisk = 1.0 / smallest,
            AverageProsecutorRisk = share,
            Threshold = threshold,
            RecordsAboveThreshold = (double)above / records,
            SampleUniques = (double)uniques / records,
            MarketerRisk = share,
        };
    }
}
