namespace Portal.Kernel.Access;

/// <summary>The columns a request or grant names: ones the dataset has, without duplicates; null means every column the profile lets out.</summary>
public static class ColumnRules
{
    public const int ColumnsMax = 500;

    public static Outcome<List<string>?> Check(Dataset dataset, IReadOnlyList<string>? columns, string field)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (columns is null)
        {
            return Outcome.Ok<List<string>?>(null);
        }
        if (columns.Count == 0)
        {
            return Failure.Invalid("access.columns.empty", field, $"{field} is empty; leave it out for every column the anonymization profile lets out.");
        }
        if (columns.Count > ColumnsMax)
        {
            return Failure.Invalid("access.columns.too_many", field, $"{field} lists more than {ColumnsMax} columns.");
        }
        var known = dataset.Columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var unknown = columns.Where(c => c is null || !known.Contains(c)).Select(c => c ?? "(null)").ToList();
        if (unknown.Count > 0)
        {
            var named = string.Join(", ", unknown.Take(5).Select(c => $"\"{c[..Math.Min(c.Length, 64)]}\""));
            return Failure.Invalid("access.columns.unknown", field, $"\"{dataset.Name}\" has no column {named}.");
        }
        return columns.Distinct(StringComparer.Ordinal).ToList();
    }
}
