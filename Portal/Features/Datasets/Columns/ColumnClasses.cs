namespace Portal.Features.Datasets.Columns;

/// <summary>Reading an owner's class changes ({ "mrn": "DirectIdentifier" }) against the dataset's columns.</summary>
public static class ColumnClasses
{
    /// <summary>The changes, parsed; every name must be a column of the dataset and every class known (names, not numbers).</summary>
    public static Outcome<Dictionary<string, ColumnClass>> Parse(Dataset d, IReadOnlyDictionary<string, string> columns)
    {
        ArgumentNullException.ThrowIfNull(d);
        ArgumentNullException.ThrowIfNull(columns);
        var parsed = new Dictionary<string, ColumnClass>(StringComparer.Ordinal);
        foreach (var (name, text) in columns)
        {
            if (d.Columns.All(c => c.Name != name))
            {
                return Failure.Invalid("dataset.column.unknown", $"columns.{name}", $"\"{name}\" is not a column of this dataset.");
            }
            if (!Enum.TryParse<ColumnClass>(text, ignoreCase: true, out var cls) || !Enum.GetNames<ColumnClass>().Contains(text, StringComparer.OrdinalIgnoreCase))
            {
                return Failure.Invalid("dataset.column.class_unknown", $"columns.{name}",
                    $"\"{text}\" is not a class; use one of {string.Join(", ", Enum.GetNames<ColumnClass>())}.");
            }
            parsed[name] = cls;
        }
        return parsed;
    }

    /// <summary>The dataset's columns as they would be with the changes (copies: the tracked entity is not touched).</summary>
    public static List<DatasetColumn> With(Dataset d, IReadOnlyDictionary<string, ColumnClass>? changes)
    {
        ArgumentNullException.ThrowIfNull(d);
        return [.. d.Columns.Select(c => new DatasetColumn
        {
            Name = c.Name,
            DataType = c.DataType,
            Description = c.Description,
            Classification = changes is not null && changes.TryGetValue(c.Name, out var cls) ? cls : c.Classification,
        })];
    }

    /// <summary>Applies the changes; the audit details ("Sensitive → QuasiIdentifier") of the columns that changed.</summary>
    public static Dictionary<string, string> Apply(Dataset d, IReadOnlyDictionary<string, ColumnClass> changes)
    {
        ArgumentNullException.ThrowIfNull(d);
        ArgumentNullException.ThrowIfNull(changes);
        var changed = new Dictionary<string, string>();
        foreach (var column in d.Columns)
        {
            if (changes.TryGetValue(column.Name, out var cls) && column.Classification != cls)
            {
                changed[column.Name] = $"{column.Classification} → {cls}";
                column.Classification = cls;
            }
        }
        return changed;
    }
}
