using Portal.Connectors.Anonymization;
using Portal.Connectors.Anonymization.Transforms;
using Portal.Connectors.Rows;
using Portal.Connectors.Sources;
using Portal.Connectors.Writers;

namespace Portal.Connectors;

/// <summary>
/// The export worked out against the source's real schema before a byte is written: which columns are read,
/// how each delivered column is transformed, which form the equivalence classes. Every mismatch between
/// profile, request and source is reported here, naming the column.
/// </summary>
internal sealed class ExportPlan
{
    public required ReadPlan Read { get; init; }

    /// <summary>Per read column: the type to convert text to, or null to keep the value as read.</summary>
    public required ColumnType?[] Conversions { get; init; }

    public required IReadOnlyList<OutputColumn> Output { get; init; }

    /// <summary>Per delivered column: index into the read row, and its transform.</summary>
    public required int[] OutputSource { get; init; }

    public required ColumnTransform[] Transforms { get; init; }

    /// <summary>Indexes into the delivered row of the quasi-identifiers.</summary>
    public required int[] QuasiIdentifiers { get; init; }

    /// <summary>The quasi-identifiers as the source has them, for pushdown grouping.</summary>
    public required IReadOnlyList<GroupingColumn> Grouping { get; init; }

    /// <summary>Indexes into the read row of the consent columns.</summary>
    public required int[] Consent { get; init; }

    /// <summary>Index into the read row of the subject column, or -1.</summary>
    public required int Subject { get; init; }

    public required int K { get; init; }

    public required IReadOnlyList<ManifestColumn> ManifestColumns { get; init; }

    /// <summary>
    /// The plan of a first-pass class count: reads only the quasi-identifiers' source columns and delivers the
    /// quasi-identifiers, with this plan's transforms (so it belongs to the same thread as this plan). Consent is left
    /// to the source (<see cref="ExportSource.FiltersConsent"/>); no subject, as in a count inside the source.
    /// </summary>
    public ExportPlan QuasiIdentifiersOnly()
    {
        var read = new List<SourceColumn>();
        var conversions = new List<ColumnType?>();
        var sources = new int[QuasiIdentifiers.Length];
        for (var i = 0; i < sources.Length; i++)
        {
            var r = OutputSource[QuasiIdentifiers[i]];
            var j = read.IndexOf(Read.Columns[r]);
            if (j < 0)
            {
                read.Add(Read.Columns[r]);
                conversions.Add(Conversions[r]);
                j = read.Count - 1;
            }
            sources[i] = j;
        }
        return new ExportPlan
        {
            Read = new ReadPlan(read, Read.ConsentColumns),
            Conversions = conversions.ToArray(),
            Output = QuasiIdentifiers.Select(o => Output[o]).ToArray(),
            OutputSource = sources,
            Transforms = QuasiIdentifiers.Select(o => Transforms[o]).ToArray(),
            QuasiIdentifiers = Enumerable.Range(0, sources.Length).ToArray(),
            Grouping = Grouping,
            Consent = [],
            Subject = -1,
            K = K,
            ManifestColumns = ManifestColumns,
        };
    }

    /// <param name="sourceFiltersConsent">The source applies the consent rules itself (<see cref="ExportSource.FiltersConsent"/>): its consent columns are not read.</param>
    public static ExportPlan Create(ExportRequest request, SourceSchema schema, bool sourceFiltersConsent = false)
    {
        var profile = request.Profile;
        if (request.GrantKey is not { Length: >= 16 })
        {
            throw new ConnectorException("export.key.too_short", "the grant key must have at least 16 bytes (derive it with KeyDerivation.ForGrant)");
        }
        if (string.IsNullOrWhiteSpace(request.Purpose))
        {
            throw new ConnectorException("export.purpose.required", "a declared purpose is required");
        }
        foreach (var column in profile.Columns)
        {
            var source = schema.Find(column.Name)
                ?? throw new ConnectorException("profile.column.unknown", $"column '{column.Name}' of profile '{profile.Name}' is not in source {schema.Source}");
            if (column.Type is { } declared && source.Type != ColumnType.Text && source.Type != declared)
            {
                throw new ConnectorException("profile.column.type_mismatch", $"column '{column.Name}': the profile declares {declared} but source {schema.Source} has {source.SourceType}");
            }
        }

        var read = new List<SourceColumn>();
        int ReadIndex(string name)
        {
            var i = read.FindIndex(c => c.Name == name);
            if (i >= 0)
            {
                return i;
            }
            read.Add(schema.Find(name) ?? throw new ConnectorException("source.column.missing", $"column '{name}' is not in source {schema.Source}"));
            return read.Count - 1;
        }

        var rules = profile.Consent.Where(r => r.Covers(request.Purpose)).ToArray();
        if (profile.Consent.Count > 0 && rules.Length == 0)
        {
            throw new ConnectorException("profile.consent.no_rule", $"no consent column of profile '{profile.Name}' covers purpose '{request.Purpose}': nothing may be exported for it");
        }
        foreach (var rule in rules)
        {
            var column = schema.Find(rule.Column) ?? throw new ConnectorException("source.column.missing", $"column '{rule.Column}' is not in source {schema.Source}");
            if (column.Type is not (ColumnType.Boolean or ColumnType.Text))
            {
                throw new ConnectorException("profile.consent.not_boolean", $"consent column '{column.Name}' must be boolean, source {schema.Source} has {column.SourceType}");
            }
        }
        var consent = sourceFiltersConsent ? [] : rules.Select(r => ReadIndex(r.Column)).ToArray();
        var subject = profile.SubjectColumn is { } s ? ReadIndex(s) : -1;

        var names = request.Columns ?? profile.Columns.Where(c => c.Transform.Type != TransformTypes.Drop).Select(c => c.Name).ToArray();
        if (names.Count == 0)
        {
            throw new ConnectorException("export.columns.none", "no column to deliver");
        }
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
        {
            throw new ConnectorException("export.columns.duplicate", "a requested column is listed twice");
        }
        var output = new List<OutputColumn>();
        var outputSource = new List<int>();
        var transforms = new List<ColumnTransform>();
        var quasi = new List<int>();
        var grouping = new List<GroupingColumn>();
        var manifest = new List<ManifestColumn>();
        foreach (var name in names)
        {
            var column = profile.Find(name) ?? throw new ConnectorException("export.column.unclassified", $"column '{name}' is not in profile '{profile.Name}': unclassified columns are never delivered");
            var transform = TransformFactory.Create(column, request.GrantKey)
                ?? throw new ConnectorException("export.column.dropped", $"column '{name}' is dropped by profile '{profile.Name}'");
            var index = ReadIndex(name);
            var inputType = column.Type ?? read[index].Type;
            if (!transform.Accepts(inputType))
            {
                throw new ConnectorException("profile.transform.type_mismatch", $"column '{name}': transform {column.Transform.Type} cannot take {inputType} values");
            }
            var type = transform.OutputType(inputType);
            if (column.Class == ColumnClass.QuasiIdentifier)
            {
                quasi.Add(output.Count);
                grouping.Add(new GroupingColumn(read[index], transform.Reduction));
            }
            output.Add(new OutputColumn(name, type));
            outputSource.Add(index);
            transforms.Add(transform);
            manifest.Add(new ManifestColumn(name, column.Class, transform.Describe(), type.ToString()));
        }
        foreach (var column in profile.Columns.Where(c => !names.Contains(c.Name)))
        {
            manifest.Add(new ManifestColumn(column.Name, column.Class, "drop", "-"));
        }

        var conversions = read.Select(c => c.Type == ColumnType.Text && profile.Find(c.Name)?.Type is { } t && t != ColumnType.Text ? t : (ColumnType?)null).ToArray();
        foreach (var i in consent)
        {
            conversions[i] = ColumnType.Boolean;
        }

        return new ExportPlan
        {
            Read = new ReadPlan(read, rules.Select(r => r.Column).ToArray()),
            Conversions = conversions,
            Output = output,
            OutputSource = outputSource.ToArray(),
            Transforms = transforms.ToArray(),
            QuasiIdentifiers = quasi.ToArray(),
            Grouping = grouping,
            Consent = consent,
            Subject = subject,
            K = Math.Max(Math.Max(1, request.K), profile.K),
            ManifestColumns = manifest,
        };
    }
}
