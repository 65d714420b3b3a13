using Portal.Connectors.Anonymization.Hierarchies;
using Portal.Connectors.Sources.Files;

namespace Portal.Connectors.Anonymization.Generalization;

/// <summary>
/// The owner's offline search (`Portal generalize …`): the profile's quasi-identifiers with hierarchy transforms span
/// the lattice, the CSV file's records are counted into distinct combinations once, and the Flash search picks the
/// levels. Consent rules are not applied here: the search sees every record of the file.
/// </summary>
public static class OfflineGeneralizer
{
    /// <param name="inputPath">A CSV file, ',' or ';' separated (whichever the header line holds more of), with a header line.</param>
    public static async Task<GeneralizationResult> RunAsync(
        string profilePath, string inputPath, GeneralizationSettings settings, string? sensitiveColumn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var profile = await AnonymizationProfile.LoadAsync(profilePath, cancellationToken).ConfigureAwait(false);
        var input = await ReadAsync(profile, inputPath, sensitiveColumn, cancellationToken).ConfigureAwait(false);
        return FlashSearch.Run(input, settings);
    }

    public static async Task<GeneralizationInput> ReadAsync(
        AnonymizationProfile profile, string inputPath, string? sensitiveColumn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var quasi = profile.Columns.Where(c => c.Class == ColumnClass.QuasiIdentifier).ToList();
        if (quasi.FirstOrDefault(c => c.Transform.LoadedHierarchy is null) is { } plain)
        {
            throw new GeneralizationException("generalization.hierarchy.missing", $"column {plain.Name}: a quasi-identifier needs a hierarchy transform for the search to choose its level");
        }
        var full = Path.GetFullPath(inputPath);
        var path = FileRoots.Confine(Path.GetDirectoryName(full)!, Path.GetFileName(full));
        var names = quasi.Select(c => c.Name).ToList();
        // A computed hierarchy (dates, numbers, postcodes) has no list of values: the lattice numbers the groups of
        // the values this file holds, so those are collected in a first pass.
        var present = quasi.Select(c => c.Transform.LoadedHierarchy is ComputedHierarchy ? new HashSet<string>(StringComparer.Ordinal) : null).ToArray();
        if (present.Any(p => p is not null))
        {
            await ForEachRecordAsync(path, names, null, (values, _) =>
            {
                for (var q = 0; q < values.Length; q++)
                {
                    present[q]?.Add(values[q]);
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        var hierarchies = quasi.Select((c, q) => HierarchyLevels.Build(c.Name, c.Transform.LoadedHierarchy switch
        {
            ComputedHierarchy computed => computed.Materialize(c.Name, present[q]!),
            var table => (GeneralizationHierarchy)table!,
        })).ToList();
        var builder = new GeneralizationInputBuilder(hierarchies, sensitiveColumn);
        await ForEachRecordAsync(path, names, sensitiveColumn, builder.Add, cancellationToken).ConfigureAwait(false);
        return builder.Build();
    }

    /// <summary>Reads the file once, handing each record's quasi-identifier values (trimmed) and sensitive value to <paramref name="add"/>.</summary>
    private static async Task ForEachRecordAsync(
        string path, List<string> quasi, string? sensitiveColumn, Action<string[], string?> add, CancellationToken cancellationToken)
    {
        var delimiter = DelimiterOf(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        using var parser = new CsvParser(stream, Path.GetFileName(path), new CsvOptions { Delimiter = delimiter });
        var fields = new List<string?>();
        if (!await parser.ReadRecordAsync(fields, cancellationToken).ConfigureAwait(false))
        {
            throw new GeneralizationException("generalization.input.empty", $"{parser.Name}: the file is empty");
        }
        var header = fields.Select(f => f ?? "").ToList();
        var positions = quasi.Select(c => IndexOf(header, c, parser.Name)).ToArray();
        var sensitivePosition = sensitiveColumn is null ? -1 : IndexOf(header, sensitiveColumn, parser.Name);
        var values = new string[positions.Length];
        while (await parser.ReadRecordAsync(fields, cancellationToken).ConfigureAwait(false))
        {
            for (var q = 0; q < positions.Length; q++)
            {
                // Trimmed as the hierarchy transform trims, so the search and the export read the same values.
                values[q] = positions[q] < fields.Count ? fields[positions[q]]?.Trim() ?? "" : "";
            }
            var sensitive = sensitivePosition >= 0 && sensitivePosition < fields.Count ? fields[sensitivePosition]?.Trim() : null;
            try
            {
                add(values, sensitive);
            }
            catch (GeneralizationException e)
            {
                throw new GeneralizationException("generalization.input.invalid", $"{parser.Name} line {parser.RecordLine}: {e.Message}", e);
            }
        }
    }

    private static int IndexOf(List<string> header, string column, string file)
    {
        var index = header.FindIndex(h => h.Trim() == column);
        return index >= 0 ? index : throw new GeneralizationException("generalization.input.column_unknown", $"{file}: no column {column} in the header line");
    }

    private static char DelimiterOf(string path)
    {
        using var reader = new StreamReader(path);
        var header = reader.ReadLine() ?? "";
        return header.Count(c => c == ';') > header.Count(c => c == ',') ? ';' : ',';
    }
}
