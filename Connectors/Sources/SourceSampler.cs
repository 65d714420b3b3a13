namespace Portal.Connectors.Sources;

/// <summary>
/// The first few rows of a source exactly as stored, for the owner's column classification: no consent filter, no
/// transform. Read-only (PostgreSQL: the export's read-only snapshot, the COPY cancelled after the last row wanted).
/// Never hand these rows to anyone but the dataset's owner and stewards.
/// </summary>
public static class SourceSampler
{
    public const int MaxRows = 100;

    /// <returns>Column names, and up to <paramref name="rows"/> rows of canonical text values (null for SQL NULL).</returns>
    public static async Task<(IReadOnlyList<string> Columns, IReadOnlyList<string?[]> Rows)> ReadAsync(
        ExportSource source, int rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, MaxRows);
        var schema = await source.DescribeAsync(cancellationToken).ConfigureAwait(false);
        await using var session = await source.OpenSessionAsync(cancellationToken).ConfigureAwait(false);
        await using var reader = await session.OpenReaderAsync(new ReadPlan(schema.Columns, []), cancellationToken).ConfigureAwait(false);
        var row = new Rows.Cell[schema.Columns.Count];
        var sample = new List<string?[]>(rows);
        while (sample.Count < rows && await reader.ReadAsync(row, cancellationToken).ConfigureAwait(false))
        {
            // Text cells may be views of the reader's buffers: copy them out before the next row.
            sample.Add([.. row.Select(c => c.IsNull ? null : c.ToString())]);
        }
        return (schema.Columns.Select(c => c.Name).ToList(), sample);
    }
}
