namespace Portal.Connectors.Anonymization;

/// <summary>What a manifest says about the classes, from their sizes (ARX's semantics: classes below k are suppressed).</summary>
internal static class ClassSummary
{
    /// <summary>Smallest class of at least <paramref name="k"/> rows, number of such classes, and rows/classes below k.</summary>
    public static (long? Smallest, long Kept, long SuppressedRows, long SuppressedClasses) Of(IEnumerable<long> sizes, int k)
    {
        long? smallest = null;
        long kept = 0, suppressedRows = 0, suppressedClasses = 0;
        foreach (var size in sizes)
        {
            if (size == 0)
            {
                continue;
            }
            if (size < k)
            {
                suppressedRows += size;
                suppressedClasses++;
                continue;
            }
            kept++;
            smallest = smallest is null ? size : Math.Min(smallest.Value, size);
        }
        return (smallest, kept, suppressedRows, suppressedClasses);
    }
}
